#!/usr/bin/python3
"""One callstackd run through its main paths, short enough to run under
valgrind in CI (`scripts/dev test` runs it with CALLSTACK_VALGRIND=1 on a
non-sanitized build: the daemon must exit 0 after SIGTERM with no
definite or indirect leak and no memory error).  Two modems probed; on
the first, pipelined Sends (polkit parking), a multipart send, a
multipart receive, Read, List, Delete, a denied call, a raw Command; the
second unplugged (modem torn down while the daemon runs); SIGTERM."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sms"))
from smslib import MI, SMS, harness, read, sent_joined, wait_incoming  # noqa: E402
from harness import Gio, GLib  # noqa: E402

M = harness.MODEM_IFACE
N = "+15555550123"
A = "+15555550142"
LONG = "".join(chr(ord("a") + i % 26) for i in range(200))


def test_daemon_tour_two_modems_sms_unplug_sigterm():
    with harness.Harness(sims=2, allowed=harness.ALL_ACTIONS) as h:
        m0, m1 = h.modems()
        sim0, sim1 = h.sims
        rec = h.record_signals()

        # pipelined sends while polkit thinks, then a 2-part one
        h.polkit.set_delay(0.3)
        texts = [f"tour {i}" for i in range(4)]
        results = {}

        def done(conn, res, i):
            try:
                results[i] = conn.call_finish(res).unpack()[0]
            except GLib.Error as e:
                results[i] = harness.dbus_error_name(e)

        for i, t in enumerate(texts):
            h.bus.conn.call(harness.BUS_NAME, m0, MI, "Send", GLib.Variant("(ssa{sv})", (N, t, {})), None,
                            Gio.DBusCallFlags.NONE, 60000, None, done, i)
        harness.wait_until(lambda: len(results) == len(texts), 20, "Send replies")
        h.polkit.set_delay(0)
        long_path = h.call(m0, MI, "Send", "(ssa{sv})", (N, LONG, {}))[0]
        for p in list(results.values()) + [long_path]:
            h.wait_property(p, SMS, "State", "sent", timeout=20)
        assert sent_joined(sim0) == [(N, t) for t in texts + [LONG]], sent_joined(sim0)

        # a 3-part message received, read, listed, deleted
        sim0.control(f'sms deliver {A} "{LONG}" --parts 3 --ref 7')
        got = wait_incoming(rec, 1)[0]
        assert read(h, got)[:2] == (A, LONG)
        assert got in h.call(m0, MI, "List")[0]
        h.call(m0, MI, "Delete", "(o)", (got,))
        assert got not in h.call(m0, MI, "List")[0]

        # a raw command, and a denied one
        assert h.call(m0, M, "Command", "(su)", ("AT+CSQ", 0))[0] == "+CSQ: 20,99\nOK"
        h.polkit.set_allowed([])
        assert h.call_error(m0, M, "GetIdentity") == "org.freedesktop.DBus.Error.AccessDenied"

        # the second modem goes away while the daemon runs
        sim1.control("unplug")
        harness.wait_until(lambda: h.modems() == [m0], 10, "the unplugged modem removed")
        # Harness.stop() sends SIGTERM and checks the exit status (99 =
        # valgrind errors under CALLSTACK_VALGRIND=1).


if __name__ == "__main__":
    harness.main(globals())
