#!/usr/bin/python3
"""callstackd's org.callstack.Modem against callstack-modem-sim: properties
equal what the simulator says, URCs and the signal poll produce
PropertiesChanged, the probe only sends safe commands, ObjectManager and
Manager agree."""
import os
import select
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402

M = harness.MODEM_IFACE
ALL = harness.ALL_ACTIONS

# What callstack-modem-sim's profiles answer to AT+CGMI/CGMM/CGMR (the
# simulator's table, tools/modem-sim/sim-profile.c).
PROFILES = {
    "sim7600": ("SIMCOM INCORPORATED", "SIMCOM_SIM7600E-H", "LE20B04SIM7600M22"),
    "quectel-ec25": ("Quectel", "EC25", "EC25EFAR06A06M4G"),
    "huawei-me909": ("Huawei Technologies Co., Ltd.", "ME909s-120", "11.617.01.00.00"),
}

SAFE_PROBE = {"AT", "ATE0", "ATI", "AT+CGMI", "AT+CGMM", "AT+CGMR", "AT+GCAP"}


def command(h, modem, cmd):
    return h.call(modem, M, "Command", "(su)", (cmd, 0))[0]


def test_daemon_properties_match_simulator():
    names = list(PROFILES)
    with harness.Harness(sims=len(names), profiles=names, allowed=ALL) as h:
        modems = h.modems()
        assert modems == [f"/org/callstack/Modem/{i}" for i in range(len(names))], modems
        for i, (name, modem) in enumerate(zip(names, modems)):
            h.wait_property(modem, M, "State", "registered", timeout=10)
            props = h.get_all(modem, M)
            manufacturer, model, revision = PROFILES[name]
            assert props["Manufacturer"] == manufacturer, (name, props)
            assert props["Model"] == model, (name, props)
            assert props["Revision"] == revision, (name, props)
            # ... and the same as the modem's raw answers through the daemon
            assert command(h, modem, "AT+CGMI").splitlines()[0].endswith(manufacturer)
            assert command(h, modem, "AT+CGMM").splitlines()[0].endswith(model)
            assert command(h, modem, "AT+CGMR").splitlines()[0].endswith(revision)
            # the simulator's profile names are the capability profiles' ids
            # (profiles/*.conf, found through CALLSTACK_PROFILES_DIR)
            assert props["Profile"] == name, props
            assert set(props["Capabilities"]) >= {"sms-pdu", "voice", "ussd"}, props
            assert set(props["Capabilities"].values()) <= {"supported", "unsupported", "unknown"}, props
            assert props["Ports"] == [(h.sims[i].tty, "at")], props
            assert props["SimState"] == "ready", props
            assert props["Registration"] == "home", props
            assert props["OperatorName"] == "SimNet", props
            # sim answers +CSQ: 20,99 -> round(20 * 100 / 31) = 65 %
            csq = command(h, modem, "AT+CSQ").splitlines()[0]
            assert csq == "+CSQ: 20,99", csq
            assert props["SignalQuality"] == 65, props


def test_daemon_probe_sends_only_safe_commands_first():
    with harness.Harness(sims=1) as h:
        modem = h.modems()[0]
        h.wait_property(modem, M, "State", "registered", timeout=10)
        log = h.sims[0].at_log()
        assert "AT+CMEE=1" in log, log
        probe = log[:log.index("AT+CMEE=1")]
        assert probe and probe[0] == "AT", probe
        assert set(probe) <= SAFE_PROBE, probe
        # identities are never read unasked, and the PIN never touched; the
        # one exception is AT+CGSN once the SIM is ready: the SMS service keys
        # the message store by a hash of the IMEI (DESIGN "Storage"), never
        # logging it
        probe_and_sim = log[:log.index("AT+CGSN")] if "AT+CGSN" in log else log
        assert not any(c.startswith(("AT+CGSN", "AT+CIMI", "AT+CCID", "AT+CPIN=")) for c in probe_and_sim), log
        assert not any(c.startswith(("AT+CIMI", "AT+CCID", "AT+CPIN=")) for c in log), log
        assert log.count("AT+CGSN") <= 1, log
        for c in ("AT+CPIN?", "AT+CSQ", "AT+CREG=2", "AT+CEREG=2", "AT+CREG?", "AT+CEREG?", "AT+COPS?"):
            assert c in log, (c, log)


def test_daemon_csq_change_emits_properties_changed():
    # The poll (here every second) picks up a signal change that no URC reports.
    with harness.Harness(sims=1, daemon_args=["--signal-interval", "1"]) as h:
        modem = h.modems()[0]
        rec = h.record_signals()
        h.sims[0].control("set csq 6 99")
        rec.wait_property(modem, M, "SignalQuality", 19, timeout=5)  # 6 * 100 / 31
        assert h.get(modem, M, "SignalQuality") == 19
        h.sims[0].control("set csq 99 99")
        rec.wait_property(modem, M, "SignalQuality", 0, timeout=5)


def test_daemon_command_answer_not_utf8_is_escaped():
    # A Latin-1 operator name (as real modems print it) in a raw Command()
    # answer: replied at once with the byte escaped, not dropped by sd-bus
    # (the caller used to wait for its own 25 s timeout).
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        modem = h.modems()[0]
        h.sims[0].control('set operator "Telef\\xf3nica"')
        t0 = time.monotonic()
        reply = h.call(modem, M, "Command", "(su)", ("AT+COPS?", 2000), timeout=5)[0]
        assert time.monotonic() - t0 < 2.0
        assert reply == '+COPS: 0,0,"Telef\\xf3nica",7\nOK', reply
        h.sims[0].control("raw fffe410d0a")  # garbage between commands is not an answer
        assert h.call(modem, M, "Command", "(su)", ("AT+CSQ", 2000))[0].endswith("OK")
        # The same name as OperatorName after a registration change: escaped
        # too, not refused with the old name kept.
        rec = h.record_signals()
        h.sims[0].control("set creg 5")
        rec.wait_property(modem, M, "OperatorName", "Telef\\xf3nica", timeout=5)


def test_daemon_creg_urc_emits_registration_and_state():
    with harness.Harness(sims=1) as h:
        modem = h.modems()[0]
        h.wait_property(modem, M, "State", "registered", timeout=10)
        rec = h.record_signals()
        h.sims[0].control("set creg 5")
        rec.wait_property(modem, M, "Registration", "roaming", timeout=5)
        assert h.get(modem, M, "State") == "registered"
        h.sims[0].control("set creg 2")
        rec.wait_property(modem, M, "Registration", "searching", timeout=5)
        rec.wait_property(modem, M, "State", "ready", timeout=5)
        rec.wait_property(modem, M, "OperatorName", "", timeout=5)
        h.sims[0].control("set operator Callstack_Mobile")
        h.sims[0].control("set creg 1")
        rec.wait_property(modem, M, "Registration", "home", timeout=5)
        rec.wait_property(modem, M, "State", "registered", timeout=5)
        rec.wait_property(modem, M, "OperatorName", "Callstack_Mobile", timeout=5)


def test_daemon_object_manager_and_manager():
    with harness.Harness(sims=2) as h:
        objs = h.call(harness.MANAGER_PATH, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")[0]
        modems = h.modems()
        assert sorted(objs) == sorted(modems), (objs, modems)
        for p in modems:
            assert M in objs[p], objs[p]
            assert objs[p][M]["Manufacturer"] == "SIMCOM INCORPORATED", objs[p][M]
        version = h.get(harness.MANAGER_PATH, harness.MANAGER_IFACE, "Version")
        assert version and version[0].isdigit(), version
        tree = h.busctl("tree", "org.callstack").stdout
        for p in modems:
            assert p in tree, tree


def test_daemon_modem_appears_with_interfaces_added():
    with harness.Harness(sims=1, daemon=False) as h:
        # a bus client watching before callstackd starts sees InterfacesAdded
        # once the name exists; here: the object is there as soon as the name is
        h.start_daemon()
        modem = h.modems()[0]
        assert h.get(modem, M, "State") in ("probing", "locked", "ready", "registered")
        objs = h.call(harness.MANAGER_PATH, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")[0]
        assert modem in objs


def test_daemon_silent_port_fails_probe_and_stays_listed():
    with harness.Harness(sims=1, profiles=["silent"], wait_modems=False) as h:
        modem = h.modems()[0]
        h.wait_property(modem, M, "State", "failed", timeout=10)
        assert h.get(modem, M, "SimState") == "unknown"
        # identity of a failed modem: wrong state, not a hang
        h.polkit.set_allowed(ALL)
        assert h.call_error(modem, M, "GetIdentity") == "org.callstack.Error.WrongState"


def test_daemon_probe_leaves_sms_prompt_of_killed_daemon():
    # The modem sits at the "> " prompt of an AT+CMGS whose PDU never came
    # (the daemon that typed it was killed): the probe leaves the prompt
    # with ESC and the modem comes up (field case C28).
    with harness.Harness(sims=1, allowed=ALL, daemon=False) as h:
        sim = h.sims[0]
        fd = os.open(sim.tty, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        try:
            os.write(fd, b"AT+CMGS=20\r")
            got = b""
            deadline = time.monotonic() + 5
            while b">" not in got and time.monotonic() < deadline:
                select.select([fd], [], [], 0.1)
                try:
                    got += os.read(fd, 256)
                except BlockingIOError:
                    pass
            assert b">" in got, got
        finally:
            os.close(fd)
        h.start_daemon()
        modem = h.modems()[0]
        h.wait_property(modem, M, "State", "registered", timeout=15)
        assert h.get(modem, M, "Manufacturer") == PROFILES["sim7600"][0]
        assert h.get(modem, M, "Model") == PROFILES["sim7600"][1]
        # nothing was sent: the text typed at the prompt was dropped
        assert sim.control("sms sent") == []


if __name__ == "__main__":
    harness.main(globals())
