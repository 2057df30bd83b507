#!/usr/bin/python3
"""callstack-modem-sim on its own: the modem-side cost that every daemon
benchmark includes.  Prints AT round-trip times over the pty (host writes
a command, reads to the final result), the time to store 1,000 messages and
deliver 1,000 back-to-back +CMTI, and read+delete throughput (+CMGR then
+CMGD per message, like a daemon draining storage).  The build under test
normally has ASan/UBSan: figures are upper bounds."""
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ.get("CALLSTACK_SOURCE_DIR", "."), "tests", "integration", "modem-sim"))
from modemsim import ModemSim  # noqa: E402


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def main():
    n_at = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    n_sms = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    with tempfile.TemporaryDirectory(prefix="bench-sim-") as tmp, ModemSim("sim7600", tmp) as sim:
        port = sim.open_port()
        port.command("ATE0")
        rtt = []
        for _ in range(n_at):
            t0 = time.perf_counter()
            port.command("AT+CSQ")
            rtt.append((time.perf_counter() - t0) * 1e6)
        print(f"AT+CSQ round trip over the pty: median {statistics.median(rtt):.0f} us, "
              f"p99 {pct(rtt, 99):.0f} us ({n_at} commands)")

        sim.control(f"sms capacity ME {n_sms}")
        port.command('AT+CPMS="ME","ME","ME"')
        t0 = time.perf_counter()
        sim.control(f"sms burst {n_sms}")
        port.read_until(lambda b: b.count(b"+CMTI") >= n_sms, timeout=60)
        t1 = time.perf_counter()
        port.drain(0.05)
        print(f"sms burst {n_sms}: stored and {n_sms} +CMTI received in {(t1 - t0) * 1000:.0f} ms")

        t0 = time.perf_counter()
        info, _ = port.command("AT+CMGL=4", timeout=60)
        t1 = time.perf_counter()
        print(f"AT+CMGL=4 with {len(info) // 2} messages: {(t1 - t0) * 1000:.0f} ms")

        per = []
        t0 = time.perf_counter()
        for i in range(n_sms):
            a = time.perf_counter()
            port.command(f"AT+CMGR={i}")
            port.command(f"AT+CMGD={i}")
            per.append((time.perf_counter() - a) * 1e6)
        t1 = time.perf_counter()
        print(f"read+delete: {n_sms / (t1 - t0):.0f} messages/s, per message median "
              f"{statistics.median(per):.0f} us, p99 {pct(per, 99):.0f} us")
        assert sim.control("sms count") == ["0"]
    return 0


if __name__ == "__main__":
    sys.exit(main())
