"""Helpers for tests that drive callstack-modem-sim.

    with ModemSim("sim7600", tmpdir) as sim:
        port = sim.open_port()
        assert port.command("AT+CGMI") == (["SIMCOM INCORPORATED"], "OK")
        sim.control("urc RING")

Importable by any integration test: sys.path.insert(0, <this dir>).
"""
import errno
import os
import select
import socket
import subprocess
import termios
import time
import tty

FINALS = ("OK", "ERROR", "NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE",
          "NO DIAL TONE", "CONNECT")


def is_final(line):
    return (line in FINALS or line.startswith("+CME ERROR:")
            or line.startswith("+CMS ERROR:") or line.startswith("CONNECT "))


def sim_binary():
    build = os.environ.get("CALLSTACK_BUILD_DIR", "build")
    return os.path.join(build, "tools", "modem-sim", "callstack-modem-sim")


class ControlError(Exception):
    pass


class Port:
    """The host side: the pty slave opened like a daemon would."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        tty.setraw(self.fd)
        self.buf = b""

    def close(self):
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def write(self, data):
        if isinstance(data, str):
            data = data.encode()
        os.write(self.fd, data)

    def read_some(self, timeout):
        """Reads what arrives within timeout; returns b'' on timeout,
        raises EOFError on hang-up."""
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return b""
        try:
            data = os.read(self.fd, 4096)
        except OSError as e:
            if e.errno == errno.EIO:
                raise EOFError("port hung up")
            if e.errno == errno.EAGAIN:
                return b""
            raise
        if not data:
            raise EOFError("port hung up")
        self.buf += data
        return data

    def read_until(self, predicate, timeout=3.0):
        end = time.monotonic() + timeout
        while not predicate(self.buf):
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("timeout; have %r" % self.buf)
            self.read_some(min(left, 0.2))

    def drain(self, quiet=0.1):
        """Reads until the line is quiet for `quiet` seconds; returns all."""
        while self.read_some(quiet):
            pass
        out, self.buf = self.buf, b""
        return out

    def next_line(self):
        """Pops the next complete non-empty line from the buffer, or None."""
        while True:
            i = min([x for x in (self.buf.find(b"\r"), self.buf.find(b"\n")) if x >= 0], default=-1)
            if i < 0:
                return None
            end = i + 2 if self.buf[i:i + 2] == b"\r\n" else i + 1
            line, self.buf = self.buf[:i], self.buf[end:]
            if line:
                return line.decode("utf-8", "replace")

    def lines(self):
        """Complete non-empty lines in the buffer (consumed)."""
        out = []
        while True:
            line = self.next_line()
            if line is None:
                return out
            out.append(line)

    def command(self, cmd, timeout=3.0, echo=None):
        """Sends cmd + CR; returns (info lines, final result).  Echo lines
        equal to cmd are removed."""
        self.write(cmd + "\r")
        info = []
        end = time.monotonic() + timeout
        while True:
            line = self.next_line()
            while line is not None:
                if line != cmd:
                    if is_final(line):
                        return info, line
                    info.append(line)
                line = self.next_line()
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no final result for %r; info %r" % (cmd, info))
            self.read_some(min(left, 0.2))


class ModemSim:
    def __init__(self, profile, tmpdir, pin=None, latency_ms=0, extra=()):
        self.profile = profile
        self.link = os.path.join(tmpdir, "tty-%s" % profile)
        self.control_path = os.path.join(tmpdir, "ctl-%s" % profile)
        args = [sim_binary(), "--profile", profile, "--link", self.link,
                "--control", self.control_path]
        if pin:
            args += ["--pin", pin]
        if latency_ms:
            args += ["--latency-ms", str(latency_ms)]
        args += list(extra)
        self.valgrind = os.environ.get("CALLSTACK_VALGRIND") == "1"
        if self.valgrind:
            args = ["valgrind", "--leak-check=full", "--show-leak-kinds=definite,indirect",
                    "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99",
                    "--log-file=%s" % os.path.join(tmpdir, "valgrind-%s.log" % profile)] + args
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE)
        ready = self.proc.stdout.readline().decode()
        if not ready.startswith("READY "):
            self.proc.kill()
            raise RuntimeError("simulator did not start: %r" % ready)
        self.tty = ready.split(" ", 1)[1].strip()
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.control_path)
        self.sock.settimeout(10)
        self.rfile = self.sock.makefile("r", encoding="utf-8", newline="\n")
        self.ports = []

    def open_port(self):
        p = Port(self.link)
        self.ports.append(p)
        return p

    def control(self, line):
        """Runs a control command; returns its data lines, raises
        ControlError on ERR."""
        self.sock.sendall((line + "\n").encode())
        out = []
        while True:
            l = self.rfile.readline()
            if not l:
                raise ControlError("control socket closed")
            l = l.rstrip("\n")
            if l == "OK":
                return out
            if l.startswith("ERR"):
                raise ControlError(l)
            out.append(l)

    def log(self):
        return self.control("log")

    def stop(self):
        for p in self.ports:
            p.close()
        try:
            self.sock.close()
        except OSError:
            pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        try:
            self.rfile.close()
        except OSError:
            pass
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
