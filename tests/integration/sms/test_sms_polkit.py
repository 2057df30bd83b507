#!/usr/bin/python3
"""polkit and privacy: every SMS method is denied without its action (and
the modem is not touched); with an action, only that method passes; the
bus traffic callstackd emits (signals) carries no number and no text,
checked with `busctl monitor` on the whole bus."""

import subprocess
import time

from smslib import ACCESS_DENIED, MI, SMS, harness, send, wait_incoming

N = "+15555550123"
SENDER = "+15555550142"
SECRET = "SecretBody 4711"


def test_polkit_each_method_denied_without_its_action():
    with harness.Harness(sims=1, allowed=["org.callstack.sms.send"]) as h:
        modem = h.modems()[0]
        path = send(h, modem, N, "allowed to send")
        h.wait_property(path, SMS, "State", "sent", timeout=10)
        h.polkit.set_allowed([])
        sim = h.sims[0]
        sim.clear_log()
        calls = [
            (modem, MI, "Send", "(ssa{sv})", (N, "x", {})),
            (modem, MI, "List", None, ()),
            (path, SMS, "Read", None, ()),
            (modem, MI, "Delete", "(o)", (path,)),
        ]
        for p, iface, method, sig, args in calls:
            assert h.call_error(p, iface, method, sig, args) == ACCESS_DENIED, method
        harness.pump(0.3)
        assert sim.at_log() == [], sim.at_log()
        # only the action asked for opens the door, one method at a time
        for action, ok_method in [("org.callstack.sms.read", "List"), ("org.callstack.sms.delete", "Delete")]:
            h.polkit.set_allowed([action])
            for p, iface, method, sig, args in calls:
                if method == "Read" and action == "org.callstack.sms.read":
                    continue
                err = None
                try:
                    h.call(p, iface, method, sig, args)
                except harness.GLib.Error as e:
                    err = harness.dbus_error_name(e)
                if method == ok_method:
                    assert err is None, (action, method, err)
                elif not (action == "org.callstack.sms.read" and method == "Read"):
                    assert err == ACCESS_DENIED, (action, method, err)
        asked = {c[1] for c in h.polkit.calls()}
        assert {"org.callstack.sms.send", "org.callstack.sms.read", "org.callstack.sms.delete"} <= asked, asked


def test_polkit_denied_for_nobody_via_busctl():
    with harness.Harness(sims=1, allowed=[]) as h:
        modem = h.modems()[0]
        rc, data, err = h.busctl_call(modem, MI, "Send", "ssa{sv}", N, "hi", "0", uid=harness.NOBODY)
        assert rc != 0 and "Access denied" in err or "AccessDenied" in err, (rc, err)
        rc, data, err = h.busctl_call(modem, MI, "List", uid=harness.NOBODY)
        assert rc != 0, (rc, data)


def test_signals_carry_no_number_or_text():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        out = open(f"{h.tmp}/monitor.txt", "w+")
        mon = h.spawn(["busctl", f"--address={h.bus.address}", "monitor", "--match",
                       "type='signal',sender='org.callstack'"], stdout=out, stderr=subprocess.STDOUT)
        time.sleep(0.5)
        rec = h.record_signals()
        modem = h.modems()[0]
        h.sims[0].control("net report on")
        p = send(h, modem, N, SECRET + " outgoing", delivery_report=True)
        h.wait_property(p, SMS, "State", "delivered", timeout=10)
        h.sims[0].control(f'sms deliver {SENDER} "{SECRET} incoming"')
        h.sims[0].control(f'sms deliver {SENDER} "{SECRET} long ' + "z" * 300 + '" --parts 3')
        wait_incoming(rec, 2)
        harness.pump(0.5)
        mon.terminate()
        mon.wait(5)
        out.seek(0)
        text = out.read()
        assert "Added" in text and "PropertiesChanged" in text, text[-2000:]
        for secret in (N, N[1:], N[-7:], SENDER, SENDER[-7:], "SecretBody", "4711"):
            assert secret not in text, f"{secret} leaked into a signal"
        for s in rec.signals:
            flat = repr(s)
            assert "SecretBody" not in flat and "5555550" not in flat, flat
        log = h.daemon.log_text()
        assert "SecretBody" not in log and N not in log and SENDER not in log


if __name__ == "__main__":
    harness.main(globals())
