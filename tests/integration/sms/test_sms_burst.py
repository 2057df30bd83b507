#!/usr/bin/python3
"""Burst: the simulator stores 200 messages and fires 200 +CMTI in one
write.  All 200 are read, stored and announced exactly once; the storage
is empty afterwards.  (ModemManager 1.20 picks up 1 of 200 here.)"""

from smslib import MI, harness, read, storage_count, wait_incoming


def test_burst_200_cmti_all_read_once():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        modem = h.modems()[0]
        rec = h.record_signals()
        sim.control("sms burst 200")
        paths = wait_incoming(rec, 200, timeout=60)
        harness.pump(1.0)
        paths = [s[3][0] for s in rec.signals if s[2] == "Added" and s[3][1]]
        assert len(paths) == 200 and len(set(paths)) == 200, len(paths)
        assert len(h.call(modem, MI, "List")[0]) == 200
        assert storage_count(sim) == 0
        texts = [read(h, p)[1] for p in paths[:5]]
        assert all(texts), texts


def test_burst_while_daemon_was_down_swept_on_start():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS, daemon=False) as h:
        sim = h.sims[0]
        for i in range(30):
            sim.control(f'sms deliver +15555550142 "stored while down {i}"')
        sim.control('sms deliver +15555550142 "' + "m" * 300 + '" --parts 2 --mem ME')
        assert storage_count(sim) == 32
        rec = h.record_signals()
        h.start_daemon()
        wait_incoming(rec, 31, timeout=30)
        modem = h.modems()[0]
        texts = sorted(read(h, p)[1] for p in h.call(modem, MI, "List")[0])
        assert texts == sorted([f"stored while down {i}" for i in range(30)] + ["m" * 300]), texts
        assert storage_count(sim) == 0


if __name__ == "__main__":
    harness.main(globals())
