#!/usr/bin/python3
"""callstackctl end to end against callstackd, the simulator and the
dbusmock polkit on a private system-like bus: list/show (text and JSON)
agree with the bus, identity allowed and denied (one-line explanation,
exit 4), raw AT allowed and denied (and then the modem received nothing),
PIN from stdin, monitor sees a property change injected in the simulator,
usage and unreachable-daemon exit codes."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from harness import MODEM_IFACE, NOBODY  # noqa: E402


def test_ctl_usage_errors_exit_2_without_a_bus():
    harness.require_programs(harness.callstackctl_path())
    ctl = harness.callstackctl_path()
    for args, msg in ((["frob"], "unknown command 'frob'"),
                      ([], "missing command"),
                      (["show", "1", "2"], "too many arguments"),
                      (["pin", "12"], "a PIN is 4 to 8 digits"),
                      (["at", "CSQ"], "starts with 'AT'"),
                      (["show", "/org/callstack/SMS/1"], "is not a modem"),
                      (["list", "--timeout", "5"], "takes no --timeout")):
        r = subprocess.run([ctl, "--bus-address", "unix:path=/nonexistent"] + args, capture_output=True, text=True)
        assert r.returncode == 2, (args, r.returncode, r.stderr)
        assert msg in r.stderr and r.stderr.count("\n") == 1, (args, r.stderr)
    # a mistyped port is an error, not "a port udev does not know"
    r = subprocess.run([ctl, "--bus-address", "unix:path=/nonexistent", "doctor", "/dev/callstack-no-such-port"],
                       capture_output=True, text=True)
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert r.stderr == "callstackctl: /dev/callstack-no-such-port: No such file or directory\n", r.stderr
    r = subprocess.run([ctl, "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "Usage: callstackctl" in r.stdout and "Exit status" in r.stdout
    assert all(len(line) <= 80 for line in r.stdout.splitlines()), r.stdout
    r = subprocess.run([ctl, "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("callstackctl ")


def test_ctl_unreachable_exit_3():
    harness.require_programs(harness.callstackctl_path())
    r = subprocess.run([harness.callstackctl_path(), "--bus-address", "unix:path=/nonexistent/bus", "list"],
                       capture_output=True, text=True)
    assert r.returncode == 3, (r.returncode, r.stderr)
    # the message names the address that failed, not the option
    assert r.stderr.startswith("callstackctl: cannot connect to the bus at unix:path=/nonexistent/bus: "), r.stderr
    with harness.Harness(daemon=False, polkit=None) as h:
        r = h.ctl("list")
        assert r.returncode == 3, (r.returncode, r.stderr)
        assert r.stderr == "callstackctl: callstackd is not running on this bus (no owner for org.callstack)\n"
        r = h.ctl("doctor")
        assert r.returncode == 0 and "\ncallstackd: not running on this bus;" in r.stdout, r.stdout


def test_ctl_doctor_without_modems_says_so():
    with harness.Harness(sims=0, allowed=harness.ALL_ACTIONS) as h:
        r = h.ctl("doctor")
        assert r.returncode == 0 and r.stdout.endswith("\ncallstackd:\n  no modems\n"), r.stdout


def stable(h, modem, *ctl_args, uid=None):
    """Runs callstackctl while the modem's properties hold still (the
    registration may still be settling right after the probe); returns
    (properties, CompletedProcess)."""
    for _ in range(20):
        before = h.get_all(modem, MODEM_IFACE)
        r = h.ctl(*ctl_args, uid=uid)
        if h.get_all(modem, MODEM_IFACE) == before:
            return before, r
        harness.pump(0.2)
    raise AssertionError("the modem's properties never held still")


def test_ctl_list_and_show_match_the_bus():
    # No signal polling: SignalQuality holds still while we compare.
    with harness.Harness(sims=1, daemon_args=["--signal-interval", "0"]) as h:
        modem = h.modems()[0]
        n = modem.rsplit("/", 1)[1]

        props, r = stable(h, modem, "list", uid=NOBODY)
        assert r.returncode == 0, r.stderr
        lines = r.stdout.splitlines()
        assert len(lines) == 1 and lines[0].startswith(modem + " "), r.stdout
        assert props["Model"] in lines[0] and props["State"] in lines[0], (lines, props)

        props, r = stable(h, modem, "list", "--json")
        assert r.returncode == 0, r.stderr
        data = json.loads(r.stdout)
        assert [m["Path"] for m in data] == [modem]
        for k, v in props.items():
            if k != "Ports":
                assert data[0][k] == v, (k, data[0][k], v)
        assert data[0]["Ports"] == [{"device": d, "role": role} for d, role in props["Ports"]]

        for sel in ([], [n], [modem]):
            props, r = stable(h, modem, "show", *sel, uid=NOBODY)
            assert r.returncode == 0, (sel, r.stderr)
            assert r.stdout.startswith(modem + "\n"), r.stdout
            assert f"  Model:         {props['Model'] or '-'}\n" in r.stdout, r.stdout
            assert f"  State:         {props['State']}\n" in r.stdout, r.stdout
            assert f"  Signal:        {props['SignalQuality']}%\n" in r.stdout, r.stdout
            assert f"  SIM:           {props['SimState'] or '-'}\n" in r.stdout, r.stdout
        props, r = stable(h, modem, "show", "--json", n)
        assert r.returncode == 0, r.stderr
        data = json.loads(r.stdout)
        assert data["Path"] == modem and data["SignalQuality"] == props["SignalQuality"]
        assert data["Manufacturer"] == props["Manufacturer"]

        r = h.ctl("show", "999")
        assert r.returncode == 1 and "no such object" in r.stderr, (r.returncode, r.stderr)


def test_ctl_identity_allowed_and_denied():
    with harness.Harness(sims=1, allowed=["org.callstack.modem.identity"]) as h:
        modem = h.modems()[0]
        want = h.call(modem, MODEM_IFACE, "GetIdentity")[0]
        assert want.get("IMEI"), want
        r = h.ctl("identity", uid=NOBODY)
        assert r.returncode == 0, r.stderr
        assert r.stdout == "".join(f"{k}: {want[k]}\n" for k in sorted(want)), r.stdout
        r = h.ctl("--json", "identity")
        assert r.returncode == 0 and json.loads(r.stdout) == want, r.stdout

        h.polkit.set_allowed([])
        for uid in (None, NOBODY):
            r = h.ctl("identity", uid=uid)
            assert r.returncode == 4, (uid, r.returncode, r.stdout, r.stderr)
            assert r.stdout == ""
            assert r.stderr == ("callstackctl: not authorized to read identity "
                                "(polkit action org.callstack.modem.identity)\n"), r.stderr
        calls = h.polkit.calls()
        assert calls and all(c[1] == "org.callstack.modem.identity" for c in calls), calls


def test_ctl_at_allowed_denied_and_error():
    with harness.Harness(sims=1, allowed=["org.callstack.modem.command"]) as h:
        sim = h.sims[0]
        sim.clear_log()
        r = h.ctl("at", "AT+CSQ", "--timeout", "2000")
        assert r.returncode == 0, (r.returncode, r.stdout, r.stderr)
        assert r.stdout.startswith("+CSQ: ") and r.stdout.endswith("\nOK\n"), r.stdout
        assert any("AT+CSQ" in line for line in sim.at_log())

        r = h.ctl("--json", "at", "0" if h.modems()[0].endswith("/0") else h.modems()[0], "AT+CGMM")
        assert r.returncode == 0, r.stderr
        data = json.loads(r.stdout)
        assert data["ok"] is True and data["response"].endswith("OK"), data

        r = h.ctl("at", "AT+NOSUCHCOMMAND")
        assert r.returncode == 1, (r.returncode, r.stdout)
        assert r.stdout.rstrip("\n").splitlines()[-1].endswith("ERROR"), r.stdout

        h.polkit.set_allowed([])
        sim.clear_log()
        r = h.ctl("at", "AT+CFUN=0", uid=NOBODY)
        assert r.returncode == 4, (r.returncode, r.stderr)
        assert r.stderr == ("callstackctl: not authorized to send raw AT commands "
                            "(polkit action org.callstack.modem.command)\n"), r.stderr
        harness.pump(0.3)
        assert not any("CFUN" in line for line in sim.at_log()), sim.at_log()


def test_ctl_pin_from_stdin():
    with harness.Harness(sims=1, sim_args=[{"pin": "1234"}], allowed=["org.callstack.modem.control"]) as h:
        modem = h.modems()[0]
        h.wait_property(modem, MODEM_IFACE, "SimState", "pin-required")
        h.wait_property(modem, MODEM_IFACE, "State", "locked")
        r = h.ctl("pin", "-", uid=NOBODY, input="0000\n")
        assert r.returncode == 1, (r.returncode, r.stderr)
        assert "0000" not in r.stderr and "IncorrectPin" in r.stderr, r.stderr
        r = h.ctl("pin", "-", uid=NOBODY, input="1234\n")
        assert r.returncode == 0, (r.returncode, r.stderr)
        assert r.stdout == "" and "1234" not in r.stderr
        h.wait_property(modem, MODEM_IFACE, "SimState", "ready", timeout=10)


def start_monitor(h, *extra):
    """callstackctl monitor as nobody; returns (proc, stdout reader) once it listens."""
    p = h.spawn([harness.callstackctl_path(), "--bus-address", h.bus.address, "monitor"] + list(extra),
                uid=NOBODY, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    harness.LineReader(p.stderr).read_until(lambda l: l.startswith("Monitoring"), 10, "monitor start")
    return p, harness.LineReader(p.stdout)


def test_ctl_monitor_sees_signal_change():
    # Signal quality is polled (1 s here); registration comes as a +CREG URC.
    with harness.Harness(sims=1, daemon_args=["--signal-interval", "1"]) as h:
        modem = h.modems()[0]
        before = h.get(modem, MODEM_IFACE, "SignalQuality")
        csq = 5 if before > 50 else 28
        human, human_out = start_monitor(h)
        js, js_out = start_monitor(h, "--json")

        h.sims[0].control(f"set csq {csq} 99")
        h.wait_property(modem, MODEM_IFACE, "SignalQuality", lambda v: v != before, timeout=10)
        after = h.get(modem, MODEM_IFACE, "SignalQuality")
        h.sims[0].control("set creg 5")
        h.wait_property(modem, MODEM_IFACE, "Registration", "roaming", timeout=10)

        line = human_out.read_until(lambda l: f"SignalQuality={after}" in l, 10, "human SignalQuality line")
        assert line.startswith("[") and f" {modem} org.callstack.Modem " in line, line
        human_out.read_until(lambda l: "Registration=roaming" in l, 10, "human Registration line")

        def is_change(line):
            o = json.loads(line)
            return (o["member"] == "PropertiesChanged" and o["path"] == modem
                    and o["args"][0] == MODEM_IFACE and o["args"][1].get("SignalQuality") == after)
        o = json.loads(js_out.read_until(is_change, 10, "JSON PropertiesChanged"))
        assert o["interface"] == "org.freedesktop.DBus.Properties" and o["time"].endswith("Z"), o

        for p in (human, js):
            p.terminate()
            assert p.wait(5) == 0, p.returncode


if __name__ == "__main__":
    harness.main(globals())
