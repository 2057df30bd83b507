#!/usr/bin/python3
"""Coexistence with ModemManager, both running at once under umockdev:
the modem callstack's rules claim (ID_MM_DEVICE_IGNORE=1) is never opened
by ModemManager, and the modem an administrator gave to ModemManager
(ID_CALLSTACK_IGNORE=1) is ModemManager's alone.  Needs the Debian package
`modemmanager` (skipped without it).  Exit 0 pass, 1 fail, 77 skip."""

import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import umodem  # noqa: E402

umodem.reexec_under_wrapper()
sys.path.insert(0, os.path.join(umodem.SRC, "tests", "integration"))
import harness  # noqa: E402
from harness import MODEM_IFACE, Harness, wait_until  # noqa: E402

from test_hotplug_daemon import DAEMON_ARGS  # noqa: E402
from test_hotplug_monitor import EC25, SIM7600  # noqa: E402

MM = "/usr/sbin/ModemManager"
MM_CONF = "/etc/dbus-1/system.d/org.freedesktop.ModemManager1.conf"
MM_TYPES = {0: "ID_MM_PORT_TYPE_QCDM", 1: "ID_MM_PORT_TYPE_GPS", 2: "ID_MM_PORT_TYPE_AT_PRIMARY",
            3: "ID_MM_PORT_TYPE_AT_SECONDARY", 4: "ID_MM_PORT_TYPE_AUDIO"}


def mm_props(p):
    # what ModemManager's own rules would add; never overrides our tags
    props = {"ID_MM_CANDIDATE": "1", MM_TYPES[p.ifnum]: "1"}
    return {k: v for k, v in props.items() if k not in p.props}


def mm_props_given(p):
    # the administrator gave this one to ModemManager explicitly (its
    # allowlist tag; note: ModemManager lets ID_MM_DEVICE_PROCESS win over
    # ID_MM_DEVICE_IGNORE, so it must never be set on callstack's modems)
    return dict(mm_props(p), ID_MM_DEVICE_PROCESS="1")


def test_one_owner_per_modem():
    if not (os.access(MM, os.X_OK) and os.path.exists(MM_CONF)):
        harness.skip("ModemManager (package modemmanager) not installed")
    from gi.repository import Gio
    with Harness(sims=0, daemon=False, allowed=harness.ALL_ACTIONS,
                 bus_policies=[("mm.conf", open(MM_CONF).read())]) as h:
        tb = umodem.Testbed(h.tmp)
        mm = None
        try:
            ours = tb.add_modem(*EC25[:3], profile=EC25[3], extra_props=mm_props, ioctl_passthrough=True)
            theirs = tb.add_modem(*SIM7600[:3], profile=SIM7600[3], admin_env={"ID_CALLSTACK_IGNORE": "1"},
                                  extra_props=mm_props_given, ioctl_passthrough=True)
            assert ours.port(2).props.get("ID_MM_DEVICE_IGNORE") == "1"
            assert "ID_MM_DEVICE_IGNORE" not in theirs.port(2).props
            env = tb.env()
            env["DBUS_SYSTEM_BUS_ADDRESS"] = h.bus.address
            log = open(os.path.join(h.tmp, "mm.log"), "w")
            mm = subprocess.Popen([MM, "--debug", "--test-no-suspend-resume"],  # default filter policy
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
            h.bus.wait_name("org.freedesktop.ModemManager1", 15, mm, "ModemManager")
            h.start_daemon(extra_args=DAEMON_ARGS, env={k: env[k] for k in ("UMOCKDEV_DIR", "ASAN_OPTIONS")})

            def mm_devices():
                v = h.bus.conn.call_sync("org.freedesktop.ModemManager1", "/org/freedesktop/ModemManager1",
                                         "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", None, None,
                                         Gio.DBusCallFlags.NONE, 5000, None)
                return [ifaces["org.freedesktop.ModemManager1.Modem"]["Device"]
                        for ifaces in v.unpack()[0].values() if "org.freedesktop.ModemManager1.Modem" in ifaces]
            devices = wait_until(mm_devices, 40, "ModemManager's modem")
            assert devices == [theirs.usb_sysfs], devices
            paths = wait_until(lambda: h.modems(), 10, "callstack's modem")
            assert len(paths) == 1, paths
            ports = dict(h.get(paths[0], MODEM_IFACE, "Ports"))
            assert ours.port(2).devnode in ports and theirs.port(2).devnode not in ports, ports
            assert h.get(paths[0], MODEM_IFACE, "Profile") == "quectel-ec25"
            time.sleep(2)
            mm_log = open(os.path.join(h.tmp, "mm.log")).read()
            for p in ours.ports:
                assert f"(tty/{p.name}): port filtered: device is blocklisted" in mm_log, p.name
            # ModemManager's first command on a port it probes is AT^SQPORT? (or ATV1 later): never on ours
            for p in ours.ports:
                if p.sim:
                    sent = [c.strip().upper() for c in p.sim.at_log()]
                    assert "AT^SQPORT?" not in sent and "ATV1" not in sent, sent
        finally:
            if mm:
                mm.terminate()
                mm.wait(10)
            tb.close()


if __name__ == "__main__":
    harness.main(globals())
