#!/usr/bin/python3
"""Every polkit-gated method of the contract (annotation
org.callstack.Polkit.Action in dbus/*.xml) on a modem object, driven from
the XML so new interfaces are covered as soon as the daemon exposes them:
denied -> AccessDenied and the modem received no AT command; polkit absent
-> AccessDenied (and an answer, not a hang); allowed -> polkit passes (the
call succeeds or fails for another reason than AccessDenied), for root and
for uid 65534."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contract  # noqa: E402
import harness  # noqa: E402
from harness import GLib, NOBODY  # noqa: E402

CONTRACT = contract.load_contract()
ACCESS_DENIED = "org.freedesktop.DBus.Error.AccessDenied"

# Valid arguments per (interface, method), so validation passes and the
# polkit check is what decides.  Made-up data only.
ARGS = {
    ("org.callstack.Modem", "SendPin"): ("1234",),
    ("org.callstack.Modem", "Command"): ("AT", 0),
    ("org.callstack.Modem.Messaging", "Send"): ("+15555550123", "callstack test", {}),
    ("org.callstack.Modem.Voice", "Dial"): ("+15555550123",),
    ("org.callstack.Modem.Ussd", "Initiate"): ("*100#",),
    ("org.callstack.Modem.Ussd", "Respond"): ("1",),
}
# Methods whose valid arguments need an existing object (Delete(o)) are
# left to the tests of their interface.
NEEDS_OBJECT = {("org.callstack.Modem.Messaging", "Delete")}


def gated_methods(h, path):
    present = contract.parse_interfaces(h.introspect(path))
    for iface in sorted(present):
        if iface not in CONTRACT:
            continue
        for name, info in sorted(CONTRACT[iface]["methods"].items()):
            if info["action"] and (iface, name) not in NEEDS_OBJECT:
                yield iface, name, info


def call(h, path, iface, name, info):
    sig = "(" + "".join(t for _, t in info["in"]) + ")"
    args = ARGS.get((iface, name), ())
    try:
        h.call(path, iface, name, sig if info["in"] else None, args, timeout=20)
        return None
    except GLib.Error as e:
        return harness.dbus_error_name(e)


def polling_off():
    return ["--signal-interval", "0"]


def test_gates_denied_and_modem_untouched():
    with harness.Harness(sims=1, allowed=[], daemon_args=polling_off()) as h:
        modem = h.modems()[0]
        checked = []
        for iface, name, info in gated_methods(h, modem):
            h.sims[0].clear_log()
            err = call(h, modem, iface, name, info)
            assert err == ACCESS_DENIED, f"{iface}.{name}: {err}"
            harness.pump(0.2)
            assert h.sims[0].at_log() == [], f"{iface}.{name} reached the modem: {h.sims[0].at_log()}"
            checked.append(f"{iface}.{name}")
        assert "org.callstack.Modem.GetIdentity" in checked and "org.callstack.Modem.Command" in checked
        print("denied:", ", ".join(checked))
        # Each check asked polkit for the action of the XML.
        actions = {c[1] for c in h.polkit.calls()}
        want = {info["action"] for _, _, info in gated_methods(h, modem)}
        assert want <= actions, want - actions


def test_gates_polkit_absent_means_denied():
    with harness.Harness(sims=1, polkit=None, daemon_args=polling_off()) as h:
        modem = h.modems()[0]
        for iface, name, info in gated_methods(h, modem):
            h.sims[0].clear_log()
            err = call(h, modem, iface, name, info)
            assert err == ACCESS_DENIED, f"{iface}.{name} without polkit: {err}"
            assert h.sims[0].at_log() == [], (iface, name, h.sims[0].at_log())


def test_gates_allowed_pass_polkit_for_root_and_nobody():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS, daemon_args=polling_off()) as h:
        modem = h.modems()[0]
        for iface, name, info in gated_methods(h, modem):
            if (iface, name) in (("org.callstack.Modem.Voice", "Dial"), ("org.callstack.Modem.Messaging", "Send")):
                continue  # real side effects: covered by their own tests
            err = call(h, modem, iface, name, info)
            assert err != ACCESS_DENIED, f"{iface}.{name} denied although allowed"
        assert h.call(modem, "org.callstack.Modem", "Command", "(su)", ("AT", 0))[0].rstrip().endswith("OK")
        rc, data, err = h.busctl_call(modem, "org.callstack.Modem", "GetIdentity", uid=NOBODY)
        assert rc == 0 and data["data"][0].get("IMEI"), (rc, err)
        rc, data, err = h.busctl_call(modem, "org.callstack.Modem", "Command", "su", "AT", "0", uid=NOBODY)
        assert rc == 0 and data["data"][0].rstrip().endswith("OK"), (rc, err)


if __name__ == "__main__":
    harness.main(globals())
