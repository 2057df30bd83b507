#!/usr/bin/python3
"""callstackd with hotplug under umockdev: fake USB modems whose ttys are
served by callstack-modem-sim; the daemon finds them through udev (no
--port), probes them and puts them on a private system bus.

Cases: present at start (profile, capabilities, port roles); added at
runtime; removed mid-command (the call fails, the object goes); removed
and re-added (new object path); a non-modem adapter ignored; the AT port
found when it is not the first interface; only safe commands before the
modem's own initialisation.  Exit 0 pass, 1 fail, 77 skip.
"""

import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import umodem  # noqa: E402

umodem.reexec_under_wrapper()
sys.path.insert(0, os.path.join(umodem.SRC, "tests", "integration"))
import harness  # noqa: E402
from harness import MODEM_IFACE, Harness, wait_until  # noqa: E402

from test_hotplug_monitor import EC25, FTDI, ME909, SAFE, SIM7600, TOBY_L4, add  # noqa: E402

DAEMON_ARGS = ["--profiles-dir", os.path.join(umodem.SRC, "profiles"), "--settle-ms", "100",
               "--signal-interval", "0"]


class World:
    """Harness (bus, polkit mock) + umockdev testbed + callstackd under the preload."""

    def __init__(self):
        self.h = Harness(sims=0, daemon=False, allowed=harness.ALL_ACTIONS)
        self.h.__enter__()
        try:
            self.tb = umodem.Testbed(self.h.tmp)
        except umodem.Skip as e:
            self.h.__exit__(None, None, None)
            harness.skip(str(e))

    def start(self):
        env = self.tb.env()
        self.h.start_daemon(extra_args=DAEMON_ARGS,
                            env={k: env[k] for k in ("UMOCKDEV_DIR", "ASAN_OPTIONS")})

    def modem_by_port(self, devnode, timeout=10):
        def find():
            for p in self.h.modems():
                ports = self.h.get(p, MODEM_IFACE, "Ports")
                if any(path == devnode for path, _ in ports):
                    return p
            return None
        return wait_until(find, timeout, f"a modem with port {devnode}")

    def wait_ready(self, path, timeout=10):
        def ok():
            try:
                return self.h.get(path, MODEM_IFACE, "State") not in ("probing",)
            except Exception:  # noqa: BLE001
                return False
        wait_until(ok, timeout, f"{path} past probing")

    def close(self, ok):
        try:
            self.h.__exit__(None if ok else Exception, None, None)
        finally:
            self.tb.close()


def run(fn):
    w = World()
    ok = False
    try:
        fn(w)
        ok = True
    except Exception:
        log = w.h.daemon.log_text()[-4000:] if w.h.daemon else ""
        print(f"--- callstackd log ---\n{log}", file=sys.stderr)
        raise
    finally:
        w.close(ok)


def commands_before_init(port):
    """The AT commands a port received before the modem's own
    initialisation (AT+CMEE=1, the first non-probe command)."""
    out = []
    for c in port.sim.at_log():
        c = c.strip().upper()
        if c == "AT+CMEE=1":
            break
        out.append(c)
    return out


def test_present_at_start_profile_and_ports():
    def body(w):
        m = add(w.tb, SIM7600)
        w.start()
        path = w.modem_by_port(m.port(2).devnode)
        w.wait_ready(path)
        h = w.h
        assert h.get(path, MODEM_IFACE, "Profile") == "sim7600"
        caps = h.get(path, MODEM_IFACE, "Capabilities")
        assert caps.get("pcm-audio") == "supported" and caps.get("voice") == "supported", caps
        ports = dict(h.get(path, MODEM_IFACE, "Ports"))
        assert ports[m.port(2).devnode] == "at", ports
        assert ports[m.port(4).devnode] == "audio", ports
        assert ports[m.port(1).devnode] == "gnss", ports
        assert ports[m.port(0).devnode] == "diag", ports
        assert h.get(path, MODEM_IFACE, "Manufacturer") == "SIMCOM INCORPORATED"
        cmds = commands_before_init(m.port(2))
        assert cmds and all(c in SAFE for c in cmds), cmds
        # hotplug's identity is reused: the probe ran once, not twice
        assert cmds.count("AT+CGMI") == 1, cmds
    run(body)


def test_added_at_runtime_removed_and_readded_new_path():
    def body(w):
        w.start()
        assert w.h.modems() == []
        m = add(w.tb, EC25)
        path = w.modem_by_port(m.port(2).devnode)
        w.wait_ready(path)
        assert w.h.get(path, MODEM_IFACE, "Profile") == "quectel-ec25"
        w.tb.remove_modem(m)
        wait_until(lambda: path not in w.h.modems(), 10, f"{path} removed")
        m2 = add(w.tb, EC25)
        path2 = w.modem_by_port(m2.port(2).devnode)
        assert path2 != path, (path, path2)
        w.wait_ready(path2)
        assert w.h.get(path2, MODEM_IFACE, "Profile") == "quectel-ec25"
    run(body)


MSG = "org.callstack.Modem.Messaging"


def test_replug_same_imei_gets_history_back():
    """Unplug and plug the same modem (same IMEI): a new object path, and
    the SMS received before the unplug is listed again (the store keys
    history by a hash of the IMEI)."""
    def body(w):
        w.start()
        m = add(w.tb, EC25)
        path = w.modem_by_port(m.port(2).devnode)

        def listed(p):
            try:
                return w.h.call(p, MSG, "List")[0]
            except Exception:  # noqa: BLE001
                return None
        wait_until(lambda: listed(path) is not None, 15, "Messaging ready")
        m.port(2).sim.control("sms deliver +15555550123 replug-history-check")
        sms = wait_until(lambda: listed(path), 15, "the SMS stored")[0]
        assert w.h.call(sms, "org.callstack.SMS", "Read")[1] == "replug-history-check"
        w.tb.remove_modem(m)
        wait_until(lambda: path not in w.h.modems(), 10, f"{path} removed")
        m2 = add(w.tb, EC25)
        path2 = w.modem_by_port(m2.port(2).devnode)
        assert path2 != path
        sms2 = wait_until(lambda: listed(path2), 15, "the history back after replug")
        texts = [w.h.call(s_, "org.callstack.SMS", "Read")[1] for s_ in sms2]
        assert "replug-history-check" in texts, texts
    run(body)


def test_removed_mid_command():
    def body(w):
        m = add(w.tb, ME909)
        w.start()
        path = w.modem_by_port(m.port(2).devnode)
        w.wait_ready(path)
        m.port(2).sim.control("delay 3000")
        result = {}

        def call():
            try:
                result["reply"] = w.h.call(path, MODEM_IFACE, "Command", "(su)", ("AT+CSQ", 10000), timeout=20)
            except Exception as e:  # noqa: BLE001
                result["error"] = str(e)
        t = threading.Thread(target=call)
        t.start()
        time.sleep(0.5)
        w.tb.remove_modem(m)
        t.join(15)
        assert not t.is_alive(), "the call never returned after the unplug"
        assert "error" in result, result
        wait_until(lambda: path not in w.h.modems(), 10, f"{path} removed")
    run(body)


def test_two_families_adapter_ignored_at_port_not_first():
    def body(w):
        a = add(w.tb, ME909)
        f = add(w.tb, FTDI)
        b = add(w.tb, TOBY_L4)
        w.start()
        pa = w.modem_by_port(a.port(2).devnode)
        pb = w.modem_by_port(b.port(6).devnode)
        w.wait_ready(pa)
        w.wait_ready(pb)
        assert w.h.get(pa, MODEM_IFACE, "Profile") == "huawei-me909"
        assert w.h.get(pb, MODEM_IFACE, "Profile") == "ublox-lara-r2"
        assert dict(w.h.get(pb, MODEM_IFACE, "Ports"))[b.port(6).devnode] == "at"
        time.sleep(0.5)
        assert len(w.h.modems()) == 2, w.h.modems()
        assert f.port(0).sim.at_log() == [], "the ignored serial adapter was opened"
    run(body)


if __name__ == "__main__":
    harness.main(globals())
