#!/usr/bin/python3
"""callstackd's life cycle: unplug removes one modem and leaves the others
alone, a modem that stops answering goes away too, pending calls on a
vanished modem get an error, SIGTERM exits 0 within a second, the bus name
is exclusive, command-line errors exit 2 naming the option."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402
from harness import Gio, GLib  # noqa: E402

M = harness.MODEM_IFACE
OM = "org.freedesktop.DBus.ObjectManager"


def removed(rec, path):
    return rec.wait(lambda p, i, m, a: m == "InterfacesRemoved" and a[0] == path and M in a[1],
                    timeout=10, what=f"InterfacesRemoved for {path}")


def test_daemon_unplug_removes_modem_others_unaffected():
    with harness.Harness(sims=2, allowed=harness.ALL_ACTIONS) as h:
        m0, m1 = h.modems()
        rec = h.record_signals()
        h.sims[0].control("unplug")
        rec.wait_property(m0, M, "State", "gone", timeout=10)
        removed(rec, m0)
        # gone announced before the removal
        order = [s[2] for s in rec.signals if s[0] == m0 or (s[2] == "InterfacesRemoved" and s[3][0] == m0)]
        assert order.index("PropertiesChanged") < order.index("InterfacesRemoved"), order
        assert h.modems() == [m1]
        assert h.daemon.proc.poll() is None
        assert h.call(m1, M, "Command", "(su)", ("AT+CSQ", 0))[0] == "+CSQ: 20,99\nOK"
        assert h.get(m1, M, "State") == "registered"
        assert h.call_error(m0, M, "Command", "(su)", ("AT", 0)) in (
            "org.freedesktop.DBus.Error.UnknownObject", "org.freedesktop.DBus.Error.UnknownMethod")
        objs = h.call(harness.MANAGER_PATH, OM, "GetManagedObjects")[0]
        assert list(objs) == [m1], objs


def test_daemon_pending_call_on_unplugged_modem_fails():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        modem = h.modems()[0]
        h.sims[0].clear_log()
        h.sims[0].control("drop 1")  # the next reply never comes
        results = []

        def done(conn, res, _):
            try:
                results.append(conn.call_finish(res).unpack()[0])
            except GLib.Error as e:
                results.append(harness.dbus_error_name(e))

        h.bus.conn.call(harness.BUS_NAME, modem, M, "Command", GLib.Variant("(su)", ("AT+CGMI", 20000)), None,
                        Gio.DBusCallFlags.NONE, 30000, None, done, None)
        harness.wait_until(lambda: "AT+CGMI" in h.sims[0].at_log(), 5, "the command to reach the modem")
        h.sims[0].control("unplug")
        harness.wait_until(lambda: results, 10, "the pending call's answer")
        assert results[0] == "org.callstack.Error.WrongState", results
        assert h.daemon.proc.poll() is None


def test_daemon_modem_that_stops_answering_goes_away():
    # Every reply dropped: three command timeouts in a row (5 s each) -> gone.
    with harness.Harness(sims=2, daemon_args=["--signal-interval", "1"]) as h:
        m0, m1 = h.modems()
        rec = h.record_signals()
        h.sims[0].control("drop 1000")
        rec.wait_property(m0, M, "State", "gone", timeout=40)
        removed(rec, m0)
        assert h.modems() == [m1]
        assert h.get(m1, M, "State") == "registered"


def test_daemon_sigterm_exits_zero_within_a_second():
    with harness.Harness(sims=2) as h:
        proc = h.daemon.proc
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(5 * harness.SLOW)
        elapsed = time.monotonic() - t0
        assert rc == 0, (rc, h.daemon.log_text()[-2000:])
        assert elapsed < 1.0 * harness.SLOW, elapsed
        h.daemon.stopped = True
        h.daemon.returncode = 0


def test_daemon_sigterm_answers_pending_calls():
    # A call in flight at the modem and one parked on polkit both get an
    # error reply when callstackd stops, not the bus's NoReply.
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        modem = h.modems()[0]
        h.sims[0].clear_log()
        h.sims[0].control("drop 1")  # the modem never answers the first command
        results = {}

        def done(conn, res, key):
            try:
                results[key] = conn.call_finish(res).unpack()[0]
            except GLib.Error as e:
                results[key] = (harness.dbus_error_name(e), e.message)

        h.bus.conn.call(harness.BUS_NAME, modem, M, "Command", GLib.Variant("(su)", ("AT+CGMI", 20000)), None,
                        Gio.DBusCallFlags.NONE, 30000, None, done, "at-modem")
        harness.wait_until(lambda: "AT+CGMI" in h.sims[0].at_log(), 5, "the command to reach the modem")
        h.polkit.set_delay(20)
        h.bus.conn.call(harness.BUS_NAME, modem, M, "Command", GLib.Variant("(su)", ("AT+CGMM", 20000)), None,
                        Gio.DBusCallFlags.NONE, 30000, None, done, "at-polkit")
        harness.pump(0.5)  # the mock, sleeping on it, cannot be asked whether it got it
        h.daemon.proc.send_signal(signal.SIGTERM)
        harness.wait_until(lambda: len(results) == 2, 5, "answers to both pending calls")
        assert results["at-modem"][0] == "org.callstack.Error.WrongState", results
        assert results["at-polkit"][0] == "org.callstack.Error.Failed", results
        assert "stopping" in results["at-polkit"][1], results
        assert h.daemon.proc.wait(5 * harness.SLOW) == 0
        h.daemon.stopped = True
        h.daemon.returncode = 0


def test_daemon_sigint_exits_zero():
    with harness.Harness(sims=1) as h:
        proc = h.daemon.proc
        proc.send_signal(signal.SIGINT)
        assert proc.wait(5 * harness.SLOW) == 0
        h.daemon.stopped = True
        h.daemon.returncode = 0


def test_daemon_name_taken_fails_clearly():
    with harness.Harness(sims=0) as h:
        r = subprocess.run([harness.callstackd_path(), "--bus-address", h.bus.address,
                            "--state-dir", os.path.join(h.tmp, "state2")],
                           capture_output=True, text=True, timeout=20 * harness.SLOW)
        assert r.returncode == 1, r
        assert "already owned" in r.stderr, r.stderr
        assert h.daemon.proc.poll() is None


def test_daemon_non_root_cannot_own_the_name():
    with harness.Harness(sims=0, daemon=False) as h:
        state = os.path.join(h.tmp, "state-nobody")
        os.makedirs(state)
        os.chown(state, harness.NOBODY, harness.NOBODY)
        r = h.run([harness.callstackd_path(), "--bus-address", h.bus.address, "--state-dir", state],
                  uid=harness.NOBODY, timeout=20)
        assert r.returncode == 1, r
        assert "does not allow" in r.stderr, r.stderr
        assert not h.bus.has_owner(harness.BUS_NAME)


def test_daemon_usage_errors_exit_2_naming_the_option():
    d = harness.callstackd_path()
    harness.require_programs(d)
    cases = [
        (["--signal-interval", "soon"], "--signal-interval"),
        (["--signal-interval", "-1"], "--signal-interval"),
        (["--log-level", "loud"], "--log-level"),
        (["--port", "ttyUSB2"], "--port"),
        (["--state-dir", "relative"], "--state-dir"),
        (["--bogus"], "--bogus"),
        (["extra"], "extra"),
        (["--port"], "--port"),
    ]
    for args, name in cases:
        r = subprocess.run([d] + args, capture_output=True, text=True, timeout=10)
        assert r.returncode == 2, (args, r)
        assert name in r.stderr, (args, r.stderr)
    r = subprocess.run([d, "--help"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0 and "--port" in r.stdout and "--signal-interval" in r.stdout, r
    # the profile directories this build reads, not a guess at them
    assert "/share/callstack/profiles\n" in r.stdout and "/etc/callstack/profiles,\n" in r.stdout, r.stdout
    assert all(len(line) <= 80 for line in r.stdout.splitlines()), r.stdout
    r = subprocess.run([d, "--version"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0 and r.stdout.startswith("callstackd "), r


def test_daemon_missing_port_keeps_running():
    with harness.Harness(sims=1, daemon=False) as h:
        h.start_daemon(extra_args=["--port", "/dev/callstack-no-such-tty"])
        harness.wait_until(lambda: len(h.modems()) == 1, 10, "one modem")
        assert "/dev/callstack-no-such-tty" in h.daemon.log_text()
        assert h.daemon.proc.poll() is None


def test_daemon_state_dir_created():
    with harness.Harness(sims=0, daemon=False) as h:
        state = os.path.join(h.tmp, "deep", "state")
        h.daemon_args = []
        env = dict(STATE_DIRECTORY=state)
        h.start_daemon(env=env)  # harness passes --state-dir; check ours separately
        assert os.path.isdir(os.path.join(h.tmp, "state"))
        r = subprocess.run([harness.callstackd_path(), "--bus-address", "unix:path=/nonexistent",
                            "--state-dir", os.path.join(h.tmp, "a", "b")],
                           capture_output=True, text=True, timeout=10, env=dict(os.environ, **env))
        assert os.path.isdir(os.path.join(h.tmp, "a", "b")), r.stderr
        assert os.stat(os.path.join(h.tmp, "a", "b")).st_mode & 0o777 == 0o700  # it holds messages
        assert r.returncode == 1 and "bus" in r.stderr, r
        r = subprocess.run([harness.callstackd_path(), "--bus-address", "unix:path=/nonexistent"],
                           capture_output=True, text=True, timeout=10, env=dict(os.environ, **env))
        assert os.path.isdir(state), r.stderr


def test_daemon_exits_1_when_the_bus_goes_away():
    with harness.Harness(sims=1, polkit=None) as h:
        proc = h.daemon.proc
        h.bus.proc.kill()
        rc = proc.wait(5 * harness.SLOW)
        assert rc == 1, (rc, h.daemon.log_text()[-1500:])
        assert "lost the connection to the bus" in h.daemon.log_text()
        h.daemon.stopped = True
        h.daemon.returncode = 0


def test_daemon_notifies_ready_once_the_name_is_owned():
    import socket
    with harness.Harness(sims=1, daemon=False) as h:
        path = os.path.join(h.tmp, "notify.sock")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        sock.settimeout(15 * harness.SLOW)
        h.start_daemon(env={"NOTIFY_SOCKET": path})
        msg = sock.recv(4096).decode()
        assert "READY=1" in msg.split("\n"), msg
        # by then the name is owned and the --port modem is on the bus
        assert h.bus.has_owner(harness.BUS_NAME)
        assert len(h.modems()) == 1
        h.daemon.proc.send_signal(signal.SIGTERM)
        assert "STOPPING=1" in sock.recv(4096).decode()
        assert h.daemon.proc.wait(5 * harness.SLOW) == 0
        h.daemon.stopped = True
        h.daemon.returncode = 0
        sock.close()


if __name__ == "__main__":
    harness.main(globals())
