#!/usr/bin/python3
"""The bus policy dbus/org.callstack.conf on a private system-like bus.

No callstackd needed: the test itself owns org.callstack (as root) with a
trivial object, so what is checked is the bus's decision, not the daemon's.
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from harness import Gio, GLib, NOBODY  # noqa: E402

OWN_SCRIPT = r"""
import sys
import gi
gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib
c = Gio.DBusConnection.new_for_address_sync(sys.argv[1],
    Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
try:
    r = c.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "RequestName",
                    GLib.Variant("(su)", (sys.argv[2], 4)), None, Gio.DBusCallFlags.NONE, 5000, None)
    print("reply", r.unpack()[0])
except GLib.Error as e:
    print("error", Gio.DBusError.get_remote_error(e))
"""


def xml_interfaces():
    names = []
    d = harness.source_path("dbus")
    for f in sorted(os.listdir(d)):
        if f.endswith(".xml"):
            for i in ET.parse(os.path.join(d, f)).getroot().iter("interface"):
                names.append(i.get("name"))
    return names


def try_own(h, uid, name="org.callstack"):
    r = h.run(["/usr/bin/python3", "-c", OWN_SCRIPT, h.bus.address, name], uid=uid)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_policy_lists_every_interface_of_dbus_xml():
    text = open(harness.source_path("dbus", "org.callstack.conf")).read()
    allowed = set(re.findall(r'send_destination="org.callstack" send_interface="(org\.callstack[^"]*)"', text))
    assert set(xml_interfaces()) == allowed, (set(xml_interfaces()) ^ allowed)
    assert len(allowed) == 7


def test_policy_nonroot_cannot_own_org_callstack():
    harness.require_root("the test switches to uid 65534 with setpriv")
    with harness.Harness(polkit=None, daemon=False) as h:
        assert try_own(h, NOBODY) == ["error", "org.freedesktop.DBus.Error.AccessDenied"]
        assert not h.bus.has_owner("org.callstack")
        # The stock default policy still applies to other names too.
        assert try_own(h, NOBODY, "org.callstack.Other")[0] == "error"
        # root may (1 = DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER).
        assert try_own(h, 0) == ["reply", "1"]


class FakeOwner:
    """Owns org.callstack on the harness connection and answers every call
    on /org/callstack with UnknownMethod, so a caller can tell the bus's
    AccessDenied from a delivered call."""

    def __init__(self, h):
        self.h = h
        self.calls = []
        h.call("/org/freedesktop/DBus", "org.freedesktop.DBus", "RequestName", "(su)", ("org.callstack", 4),
               dest="org.freedesktop.DBus")
        self.filter = h.bus.conn.add_filter(self._filter)

    def _filter(self, conn, msg, incoming):
        if incoming and msg.get_message_type() == Gio.DBusMessageType.METHOD_CALL and \
                msg.get_path() == "/org/callstack":
            self.calls.append((msg.get_interface(), msg.get_member()))
            reply = msg.new_method_error_literal("org.freedesktop.DBus.Error.UnknownMethod", "test owner")
            conn.send_message(reply, Gio.DBusSendMessageFlags.NONE)
            return None
        return msg


def busctl_error(h, *args):
    """Runs busctl call as nobody in a thread-free way, pumping our loop so
    the fake owner can answer; returns stderr."""
    import subprocess
    p = subprocess.Popen(h.as_user(["busctl", f"--address={h.bus.address}", "--timeout=5", "call",
                                    "org.callstack", "/org/callstack"] + list(args), NOBODY),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=h.env())
    harness.wait_until(lambda: p.poll() is not None, 10, "busctl to finish")
    out, err = p.communicate()
    return p.returncode, err


def test_policy_nonroot_may_call_callstack_interfaces_but_nothing_else():
    harness.require_root("the test switches to uid 65534 with setpriv")
    with harness.Harness(polkit=None, daemon=False) as h:
        owner = FakeOwner(h)
        # Delivered (the fake owner answers UnknownMethod): the policy let it through.
        for iface, member, sig in [("org.callstack.Manager", "ListModems", []),
                                   ("org.callstack.Modem", "GetIdentity", []),
                                   ("org.callstack.Modem.Messaging", "List", []),
                                   ("org.callstack.SMS", "Read", []),
                                   ("org.callstack.Modem.Voice", "ListCalls", []),
                                   ("org.callstack.Call", "GetNumber", []),
                                   ("org.callstack.Modem.Ussd", "Cancel", []),
                                   ("org.freedesktop.DBus.Properties", "GetAll", ["s", "org.callstack.Modem"]),
                                   ("org.freedesktop.DBus.Introspectable", "Introspect", []),
                                   ("org.freedesktop.DBus.Peer", "Ping", []),
                                   ("org.freedesktop.DBus.ObjectManager", "GetManagedObjects", [])]:
            rc, err = busctl_error(h, iface, member, *sig)
            assert rc != 0 and "test owner" in err, (iface, member, err)
            assert (iface, member) in owner.calls, (iface, member, owner.calls)
        n = len(owner.calls)
        # Refused by the bus before reaching the owner.
        for iface, member, sig in [("org.example.Other", "Frob", []),
                                   ("org.freedesktop.DBus.Properties", "Set",
                                    ["ssv", "org.callstack.Manager", "Version", "s", "9"])]:
            rc, err = busctl_error(h, iface, member, *sig)
            assert rc != 0 and ("Access denied" in err or "AccessDenied" in err or "denied" in err.lower()), \
                (iface, member, err)
        assert len(owner.calls) == n, owner.calls[n:]


if __name__ == "__main__":
    harness.main(globals())
