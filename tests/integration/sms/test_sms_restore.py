#!/usr/bin/python3
"""Restart: stored messages come back as the same /org/callstack/SMS/N
objects; a send interrupted by a crash becomes `failed` with reason
`interrupted` and is never resent; Delete removes from store and bus."""

import signal

from smslib import MI, SMS, harness, read, send, sent_joined, wait_incoming

N = "+15555550123"


def test_restart_restores_objects_and_fails_interrupted_send():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        modem = h.modems()[0]
        rec = h.record_signals()
        sent = send(h, modem, N, "before the crash")
        h.wait_property(sent, SMS, "State", "sent", timeout=10)
        sim.control('sms deliver +15555550142 "kept across restarts"')
        got = wait_incoming(rec, 1)[0]
        sim.control("delay 3000")  # the next +CMGS hangs: kill -9 mid-send
        stuck = send(h, modem, N, "interrupted one")
        h.wait_property(stuck, SMS, "State", "sending", timeout=5)
        h.daemon.proc.send_signal(signal.SIGKILL)
        h.daemon.proc.wait()
        h.daemon.stopped = True
        sim.control("delay 0")
        # The simulator is still at the "> " prompt of the killed send (no
        # power cycle): the new daemon's probe leaves it with ESC.
        h.start_daemon()
        modem = h.modems()[0]
        paths = h.call(modem, MI, "List")[0]
        assert set(paths) == {sent, got, stuck}, paths
        assert h.get(stuck, SMS, "State") == "failed"
        assert h.get(stuck, SMS, "DeliveryStatus") == "interrupted"
        assert read(h, stuck)[2]["state-reason"] == "interrupted"
        assert read(h, got)[:2] == ("+15555550142", "kept across restarts")
        assert h.get(sent, SMS, "State") == "sent"
        harness.pump(0.5)
        # never resent blindly: one CMGS only for it (the one that hung)
        assert [t for _, t in sent_joined(sim)].count("interrupted one") <= 1


def test_restart_with_modem_left_at_the_prompt():
    """kill -9 while the modem shows "> ": the modem is not power cycled and
    takes every command as message text until ESC; the new daemon still
    probes it, fails the interrupted send and sends again."""
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        modem = h.modems()[0]
        sim.control("delay 1500")  # the prompt comes after the kill
        stuck = send(h, modem, N, "interrupted at the prompt")
        h.wait_property(stuck, SMS, "State", "sending", timeout=5)
        h.daemon.proc.send_signal(signal.SIGKILL)
        h.daemon.proc.wait()
        h.daemon.stopped = True
        sim.control("delay 0")
        harness.pump(1.7)  # the simulator now waits for the PDU
        h.start_daemon()
        modem = h.modems()[0]
        assert h.get(modem, "org.callstack.Modem", "State") == "registered", h.daemon.log_text()[-2000:]
        assert h.call(modem, MI, "List")[0] == [stuck]
        assert h.get(stuck, SMS, "State") == "failed"
        assert h.get(stuck, SMS, "DeliveryStatus") == "interrupted"
        again = send(h, modem, N, "sent after the restart")
        h.wait_property(again, SMS, "State", "sent", timeout=10)
        assert [t for _, t in sent_joined(sim)] == ["sent after the restart"]


def test_delete_removes_from_store_and_bus():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        modem = h.modems()[0]
        p = send(h, modem, N, "to be deleted")
        h.wait_property(p, SMS, "State", "sent", timeout=10)
        rec = h.record_signals()
        h.call(modem, MI, "Delete", "(o)", (p,))
        # The signal names org.callstack.SMS: an ObjectManager client that
        # tracks interfaces (not only paths) learns the message is gone.
        rec.wait(lambda path, i, m, a: m == "InterfacesRemoved" and a[0] == p and SMS in a[1],
                 what="InterfacesRemoved naming org.callstack.SMS")
        assert h.call(modem, MI, "List")[0] == []
        assert harness.dbus_error_name(_err(lambda: h.get(p, SMS, "State"))) is not None
        assert h.call_error(modem, MI, "Delete", "(o)", (p,)) == "org.freedesktop.DBus.Error.InvalidArgs"
        assert h.call_error(modem, MI, "Delete", "(o)", ("/org/callstack/SMS/999",)) == \
            "org.freedesktop.DBus.Error.InvalidArgs"
        h.daemon.stop()
        h.start_daemon()
        assert h.call(h.modems()[0], MI, "List")[0] == []


def _err(fn):
    try:
        fn()
    except harness.GLib.Error as e:
        return e
    raise AssertionError("no error")


if __name__ == "__main__":
    harness.main(globals())
