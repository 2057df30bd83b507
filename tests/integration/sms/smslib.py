"""Helpers shared by the SMS integration tests (tests/integration/sms)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import harness  # noqa: E402
from gi.repository import GLib  # noqa: E402

MI = "org.callstack.Modem.Messaging"
SMS = "org.callstack.SMS"
INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs"
ACCESS_DENIED = "org.freedesktop.DBus.Error.AccessDenied"


def send(h, modem, number, text, **options):
    opts = {}
    for k, v in options.items():
        key = k.replace("_", "-")
        if isinstance(v, bool):
            opts[key] = GLib.Variant("b", v)
        elif isinstance(v, int):
            opts[key] = GLib.Variant("u", v)
        else:
            opts[key] = GLib.Variant("s", v)
    return h.call(modem, MI, "Send", "(ssa{sv})", (number, text, opts))[0]


def read(h, path):
    return h.call(path, SMS, "Read")


def incoming_added(rec):
    """Paths of Added(o, true) signals, in order."""
    return [s[3][0] for s in rec.signals if s[2] == "Added" and s[1] == MI and s[3][1]]


def wait_incoming(rec, n, timeout=10):
    harness.wait_until(lambda: len(incoming_added(rec)) >= n, timeout, f"{n} incoming Added signal(s)")
    harness.pump(0.3)  # a wrong extra signal would show up here
    return incoming_added(rec)


def unescape_sent(s):
    """Undoes the simulator's escaping in `sms sent` lines."""
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            out.append({"n": "\n", "r": "\r", "\\": "\\"}.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def sent_joined(sim):
    """[(number, text)] the simulator received by +CMGS, decoded by its own codec."""
    res = []
    for line in sim.control("sms sent joined"):
        number, _, text = line.partition("|")
        res.append((number, unescape_sent(text)))
    return res


def storage_count(sim):
    return int(sim.control("sms count")[0])
