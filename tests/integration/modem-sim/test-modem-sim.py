#!/usr/bin/python3
"""Integration tests of callstack-modem-sim over a real pty and its
control socket (AT behaviour, control protocol, unplug/replug, scripts)."""
import os
import signal
import stat
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemsim import ModemSim, ControlError, sim_binary  # noqa: E402


class SimTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="modem-sim-")
        self.sims = []

    def tearDown(self):
        for s in self.sims:
            s.stop()
        self.tmp.cleanup()

    def start(self, profile="sim7600", **kw):
        s = ModemSim(profile, self.tmp.name, **kw)
        self.sims.append(s)
        return s


class TestStartup(SimTestCase):
    def test_ready_line_and_link_point_to_pty(self):
        sim = self.start()
        self.assertTrue(os.path.islink(sim.link))
        self.assertEqual(os.readlink(sim.link), sim.tty)
        self.assertTrue(stat.S_ISCHR(os.stat(sim.link).st_mode))

    def test_stale_link_replaced(self):
        link = os.path.join(self.tmp.name, "tty-sim7600")
        os.symlink("/nonexistent/ttyUSB9", link)
        sim = self.start()
        self.assertEqual(os.readlink(link), sim.tty)

    def test_sigterm_removes_link_and_socket(self):
        sim = self.start()
        sim.proc.send_signal(signal.SIGTERM)
        self.assertEqual(sim.proc.wait(10), 0)
        self.assertFalse(os.path.lexists(sim.link))
        self.assertFalse(os.path.exists(sim.control_path))

    def test_list_profiles_has_the_families(self):
        import subprocess
        out = subprocess.run([sim_binary(), "--list-profiles"], check=True,
                             capture_output=True, text=True).stdout
        ids = [l.split()[0] for l in out.splitlines()]
        for p in ("sim7600", "quectel-ec25", "huawei-me909", "sim800", "sim7000",
                  "quectel-bg96", "quectel-rm500q", "sierra-mc7455",
                  "ublox-lara-r2", "telit-le910", "silent", "generic"):
            self.assertIn(p, ids)

    def test_unknown_profile_is_usage_error(self):
        import subprocess
        r = subprocess.run([sim_binary(), "--profile", "nokia-3310", "--link",
                            os.path.join(self.tmp.name, "x")], capture_output=True)
        self.assertEqual(r.returncode, 2)


class TestAt(SimTestCase):
    def test_echo_on_until_ate0(self):
        sim = self.start()
        port = sim.open_port()
        port.write("AT\r")
        port.read_until(lambda b: b.endswith(b"OK\r\n"))
        self.assertEqual(port.drain(), b"AT\r\r\nOK\r\n")
        port.write("ATE0\r")
        port.read_until(lambda b: b.endswith(b"OK\r\n"))
        self.assertEqual(port.drain(), b"ATE0\r\r\nOK\r\n")
        port.write("AT\r")
        port.read_until(lambda b: b.endswith(b"OK\r\n"))
        self.assertEqual(port.drain(), b"\r\nOK\r\n")

    def test_identity_sim7600(self):
        port = self.start("sim7600").open_port()
        self.assertEqual(port.command("AT+CGMI"), (["SIMCOM INCORPORATED"], "OK"))
        self.assertEqual(port.command("AT+CGMM"), (["SIMCOM_SIM7600E-H"], "OK"))
        self.assertEqual(port.command("AT+CGMR"), (["+CGMR: LE20B04SIM7600M22"], "OK"))
        info, res = port.command("ATI")
        self.assertEqual(res, "OK")
        self.assertIn("Model: SIMCOM_SIM7600E-H", info)
        self.assertEqual(port.command("AT+CGSN"), (["351234560000010"], "OK"))
        self.assertEqual(port.command("AT+CICCID"), (["+ICCID: 8901010000000000017"], "OK"))

    def test_identity_quectel_ec25(self):
        port = self.start("quectel-ec25").open_port()
        self.assertEqual(port.command("AT+GMI"), (["Quectel"], "OK"))
        self.assertEqual(port.command("AT+CGMM"), (["EC25"], "OK"))
        self.assertEqual(port.command("AT+CGMR"), (["EC25EFAR06A06M4G"], "OK"))
        self.assertEqual(port.command("ATI"), (["Quectel", "EC25", "Revision: EC25EFAR06A06M4G"], "OK"))
        self.assertEqual(port.command("AT+CIMI"), (["001010000000002"], "OK"))

    def test_identity_huawei_me909(self):
        port = self.start("huawei-me909").open_port()
        self.assertEqual(port.command("AT+CGMI"), (["Huawei Technologies Co., Ltd."], "OK"))
        self.assertEqual(port.command("AT+CGMM"), (["ME909s-120"], "OK"))
        self.assertEqual(port.command("AT+CGMR"), (["11.617.01.00.00"], "OK"))
        self.assertEqual(port.command("AT^ICCID?"), (["^ICCID: 981010000000000030F3"], "OK"))
        self.assertEqual(port.command("AT+GCAP"), (["+GCAP: +CGSM,+DS,+ES"], "OK"))

    def test_concatenated_command_line(self):
        port = self.start().open_port()
        self.assertEqual(port.command("ATE0V1;+CMEE=1;+CGMM"), (["SIMCOM_SIM7600E-H"], "OK"))

    def test_unknown_command_error_per_profile(self):
        port = self.start("sim7600").open_port()
        self.assertEqual(port.command("AT+XYZZY"), ([], "ERROR"))
        port2 = self.start("ublox-lara-r2").open_port()
        self.assertEqual(port2.command("AT+XYZZY"), ([], "+CME ERROR: 100"))

    def test_pin_flow_quectel_field_case_c35(self):
        sim = self.start("quectel-ec25", pin="1234")
        port = sim.open_port()
        port.command("ATE0")
        self.assertEqual(port.command("AT+CPIN?"), (["+CPIN: SIM PIN"], "OK"))
        self.assertEqual(port.command("AT+CIMI"), ([], "+CME ERROR: 11"))
        self.assertEqual(port.command("AT+CREG?"), (["+CREG: 0,0"], "OK"))
        self.assertEqual(port.command('AT+CPIN="0000"'), ([], "+CME ERROR: 16"))
        self.assertEqual(port.command('AT+CPIN="1234"'), ([], "OK"))
        # C35: the vendor URCs arrive before the next command's result.
        info, res = port.command("AT+CMEE=1")
        self.assertEqual(res, "OK")
        self.assertEqual(info, ["+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE", "+QIND: PB DONE"])
        self.assertEqual(port.command("AT+CPIN?"), (["+CPIN: READY"], "OK"))
        self.assertEqual(port.command("AT+CREG?"), (["+CREG: 0,1"], "OK"))

    def test_pin_urcs_come_alone_after_a_moment(self):
        port = self.start("quectel-ec25", pin="1234").open_port()
        port.command("ATE0")
        self.assertEqual(port.command("AT+CPIN=1234"), ([], "OK"))
        port.read_until(lambda b: b"SMS DONE" in b, timeout=2)

    def test_three_wrong_pins_lock_to_puk(self):
        port = self.start(pin="1234").open_port()
        for _ in range(3):
            self.assertEqual(port.command('AT+CPIN="9999"')[1], "+CME ERROR: 16")
        self.assertEqual(port.command("AT+CPIN?"), (["+CPIN: SIM PUK"], "OK"))
        self.assertEqual(port.command('AT+CPIN="12345678","4321"')[1], "OK")
        port.read_until(lambda b: b"PB DONE" in b, timeout=2)
        port.drain()
        self.assertEqual(port.command("AT+CPIN?"), (["+CPIN: READY"], "OK"))

    def test_network_state_and_control_set(self):
        sim = self.start()
        port = sim.open_port()
        port.command("ATE0")
        self.assertEqual(port.command("AT+CSQ"), (["+CSQ: 20,99"], "OK"))
        self.assertEqual(port.command("AT+COPS?"), (['+COPS: 0,0,"SimNet",7'], "OK"))
        self.assertEqual(port.command("AT+CFUN?"), (["+CFUN: 1"], "OK"))
        sim.control("set csq 11 2")
        self.assertEqual(port.command("AT+CSQ"), (["+CSQ: 11,2"], "OK"))
        sim.control("set operator Other Net")
        self.assertEqual(port.command("AT+COPS?"), (['+COPS: 0,0,"Other Net",7'], "OK"))
        port.command("AT+CREG=2")
        port.command("AT+CEREG=1")
        sim.control("set creg 5 2AF5 0B88E350 7")
        port.read_until(lambda b: b"+CEREG: 5" in b)
        lines = port.lines()
        self.assertIn('+CREG: 5,"2AF5","0B88E350",7', lines)
        self.assertIn("+CEREG: 5", lines)
        self.assertEqual(port.command("AT+CREG?"), (['+CREG: 2,5,"2AF5","0B88E350",7'], "OK"))
        with self.assertRaises(ControlError):
            sim.control("set creg 99")

    def test_cfun4_deregisters(self):
        port = self.start().open_port()
        port.command("ATE0")
        port.command("AT+CREG=1")
        self.assertEqual(port.command("AT+CFUN=4"), (["+CREG: 0"], "OK"))
        self.assertEqual(port.command("AT+COPS?"), (["+COPS: 0"], "OK"))

    def test_silent_profile_never_answers_but_logs(self):
        sim = self.start("silent")
        port = sim.open_port()
        port.write("AT\rATI\r")
        time.sleep(0.3)
        self.assertEqual(port.drain(), b"")
        self.assertEqual(sim.log(), ["AT", "ATI"])


class TestControl(SimTestCase):
    def test_urc_injection_mid_response_with_latency(self):
        sim = self.start(latency_ms=300)
        port = sim.open_port()
        port.write("AT+CSQ\r")
        time.sleep(0.05)
        sim.control("urc RING")
        port.read_until(lambda b: b"OK\r\n" in b)
        data = port.drain()
        self.assertLess(data.index(b"RING"), data.index(b"\r\n+CSQ:"))

    def test_raw_garbage_and_half_lines(self):
        sim = self.start()
        port = sim.open_port()
        sim.control("raw 00FF0D0A2B434D54")
        port.read_until(lambda b: b.endswith(b"+CMT"))
        self.assertEqual(port.drain(), b"\x00\xff\r\n+CMT")
        with self.assertRaises(ControlError):
            sim.control("raw 0G")

    def test_delay_applies_to_replies(self):
        sim = self.start()
        port = sim.open_port()
        port.command("ATE0")
        sim.control("delay 250")
        t0 = time.monotonic()
        port.command("AT")
        self.assertGreaterEqual(time.monotonic() - t0, 0.24)
        sim.control("delay 0")

    def test_drop_swallows_replies(self):
        sim = self.start()
        port = sim.open_port()
        port.command("ATE0")
        sim.control("drop 1")
        port.write("AT+CSQ\r")
        time.sleep(0.3)
        self.assertEqual(port.drain(), b"")
        self.assertEqual(port.command("AT"), ([], "OK"))

    def test_log_is_verbatim_and_clears(self):
        sim = self.start()
        port = sim.open_port()
        port.command("ATE0")
        port.command('AT+CPMS="SM" ')
        port.command("at+cgmi")
        self.assertEqual(sim.log(), ["ATE0", 'AT+CPMS="SM" ', "at+cgmi"])
        sim.control("log clear")
        self.assertEqual(sim.log(), [])

    def test_unplug_and_replug(self):
        sim = self.start()
        port = sim.open_port()
        port.command("ATE0")
        sim.control("unplug")
        with self.assertRaises(EOFError):
            port.read_some(1.0)
            port.read_some(1.0)
        self.assertFalse(os.path.lexists(sim.link))
        with self.assertRaises(ControlError):
            sim.control("urc RING")
        new = sim.control("replug")
        self.assertEqual(len(new), 1)
        self.assertEqual(os.readlink(sim.link), new[0])
        port2 = sim.open_port()
        # A replugged modem has rebooted: echo is back on.
        port2.write("AT\r")
        port2.read_until(lambda b: b.endswith(b"OK\r\n"))
        self.assertEqual(port2.drain(), b"AT\r\r\nOK\r\n")

    def test_host_close_and_reopen_keeps_serving(self):
        sim = self.start()
        port = sim.open_port()
        self.assertEqual(port.command("AT")[1], "OK")
        port.close()
        port = sim.open_port()
        self.assertEqual(port.command("AT")[1], "OK")

    def test_bad_commands_answer_err(self):
        sim = self.start()
        for bad in ("frobnicate", "delay x", "set csq 40 0", "drop", "urc"):
            with self.assertRaises(ControlError):
                sim.control(bad)
        self.assertIn("plugged yes", sim.control("status"))

    def test_quit_exits_cleanly(self):
        sim = self.start()
        sim.sock.sendall(b"quit\n")
        self.assertEqual(sim.proc.wait(10), 0)
        self.assertFalse(os.path.lexists(sim.link))

    def test_huawei_periodic_urcs(self):
        sim = self.start("huawei-me909")
        port = sim.open_port()
        sim.control("periodic 50")
        port.read_until(lambda b: b.count(b"^RSSI: 20") >= 2, timeout=2)
        sim.control("periodic 0")
        self.assertIn(b"^MODE: 7,6", port.buf)


class TestScript(SimTestCase):
    def test_replay_field_case_c35(self):
        script = os.path.join(self.tmp.name, "c35.txt")
        with open(script, "w") as f:
            f.write("\n".join([
                "TX: AT+CPIN?", "RX: +CPIN: SIM PIN", "RX: OK",
                'TX: AT+CPIN="0000"', "RX: OK",
                "TX: AT+CMGF=0", "RX: +CPIN: READY", "RX: +QUSIM: 1",
                "RX: +QIND: SMS DONE", "RX: OK",
                "TX: AT+CPIN?", "RX: +CPIN: READY", "RX: OK"]) + "\n")
        sim = self.start("quectel-ec25", extra=["--script", script])
        port = sim.open_port()
        port.command("ATE0")  # not in the script: the profile answers
        self.assertEqual(port.command("AT+CPIN?"), (["+CPIN: SIM PIN"], "OK"))
        self.assertEqual(port.command('AT+CPIN="0000"'), ([], "OK"))
        self.assertEqual(port.command("AT+CMGF=0"),
                         (["+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE"], "OK"))
        self.assertEqual(port.command("AT+CPIN?"), (["+CPIN: READY"], "OK"))
        self.assertIn("script-remaining 0", sim.control("status"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
