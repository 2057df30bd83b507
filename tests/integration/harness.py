#!/usr/bin/python3
"""Integration harness for callstack: real dbus-daemon, real processes.

One `Harness` is one isolated world in a temporary directory:

  * a private dbus-daemon with a system-bus-like configuration
    (<type>system</type>, the stock system.conf default policy, our
    dbus/org.callstack.conf included, root allowed to own
    org.freedesktop.PolicyKit1), listening in the temp dir (mode 0755 so
    uid 65534 can reach the socket);
  * polkit: python3-dbusmock's polkitd template (polkit="mock", the
    default), nothing (polkit=None: "polkit absent"), or a caller-supplied
    starter (the real polkitd test);
  * callstack-modem-sim instances (wait for "READY <tty>"), each with its
    control socket;
  * callstackd --bus-address --port --state-dir (waits for org.callstack and,
    with wait_modems, for every modem to leave "probing"), optionally under
    valgrind (CALLSTACK_VALGRIND=1: --leak-check=full --error-exitcode=99,
    meant for a non-ASan build).

Teardown SIGTERMs everything in reverse order, checks callstackd's exit
status (0 expected; 99 = valgrind errors), and always removes the temp dir
(CALLSTACK_KEEP_TMP=1 keeps it for a post-mortem).

Calls as root go through Gio (python3-gi); calls as another user run
`setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address=...`.
Documented in tests/integration/README.md.  Test scripts use
`harness.main(globals())`: every test_* function runs, exit 0 when all
passed, 1 when one failed, 77 when all skipped (with the reason on stderr).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

BUS_NAME = "org.callstack"
MANAGER_PATH = "/org/callstack"
MANAGER_IFACE = "org.callstack.Manager"
MODEM_IFACE = "org.callstack.Modem"
POLKIT_NAME = "org.freedesktop.PolicyKit1"
POLKIT_PATH = "/org/freedesktop/PolicyKit1/Authority"
MOCK_IFACE = "org.freedesktop.DBus.Mock"
NOBODY = 65534

ALL_ACTIONS = [
    "org.callstack.sms.send",
    "org.callstack.sms.read",
    "org.callstack.sms.delete",
    "org.callstack.call.control",
    "org.callstack.ussd",
    "org.callstack.modem.control",
    "org.callstack.modem.identity",
    "org.callstack.modem.command",
]

SOURCE_DIR = os.environ.get(
    "CALLSTACK_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD_DIR = os.environ.get("CALLSTACK_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
VALGRIND = os.environ.get("CALLSTACK_VALGRIND") == "1"
# The demo sets this: children get their own session so a terminal's Ctrl-C
# reaches only the demo, which then tears down in order.  Tests keep it off
# so that meson's timeout kill reaches every child.
DETACH = False
# Everything is slower under valgrind.
SLOW = 10.0 if VALGRIND else 1.0


def _popen(*args, **kw):
    if DETACH:
        kw.setdefault("start_new_session", True)
    return subprocess.Popen(*args, **kw)


class Skip(Exception):
    """Raised by a test (or the harness) to skip, with the reason."""


class HarnessError(Exception):
    pass


def skip(reason):
    raise Skip(reason)


def build_path(*parts):
    return os.path.join(BUILD_DIR, *parts)


def source_path(*parts):
    return os.path.join(SOURCE_DIR, *parts)


def callstackd_path():
    return build_path("src", "daemon", "callstackd")


def callstackctl_path():
    return build_path("src", "ctl", "callstackctl")


def sim_path():
    return build_path("tools", "modem-sim", "callstack-modem-sim")


def require_programs(*paths):
    """Skips the test when a built program is missing (a module not landed yet)."""
    for p in paths:
        if not os.access(p, os.X_OK):
            skip(f"{os.path.relpath(p, BUILD_DIR)} is not built in this tree")


def require_root(why):
    if os.geteuid() != 0:
        skip(f"needs root: {why}")


def wait_until(predicate, timeout, what, interval=0.02):
    """Polls predicate() until it returns a true value; returns that value.
    Raises HarnessError naming `what` after `timeout` seconds (scaled under
    valgrind)."""
    deadline = time.monotonic() + timeout * SLOW
    last_exc = None
    while True:
        try:
            v = predicate()
            if v:
                return v
        except Exception as e:  # the object may not exist yet
            last_exc = e
        if time.monotonic() >= deadline:
            extra = f" (last error: {last_exc})" if last_exc else ""
            raise HarnessError(f"timed out after {timeout * SLOW:.1f}s waiting for {what}{extra}")
        pump(interval)


_context = None


def pump(seconds=0.0):
    """Runs the GLib main context (signal delivery) for about `seconds`."""
    ctx = GLib.MainContext.default()
    end = time.monotonic() + seconds
    while True:
        while ctx.pending():
            ctx.iteration(False)
        left = end - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.01))


def dbus_error_name(exc):
    """The D-Bus error name of a GLib.Error from a Gio call, or None."""
    if isinstance(exc, GLib.Error):
        name = Gio.DBusError.get_remote_error(exc)
        return name
    return None


# --------------------------------------------------------------------------
# The private bus


BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <auth>EXTERNAL</auth>
  <listen>unix:dir={dir}</listen>
  <!-- The default policy of Debian's /usr/share/dbus-1/system.conf. -->
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus" send_member="UpdateActivationEnvironment"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Debug.Stats"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.systemd1.Activator"/>
  </policy>
  <policy user="root">
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Monitoring"/>
  </policy>
  <limit name="reply_timeout">600000</limit>
  <includedir>{policy_dir}</includedir>
</busconfig>
"""

# The polkit stand-in: root owns the name (as polkitd's own policy does),
# everyone may ask it, and the test (root) may drive the mock interface.
POLKIT_MOCK_POLICY = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <policy user="root">
    <allow own="org.freedesktop.PolicyKit1"/>
    <allow send_destination="org.freedesktop.PolicyKit1"/>
  </policy>
  <policy context="default">
    <allow send_destination="org.freedesktop.PolicyKit1" send_interface="org.freedesktop.PolicyKit1.Authority"/>
    <allow send_destination="org.freedesktop.PolicyKit1" send_interface="org.freedesktop.DBus.Properties"/>
    <allow send_destination="org.freedesktop.PolicyKit1" send_interface="org.freedesktop.DBus.Introspectable"/>
  </policy>
</busconfig>
"""


class Bus:
    """A private dbus-daemon with a system-bus-like configuration."""

    def __init__(self, tmpdir, extra_policies=(), include_polkit_conf=False):
        self.dir = os.path.join(tmpdir, "bus")
        self.policy_dir = os.path.join(self.dir, "system.d")
        os.makedirs(self.policy_dir)
        os.chmod(self.dir, 0o755)
        shutil.copy(source_path("dbus", "org.callstack.conf"), self.policy_dir)
        for name, text in extra_policies:
            with open(os.path.join(self.policy_dir, name), "w") as f:
                f.write(text)
        if include_polkit_conf:
            shutil.copy("/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf", self.policy_dir)
        self.config = os.path.join(self.dir, "bus.conf")
        with open(self.config, "w") as f:
            f.write(BUS_CONFIG.format(dir=self.dir, policy_dir=self.policy_dir))
        self.log = open(os.path.join(tmpdir, "dbus-daemon.log"), "w+")
        r, w = os.pipe()
        self.proc = _popen(
            ["dbus-daemon", "--config-file", self.config, "--nofork", "--nopidfile",
             f"--print-address={w}"],
            pass_fds=(w,), stdout=self.log, stderr=subprocess.STDOUT)
        os.close(w)
        with os.fdopen(r) as rf:
            addr = rf.readline().strip()
        if not addr:
            raise HarnessError("dbus-daemon did not start: " + self._log_tail())
        self.address = addr
        self.conn = Gio.DBusConnection.new_for_address_sync(
            addr,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            None, None)

    def _log_tail(self):
        self.log.seek(0)
        return self.log.read()[-2000:]

    def has_owner(self, name):
        v = self.conn.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                "NameHasOwner", GLib.Variant("(s)", (name,)), GLib.VariantType("(b)"),
                                Gio.DBusCallFlags.NONE, 5000, None)
        return v.unpack()[0]

    def wait_name(self, name, timeout=10, proc=None, what=None):
        def ok():
            if proc is not None and proc.poll() is not None:
                raise HarnessError(f"{what or name} exited with {proc.returncode} before owning {name}")
            return self.has_owner(name)
        try:
            wait_until(ok, timeout, f"{name} on the bus")
        except HarnessError as e:
            if proc is not None and proc.poll() is not None:
                raise HarnessError(str(e)) from None
            raise

    def stop(self):
        try:
            self.conn.close_sync(None)
        except Exception:
            pass
        terminate(self.proc, 5)
        self.log.close()


def terminate(proc, timeout):
    """SIGTERM, wait, then SIGKILL; returns the exit status."""
    if proc is None:
        return None
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout * SLOW)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


# --------------------------------------------------------------------------
# polkit stand-in


class PolkitMock:
    """python3-dbusmock's polkitd template on the private bus."""

    def __init__(self, harness):
        self.h = harness
        self.log = open(os.path.join(harness.tmp, "polkit-mock.log"), "w+")
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=harness.bus.address)
        self.proc = _popen(
            ["/usr/bin/python3", "-m", "dbusmock", "--system", "--template", "polkitd"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        harness.bus.wait_name(POLKIT_NAME, 15, self.proc, "python3-dbusmock polkitd")

    def _mock(self, method, sig, args):
        self.h.bus.conn.call_sync(POLKIT_NAME, POLKIT_PATH, MOCK_IFACE, method,
                                  GLib.Variant(sig, args) if sig else None, None,
                                  Gio.DBusCallFlags.NONE, 5000, None)

    def set_allowed(self, actions):
        """Only these actions are allowed from now on (besides AllowUnknown)."""
        self._mock("SetAllowed", "(as)", (list(actions),))

    def allow_unknown(self, allow):
        self._mock("AllowUnknown", "(b)", (bool(allow),))

    def set_delay(self, seconds):
        self._mock("SetDelay", "(d)", (float(seconds),))

    def calls(self):
        """CheckAuthorization calls seen so far: [(subject, action, details, flags, id)]."""
        v = self.h.bus.conn.call_sync(POLKIT_NAME, POLKIT_PATH, MOCK_IFACE, "GetMethodCalls",
                                      GLib.Variant("(s)", ("CheckAuthorization",)), None,
                                      Gio.DBusCallFlags.NONE, 5000, None)
        return [c[1] for c in v.unpack()[0]]

    def stop(self):
        terminate(self.proc, 5)
        self.log.close()


# --------------------------------------------------------------------------
# Simulated modem


class Sim:
    """callstack-modem-sim on a pty with its control socket."""

    def __init__(self, harness, index, profile="sim7600", latency_ms=None, pin=None, extra=()):
        self.h = harness
        self.index = index
        self.link = os.path.join(harness.tmp, f"ttySIM{index}")
        self.control_path = os.path.join(harness.tmp, f"sim{index}.ctl")
        self.log = open(os.path.join(harness.tmp, f"sim{index}.log"), "w+")
        cmd = [sim_path(), "--profile", profile, "--link", self.link, "--control", self.control_path]
        if latency_ms is not None:
            cmd += ["--latency-ms", str(latency_ms)]
        if pin is not None:
            cmd += ["--pin", pin]
        cmd += list(extra)
        self.proc = _popen(cmd, stdout=subprocess.PIPE, stderr=self.log)
        self.tty = self._wait_ready()

    def _wait_ready(self):
        reader = LineReader(self.proc.stdout)
        try:
            line = reader.read_until(lambda l: l.startswith("READY ") or self.proc.poll() is not None,
                                     10, "READY from the simulator")
            if line.startswith("READY "):
                return line.split(None, 1)[1].strip()
        except HarnessError:
            pass
        self.log.seek(0)
        raise HarnessError(f"simulator {self.index} not READY (exit {self.proc.poll()}): "
                           f"{reader.lines!r} {self.log.read()[-1000:]}")

    def control(self, command, timeout=5):
        """Sends one control line; returns the data lines; raises on 'ERR'."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout * SLOW)
        try:
            s.connect(self.control_path)
            s.sendall(command.encode() + b"\n")
            f = s.makefile("r")
            lines = []
            for line in f:
                line = line.rstrip("\n")
                if line == "OK":
                    return lines
                if line.startswith("ERR"):
                    raise HarnessError(f"simulator control '{command}': {line}")
                lines.append(line)
            raise HarnessError(f"simulator control '{command}': connection closed")
        finally:
            s.close()

    def at_log(self):
        """The AT commands the simulator received (control command `log`)."""
        return self.control("log")

    def clear_log(self):
        self.control("log clear")

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.control("quit", timeout=2)
            except Exception:
                pass
            try:
                self.proc.wait(2 * SLOW)
            except subprocess.TimeoutExpired:
                pass
        terminate(self.proc, 5)
        if self.proc.stdout:
            self.proc.stdout.close()
        self.log.close()


# --------------------------------------------------------------------------
# The daemon


class Daemon:
    def __init__(self, harness, ports, extra_args=(), env=None):
        self.h = harness
        self.state_dir = os.path.join(harness.tmp, "state")
        os.makedirs(self.state_dir, exist_ok=True)
        self.log_path = os.path.join(harness.tmp, "callstackd.log")
        self.log = open(self.log_path, "w+")
        cmd = [callstackd_path(), "--bus-address", harness.bus.address, "--state-dir", self.state_dir,
               "--log-level", "debug"]
        for p in ports:
            cmd += ["--port", p]
        cmd += list(extra_args)
        if VALGRIND:
            cmd = ["valgrind", "--leak-check=full", "--show-leak-kinds=definite,indirect",
                   "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99",
                   "--track-fds=no", f"--log-file={os.path.join(harness.tmp, 'valgrind.log')}"] + cmd
        e = dict(os.environ)
        e.pop("NOTIFY_SOCKET", None)
        if env:
            e.update(env)
        self.started = time.monotonic()
        self.proc = _popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=e)
        self.returncode = None
        self.stopped = False

    def log_text(self):
        self.log.flush()
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self, timeout=5):
        """SIGTERM; returns the exit status (None if it had to be killed)."""
        if self.stopped:
            return self.returncode
        self.stopped = True
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout * SLOW)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.returncode = None
                self.log.close()
                return None
        self.returncode = self.proc.returncode
        self.log.close()
        return self.returncode


# --------------------------------------------------------------------------
# Reading a child's output with deadlines


class LineReader:
    """Reads lines from a pipe with a deadline.  Uses os.read on the file
    descriptor: select() on a buffered Python file would miss lines that
    already sit in Python's buffer."""

    def __init__(self, pipe):
        self.fd = pipe.fileno()
        self.buf = b""
        self.eof = False
        self.lines = []  # every line returned so far

    def readline(self, timeout):
        """The next line (without "\n"), or None at EOF or after timeout s."""
        import select
        deadline = time.monotonic() + timeout * SLOW
        while b"\n" not in self.buf and not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.fd], [], [], min(left, 0.1))
            if r:
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    self.eof = True
                self.buf += chunk
        if b"\n" not in self.buf:
            if not self.buf:
                return None
            line, self.buf = self.buf, b""
        else:
            line, self.buf = self.buf.split(b"\n", 1)
        text = line.decode(errors="replace")
        self.lines.append(text)
        return text

    def read_until(self, predicate, timeout, what):
        """Reads lines until predicate(line); returns that line.  Raises
        HarnessError with what was read when the deadline passes."""
        deadline = time.monotonic() + timeout * SLOW
        start = len(self.lines)
        while True:
            left = deadline - time.monotonic()
            line = self.readline(max(left, 0) / SLOW) if left > 0 else None
            if line is None:
                raise HarnessError(f"no {what} within {timeout * SLOW:.1f}s; read {self.lines[start:]!r}")
            if predicate(line):
                return line


# --------------------------------------------------------------------------
# Signal recording


class SignalRecorder:
    """Records every signal org.callstack sends on the harness's connection."""

    def __init__(self, harness):
        self.h = harness
        self.signals = []
        # Not sender=BUS_NAME: GLib (2.74 with the CVE-2024-34397 fix) then
        # looks up the name's owner asynchronously and drops what arrives
        # before the answer -- a signal emitted right after subscribing was
        # lost now and then.  callstackd's signals are told by their path.
        conn = harness.bus.conn
        self._id = conn.signal_subscribe(None, None, None, None, None, Gio.DBusSignalFlags.NONE,
                                         self._on_signal)
        # A round trip: the AddMatch sent before it is in force when it
        # returns (the bus handles one connection's messages in order).
        conn.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId",
                       None, None, Gio.DBusCallFlags.NONE, 5000, None)

    def _on_signal(self, conn, sender, path, iface, member, params):
        if path == "/org/callstack" or path.startswith("/org/callstack/"):
            self.signals.append((path, iface, member, params.unpack()))

    def wait(self, predicate, timeout=5, what="a signal"):
        """Waits for a recorded (path, iface, member, args) matching predicate."""
        def found():
            for s in self.signals:
                if predicate(*s):
                    return s
            return None
        return wait_until(found, timeout, what)

    def wait_property(self, path, iface, prop, value, timeout=5):
        def pred(p, i, m, args):
            return (p == path and m == "PropertiesChanged" and args[0] == iface
                    and prop in args[1] and args[1][prop] == value)
        return self.wait(pred, timeout, f"PropertiesChanged {prop}={value!r} on {path}")

    def close(self):
        self.h.bus.conn.signal_unsubscribe(self._id)


# --------------------------------------------------------------------------
# The harness


class Harness:
    """A private bus + polkit + simulators + callstackd.  Use as a context
    manager:

        with Harness(sims=1) as h:
            modem = h.modems()[0]
            h.get(modem, "org.callstack.Modem", "State")
    """

    def __init__(self, sims=0, profiles=None, polkit="mock", allowed=(), daemon=True,
                 daemon_args=(), wait_modems=True, sim_args=None, bus_policies=(),
                 include_polkit_conf=False, expect_exit=0, tmp_prefix="callstack-test-"):
        self.n_sims = sims
        self.profiles = profiles or ["sim7600"] * sims
        self.polkit_mode = polkit
        self.allowed = list(allowed)
        self.want_daemon = daemon
        self.daemon_args = list(daemon_args)
        self.wait_modems = wait_modems
        self.sim_args = sim_args or [{} for _ in range(sims)]
        self.tmp_prefix = tmp_prefix
        self.bus_policies = list(bus_policies)
        self.include_polkit_conf = include_polkit_conf
        self.expect_exit = expect_exit
        self.tmp = None
        self.bus = None
        self.polkit = None
        self.sims = []
        self.daemon = None
        self.extra_procs = []

    # -- life cycle

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop(check=False)
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        failed = exc_type is not None and not issubclass(exc_type, Skip)
        if failed:
            # A post-mortem for CI, where the tmp directory is gone: what
            # each simulator received, then (in stop) callstackd's log.
            for s in self.sims:
                try:
                    sys.stderr.write(f"--- sim{s.index} AT log (tail) ---\n" + "\n".join(s.at_log()[-40:]) + "\n")
                except Exception:
                    pass
        self.stop(check=exc_type is None, dump_logs=failed)
        return False

    def start(self):
        if self.want_daemon:
            require_programs(callstackd_path())
        if self.n_sims:
            require_programs(sim_path())
        self.tmp = tempfile.mkdtemp(prefix=self.tmp_prefix, dir="/tmp")
        os.chmod(self.tmp, 0o755)  # uid 65534 must reach the bus socket
        policies = list(self.bus_policies)
        if self.polkit_mode == "mock":
            policies.append(("polkit-mock.conf", POLKIT_MOCK_POLICY))
        self.bus = Bus(self.tmp, policies, self.include_polkit_conf)
        if self.polkit_mode == "mock":
            self.polkit = PolkitMock(self)
            if self.allowed:
                self.polkit.set_allowed(self.allowed)
        elif callable(self.polkit_mode):
            self.polkit = self.polkit_mode(self)
        for i in range(self.n_sims):
            self.sims.append(Sim(self, i, self.profiles[i], **self.sim_args[i]))
        if self.want_daemon:
            self.start_daemon()

    def start_daemon(self, extra_args=(), env=None):
        self.daemon = Daemon(self, [s.tty for s in self.sims], self.daemon_args + list(extra_args), env)
        try:
            self.bus.wait_name(BUS_NAME, 15, self.daemon.proc, "callstackd")
        except HarnessError as e:
            raise HarnessError(f"{e}\n--- callstackd log ---\n{self.daemon.log_text()[-3000:]}") from None
        if self.wait_modems and self.sims:
            self.wait_modems_settled(len(self.sims))
        return self.daemon

    def wait_modems_settled(self, n, timeout=15):
        """Waits until n modems exist and none is 'probing'."""
        def settled():
            paths = self.modems()
            if len(paths) < n:
                return None
            states = [self.get(p, MODEM_IFACE, "State") for p in paths]
            return paths if all(s != "probing" for s in states) else None
        try:
            paths = wait_until(settled, timeout, f"{n} modem(s) probed")
        except HarnessError as e:
            raise HarnessError(f"{e}\n--- callstackd log ---\n{self.daemon.log_text()[-3000:]}") from None
        self.wait_sims_quiet()
        return paths

    def wait_sims_quiet(self, quiet=0.3, timeout=5):
        """Waits until no simulator received an AT command for `quiet`
        seconds: the follow-up queries after the probe (+CREG?, +COPS?, ...)
        are done, so a test starts from a modem at rest.  Gives up silently
        after `timeout` (a fast poll interval never rests)."""
        deadline = time.monotonic() + timeout * SLOW
        last = None
        since = time.monotonic()
        while time.monotonic() < deadline:
            try:
                now = tuple(len(s.at_log()) for s in self.sims)
            except HarnessError:
                return
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet * SLOW:
                return
            pump(0.05)

    def stop(self, check=True, dump_logs=False):
        """Stops everything; with check, fails when callstackd did not exit
        with the expected status (valgrind errors included)."""
        problems = []
        if self.daemon is not None and not self.daemon.stopped:
            rc = self.daemon.stop()
            if check and rc != self.expect_exit:
                what = "valgrind found errors" if rc == 99 and VALGRIND else f"exit status {rc}"
                problems.append(f"callstackd: {what} after SIGTERM (expected {self.expect_exit})")
        for p in self.extra_procs:
            terminate(p, 5)
        for s in self.sims:
            s.stop()
        if self.polkit is not None and hasattr(self.polkit, "stop"):
            self.polkit.stop()
        if self.bus is not None:
            self.bus.stop()
        if (problems or dump_logs) and self.tmp:
            for name in ("callstackd.log", "valgrind.log"):
                p = os.path.join(self.tmp, name)
                if os.path.exists(p):
                    with open(p, errors="replace") as f:
                        sys.stderr.write(f"--- {name} (tail) ---\n{f.read()[-4000:]}\n")
        if self.tmp and os.environ.get("CALLSTACK_KEEP_TMP") != "1":
            shutil.rmtree(self.tmp, ignore_errors=True)
        elif self.tmp:
            sys.stderr.write(f"harness: kept {self.tmp}\n")
        if problems:
            raise HarnessError("; ".join(problems))

    # -- bus helpers (as root, through Gio)

    def call(self, path, iface, method, sig=None, args=(), reply_sig=None, timeout=10, dest=BUS_NAME,
             interactive=False):
        """Calls a method; returns the unpacked reply tuple.  Raises GLib.Error
        (see dbus_error_name())."""
        flags = Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION if interactive else Gio.DBusCallFlags.NONE
        v = self.bus.conn.call_sync(dest, path, iface, method,
                                    GLib.Variant(sig, tuple(args)) if sig else None,
                                    GLib.VariantType(reply_sig) if reply_sig else None,
                                    flags, int(timeout * SLOW * 1000), None)
        return v.unpack() if v is not None else ()

    def call_error(self, *a, **kw):
        """Calls a method that must fail; returns the D-Bus error name."""
        try:
            self.call(*a, **kw)
        except GLib.Error as e:
            return dbus_error_name(e)
        raise AssertionError(f"{a[2]} succeeded, an error was expected")

    def get(self, path, iface, prop, dest=BUS_NAME):
        return self.call(path, "org.freedesktop.DBus.Properties", "Get", "(ss)", (iface, prop),
                         dest=dest)[0]

    def get_all(self, path, iface, dest=BUS_NAME):
        return self.call(path, "org.freedesktop.DBus.Properties", "GetAll", "(s)", (iface,), dest=dest)[0]

    def modems(self):
        return list(self.call(MANAGER_PATH, MANAGER_IFACE, "ListModems")[0])

    def wait_property(self, path, iface, prop, value, timeout=5):
        """Polls until the property equals value (or value(v) is true)."""
        check = value if callable(value) else (lambda v: v == value)

        def ok():
            return check(self.get(path, iface, prop))
        return wait_until(ok, timeout, f"{prop} of {path} to become {value!r}")

    def introspect(self, path, dest=BUS_NAME):
        return self.call(path, "org.freedesktop.DBus.Introspectable", "Introspect", dest=dest)[0]

    def record_signals(self):
        return SignalRecorder(self)

    # -- external clients

    def env(self):
        """Environment for a client pointed at the private bus."""
        e = dict(os.environ)
        e["DBUS_SYSTEM_BUS_ADDRESS"] = self.bus.address
        e.pop("DBUS_SESSION_BUS_ADDRESS", None)
        return e

    @staticmethod
    def as_user(cmd, uid):
        if uid is None or uid == os.geteuid():
            return cmd
        return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"] + cmd

    def run(self, cmd, uid=None, input=None, timeout=30, check=False):
        """Runs a client command (optionally as uid); returns CompletedProcess."""
        return subprocess.run(self.as_user(cmd, uid), input=input, capture_output=True, text=True,
                              env=self.env(), timeout=timeout * SLOW, check=check)

    def busctl(self, *args, uid=None, json_out=False, timeout=30):
        cmd = ["busctl", f"--address={self.bus.address}"]
        if json_out:
            cmd.append("--json=short")
        return self.run(cmd + list(args), uid=uid, timeout=timeout)

    def busctl_call(self, path, iface, method, sig="", *args, uid=None, dest=BUS_NAME):
        """busctl call as uid; returns (returncode, parsed JSON reply or None, stderr)."""
        cmd = ["call", dest, path, iface, method]
        if sig:
            cmd += [sig] + [str(a) for a in args]
        r = self.busctl(*cmd, uid=uid, json_out=True)
        data = json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip() else None
        return r.returncode, data, r.stderr

    def ctl(self, *args, uid=None, input=None, timeout=30):
        """Runs callstackctl --bus-address ADDR ARGS... (as uid)."""
        require_programs(callstackctl_path())
        return self.run([callstackctl_path(), "--bus-address", self.bus.address] + list(args),
                        uid=uid, input=input, timeout=timeout)

    def spawn(self, cmd, uid=None, **kw):
        """Starts a long-running client (stopped at teardown)."""
        p = _popen(self.as_user(cmd, uid), env=self.env(), **kw)
        self.extra_procs.append(p)
        return p


# --------------------------------------------------------------------------
# Test runner: exit 0 passed, 1 failed, 77 all skipped.


def main(namespace, argv=None):
    argv = sys.argv[1:] if argv is None else argv
    tests = [(n, f) for n, f in namespace.items() if n.startswith("test_") and callable(f)]
    if argv:
        tests = [(n, f) for n, f in tests if n in argv]
    passed = failed = skipped = 0
    for name, fn in tests:
        t0 = time.monotonic()
        try:
            fn()
        except Skip as e:
            skipped += 1
            print(f"SKIP {name}: {e}", file=sys.stderr)
            continue
        except BaseException:
            failed += 1
            print(f"FAIL {name} ({time.monotonic() - t0:.2f}s)", file=sys.stderr)
            traceback.print_exc()
            continue
        passed += 1
        print(f"ok   {name} ({time.monotonic() - t0:.2f}s)")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    sys.stdout.flush()
    if failed:
        sys.exit(1)
    if passed == 0 and skipped:
        sys.exit(77)
    sys.exit(0)
