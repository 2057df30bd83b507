#!/usr/bin/python3
"""callstack demo: the service on a simulated modem, on a private bus.

Starts, in a temporary directory and without touching the host's system
bus: a private system-like dbus-daemon (with dbus/org.callstack.conf), a
polkit stand-in (python3-dbusmock's polkitd template, allowing every
callstack action), callstack-modem-sim (a SIMCom SIM7600 with 10 ms
latency) and callstackd on it.  Then it walks through callstackctl list,
show, identity, a raw AT command, and a signal-quality/registration change
injected in the simulator as seen by `callstackctl monitor` and `show`.
It then keeps running until Ctrl-C, printing how to reach it from another
shell; --once exits after the tour (what the test suite runs).

Run it with `scripts/dev demo` (builds first) or
`/usr/bin/python3 scripts/demo.py --build build`."""
import argparse
import os
import shlex
import signal
import subprocess
import sys
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def main():
    ap = argparse.ArgumentParser(description="run callstack on a simulated modem on a private bus")
    ap.add_argument("--build", default=os.environ.get("CALLSTACK_BUILD", "build"),
                    help="meson build directory (default: build)")
    ap.add_argument("--once", action="store_true", help="exit after the tour instead of waiting for Ctrl-C")
    ap.add_argument("--profile", default="sim7600", help="simulator profile (default: sim7600)")
    args = ap.parse_args()

    build = os.path.abspath(args.build if os.path.isabs(args.build) else os.path.join(TOP, args.build))
    os.environ["CALLSTACK_BUILD_DIR"] = build
    os.environ["CALLSTACK_SOURCE_DIR"] = TOP
    sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
    import harness
    harness.DETACH = True

    for prog in (harness.sim_path(), harness.callstackd_path(), harness.callstackctl_path()):
        if not os.access(prog, os.X_OK):
            print(f"demo: {os.path.relpath(prog, TOP)} is not built; run `scripts/dev build` first",
                  file=sys.stderr)
            return 77  # "skipped" for the test suite
    if os.geteuid() != 0:
        # Only root may own org.callstack under our bus policy, as on a real system.
        print("demo: run as root: the private bus applies the real policy (only root owns org.callstack)",
              file=sys.stderr)
        return 1

    # SIGTERM ends the demo like Ctrl-C, with a clean teardown.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))

    ctl_rel = os.path.relpath(harness.callstackctl_path())
    if ctl_rel.startswith(".."):
        ctl_rel = harness.callstackctl_path()

    def say(text):
        print(f"\n== {text}", flush=True)

    def run_ctl(h, *ctl_args):
        print(f"$ callstackctl {' '.join(shlex.quote(a) for a in ctl_args)}", flush=True)
        r = h.ctl(*ctl_args)
        sys.stdout.write(r.stdout)
        if r.stderr:
            sys.stdout.write(r.stderr)
        if r.returncode != 0:
            raise harness.HarnessError(f"callstackctl {' '.join(ctl_args)} exited with {r.returncode}")
        sys.stdout.flush()
        return r

    say("starting a private system-like bus, the polkit stand-in (dbusmock, allowing every "
        "callstack action), the simulated modem and callstackd")
    t0 = time.monotonic()
    try:
        # Signal quality polled every 2 s (default 30) so the tour needs no patience.
        with harness.Harness(sims=1, profiles=[args.profile], allowed=harness.ALL_ACTIONS,
                             sim_args=[{"latency_ms": 10}], tmp_prefix="callstack-demo-",
                             daemon_args=["--signal-interval", "2",
                                          # the source tree's profiles: nothing is installed yet
                                          "--profiles-dir", os.path.join(TOP, "profiles")]) as h:
            modem = h.modems()[0]
            print(f"bus:       {h.bus.address}")
            print(f"simulator: {h.sims[0].tty} (profile {args.profile}, control socket {h.sims[0].control_path})")
            print(f"callstackd: pid {h.daemon.proc.pid}, modem {modem} settled in "
                  f"{time.monotonic() - t0:.2f}s (State {h.get(modem, harness.MODEM_IFACE, 'State')})")

            say("the modems callstackd found")
            run_ctl(h, "list")
            say("one modem in detail")
            run_ctl(h, "show")
            profile = h.get(modem, harness.MODEM_IFACE, "Profile")
            if profile != args.profile:
                raise harness.HarnessError(f"the simulated {args.profile} got profile {profile!r}")
            say("identities are personal data: polkit action org.callstack.modem.identity (allowed here)")
            run_ctl(h, "identity")
            say("a raw AT command (org.callstack.modem.command, administrators only on a real system)")
            run_ctl(h, "at", "AT+CSQ")

            say("watching signals with `callstackctl monitor` while the simulator's signal drops "
                "and it starts roaming")
            mon = h.spawn([harness.callstackctl_path(), "--bus-address", h.bus.address, "monitor"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            harness.LineReader(mon.stderr).read_until(lambda l: l.startswith("Monitoring"), 10, "monitor start")
            out = harness.LineReader(mon.stdout)
            before = h.get(modem, harness.MODEM_IFACE, "SignalQuality")
            csq = 6 if before > 40 else 25
            print(f"simulator control: set csq {csq} 99; set creg 5  (+CSQ polled, then a +CREG: 5 URC)")
            h.sims[0].control(f"set csq {csq} 99")
            h.sims[0].control("set creg 5")
            h.wait_property(modem, harness.MODEM_IFACE, "Registration", "roaming", timeout=15)
            h.wait_property(modem, harness.MODEM_IFACE, "SignalQuality", lambda v: v != before, timeout=30)
            want = {f"SignalQuality={h.get(modem, harness.MODEM_IFACE, 'SignalQuality')}", "Registration=roaming"}

            def seen_all(line):
                print("monitor: " + line, flush=True)
                for w in list(want):
                    if w in line:
                        want.discard(w)
                return not want
            out.read_until(seen_all, 10, "the change in callstackctl monitor")
            mon.terminate()
            mon.wait(5)
            run_ctl(h, "show")

            addr = shlex.quote(h.bus.address)
            if args.once:
                say("tour done (--once): stopping")
            else:
                say("callstack is running; from another shell (as root):")
                print(f"  {ctl_rel} --bus-address {addr} show")
                print(f"  {ctl_rel} --bus-address {addr} monitor")
                print(f"  busctl --address={addr} tree org.callstack")
                print(f"  {ctl_rel} --bus-address {addr} sms send +15555550123 'Hello'")
                print(f"  {ctl_rel} --bus-address {addr} sms list")
                print(f"callstackd's log (debug level, personal data masked): {h.daemon.log_path}")
                print(f"simulator control socket: {h.sims[0].control_path} (README.md, \"Simulated modem\", "
                      "Control protocol), e.g. a message from the network:")
                ctl_sock = shlex.quote(h.sims[0].control_path)
                print("  /usr/bin/python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); "
                      "s.connect(sys.argv[1]); s.sendall(sys.argv[2].encode()+b\"\\n\"); "
                      "print(s.recv(4096).decode(), end=\"\")' "
                      f"{ctl_sock} 'sms deliver +15555550142 \"Hello from the network\"'")
                print("  ('unplug' there ends the modem for good in this demo: callstackd was given the")
                print("   port with --port, which is not reopened after a hang-up; restart the demo)")
                print("Ctrl-C stops everything.", flush=True)
                try:
                    while h.daemon.proc.poll() is None:
                        time.sleep(0.5)
                    print("demo: callstackd exited", file=sys.stderr)
                except KeyboardInterrupt:
                    print("\nstopping", flush=True)
    except KeyboardInterrupt:
        print("\nstopped", flush=True)
        return 130
    except harness.HarnessError as e:
        print(f"demo: {e}", file=sys.stderr)
        return 1
    print("callstackd stopped cleanly (exit 0).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
