#!/usr/bin/python3
"""Durability: callstackd is killed with SIGKILL at random instants while
the simulator delivers 200 messages (single and 3-part), then restarted;
repeated ROUNDS times.  At the end every message is present exactly once
and the modem's storage is empty (DESIGN "Storage and durability").

ROUNDS is 20 (the issue's figure); CALLSTACK_SMS_DURABILITY_ROUNDS=N
overrides it (e.g. 5 on a slow machine).  CALLSTACK_SMS_DURABILITY_SEED
fixes the random kill points."""

import os
import random
import signal
import threading
import time

from smslib import MI, harness, read, storage_count

ROUNDS = int(os.environ.get("CALLSTACK_SMS_DURABILITY_ROUNDS", "20"))
TOTAL = 200
SENDER = "+15555550142"


def message(i):
    if i % 5 == 0:  # 40 multipart messages, 3 parts each
        return (f"multi {i:03d} " + "abcdefghij" * 40)[:400], ["--parts", "3", "--ref", str(i)]
    return f"single {i:03d}", []


def kill(h):
    h.daemon.proc.send_signal(signal.SIGKILL)
    h.daemon.proc.wait()
    h.daemon.stopped = True
    h.daemon.log.close()


def test_durability_kill9_during_delivery():
    seed = int(os.environ.get("CALLSTACK_SMS_DURABILITY_SEED", str(int(time.time()))))
    rnd = random.Random(seed)
    print(f"seed {seed}, {ROUNDS} rounds")
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        order = list(range(TOTAL))
        rnd.shuffle(order)
        chunks = [order[k::ROUNDS] for k in range(ROUNDS)]
        for r, chunk in enumerate(chunks):
            if r > 0:
                h.start_daemon()

            def deliver(chunk=chunk):
                for i in chunk:
                    text, opts = message(i)
                    sim.control(f'sms deliver {SENDER} "{text}" ' + " ".join(opts))
                    time.sleep(rnd.random() * 0.01)

            t = threading.Thread(target=deliver)
            t.start()
            time.sleep(rnd.random() * 0.4)
            kill(h)
            t.join()
        h.start_daemon()
        modem = h.modems()[0]
        harness.wait_until(lambda: len(h.call(modem, MI, "List")[0]) >= TOTAL and storage_count(sim) == 0,
                           60, f"{TOTAL} messages stored and the storage empty")
        harness.pump(1.0)
        paths = h.call(modem, MI, "List")[0]
        texts = sorted(read(h, p)[1] for p in paths)
        want = sorted(message(i)[0] for i in range(TOTAL))
        missing = sorted(set(want) - set(texts))
        dups = sorted({t for t in texts if texts.count(t) > 1})
        assert not missing and not dups and len(texts) == TOTAL, (seed, missing[:5], dups[:5], len(texts))
        assert storage_count(sim) == 0


if __name__ == "__main__":
    harness.main(globals())
