#!/usr/bin/python3
"""Hotplug monitor against fake USB modems (umockdev) and callstack-modem-sim.

The monitor runs in hotplug-monitor-tool (src/hotplug on a GLib loop, no
daemon) under umockdev-wrapper; it prints JSON events.  Cases: modem present
at start; added at runtime; removed; removed while probing; removed and
re-added; two modems of different families; a non-modem serial adapter
ignored and never opened; a modem whose AT port is not the first
interface; the probe sends only the safe commands (simulator `log`).
Exit 0 pass, 1 fail, 77 skip.
"""

import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import umodem  # noqa: E402

# "\x1b" is the ESC CR sent first: it leaves a stale SMS "> " prompt, it is no command
SAFE = {"\x1b", "AT", "ATE0", "AT+CGMI", "AT+CGMM", "AT+CGMR", "AT+GCAP", "ATI"}
TOOL = os.path.join(umodem.BUILD, "tests", "integration", "hotplug", "hotplug-monitor-tool")

SIM7600 = ("1e0e", "9001", [(0, "ff/ff/ff", "silent"), (1, "ff/00/00", "nmea"), (2, "ff/00/00", "sim"),
                            (3, "ff/00/00", "silent"), (4, "ff/00/00", "silent")], "sim7600")
EC25 = ("2c7c", "0125", [(0, "ff/ff/ff", "silent"), (1, "ff/00/00", "nmea"), (2, "ff/00/00", "sim"),
                         (3, "ff/00/00", "silent")], "quectel-ec25")
ME909 = ("12d1", "15c1", [(0, "ff/02/01", "silent"), (1, "ff/02/03", "silent"), (2, "ff/02/02", "sim")],
         "huawei-me909")
# u-blox TOBY-L4: interface 2 is a secondary AT port that stays silent here,
# the primary AT port is interface 6
TOBY_L4 = ("1546", "1010", [(2, "02/02/01", "silent"), (4, "02/02/01", "silent"), (6, "02/02/01", "sim")],
           "ublox-lara-r2")
FTDI = ("0403", "6001", [(0, "ff/ff/ff", "sim")], "sim800")


class Tool:
    def __init__(self, tb, tmp, settle_ms=100):
        self.events = queue.Queue()
        self.all = []
        self.stderr = open(os.path.join(tmp, "tool.log"), "w+")
        cmd = [TOOL, "--settle-ms", str(settle_ms), "--probe-timeout-ms", "400",
               "--profiles", os.path.join(umodem.SRC, "profiles"), "--debug"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.stderr, text=True, env=tb.env())
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.wait("started", 10)

    def _read(self):
        for line in self.proc.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            ev["_t"] = time.monotonic()
            self.all.append(ev)
            self.events.put(ev)

    def wait(self, kind, timeout=5, pred=None):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no '{kind}' event within {timeout}s; got {self.all}; "
                                     f"log: {self.log()[-2000:]}")
            try:
                ev = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if ev["event"] == kind and (pred is None or pred(ev)):
                return ev

    def expect_quiet(self, seconds, kinds=("added", "removed")):
        time.sleep(seconds)
        while not self.events.empty():
            ev = self.events.get()
            if ev["event"] in kinds:
                raise AssertionError(f"unexpected event {ev}")

    def log(self):
        self.stderr.flush()
        self.stderr.seek(0)
        return self.stderr.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                rc = self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("monitor tool did not exit on SIGTERM")
            if rc != 0:
                raise AssertionError(f"monitor tool exited {rc}: {self.log()[-3000:]}")


def add(tb, spec, **kw):
    vid, pid, ports, profile = spec
    return tb.add_modem(vid, pid, ports, profile=profile, **kw)


def assert_safe_only(modem):
    for p in modem.ports:
        if p.sim:
            for cmd in p.sim.at_log():
                c = cmd.strip()
                assert c.upper() in SAFE, f"probe sent {c!r} to {p.devnode} (not in the safe list)"


def roles(ev):
    return {path: role for path, role in ev["ports"]}


def test_present_at_start_and_safe_commands_only(tb, tmp):
    m = add(tb, SIM7600)
    t = Tool(tb, tmp)
    try:
        ev = t.wait("added", 10)
        assert ev["profile"] == "sim7600", ev
        assert ev["at"] == m.port(2).devnode, ev
        r = roles(ev)
        assert r[m.port(0).devnode] == "diag"
        assert r[m.port(1).devnode] == "gnss"
        assert r[m.port(3).devnode] == "ppp"
        assert r[m.port(4).devnode] == "audio"
        assert ev["manufacturer"] == "SIMCOM INCORPORATED" and "SIM7600" in ev["model"], ev
        log = m.port(2).sim.at_log()
        assert [c.upper() for c in log[:3]] == ["\x1b", "AT", "ATE0"], log
        assert_safe_only(m)
        # the NMEA port (role gnss) was never written to
        for th in tb.threads:
            assert th.received == b"", th.received
    finally:
        t.stop()


def test_added_at_runtime_then_removed_then_readded(tb, tmp):
    t = Tool(tb, tmp)
    try:
        t.expect_quiet(0.3)
        m = add(tb, EC25)
        ev = t.wait("added", 10)
        assert ev["profile"] == "quectel-ec25", ev
        assert ev["at"] == m.port(2).devnode
        key = ev["key"]
        assert_safe_only(m)
        tb.remove_modem(m)
        rem = t.wait("removed", 5)
        assert rem["key"] == key
        m2 = add(tb, EC25)
        ev2 = t.wait("added", 10)
        assert ev2["profile"] == "quectel-ec25"
        assert ev2["at"] == m2.port(2).devnode
    finally:
        t.stop()


def test_removed_while_probing(tb, tmp):
    t = Tool(tb, tmp, settle_ms=50)
    try:
        m = add(tb, EC25, latency_ms=400)
        time.sleep(0.2)  # settle done, probe in flight (first answer takes 400 ms)
        tb.remove_modem(m)
        t.expect_quiet(1.0, kinds=("added",))
        # still alive and working
        m2 = add(tb, ME909)
        ev = t.wait("added", 10)
        assert ev["profile"] == "huawei-me909", ev
        assert ev["at"] == m2.port(2).devnode
    finally:
        t.stop()


def test_two_modems_of_different_families(tb, tmp):
    a = add(tb, SIM7600)
    b = add(tb, ME909)
    t = Tool(tb, tmp)
    try:
        e1 = t.wait("added", 10)
        e2 = t.wait("added", 10)
        got = {e["profile"]: e for e in (e1, e2)}
        assert set(got) == {"sim7600", "huawei-me909"}, got
        assert got["sim7600"]["at"] == a.port(2).devnode
        assert got["huawei-me909"]["at"] == b.port(2).devnode
        assert roles(got["huawei-me909"])[b.port(0).devnode] == "ppp"
        assert got["sim7600"]["key"] != got["huawei-me909"]["key"]
        assert_safe_only(a)
        assert_safe_only(b)
    finally:
        t.stop()


def test_serial_adapter_ignored_never_opened(tb, tmp):
    f = add(tb, FTDI)
    assert f.port(0).props.get("ID_CALLSTACK_IGNORE") == "1", f.port(0).props
    t = Tool(tb, tmp)
    try:
        t.expect_quiet(1.0)
        assert f.port(0).sim.at_log() == [], "an ignored adapter received bytes"
        # a runtime-added adapter is ignored as well
        g = add(tb, FTDI)
        t.expect_quiet(0.8)
        assert g.port(0).sim.at_log() == []
    finally:
        t.stop()


def test_modem_given_to_modemmanager_never_opened(tb, tmp):
    """An administrator's ID_CALLSTACK_IGNORE=1 on a known modem: our rules
    set nothing (not even ID_MM_DEVICE_IGNORE) and the monitor never opens it."""
    m = add(tb, EC25, admin_env={"ID_CALLSTACK_IGNORE": "1"})
    for p in m.ports:
        assert "ID_CALLSTACK_CANDIDATE" not in p.props and "ID_MM_DEVICE_IGNORE" not in p.props, p.props
    t = Tool(tb, tmp)
    try:
        t.expect_quiet(1.0)
        assert m.port(2).sim.at_log() == [], "a port given to ModemManager was opened"
    finally:
        t.stop()


def test_admin_retags_claimed_modem_change_event(tb, tmp):
    """An administrator gives a running modem to ModemManager
    (ID_CALLSTACK_IGNORE=1, then `udevadm trigger` = a change uevent): the
    modem is removed and the port is not opened again."""
    m = add(tb, EC25)
    t = Tool(tb, tmp)
    try:
        ev = t.wait("added", 10)
        at = m.port(2)
        tb.tb.set_property(at.sysfs, "ID_CALLSTACK_IGNORE", "1")
        tb.tb.uevent(at.sysfs, "change")
        rem = t.wait("removed", 5)
        assert rem["key"] == ev["key"]
        n = len(at.sim.at_log())
        tb.tb.uevent(at.sysfs, "change")
        t.expect_quiet(0.8)
        assert len(at.sim.at_log()) == n, "a port given away was opened again"
    finally:
        t.stop()


def test_at_port_given_back_after_its_sibling_answered(tb, tmp):
    """The AT port (interface 2, slow) and the PPP port (3) both answer AT;
    the administrator takes the AT port away (IGNORE=1, change) and gives
    it back (IGNORE=0, change) while it no longer answers: the ports are
    probed again and the PPP port, which answers, becomes the AT port.
    (The monitor used to pick the PPP port from its first answer, whose
    probe was freed: a NULL dereference that took callstackd down.)"""
    spec = ("1e0e", "9001", [(0, "ff/ff/ff", "silent"), (1, "ff/00/00", "nmea"), (2, "ff/00/00", "sim"),
                             (3, "ff/00/00", "sim"), (4, "ff/00/00", "silent")], "sim7600")
    m = add(tb, spec)
    at, ppp = m.port(2), m.port(3)
    at.sim.control("delay 300")  # the PPP port's answer comes first
    t = Tool(tb, tmp)
    try:
        ev = t.wait("added", 10)
        assert ev["at"] == at.devnode, ev
        tb.tb.set_property(at.sysfs, "ID_CALLSTACK_IGNORE", "1")
        tb.tb.uevent(at.sysfs, "change")
        t.wait("removed", 5)
        at.sim.control("drop 1000")
        n_ppp = len(ppp.sim.at_log())
        tb.tb.set_property(at.sysfs, "ID_CALLSTACK_IGNORE", "0")
        tb.tb.uevent(at.sysfs, "change")
        ev = t.wait("added", 10)
        assert ev["at"] == ppp.devnode, ev
        assert roles(ev)[ppp.devnode] == "at" and roles(ev)[at.devnode] == "unknown", ev  # it did not answer
        assert len(ppp.sim.at_log()) > n_ppp, "the PPP port was not probed again"
        assert t.proc.poll() is None
        assert_safe_only(m)
    finally:
        t.stop()


def test_ignore_flag_spelled_yes_is_honoured(tb, tmp):
    """ID_CALLSTACK_IGNORE=yes (udev's own yes/no spellings) leaves the modem
    alone like =1; an unknown value too, with a warning."""
    for value in ("yes", "maybe"):
        m = add(tb, EC25)
        for p in m.ports:
            tb.tb.set_property(p.sysfs, "ID_CALLSTACK_IGNORE", value)
        t = Tool(tb, tmp)
        try:
            t.expect_quiet(1.0)
            assert all(not p.sim or p.sim.at_log() == [] for p in m.ports), value
            if value == "maybe":
                assert "not a yes/no flag" in t.log(), t.log()[-2000:]
        finally:
            t.stop()
        tb.remove_modem(m)


def test_at_port_not_first_interface(tb, tmp):
    m = add(tb, TOBY_L4)
    t = Tool(tb, tmp)
    try:
        ev = t.wait("added", 10)
        assert ev["at"] == m.port(6).devnode, ev
        assert ev["profile"] == "ublox-lara-r2", ev
        assert roles(ev)[m.port(4).devnode] == "diag"
        assert_safe_only(m)
    finally:
        t.stop()


def main():
    umodem.reexec_under_wrapper()
    if not os.access(TOOL, os.X_OK):
        print(f"skip: {TOOL} not built", file=sys.stderr)
        return 77
    if not shutil.which("umockdev-wrapper"):
        print("skip: umockdev-wrapper not installed", file=sys.stderr)
        return 77
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]
    failed = skipped = 0
    only = sys.argv[1:]
    for name, fn in tests:
        if only and name not in only:
            continue
        tmp = tempfile.mkdtemp(prefix="callstack-hotplug-")
        tb = None
        try:
            tb = umodem.Testbed(tmp)
            t0 = time.monotonic()
            fn(tb, tmp)
            print(f"ok {name} ({time.monotonic() - t0:.2f}s)")
        except umodem.Skip as e:
            skipped += 1
            print(f"skip {name}: {e}", file=sys.stderr)
        except Exception:  # noqa: BLE001
            failed += 1
            print(f"FAIL {name}", file=sys.stderr)
            traceback.print_exc()
        finally:
            if tb:
                tb.close()
            if os.environ.get("CALLSTACK_KEEP_TMP") != "1":
                shutil.rmtree(tmp, ignore_errors=True)
    if failed:
        return 1
    if skipped == len(tests):
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
