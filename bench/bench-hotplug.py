#!/usr/bin/python3
"""Hotplug benchmark: "add" uevent -> modem object past "probing" on the bus.

callstackd (default --settle-ms, --probe-timeout-ms) runs under umockdev on
a private bus; a 5-port SIM7600 (diag, NMEA, AT, PPP, audio, interfaces
0-4) is plugged in; callstack-modem-sim answers on the AT port with 10 ms
latency on every reply.  Measured per run, median of RUNS runs (plug,
measure, unplug):

  * uevent -> bus: from just before the first port's add uevent to the
    first State other than "probing" on org.callstack (polled every 2 ms);
  * uevent -> hotplug ready: the daemon's own figure (first uevent it saw
    -> probing done, from its log);
  * probe commands: commands hotplug's probe sent (all ports), and the
    commands the AT port received before the modem's own initialisation.

The simulator is started after its port appears (it serves the pty
umockdev creates), so its start-up time is inside the measurement; it is
reported separately.
"""

import os
import re
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("CALLSTACK_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..")))
sys.path.insert(0, os.path.join(SRC, "tests", "integration", "hotplug"))
sys.path.insert(0, os.path.join(SRC, "tests", "integration"))
import umodem  # noqa: E402

umodem.reexec_under_wrapper()
import harness  # noqa: E402
from harness import MODEM_IFACE, Harness  # noqa: E402

RUNS = int(os.environ.get("CALLSTACK_BENCH_RUNS", "5"))
LATENCY_MS = 10
# interface 3 (PPP/secondary AT) answers AT too, as on a real SIM7600
SIM7600_5 = [(0, "ff/ff/ff", "silent"), (1, "ff/00/00", "nmea"), (2, "ff/00/00", "sim"),
             (3, "ff/00/00", "sim"), (4, "ff/00/00", "silent")]
MM = "/usr/sbin/ModemManager"
MM_CONF = "/etc/dbus-1/system.d/org.freedesktop.ModemManager1.conf"
# what ModemManager's 80-mm-candidate.rules and 77-mm-simtech-port-types.rules set
MM_TYPES = {0: "ID_MM_PORT_TYPE_QCDM", 1: "ID_MM_PORT_TYPE_GPS", 2: "ID_MM_PORT_TYPE_AT_PRIMARY",
            3: "ID_MM_PORT_TYPE_AT_SECONDARY", 4: "ID_MM_PORT_TYPE_AUDIO"}


def modemmanager_run():
    """ModemManager 1.x on its own private bus, same fake modem, same
    latency; returns (seconds to its modem object, AT commands on the AT
    port) or None when ModemManager is not installed."""
    import subprocess
    from gi.repository import Gio
    if not (os.access(MM, os.X_OK) and os.path.exists(MM_CONF)):
        return None
    h = Harness(sims=0, daemon=False, bus_policies=[("mm.conf", open(MM_CONF).read())])
    h.__enter__()
    tb = mm = None
    try:
        tb = umodem.Testbed(h.tmp)
        env = tb.env()
        env["DBUS_SYSTEM_BUS_ADDRESS"] = h.bus.address
        log = open(os.path.join(h.tmp, "mm.log"), "w")
        mm = subprocess.Popen([MM, "--debug", "--filter-policy=ALLOWLIST-ONLY", "--test-no-suspend-resume"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
        h.bus.wait_name("org.freedesktop.ModemManager1", 15, mm, "ModemManager")
        t0 = time.monotonic()
        m = tb.add_modem("1e0e", "9001", SIM7600_5, profile="sim7600", latency_ms=LATENCY_MS,
                         admin_env={"ID_CALLSTACK_IGNORE": "1"}, ioctl_passthrough=True,
                         extra_props=lambda p: {"ID_MM_CANDIDATE": "1", "ID_MM_DEVICE_PROCESS": "1",
                                                MM_TYPES[p.ifnum]: "1"})
        while time.monotonic() - t0 < 60:
            v = h.bus.conn.call_sync("org.freedesktop.ModemManager1", "/org/freedesktop/ModemManager1",
                                     "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", None, None,
                                     Gio.DBusCallFlags.NONE, 2000, None)
            if v.unpack()[0]:
                return time.monotonic() - t0, len(m.port(2).sim.at_log())
            time.sleep(0.005)
        return None
    finally:
        if mm:
            mm.terminate()
            mm.wait(10)
        if tb:
            tb.close()
        h.__exit__(None, None, None)


def main():
    try:
        h = Harness(sims=0, daemon=False)
        h.__enter__()
    except harness.Skip as e:
        print(f"skip: {e}", file=sys.stderr)
        return 77
    try:
        try:
            tb = umodem.Testbed(h.tmp)
        except umodem.Skip as e:
            print(f"skip: {e}", file=sys.stderr)
            return 77
        env = tb.env()
        h.start_daemon(extra_args=["--profiles-dir", os.path.join(SRC, "profiles"), "--signal-interval", "0",
                                   "--log-level", "info"],
                       env={k: env[k] for k in ("UMOCKDEV_DIR", "ASAN_OPTIONS")})
        bus_ms, sim_ms, cmds_before_init, add_ms = [], [], [], []
        for run in range(RUNS):
            t0 = time.monotonic()
            m = tb.add_modem("1e0e", "9001", SIM7600_5, profile="sim7600", latency_ms=LATENCY_MS, start_sims=False,
                             ioctl_passthrough=True)
            ts = time.monotonic()
            add_ms.append((ts - t0) * 1000)
            at = m.port(2)
            tb._attach(m, at)
            sim_ms.append((time.monotonic() - ts) * 1000)
            for p in m.ports:
                if p is not at:
                    tb._attach(m, p)
            path = None
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                mods = h.modems()
                if mods:
                    path = mods[0]
                    try:
                        if h.get(path, MODEM_IFACE, "State") != "probing":
                            break
                    except Exception:  # noqa: BLE001
                        pass
                time.sleep(0.002)
            else:
                raise RuntimeError("modem never left probing")
            bus_ms.append((time.monotonic() - t0) * 1000)
            cmds = []
            for c in at.sim.at_log():
                c = c.strip().upper()
                if c == "AT+CMEE=1":
                    break
                cmds.append(c)
            cmds_before_init.append(len(cmds))
            tb.remove_modem(m)
            harness.wait_until(lambda: not h.modems(), 10, "modem removed")
        log = h.daemon.log_text()
        inner = [float(x) for x in re.findall(r"([0-9.]+) ms after its first uevent", log)]
        probes = [int(x) for x in re.findall(r"(\d+) probe commands", log)]
        print(f"hotplug: 5-port SIM7600, simulator latency {LATENCY_MS} ms, {RUNS} runs (median):")
        print(f"  add uevent -> modem past probing on the bus: {statistics.median(bus_ms):.1f} ms "
              f"(min {min(bus_ms):.1f}, max {max(bus_ms):.1f})")
        if inner:
            print(f"  first uevent -> hotplug probing done (daemon's figure): {statistics.median(inner):.1f} ms")
        if probes:
            print(f"  hotplug probe commands sent (all ports): {statistics.median(probes):.0f}")
        print(f"  commands on the AT port before the modem's own init: {statistics.median(cmds_before_init):.0f}")
        print(f"  of which simulator start-up (inside the figure): {statistics.median(sim_ms):.1f} ms")
        print(f"  of which umockdev creating the 5 ports one by one (a real kernel: a few ms): "
              f"{statistics.median(add_ms):.1f} ms")
    finally:
        h.__exit__(None, None, None)
    mmr = modemmanager_run()
    if mmr is None:
        print("ModemManager side by side: skipped (package modemmanager not installed)")
    else:
        mm_s, mm_cmds = mmr
        ours = statistics.median(bus_ms) / 1000
        print(f"ModemManager side by side (same fake modem and latency): modem object after {mm_s * 1000:.0f} ms, "
              f"{mm_cmds} AT commands on the AT port; callstack {ours * 1000:.0f} ms -> {mm_s / ours:.1f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
