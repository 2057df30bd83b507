#!/usr/bin/python3
"""Every gated org.callstack.Modem method against the dbusmock polkitd:
allowed -> works; denied -> AccessDenied and the modem received no
command; polkit absent -> AccessDenied; bad arguments -> InvalidArgs
before polkit is even asked; identical calls waiting for polkit are parked
independently, Busy only past 64 per sender;
a non-root caller cannot own org.callstack and is subject to polkit."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402
from harness import Gio, GLib  # noqa: E402

M = harness.MODEM_IFACE
DENIED = "org.freedesktop.DBus.Error.AccessDenied"
INVALID = "org.freedesktop.DBus.Error.InvalidArgs"
PIN = "1234"

# method, signature, args, polkit action, AT command prefix it would send
GATED = [
    ("SendPin", "(s)", (PIN,), "org.callstack.modem.control", "AT+CPIN="),
    ("GetIdentity", None, (), "org.callstack.modem.identity", "AT+CGSN"),
    ("Command", "(su)", ("AT+CGMI", 0), "org.callstack.modem.command", "AT+CGMI"),
]


def sent(h, prefix):
    return [c for c in h.sims[0].at_log() if c.upper().startswith(prefix)]


def test_daemon_polkit_allowed_methods_work():
    with harness.Harness(sims=1, sim_args=[{"pin": PIN}], allowed=harness.ALL_ACTIONS) as h:
        modem = h.modems()[0]
        h.wait_property(modem, M, "State", "locked", timeout=10)
        assert h.get(modem, M, "SimState") == "pin-required"
        rec = h.record_signals()
        h.call(modem, M, "SendPin", "(s)", (PIN,))
        rec.wait_property(modem, M, "SimState", "ready", timeout=10)
        rec.wait_property(modem, M, "State", "registered", timeout=10)

        ident = h.call(modem, M, "GetIdentity")[0]
        assert ident["IMEI"] == "351234560000010", ident
        assert ident["IMSI"] == "001010000000001", ident
        assert ident["ICCID"] == "8901010000000000017", ident
        assert set(ident) <= {"IMEI", "IMSI", "ICCID", "MSISDN"}, ident

        out = h.call(modem, M, "Command", "(su)", ("AT+CSQ", 2000))[0]
        assert out == "+CSQ: 20,99\nOK", out
        out = h.call(modem, M, "Command", "(su)", ("AT+NOSUCHTHING", 0))[0]
        assert out.splitlines()[-1] in ("ERROR", "+CME ERROR: 4") or out.endswith("ERROR"), out

        log = h.daemon.log_text()
        for secret in (PIN, "351234560000010", "001010000000001", "8901010000000000017"):
            assert secret not in log, f"personal data in the daemon log: {secret}"
        # the polkit subject is the caller's unique name, no interaction asked
        calls = h.polkit.calls()
        actions = [c[1] for c in calls]
        for a in ("org.callstack.modem.control", "org.callstack.modem.identity", "org.callstack.modem.command"):
            assert a in actions, actions
        subject = calls[0][0]
        assert subject[0] == "system-bus-name", subject
        assert subject[1]["name"] == h.bus.conn.get_unique_name(), subject
        assert calls[0][3] == 0, calls[0]


def test_daemon_polkit_wrong_pin_is_incorrect_pin():
    with harness.Harness(sims=1, sim_args=[{"pin": PIN}], allowed=harness.ALL_ACTIONS) as h:
        modem = h.modems()[0]
        h.wait_property(modem, M, "State", "locked", timeout=10)
        err = h.call_error(modem, M, "SendPin", "(s)", ("0000",))
        assert err == "org.callstack.Error.IncorrectPin", err
        assert h.get(modem, M, "State") == "locked"
        # a SIM that is already unlocked: wrong state, nothing sent
        h.call(modem, M, "SendPin", "(s)", (PIN,))
        h.wait_property(modem, M, "SimState", "ready", timeout=10)
        h.sims[0].clear_log()
        err = h.call_error(modem, M, "SendPin", "(s)", (PIN,))
        assert err == "org.callstack.Error.WrongState", err
        assert not sent(h, "AT+CPIN="), h.sims[0].at_log()


def test_daemon_polkit_denied_sends_nothing():
    with harness.Harness(sims=1, sim_args=[{"pin": PIN}]) as h:
        modem = h.modems()[0]
        h.wait_property(modem, M, "State", "locked", timeout=10)
        h.sims[0].clear_log()
        for method, sig, args, action, prefix in GATED:
            err = h.call_error(modem, M, method, sig, args)
            assert err == DENIED, (method, err)
            assert not sent(h, prefix), (method, h.sims[0].at_log())
        assert [c[1] for c in h.polkit.calls()] == [g[3] for g in GATED]
        assert h.get(modem, M, "State") == "locked"


def test_daemon_polkit_absent_is_denied():
    with harness.Harness(sims=1, polkit=None) as h:
        modem = h.modems()[0]
        h.sims[0].clear_log()
        for method, sig, args, action, prefix in GATED:
            err = h.call_error(modem, M, method, sig, args)
            assert err == DENIED, (method, err)
            assert not sent(h, prefix), (method, h.sims[0].at_log())


def test_daemon_polkit_invalid_arguments_before_polkit():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        modem = h.modems()[0]
        h.sims[0].clear_log()
        for pin in ("123", "123456789", "12a4", "", "1234\r"):
            assert h.call_error(modem, M, "SendPin", "(s)", (pin,)) == INVALID, pin
        for cmd in ("", "CSQ", " AT", "AT\r+CMGD=1,4", "AT+CSQ\n", "AT\x1a", "A" + "T" * 600):
            assert h.call_error(modem, M, "Command", "(su)", (cmd, 0)) == INVALID, repr(cmd)
        assert h.call_error(modem, M, "Command", "(su)", ("AT", 300001)) == INVALID
        assert h.polkit.calls() == [], h.polkit.calls()
        assert h.sims[0].at_log() == [], h.sims[0].at_log()


def test_daemon_polkit_identical_pending_calls_all_answered():
    # Two identical calls while polkit thinks: both parked, both answered.
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        modem = h.modems()[0]
        h.polkit.set_delay(1.0)
        results = {}

        def done(conn, res, tag):
            try:
                results[tag] = conn.call_finish(res).unpack()[0]
            except GLib.Error as e:
                results[tag] = harness.dbus_error_name(e)

        for tag in ("first", "second"):
            h.bus.conn.call(harness.BUS_NAME, modem, M, "Command", GLib.Variant("(su)", ("AT", 0)), None,
                            Gio.DBusCallFlags.NONE, 10000, None, done, tag)
        harness.wait_until(lambda: len(results) == 2, 10, "both replies")
        assert results == {"first": "OK", "second": "OK"}, results


def test_daemon_polkit_busy_past_64_pending_per_sender():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        modem = h.modems()[0]
        h.polkit._mock("SimulateHangActions", "(as)", (["org.callstack.modem.command"],))
        results = {}

        def done(conn, res, tag):
            try:
                results[tag] = conn.call_finish(res).unpack()[0]
            except GLib.Error as e:
                results[tag] = harness.dbus_error_name(e)

        for i in range(64):
            h.bus.conn.call(harness.BUS_NAME, modem, M, "Command", GLib.Variant("(su)", ("AT", 0)), None,
                            Gio.DBusCallFlags.NONE, 30000, None, done, i)
        # the daemon answers in order: once the 65th call is refused, 64 are parked
        h.bus.conn.call(harness.BUS_NAME, modem, M, "Command", GLib.Variant("(su)", ("AT", 0)), None,
                        Gio.DBusCallFlags.NONE, 30000, None, done, 64)
        harness.wait_until(lambda: 64 in results, 10, "the 65th reply")
        assert results == {64: "org.freedesktop.DBus.Error.Busy"}, results
        h.polkit._mock("ReleaseHangingCalls", None, ())
        harness.wait_until(lambda: len(results) == 65, 20, "all replies")
        assert all(results[i] == "OK" for i in range(64)), results
        # below the bound again: the same call goes through
        h.polkit._mock("SimulateHangActions", "(as)", ([],))
        assert h.call(modem, M, "Command", "(su)", ("AT", 0))[0] == "OK"


def test_daemon_polkit_interactive_flag_passed_on():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        modem = h.modems()[0]
        h.call(modem, M, "Command", "(su)", ("AT", 0), interactive=True)
        assert h.polkit.calls()[-1][3] == 1, h.polkit.calls()


def test_daemon_polkit_non_root_cannot_own_name_and_is_gated():
    with harness.Harness(sims=1) as h:
        modem = h.modems()[0]
        r = h.busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                     "RequestName", "su", "org.callstack", "4", uid=harness.NOBODY)
        assert r.returncode != 0, r
        assert "Access denied" in r.stderr or "AccessDenied" in r.stderr, r.stderr
        # properties are readable by anyone
        r = h.busctl("get-property", "org.callstack", modem, M, "State", uid=harness.NOBODY)
        assert r.returncode == 0 and "registered" in r.stdout, r
        # polkit decides for the non-root caller: denied, then allowed
        rc, data, err = h.busctl_call(modem, M, "Command", "su", "AT+CSQ", 0, uid=harness.NOBODY)
        assert rc != 0 and ("Access denied" in err or "AccessDenied" in err), (rc, err)
        h.polkit.set_allowed(["org.callstack.modem.command"])
        rc, data, err = h.busctl_call(modem, M, "Command", "su", "AT+CSQ", 0, uid=harness.NOBODY)
        assert rc == 0, err
        assert data["data"][0] == "+CSQ: 20,99\nOK", data
        # busctl asks for interactive authorization by default
        assert h.polkit.calls()[-1][3] == 1, h.polkit.calls()[-1]


def test_daemon_polkit_root_is_not_exempt():
    # The harness calls as root (the test runs as root in CI): polkit (deny
    # all) still decides.
    with harness.Harness(sims=1) as h:
        modem = h.modems()[0]
        assert h.call_error(modem, M, "Command", "(su)", ("AT", 0)) == DENIED


if __name__ == "__main__":
    harness.main(globals())
