#!/usr/bin/python3
"""callstackctl doctor under umockdev: --direct probes the candidate ports
itself (safe commands only, the ignored adapter never opened, serials
masked, profile and reason shown); without --direct it shows what
callstackd made of each port.  Exit 0 pass, 1 fail, 77 skip."""

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import umodem  # noqa: E402

umodem.reexec_under_wrapper()
sys.path.insert(0, os.path.join(umodem.SRC, "tests", "integration"))
import harness  # noqa: E402

from test_hotplug_daemon import World  # noqa: E402
from test_hotplug_monitor import FTDI, SAFE, SIM7600, add  # noqa: E402

CTL = os.path.join(umodem.BUILD, "src", "ctl", "callstackctl")


def doctor(tb, *args, bus=None, profiles_dir=None):
    harness.require_programs(CTL)
    env = tb.env()
    env["CALLSTACK_PROFILES_DIR"] = profiles_dir or os.path.join(umodem.SRC, "profiles")
    cmd = [CTL] + (["--bus-address", bus] if bus else []) + ["doctor"] + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, (r.returncode, r.stdout, r.stderr)
    return r.stdout


def section(out, devnode):
    m = re.search(rf"^{re.escape(devnode)}\n((?:  .*\n)*)", out, re.M)
    assert m, f"{devnode} not listed:\n{out}"
    return m.group(1)


def test_doctor_direct_probes_candidates_only():
    w = World()
    try:
        m = add(w.tb, SIM7600)
        f = add(w.tb, FTDI)
        out = doctor(w.tb, "--direct")
        profiles = os.path.join(umodem.SRC, "profiles")
        assert re.search(rf"^profiles: [1-9]\d* loaded from {re.escape(profiles)}$", out, re.M), out
        at = section(out, m.port(2).devnode)
        assert "usb:       1e0e:9001 interface 2" in at, at
        assert "ID_CALLSTACK_PORT_ROLE=at" in at, at
        assert "AT+CGMI -> OK: SIMCOM INCORPORATED" in at, at
        assert "profile:   sim7600, because its AT+CGMM answer matches" in at, at
        assert "role:      at (from udev)" in at, at
        gnss = section(out, m.port(1).devnode)
        assert "skipped (role gnss" in gnss, gnss
        ftdi = section(out, f.port(0).devnode)
        assert "ignored (ID_CALLSTACK_IGNORE=1" in ftdi, ftdi
        assert "skipped" in ftdi, ftdi
        assert f.port(0).sim.at_log() == [], "doctor opened an ignored adapter"
        sent = [c.strip().upper() for c in m.port(2).sim.at_log()]
        assert sent and all(c in SAFE for c in sent), sent
        assert not re.search(r"\d{14,}", out), "an identifier reached the output"
    finally:
        w.close(True)


def test_doctor_direct_says_no_profiles_were_loaded():
    """Run from a build tree (profiles not installed), doctor said only
    'generic, because no profile claims it'."""
    w = World()
    try:
        m = add(w.tb, SIM7600)
        empty = os.path.join(w.h.tmp, "no-profiles")
        os.makedirs(empty, exist_ok=True)
        out = doctor(w.tb, "--direct", profiles_dir=empty)
        line = next((l for l in out.splitlines() if l.startswith("profiles: ")), None)
        assert line, out
        if not line.startswith("profiles: 0 loaded"):
            return  # profiles installed on this machine: nothing to check
        assert f"(looked in {empty}, " in line, line
        assert "CALLSTACK_PROFILES_DIR" in line and "--profiles-dir" in line, line
        assert out.index(line) < out.index(m.port(2).devnode), out
        assert "profile:   generic, because no profile claims it" in section(out, m.port(2).devnode), out
    finally:
        w.close(True)


def test_doctor_shows_daemon_view():
    w = World()
    try:
        m = add(w.tb, SIM7600)
        w.start()
        path = w.modem_by_port(m.port(2).devnode)
        w.wait_ready(path)
        out = doctor(w.tb, bus=w.h.bus.address)
        assert f"{path}: SIMCOM INCORPORATED" in out and "profile sim7600" in out, out
        assert f"{m.port(2).devnode} as at" in out, out
        assert f"{m.port(4).devnode} as audio" in out, out
    finally:
        w.close(True)


if __name__ == "__main__":
    harness.main(globals())
