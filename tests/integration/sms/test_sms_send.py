#!/usr/bin/python3
"""Messaging.Send end to end against callstack-modem-sim: the PDUs the
simulator received decode (with the simulator's own decoder) to exactly
the input; states move queued -> sending -> sent with PropertiesChanged;
refused input never reaches the modem (issue #5, "Tests that must exist")."""

from smslib import ACCESS_DENIED, INVALID_ARGS, MI, SMS, harness, send, sent_joined, read  # noqa: F401
from harness import Gio, GLib  # noqa: E402

N = "+15555550123"


def roundtrip(h, text, encoding, parts):
    modem = h.modems()[0]
    sim = h.sims[0]
    sim.control("sms sent clear")
    rec = h.record_signals()
    path = send(h, modem, N, text)
    h.wait_property(path, SMS, "State", "sent", timeout=10)
    rec.wait_property(path, SMS, "State", "sent")
    assert sent_joined(sim) == [(N, text)], (sent_joined(sim), text)
    pdus = sim.control("sms sent")
    assert len(pdus) == parts, pdus
    props = h.get_all(path, SMS)
    assert props["Encoding"] == encoding and props["PartsTotal"] == parts, props
    assert props["PartsReceived"] == parts and props["Direction"] == "outgoing", props
    states = [s[3][1]["State"] for s in rec.signals
              if s[0] == path and s[2] == "PropertiesChanged" and "State" in s[3][1]]
    assert states[0] == "sending" and states[-1] == "sent", states
    number, body, details = read(h, path)
    assert number == N and body == text, (number, body)
    return path


def test_send_ascii():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        roundtrip(h, "Hello from callstack", "gsm7", 1)


def test_send_gsm_extension_and_specials():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        roundtrip(h, "@ £ € [ ] { } ~ ^ \\ | at 5€", "gsm7", 1)


def test_send_latin_outside_gsm_is_ucs2():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        roundtrip(h, "Żółć gęślą jaźń", "ucs2", 1)


def test_send_emoji():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        roundtrip(h, "ok 👍🏽 see you 🎉", "ucs2", 1)


def test_send_multipart_161_gsm_and_71_ucs2():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        roundtrip(h, "".join(chr(ord("a") + i % 26) for i in range(161)), "gsm7", 2)
        roundtrip(h, "ą" + "".join(chr(ord("a") + i % 26) for i in range(70)), "ucs2", 2)


def test_delete_refused_while_queued_or_sending():
    # Deleting a message whose parts are on their way would send a message
    # the store has no trace of: WrongState until it is sent (or failed).
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        modem = h.modems()[0]
        sim = h.sims[0]
        sim.control("delay 60")
        long_text = "deleted while sending " + "D" * 800  # 6 parts
        first = send(h, modem, N, long_text)
        second = send(h, modem, N, "queued behind it")
        for p in (first, second):
            assert h.get(p, SMS, "State") in ("queued", "sending")
            assert h.call_error(modem, MI, "Delete", "(o)", (p,)) == "org.callstack.Error.WrongState"
        for p in (first, second):
            h.wait_property(p, SMS, "State", "sent", timeout=20)
        assert sent_joined(sim) == [(N, long_text), (N, "queued behind it")]
        h.call(modem, MI, "Delete", "(o)", (first,))
        assert h.call(modem, MI, "List")[0] == [second]


def test_send_serialised_many_in_a_row():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        modem = h.modems()[0]
        texts = [f"message {i} " + "x" * (i * 17) for i in range(12)]
        paths = [send(h, modem, N, t) for t in texts]
        for p in paths:
            h.wait_property(p, SMS, "State", "sent", timeout=20)
        assert sent_joined(h.sims[0]) == [(N, t) for t in texts]


def test_send_pipelined_from_one_connection_all_succeed():
    # An SMS gateway does not wait for each reply: 10 Sends with different
    # texts in flight at once on one connection, polkit slow to answer.
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        modem = h.modems()[0]
        sim = h.sims[0]
        sim.control("sms sent clear")
        h.polkit.set_delay(0.5)
        texts = [f"pipelined {i}" for i in range(10)]
        results = {}

        def done(conn, res, i):
            try:
                results[i] = conn.call_finish(res).unpack()[0]
            except GLib.Error as e:
                results[i] = harness.dbus_error_name(e)

        for i, t in enumerate(texts):
            h.bus.conn.call(harness.BUS_NAME, modem, MI, "Send", GLib.Variant("(ssa{sv})", (N, t, {})), None,
                            Gio.DBusCallFlags.NONE, 30000, None, done, i)
        harness.wait_until(lambda: len(results) == 10, 20, "10 Send replies")
        assert all(str(results[i]).startswith("/org/callstack/SMS/") for i in range(10)), results
        for i in range(10):
            h.wait_property(results[i], SMS, "State", "sent", timeout=20)
        assert len(sim.control("sms sent")) == 10
        # sent in the order they were called
        assert sent_joined(sim) == [(N, t) for t in texts], sent_joined(sim)


def test_send_refused_inputs_leave_modem_untouched():
    bad = [
        ("12", "hi", {}),
        ("+1555555012345678901234", "hi", {}),
        ("555-0123", "hi", {}),
        ("+1555\n5550123", "hi", {}),
        (N, "", {}),
        (N, "x" * (255 * 153 + 1), {}),
        (N, "hi", {"validity": harness.GLib.Variant("u", 1)}),
        (N, "hi", {"validity": harness.GLib.Variant("s", "60")}),
        (N, "hi", {"class": harness.GLib.Variant("u", 4)}),
        (N, "hi", {"delivery-report": harness.GLib.Variant("s", "yes")}),
        (N, "hi", {"smsc": harness.GLib.Variant("s", "not a number")}),
        (N, "hi", {"colour": harness.GLib.Variant("s", "red")}),
    ]
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        modem = h.modems()[0]
        sim = h.sims[0]
        sim.clear_log()
        for number, text, opts in bad:
            try:
                h.call(modem, MI, "Send", "(ssa{sv})", (number, text, opts))
                raise AssertionError(f"accepted {number!r}/{text[:10]!r}/{opts}")
            except harness.GLib.Error as e:
                assert harness.dbus_error_name(e) == INVALID_ARGS, e
                msg = e.message
                if len(number) > 3:
                    assert number not in msg, msg
                if text:
                    assert text[:20] not in msg, msg
        harness.pump(0.3)
        assert not [c for c in sim.at_log() if "CMGS" in c], sim.at_log()
        assert h.call(modem, MI, "List")[0] == []


def test_send_options_validity_class_report():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        modem = h.modems()[0]
        path = send(h, modem, N, "with options", validity=60, delivery_report=True, **{"class": 1})
        h.wait_property(path, SMS, "State", lambda s: s in ("sent", "delivered"), timeout=10)
        number, text, details = read(h, path)
        assert details["class"] == 1 and details["validity"] == 60, details
        assert sent_joined(h.sims[0]) == [(N, "with options")]
        assert h.get(path, SMS, "DeliveryStatus") in ("pending", "delivered")


if __name__ == "__main__":
    harness.main(globals())
