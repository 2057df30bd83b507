#!/usr/bin/python3
"""Receiving end to end: single and multipart (8- and 16-bit references)
in order, reversed, shuffled; duplicates; a conflicting duplicate; a
missing part published as `partial` after the group's maximum age
(--sms-group-max-age); two senders with the same reference; 8- and 16-bit
groups with the same reference number; +CMT direct delivery; the
modem's storage is empty afterwards and each message is announced once."""

from smslib import MI, SMS, harness, read, storage_count, wait_incoming

A = "+15555550142"
B = "+15555550177"
LONG = "".join(chr(ord("a") + i % 26) for i in range(400))
LONG_UCS2 = "Привет, мир! 👋 " * 12


def body_of(h, path):
    return read(h, path)[:2]


def deliver(sim, sender, text, *opts):
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    return sim.control(f'sms deliver {sender} "{quoted}" ' + " ".join(opts))


def encode(sim, sender, text, *opts):
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    return sim.control(f'sms encode {sender} "{quoted}" ' + " ".join(opts))


def test_receive_single_part():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        rec = h.record_signals()
        deliver(sim, A, "Your code is 123456")
        paths = wait_incoming(rec, 1)
        assert len(paths) == 1
        assert body_of(h, paths[0]) == (A, "Your code is 123456")
        props = h.get_all(paths[0], SMS)
        assert props["State"] == "received" and props["Direction"] == "incoming", props
        assert props["PartsTotal"] == 1 and props["PartsReceived"] == 1, props
        assert props["Modem"] == h.modems()[0], props
        assert storage_count(sim) == 0


def test_receive_multipart_orders_and_widths():
    cases = [
        ("in order 8-bit", LONG, ["--parts", "3"]),
        ("reversed 8-bit", LONG, ["--parts", "3", "--order", "reverse"]),
        ("shuffled 8-bit", LONG, ["--parts", "3", "--order", "shuffle"]),
        ("in order 16-bit", LONG, ["--parts", "3", "--ref16"]),
        ("reversed 16-bit", LONG, ["--parts", "3", "--ref16", "--order", "reverse"]),
        ("shuffled 16-bit ucs2", LONG_UCS2, ["--parts", "4", "--ref16", "--ucs2", "--order", "shuffle"]),
        ("3,1,2 ucs2 8-bit", LONG_UCS2, ["--parts", "3", "--ucs2", "--order", "3,1,2"]),
    ]
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        rec = h.record_signals()
        for i, (name, text, opts) in enumerate(cases):
            deliver(sim, A, text, "--ref", str(10 + i), *opts)
            paths = wait_incoming(rec, i + 1)
            assert len(paths) == i + 1, (name, paths)
            assert body_of(h, paths[-1]) == (A, text), name
            props = h.get_all(paths[-1], SMS)
            assert props["State"] == "received", (name, props)
            assert props["PartsReceived"] == props["PartsTotal"] == int(opts[1]), (name, props)
        assert storage_count(sim) == 0


def test_receive_duplicate_part_ignored():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        rec = h.record_signals()
        deliver(sim, A, LONG, "--parts", "3", "--ref", "77", "--dup", "2")
        paths = wait_incoming(rec, 1)
        harness.pump(0.5)
        assert len(incoming_paths := wait_incoming(rec, 1)) == 1, incoming_paths
        assert body_of(h, paths[0]) == (A, LONG)
        assert "conflicting-duplicates" not in read(h, paths[0])[2]
        assert storage_count(sim) == 0


def test_receive_conflicting_duplicate_kept_and_counted():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        rec = h.record_signals()
        good = encode(sim, A, LONG, "--parts", "3", "--ref", "90")
        other = encode(sim, A, LONG[::-1], "--parts", "3", "--ref", "90")
        assert len(good) == 3 and len(other) == 3
        # part 2 with different content arrives first, then the real group
        for pdu in [other[1].split()[-1], good[0].split()[-1], good[1].split()[-1], good[2].split()[-1]]:
            sim.control(f"sms inject-pdu {pdu}")
        paths = wait_incoming(rec, 1)
        assert len(paths) == 1
        number, text, details = read(h, paths[0])
        assert details.get("conflicting-duplicates") == 1, details
        # the first copy of part 2 won; the text has every part, none lost
        assert text.startswith(LONG[:100]) and text.endswith(LONG[-100:]), text
        assert storage_count(sim) == 0


def test_receive_missing_part_becomes_partial_after_max_age():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS, daemon_args=["--sms-group-max-age", "2"]) as h:
        sim = h.sims[0]
        rec = h.record_signals()
        pdus = [line.split()[-1] for line in encode(sim, A, LONG, "--parts", "3", "--ref", "5")]
        sim.control(f"sms inject-pdu {pdus[0]}")
        sim.control(f"sms inject-pdu {pdus[2]}")
        harness.pump(1.0)
        assert incoming_added_count(rec) == 0, "a partial body was announced as final"
        assert storage_count(sim) == 0  # parts are stored, slots freed while waiting
        paths = wait_incoming(rec, 1, timeout=10)
        props = h.get_all(paths[0], SMS)
        assert props["State"] == "partial", props
        assert props["PartsTotal"] == 3 and props["PartsReceived"] == 2, props
        number, text, details = read(h, paths[0])
        assert list(details["missing-parts"]) == [2], details
        assert text.startswith(LONG[:100]) and LONG[-50:] in text, text
        assert text.count("\ufffd") == 1 and "missing]" not in text, text
        # the late part does not resurrect a second message
        sim.control(f"sms inject-pdu {pdus[1]}")
        harness.pump(1.0)
        assert incoming_added_count(rec) <= 2


def incoming_added_count(rec):
    return len([s for s in rec.signals if s[2] == "Added" and s[3][1]])


def test_receive_two_senders_same_reference():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        rec = h.record_signals()
        a = [line.split()[-1] for line in encode(sim, A, LONG, "--parts", "3", "--ref", "42")]
        b = [line.split()[-1] for line in encode(sim, B, LONG.upper(), "--parts", "3", "--ref", "42")]
        for pdu in (a[0], b[0], b[2], a[2], b[1], a[1]):
            sim.control(f"sms inject-pdu {pdu}")
        paths = wait_incoming(rec, 2)
        got = sorted(body_of(h, p) for p in paths)
        assert got == sorted([(A, LONG), (B, LONG.upper())]), got


def test_receive_8bit_and_16bit_groups_same_reference_never_mix():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        rec = h.record_signals()
        a = [line.split()[-1] for line in encode(sim, A, LONG, "--parts", "3", "--ref", "7")]
        b = [line.split()[-1] for line in encode(sim, A, LONG.upper(), "--parts", "3", "--ref", "7", "--ref16")]
        for pdu in (a[0], b[1], b[0], a[2], b[2], a[1]):
            sim.control(f"sms inject-pdu {pdu}")
        paths = wait_incoming(rec, 2)
        got = sorted(body_of(h, p)[1] for p in paths)
        assert got == sorted([LONG, LONG.upper()]), got


def test_receive_direct_cmt():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        rec = h.record_signals()
        deliver(sim, A, "straight through", "--mode", "cmt")
        deliver(sim, A, LONG, "--parts", "3", "--mode", "cmt", "--order", "reverse")
        paths = wait_incoming(rec, 2)
        assert [body_of(h, p) for p in paths] == [(A, "straight through"), (A, LONG)]


def test_receive_storage_named_in_indication_me():
    # C19: the indication names ME while the read memory is SM.
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        rec = h.record_signals()
        deliver(sim, A, "in SM first")
        deliver(sim, A, "then in ME", "--mem", "ME")
        deliver(sim, A, "and SM again")
        paths = wait_incoming(rec, 3)
        assert [body_of(h, p)[1] for p in paths] == ["in SM first", "then in ME", "and SM again"]
        assert storage_count(sim) == 0


def test_receive_same_pdu_twice_in_a_row_both_kept():
    # An alarm panel sends "OK" twice in one second: the same PDU (the time
    # stamp has a one-second resolution) lands in the slot the first one
    # left: two messages, not one.
    pdu = "07915155550501F0040B915155550521F300004230510103004002CF25"
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        rec = h.record_signals()
        sim.control(f"sms inject-pdu {pdu}")
        wait_incoming(rec, 1)
        harness.wait_until(lambda: storage_count(sim) == 0, 5, "the first slot freed")
        sim.control(f"sms inject-pdu {pdu}")
        paths = wait_incoming(rec, 2)
        assert [body_of(h, p)[1] for p in paths] == ["OK", "OK"]
        assert storage_count(sim) == 0


def test_receive_ucs2_noncharacter_and_nul_readable():
    # U+FFFE (a noncharacter sd-bus refuses) and U+0000 in a UCS-2 text, in
    # one part and split over two: the message used to be stored but every
    # Read() failed.  Shown as U+FFFD.
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        rec = h.record_signals()
        # SMS-DELIVER, UCS2 (DCS 08): "A" U+FFFE "B" U+0000 "C"
        sim.control("sms inject-pdu 07915155550501F0040B915155550521F300084230510103004"
                    "00A0041FFFE004200000043")
        paths = wait_incoming(rec, 1)
        number, text, details = read(h, paths[0])
        assert text == "A\ufffdB\ufffdC", repr(text)
        assert storage_count(sim) == 0


def test_receive_undecodable_part_kept_raw_and_flagged():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        rec = h.record_signals()
        sim.control("sms inject-pdu 07915155550501F0040B915155550521F30000 --raw")
        paths = wait_incoming(rec, 1)
        number, text, details = read(h, paths[0])
        assert list(details.get("undecodable-parts", [])) == [1], details
        assert storage_count(sim) == 0  # stored first, then freed
        assert h.daemon.proc.poll() is None


def test_receive_two_modems_keep_their_own_messages():
    # Two simulated SIM7600 share one (made-up) IMEI: the second is keyed
    # by its port too, so their messages stay apart.
    with harness.Harness(sims=2, allowed=harness.ALL_ACTIONS) as h:
        rec = h.record_signals()
        deliver(h.sims[0], A, "for modem zero")
        deliver(h.sims[1], B, "for modem one")
        paths = wait_incoming(rec, 2)
        modems = h.modems()
        owner = {h.get(p, SMS, "Modem"): body_of(h, p) for p in paths}
        assert sorted(owner.values()) == sorted([(A, "for modem zero"), (B, "for modem one")]), owner
        for m in modems:
            listed = h.call(m, MI, "List")[0]
            assert len(listed) == 1 and h.get(listed[0], SMS, "Modem") == m, (m, listed)
        # Delete through the other modem is refused: not its message
        other = [p for p in paths if h.get(p, SMS, "Modem") == modems[1]][0]
        assert h.call_error(modems[0], MI, "Delete", "(o)", (other,)) == "org.freedesktop.DBus.Error.InvalidArgs"


def test_receive_storage_full_is_drained():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        rec = h.record_signals()
        sim.control("sms storage-full on")
        deliver(sim, A, "waiting at the network")
        sim.control("sms storage-full off")
        paths = wait_incoming(rec, 1, timeout=10)
        assert body_of(h, paths[0]) == (A, "waiting at the network")


def test_receive_after_raw_text_mode_switch_keeps_sender_and_text():
    """A raw `callstackctl at AT+CMGF=1` puts the modem in text mode behind
    the daemon's back: the next +CMGR answer is a text-mode header.  The
    message must not be stored as an undecodable PDU with an unknown sender
    and then deleted: the daemon goes back to PDU mode and reads it again."""
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        r = h.ctl("at", "AT+CMGF=1")
        assert r.returncode == 0, (r.stdout, r.stderr)
        rec = h.record_signals()
        deliver(sim, A, "sent while in text mode")
        paths = wait_incoming(rec, 1)
        assert len(paths) == 1, paths
        assert body_of(h, paths[0]) == (A, "sent while in text mode")
        assert "undecodable-parts" not in read(h, paths[0])[2]
        assert storage_count(sim) == 0


def test_receive_sweep_failed_while_sms_busy_is_retried():
    """Messages stored while the daemon was down; at start the SMS service
    answers "+CMS ERROR: 500" (Quectel before "+QIND: SMS DONE"): the
    failed sweep runs again later, nothing stays on the modem."""
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS, daemon=False) as h:
        sim = h.sims[0]
        for i in range(3):
            deliver(sim, A, f"stored while down {i}")
        sim.control("sms busy on 500")
        h.start_daemon(["--sms-group-max-age", "2"])
        harness.pump(1.5)
        assert storage_count(sim) == 3
        sim.control("sms busy off")
        harness.wait_until(lambda: storage_count(sim) == 0, 10, "the storage swept again")
        modem = h.modems()[0]
        bodies = sorted(read(h, p)[1] for p in h.call(modem, MI, "List")[0])
        assert bodies == [f"stored while down {i}" for i in range(3)], bodies


if __name__ == "__main__":
    harness.main(globals())
