#!/usr/bin/python3
"""Side by side: smstools3 (`smsd`, Debian package smstools) receiving the
same 1,000 stored messages from the same instantly-answering simulator
that bench-sms.py gives callstackd.  Prints smsd's msgs/s; skipped (exit
77) when smsd is not installed.  smsd is configured for its fastest
reading: check_memory_method 31 (one AT+CMGL, PDUs taken from the list,
each deleted after it is read), delaytime 1 s."""

import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("CALLSTACK_SOURCE_DIR", "."), "tests", "integration"))
import harness  # noqa: E402

N = int(os.environ.get("BENCH_SMS_RECEIVE", "1000"))

CONF = """devices = GSM1
incoming = {d}/incoming
outgoing = {d}/outgoing
checked = {d}/checked
failed = {d}/failed
logfile = {d}/smsd.log
loglevel = 4
infofile = {d}/smsd.working
pidfile = {d}/smsd.pid
delaytime = 1
receive_before_send = yes

[GSM1]
device = {tty}
incoming = yes
baudrate = 115200
mode = new
memory_start = 0
check_memory_method = 31
init = AT+CPMS="SM","SM","SM"
"""


def main():
    smsd = shutil.which("smsd") or "/usr/sbin/smsd"
    if not os.access(smsd, os.X_OK):
        print("skipped: smsd (Debian package smstools) is not installed; `scripts/dev bench` "
              "installs it (BENCH_PACKAGES in scripts/dev)", file=sys.stderr)
        return 77
    with harness.Harness(sims=1, daemon=False) as h:
        sim = h.sims[0]
        d = os.path.join(h.tmp, "smstools")
        for sub in ("incoming", "outgoing", "checked", "failed"):
            os.makedirs(os.path.join(d, sub))
        with open(os.path.join(d, "smsd.conf"), "w") as f:
            f.write(CONF.format(d=d, tty=sim.tty))
        sim.control(f"sms burst {N}", timeout=60)
        t0 = time.monotonic()
        proc = subprocess.Popen([smsd, "-c" + os.path.join(d, "smsd.conf")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        proc.wait(10)
        try:
            def count():
                return len(os.listdir(os.path.join(d, "incoming")))
            harness.wait_until(lambda: count() >= N, 600, f"{N} files from smsd", interval=0.05)
            dt = time.monotonic() - t0
            print(f"smstools3 receive: {N} messages in {dt:.2f} s = {N / dt:.1f} msg/s "
                  f"(start-up included; {count()} files)")
        finally:
            try:
                with open(os.path.join(d, "smsd.pid")) as f:
                    pid = int(f.read().strip())
                os.kill(pid, 15)
                time.sleep(1)
            except (OSError, ValueError):
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
