#!/usr/bin/python3
"""callstackd benchmarks on a private bus with callstack-modem-sim:

  ready     time from starting callstackd to the modem's State leaving
            "probing" (ready/registered) on the bus, with the simulator
            answering after --latency-ms (default 10 ms), and the number of
            AT round-trips it took (the simulator's command log);
  rss       resident memory (VmRSS) of the idle daemon with 1 and 8 modems;
  wakeups   context switches per minute of the idle daemon (voluntary +
            involuntary, from /proc/PID/status) over a measured window,
            with the default 30 s signal poll.

Targets (issue #3): < 150 ms to ready, < 4 MiB RSS with 8 modems, idle
wake-ups only for the signal poll.  Measure RSS on a build without
sanitizers (ASan reserves and touches far more): the script says which
build it ran on.  Usage: bench-daemon.py [--latency-ms N] [--window S]."""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("CALLSTACK_SOURCE_DIR", "."), "tests", "integration"))
import harness  # noqa: E402

M = harness.MODEM_IFACE


def sanitized():
    path = os.path.join(harness.BUILD_DIR, "meson-info", "intro-buildoptions.json")
    try:
        for o in json.load(open(path)):
            if o["name"] == "b_sanitize":
                return o["value"]
    except (OSError, ValueError):
        pass
    return "unknown"


def status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def switches(pid):
    return status(pid, "voluntary_ctxt_switches") + status(pid, "nonvoluntary_ctxt_switches")


def bench_ready(latency_ms, runs):
    times, trips = [], []
    for _ in range(runs):
        with harness.Harness(sims=1, sim_args=[{"latency_ms": latency_ms}], daemon=False) as h:
            h.wait_modems = False
            t0 = time.monotonic()
            h.start_daemon()
            modem = harness.wait_until(lambda: h.modems(), 10, "the modem object")[0]
            harness.wait_until(lambda: h.get(modem, M, "State") in ("ready", "registered", "locked"), 10,
                               "State ready", interval=0.002)
            times.append((time.monotonic() - t0) * 1000)
            log = h.sims[0].at_log()
            trips.append(log.index("AT+CPIN?") + 1 if "AT+CPIN?" in log else len(log))
    return times, trips


def bench_idle(n, window, extra=()):
    with harness.Harness(sims=n, daemon_args=["--log-level", "notice"] + list(extra)) as h:
        pid = h.daemon.proc.pid
        for m in h.modems():
            harness.wait_until(lambda m=m: h.get(m, M, "State") == "registered", 10, "registered")
        time.sleep(1.0)
        rss = status(pid, "VmRSS")
        anon = status(pid, "RssAnon")
        pss = 0
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
        s0, t0 = switches(pid), time.monotonic()
        time.sleep(window)
        per_min = (switches(pid) - s0) * 60 / (time.monotonic() - t0)
        return rss, anon, pss, per_min


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--latency-ms", type=int, default=10)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--window", type=float, default=65.0, help="idle measuring window, seconds")
    a = ap.parse_args()
    harness.require_programs(harness.callstackd_path(), harness.sim_path())

    print(f"build: {harness.BUILD_DIR} (b_sanitize={sanitized()})")
    times, trips = bench_ready(a.latency_ms, a.runs)
    times.sort()
    print(f"ready: start -> State ready, {a.latency_ms} ms simulator latency: "
          f"median {times[len(times) // 2]:.0f} ms, min {times[0]:.0f} ms, max {times[-1]:.0f} ms "
          f"({a.runs} runs; target < 150 ms)")
    print(f"ready: AT round-trips until the SIM state is known: {trips[0]}")
    for n, extra in ((1, ()), (8, ()), (8, ("--no-hotplug",))):
        rss, anon, pss, per_min = bench_idle(n, a.window, extra)
        what = " without udev (--no-hotplug)" if extra else ""
        print(f"idle with {n} modem(s){what}: VmRSS {rss / 1024:.2f} MiB (private anonymous {anon / 1024:.2f} MiB, "
              f"PSS {pss / 1024:.2f} MiB; the rest is shared library pages), {per_min:.1f} wake-ups/min "
              f"(signal poll: {n * 2} per min at 30 s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except harness.Skip as e:
        print(f"skipped: {e}", file=sys.stderr)
        sys.exit(77)
