#!/usr/bin/python3
"""Fake USB modems for hotplug tests: umockdev devices + callstack-modem-sim.

A `Testbed` wraps UMockdev.Testbed (gir1.2-umockdev-1.0).  `add_modem()`
creates, parent first, a usb_device (idVendor/idProduct), one usb_interface
per port (bInterfaceNumber, class/subclass/protocol) and a tty child with an
`N:` line, so umockdev makes a pty for /dev/ttyUSBn.  The udev properties
our rules would set (ID_CALLSTACK_CANDIDATE, ID_CALLSTACK_PORT_ROLE, or
ID_CALLSTACK_IGNORE) are computed by the rules evaluator of
tests/unit/hotplug/test-udev-rules.py from udev/77-callstack.rules itself,
so the tests follow the shipped rules.

Ports that should answer AT get a callstack-modem-sim serving the pty
master (`--fd`); the others get nothing (silent) or an NMEA talker.

Programs under test run under `umockdev-wrapper` with UMOCKDEV_DIR passed
explicitly (reference/toolchain-notes.md).
"""

import os
import select
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("CALLSTACK_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..", "..")))
BUILD = os.environ.get("CALLSTACK_BUILD_DIR", os.path.join(SRC, "build"))
sys.path.insert(0, os.path.join(SRC, "tests", "unit", "hotplug"))
sys.path.insert(0, os.path.join(SRC, "tests", "integration"))

import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "udev_rules_eval", os.path.join(SRC, "tests", "unit", "hotplug", "test-udev-rules.py"))
rules_eval = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rules_eval)
RULES = rules_eval.parse_rules(os.path.join(SRC, "udev", "77-callstack.rules"))


class Skip(Exception):
    pass


def sim_path():
    return os.environ.get("CALLSTACK_SIM") or os.path.join(BUILD, "tools", "modem-sim", "callstack-modem-sim")


def reexec_under_wrapper():
    """umockdev's uevent sender needs the preload in THIS process (it looks
    the device up under /sys, which only the preload redirects): re-run the
    test script under umockdev-wrapper.  Children inherit the preload."""
    if "umockdev" in os.environ.get("LD_PRELOAD", ""):
        return
    import shutil
    if not shutil.which("umockdev-wrapper"):
        print("skip: umockdev-wrapper not installed", file=sys.stderr)
        sys.exit(77)
    os.execvp("umockdev-wrapper", ["umockdev-wrapper", sys.executable] + sys.argv)


def load_umockdev():
    try:
        import gi
        gi.require_version("UMockdev", "1.0")
        from gi.repository import UMockdev
        return UMockdev
    except Exception as e:  # noqa: BLE001
        raise Skip(f"umockdev GI bindings unavailable: {e}")


class Port:
    def __init__(self, modem, ifnum, cls, behaviour):
        self.modem = modem
        self.ifnum = ifnum
        self.cls = cls
        self.behaviour = behaviour  # "sim", "silent", "nmea"
        self.name = None
        self.sysfs = None
        self.devnode = None
        self.sim = None
        self.props = {}


class Sim:
    """callstack-modem-sim serving a pty master fd."""

    def __init__(self, tmp, fd, profile, latency_ms, tag):
        self.control_path = os.path.join(tmp, f"sim-{tag}.ctl")
        self.log = open(os.path.join(tmp, f"sim-{tag}.log"), "w+")
        cmd = [sim_path(), "--profile", profile, "--fd", str(fd), "--control", self.control_path]
        if latency_ms:
            cmd += ["--latency-ms", str(latency_ms)]
        env = dict(os.environ)
        env.pop("LD_PRELOAD", None)  # the simulator is the modem, outside the testbed
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, text=True, pass_fds=(fd,),
                                     env=env)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.1)
            if r:
                line = self.proc.stdout.readline()
                if line.startswith("READY"):
                    return
                if not line:
                    break
            if self.proc.poll() is not None:
                break
        self.log.seek(0)
        raise RuntimeError(f"simulator not READY: {self.log.read()[-500:]}")

    def control(self, command, timeout=5):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(self.control_path)
            s.sendall(command.encode() + b"\n")
            lines = []
            for line in s.makefile("r"):
                line = line.rstrip("\n")
                if line == "OK":
                    return lines
                if line.startswith("ERR"):
                    raise RuntimeError(f"sim control {command!r}: {line}")
                lines.append(line)
            raise RuntimeError(f"sim control {command!r}: closed")
        finally:
            s.close()

    def at_log(self):
        return self.control("log")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.log.close()


class Nmea(threading.Thread):
    """Writes NMEA sentences to a pty master, like a GNSS port; never answers AT."""

    def __init__(self, fd):
        super().__init__(daemon=True)
        self.fd = fd
        self.stop_flag = False
        self.received = b""

    def run(self):
        while not self.stop_flag:
            try:
                r, _, _ = select.select([self.fd], [], [], 0.05)
                if r:
                    self.received += os.read(self.fd, 512)
                os.write(self.fd, b"$GPGSV,1,1,00*79\r\n")
            except OSError:
                time.sleep(0.05)


class Modem:
    def __init__(self, tb, index, vid, pid, ports, profile, latency_ms, serial_bridge=False):
        self.tb = tb
        self.index = index
        self.vid = vid
        self.pid = pid
        self.profile = profile
        self.latency_ms = latency_ms
        self.usb_sysfs = None
        self.ports = [Port(self, ifnum, cls, beh) for (ifnum, cls, beh) in ports]
        self.serial_bridge = serial_bridge

    def port(self, ifnum):
        for p in self.ports:
            if p.ifnum == ifnum:
                return p
        raise KeyError(ifnum)


class Testbed:
    def __init__(self, tmp):
        self.UMockdev = load_umockdev()
        if not os.access(sim_path(), os.X_OK):
            raise Skip("tools/modem-sim/callstack-modem-sim is not built in this tree")
        self.tmp = tmp
        self.tb = self.UMockdev.Testbed.new()
        self.modems = []
        self.next_tty = 0
        self.next_bus = 1
        self.threads = []

    @property
    def root(self):
        return self.tb.get_root_dir()

    def env(self):
        e = dict(os.environ)
        e["UMOCKDEV_DIR"] = self.root
        e["ASAN_OPTIONS"] = "verify_asan_link_order=0:detect_leaks=1:abort_on_error=1"
        return e

    def passthrough(self):
        """An ioctl handler running every ioctl on the real pty: umockdev
        answers unknown tty ioctls (TIOCEXCL, ModemManager's port lock)
        with ENOTTY otherwise."""
        if getattr(self, "_passthrough", None) is None:
            UMockdev = self.UMockdev

            class PassThrough(UMockdev.IoctlBase):
                def do_handle_ioctl(self, client):
                    try:
                        r = client.execute()
                    except Exception:  # noqa: BLE001
                        client.complete(-1, 25)  # ENOTTY
                        return True
                    res, err = r if isinstance(r, tuple) else (r, 0)
                    client.complete(res, err)
                    return True
            self._passthrough = PassThrough()
        return self._passthrough

    def _udev_props(self, modem, port):
        chain, usbdev = rules_eval.tty_chain(modem.vid, modem.pid, "%02x" % port.ifnum, port.cls, port.name)
        env = rules_eval.evaluate(RULES, "add", chain, dict(modem.admin_env))
        return {k: v for k, v in env.items() if k.startswith("ID_")}

    def add_modem(self, vid, pid, ports, profile="sim7600", latency_ms=0, start_sims=True, admin_env=None,
                  extra_props=None, ioctl_passthrough=False):
        """ports: [(ifnum, "cls/sub/proto", "sim"|"silent"|"nmea")]; returns a Modem
        whose ports are created (uevents sent) in interface order.  admin_env:
        properties an administrator's earlier rules file sets (e.g.
        {"ID_CALLSTACK_IGNORE": "1"}), fed to the rules evaluator."""
        m = Modem(self, len(self.modems), vid, pid, ports, profile, latency_ms)
        m.admin_env = admin_env or {}
        bus = self.next_bus
        self.next_bus += 1
        usb = f"/sys/devices/pci0000:00/0000:00:14.0/usb1/1-{bus}"
        m.usb_sysfs = usb
        self.tb.add_from_string(
            f"P: /devices/pci0000:00/0000:00:14.0/usb1/1-{bus}\n"
            "E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\n"
            f"E: BUSNUM=001\nE: DEVNUM={bus + 1:03d}\n"
            f"A: idVendor={vid}\nA: idProduct={pid}\nA: busnum=1\nA: devnum={bus + 1}\n"
            "A: bDeviceClass=00\nA: manufacturer=Fake\nA: product=Fake modem\n")
        for p in m.ports:
            c, s, pr = p.cls.split("/")
            kind = "ttyACM" if c == "02" else "ttyUSB"
            p.name = f"{kind}{self.next_tty}"
            self.next_tty += 1
            intf = f"{usb[len('/sys'):]}/1-{bus}:1.{p.ifnum}"
            self.tb.add_from_string(
                f"P: {intf}\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_interface\n"
                f"A: bInterfaceNumber={p.ifnum:02x}\nA: bInterfaceClass={c}\n"
                f"A: bInterfaceSubClass={s}\nA: bInterfaceProtocol={pr}\n")
            p.props = self._udev_props(m, p)
            if extra_props:  # e.g. what ModemManager's own rules would set
                p.props.update(extra_props(p))
            props = "".join(f"E: {k}={v}\n" for k, v in sorted(p.props.items()))
            minor = self.next_tty
            tty = f"{intf}/{p.name}/tty/{p.name}" if kind == "ttyUSB" else f"{intf}/tty/{p.name}"
            self.tb.add_from_string(
                f"P: {tty}\nN: {p.name}\nE: SUBSYSTEM=tty\nE: DEVNAME=/dev/{p.name}\n"
                f"E: MAJOR=188\nE: MINOR={minor}\nA: dev=188:{minor}\n" + props)
            p.sysfs = "/sys" + tty
            p.devnode = f"/dev/{p.name}"
            if ioctl_passthrough:
                self.tb.attach_ioctl(p.devnode, self.passthrough())
            if start_sims:
                self._attach(m, p)
        self.modems.append(m)
        return m

    def _attach(self, m, p):
        fd = self.tb.get_dev_fd(p.devnode)
        if fd < 0:
            raise RuntimeError(f"no pty for {p.devnode}")
        if p.behaviour == "sim":
            p.sim = Sim(self.tmp, fd, m.profile, m.latency_ms, p.name)
        elif p.behaviour == "nmea":
            t = Nmea(fd)
            t.start()
            self.threads.append(t)
        # "silent": nobody reads or writes the master

    def remove_modem(self, m):
        for p in reversed(m.ports):
            self.tb.uevent(p.sysfs, "remove")
        self.tb.uevent(m.usb_sysfs, "remove")
        for p in reversed(m.ports):
            self.tb.remove_device(p.sysfs)
        self.tb.remove_device(m.usb_sysfs)
        for p in m.ports:
            if p.sim:
                p.sim.stop()
                p.sim = None
        self.modems.remove(m)

    def close(self):
        for t in self.threads:
            t.stop_flag = True
        for m in list(self.modems):
            for p in m.ports:
                if p.sim:
                    p.sim.stop()
        self.tb = None
