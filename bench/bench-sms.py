#!/usr/bin/python3
"""SMS throughput and latency (issue #5 benchmarks), callstackd against an
instantly-answering callstack-modem-sim (sim7600 profile), private bus,
polkit mock allowing everything.

receive: `sms burst N` stores N messages and fires N +CMTI in one write;
  msgs/s from the burst to the N-th Added(o, true); then M messages one
  at a time (`sms deliver`, wait for Added): median / p99 of
  deliver -> Added (the simulator answers at once, so this is our time
  plus the pty and the bus).
send: N Send() calls issued at once (asynchronously); msgs/s until the
  last is `sent`; then M sequential sends: median / p99 Send -> `sent`
  (the PDU has reached the modem and +CMGS came back).

Figures are printed; the process exits 0.  The build under test is the
one in CALLSTACK_BUILD_DIR (ASan in the default test build: a release
build is faster)."""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("CALLSTACK_SOURCE_DIR", "."), "tests", "integration"))
import harness  # noqa: E402
from gi.repository import Gio, GLib  # noqa: E402

MI = "org.callstack.Modem.Messaging"
SMS = "org.callstack.SMS"
N_RECV = int(os.environ.get("BENCH_SMS_RECEIVE", "1000"))
N_SEND = int(os.environ.get("BENCH_SMS_SEND", "200"))
M_SEQ = int(os.environ.get("BENCH_SMS_SEQUENTIAL", "100"))


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def incoming(rec):
    return [s for s in rec.signals if s[2] == "Added" and s[3][1]]


def bench_receive(h, rec):
    sim = h.sims[0]
    t0 = time.monotonic()
    sim.control(f"sms burst {N_RECV}", timeout=60)
    harness.wait_until(lambda: len(incoming(rec)) >= N_RECV, 300, f"{N_RECV} Added")
    dt = time.monotonic() - t0
    print(f"receive burst: {N_RECV} messages in {dt:.2f} s = {N_RECV / dt:.0f} msg/s "
          f"(stored, deleted from the modem, announced)")
    lat = []
    for i in range(M_SEQ):
        n = len(incoming(rec))
        t = time.monotonic()
        sim.control(f'sms deliver +15555550142 "latency probe {i}"')
        harness.wait_until(lambda: len(incoming(rec)) > n, 10, "Added", interval=0.0005)
        lat.append((time.monotonic() - t) * 1000)
    print(f"receive latency +CMTI -> Added ({M_SEQ} one at a time): median {statistics.median(lat):.2f} ms, "
          f"p99 {pct(lat, 99):.2f} ms")


def bench_send(h):
    modem = h.modems()[0]
    conn = h.bus.conn
    done = {}
    sent_at = {}
    rec = h.record_signals()
    t0 = time.monotonic()

    # One Send in flight per connection: bus-polkit answers Busy to an
    # identical call (same sender and method) still waiting for polkit.
    # Send replies once the message is stored `queued`, so chaining the
    # calls fills the daemon's queue as fast as the bus allows.
    def issue(i):
        conn.call(harness.BUS_NAME, modem, MI, "Send",
                  GLib.Variant("(ssa{sv})", ("+15555550123", f"bench message {i}", {})), None,
                  Gio.DBusCallFlags.NONE, 60000, None, on_reply, i)

    def on_reply(c, res, i):
        try:
            done[i] = c.call_finish(res).unpack()[0]
        except GLib.Error as e:
            done[i] = e
        if i + 1 < N_SEND:
            issue(i + 1)

    issue(0)

    def all_sent():
        for s in rec.signals:
            if s[2] == "PropertiesChanged" and s[3][1].get("State") == "sent" and s[0] not in sent_at:
                sent_at[s[0]] = time.monotonic()
        return len(sent_at) >= N_SEND
    harness.wait_until(all_sent, 300, f"{N_SEND} sent", interval=0.001)
    dt = time.monotonic() - t0
    errors = [v for v in done.values() if isinstance(v, Exception)]
    queued = max(done.keys()) if done else 0
    print(f"send queue: {N_SEND} messages in {dt:.2f} s = {N_SEND / dt:.0f} msg/s ({len(errors)} errors)")
    lat = []
    for i in range(M_SEQ):
        t = time.monotonic()
        p = h.call(modem, MI, "Send", "(ssa{sv})", ("+15555550123", f"one at a time {i}", {}))[0]
        harness.wait_until(lambda: any(s[0] == p and s[2] == "PropertiesChanged" and
                                       s[3][1].get("State") == "sent" for s in rec.signals[-8:]),
                           10, "sent", interval=0.0005)
        lat.append((time.monotonic() - t) * 1000)
    print(f"send latency Send -> PDU at the modem and +CMGS back ({M_SEQ} one at a time): "
          f"median {statistics.median(lat):.2f} ms, p99 {pct(lat, 99):.2f} ms")
    got = len(h.sims[0].control("sms sent joined"))
    assert got == N_SEND + M_SEQ, got


def main():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS, daemon_args=["--log-level", "info"]) as h:
        rec = h.record_signals()
        bench_receive(h, rec)
        bench_send(h)
    return 0


if __name__ == "__main__":
    sys.exit(main())
