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
            rc = s.stop()
            if s.valgrind and rc != -signal.SIGKILL:
                log = open(os.path.join(self.tmp.name, "valgrind-%s.log" % s.profile)).read()
                self.assertNotEqual(rc, 99, "valgrind found errors:\n" + log[-3000:])
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
        sim.control('set operator "Quoted Net"')  # one quoted word, as the protocol allows
        self.assertEqual(port.command("AT+COPS?"), (['+COPS: 0,0,"Quoted Net",7'], "OK"))
        with self.assertRaises(ControlError):
            sim.control('set operator "A" "B"')
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

    def test_urc_spliced_into_next_reply_field_case_c16(self):
        sim = self.start("huawei-me909")
        port = sim.open_port()
        port.command("ATE0")
        sim.control("sms inject-pdu 07915155550501F0240B915155550521F300004280110263156106C730BD0C9A01")
        port.read_until(lambda b: b"+CMTI" in b)
        port.drain()
        sim.control("urc --next ^RSSI: 20")
        port.write("AT+CMGR=0\r")
        port.read_until(lambda b: b"OK\r\n" in b)
        self.assertEqual(port.drain(), b"\r\n^RSSI: 20\r\n\r\n+CMGR: 0,,25\r\n"
                         b"07915155550501F0240B915155550521F300004280110263156106C730BD0C9A01\r\n\r\nOK\r\n")
        sim.control("urc --inside ^RSSI: 3")
        self.assertEqual(port.command("ATI"),
                         (["Manufacturer: Huawei Technologies Co., Ltd.", "^RSSI: 3", "Model: ME909s-120",
                           "Revision: 11.617.01.00.00", "IMEI: 351234560000036", "+GCAP: +CGSM,+DS,+ES"], "OK"))

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

    def test_serve_on_handed_over_fd(self):
        import pty
        import subprocess
        import tty
        master, slave = pty.openpty()
        tty.setraw(master)
        tty.setraw(slave)
        proc = subprocess.Popen([sim_binary(), "--profile", "quectel-ec25", "--fd", str(master)],
                                stdout=subprocess.PIPE, pass_fds=[master])
        os.close(master)
        try:
            self.assertEqual(proc.stdout.readline(), b"READY fd\n")
            os.write(slave, b"ATE0\r")
            out = b""
            deadline = time.monotonic() + 3
            while b"OK\r\n" not in out and time.monotonic() < deadline:
                out += os.read(slave, 100)
            self.assertTrue(out.endswith(b"\r\nOK\r\n"), out)
            # the host closing its side hangs the master up: the simulator waits
            os.close(slave)
            time.sleep(0.3)
            self.assertIsNone(proc.poll())
        finally:
            proc.terminate()
            self.assertEqual(proc.wait(10), 0)
            proc.stdout.close()

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


def submit_pdu(number, payload, dcs=0x08, udh=b"", srr=False):
    """A minimal SMS-SUBMIT (no SMSC, no VP) built here in the test, for
    UCS2/8-bit payloads."""
    digits = number.lstrip("+")
    bcd = "".join((digits + "F")[i + 1] + (digits + "F")[i] for i in range(0, len(digits) - len(digits) % 2 + (len(digits) % 2) * 2 - (len(digits) % 2), 2))
    if len(digits) % 2:
        bcd = "".join(((digits + "F")[i + 1] + (digits + "F")[i]) for i in range(0, len(digits) + 1, 2))
    fo = 0x01 | (0x40 if udh else 0) | (0x20 if srr else 0)
    ud = (bytes([len(udh)]) + udh if udh else b"") + payload
    tpdu = bytes([fo, 0, len(digits), 0x91 if number.startswith("+") else 0x81]).hex().upper() + bcd + \
        bytes([0, dcs, len(ud)]).hex().upper() + ud.hex().upper()
    return "00" + tpdu, len(tpdu) // 2


class TestSms(SimTestCase):
    def setUp(self):
        super().setUp()
        self.sim = self.start("quectel-ec25")
        self.port = self.sim.open_port()
        self.port.command("ATE0")

    def send_pdu(self, hexpdu, length, expect="OK"):
        p = self.port
        p.write("AT+CMGS=%d\r" % length)
        p.read_until(lambda b: b.endswith(b"> "))
        p.drain(0.05)
        p.write(hexpdu + "\x1a")
        p.read_until(lambda b: expect.encode() in b)
        return p.lines()

    def test_cpms_reports_used_and_total(self):
        p, sim = self.port, self.sim
        self.assertEqual(p.command('AT+CPMS="ME","ME","ME"'), (["+CPMS: 0,255,0,255,0,255"], "OK"))
        sim.control('sms deliver +15555550123 "Hello"')
        p.read_until(lambda b: b"+CMTI" in b)
        p.drain()
        self.assertEqual(p.command("AT+CPMS?"), (['+CPMS: "ME",1,255,"ME",1,255,"ME",1,255'], "OK"))
        self.assertEqual(p.command('AT+CPMS="XX"'), ([], "+CMS ERROR: 302"))
        self.assertEqual(p.command('AT+CPMS="SR","SM","SR"'), ([], "+CMS ERROR: 302"))

    def test_deliver_cmti_then_list_and_read(self):
        p, sim = self.port, self.sim
        where = sim.control('sms deliver +15555550123 "Price 5€ [promo] @home"')
        self.assertEqual(where, ["SM 0"])
        p.read_until(lambda b: b'+CMTI: "SM",0' in b)
        p.drain()
        stored = sim.control("sms list")[0].split()
        self.assertEqual(stored[:3], ["SM", "0", "0"])
        info, res = p.command("AT+CMGL=4")
        self.assertEqual(res, "OK")
        self.assertEqual(info[0], "+CMGL: 0,0,,%d" % (len(stored[3]) // 2 - 8))
        self.assertEqual(info[1], stored[3])
        # read: REC UNREAD became REC READ
        self.assertEqual(p.command("AT+CMGR=0")[0][0], "+CMGR: 1,,%d" % (len(stored[3]) // 2 - 8))
        p.command("AT+CMGF=1")
        info, res = p.command('AT+CMGL="ALL"')
        self.assertTrue(info[0].startswith('+CMGL: 0,"REC READ","+15555550123",,"'))
        self.assertEqual(info[1], "Price 5€ [promo] @home")
        self.assertEqual(p.command("AT+CMGL=4"), ([], "+CMS ERROR: 302"))

    def test_text_mode_ucs2_shows_hex(self):
        p, sim = self.port, self.sim
        sim.control('sms deliver +15555550142 "Привет"')
        p.command("AT+CMGF=1")
        p.command("AT+CSDH=1")
        info, _ = p.command("AT+CMGR=0")
        self.assertIn(",145,4,0,8,", info[0])
        self.assertEqual(info[1], "041F04400438043204350442")

    def test_cmgr_empty_slot_and_bad_index(self):
        p = self.port
        self.assertEqual(p.command("AT+CMGR=5"), ([], "OK"))
        self.assertEqual(p.command("AT+CMGR=255"), ([], "+CMS ERROR: 321"))
        self.assertEqual(p.command("AT+CMGD=999"), ([], "+CMS ERROR: 321"))

    def test_cmgd_index_and_flags(self):
        p, sim = self.port, self.sim
        for i in range(3):
            sim.control('sms deliver +15555550123 "m%d"' % i)
        p.command("AT+CMGR=1")  # now REC READ
        self.assertEqual(p.command("AT+CMGD=0"), ([], "OK"))
        self.assertEqual(sim.control("sms count"), ["2"])
        self.assertEqual(p.command("AT+CMGD=0,1"), ([], "OK"))  # read ones
        self.assertEqual(sim.control("sms count"), ["1"])
        self.assertEqual(p.command("AT+CMGD=0,4"), ([], "OK"))
        self.assertEqual(sim.control("sms count"), ["0"])

    def test_cmt_direct_needs_cnma_with_csms1(self):
        p, sim = self.port, self.sim
        self.assertEqual(p.command("AT+CSMS=1"), (["+CSMS: 1,1,1"], "OK"))
        self.assertEqual(p.command("AT+CNMA"), ([], "+CMS ERROR: 340"))
        sim.control('sms deliver +15555550123 "direct" --mode cmt')
        p.read_until(lambda b: b.count(b"\r\n") >= 3)
        data = p.drain()
        self.assertRegex(data.decode(), r"^\r\n\+CMT: ,\d+\r\n07915155550501F0[0-9A-F]+\r\n$")
        self.assertEqual(sim.control("sms count"), ["0"])
        self.assertEqual(p.command("AT+CNMA"), ([], "OK"))

    def test_cnmi_mt2_routes_cmt(self):
        p, sim = self.port, self.sim
        p.command("AT+CNMI=2,2,0,0,0")
        sim.control('sms deliver +15555550123 "direct"')
        p.read_until(lambda b: b"+CMT: ," in b)

    def test_cnmi_mode0_buffers_then_flushes(self):
        p, sim = self.port, self.sim
        p.command("AT+CNMI=0,1,0,0,0")
        sim.control('sms deliver +15555550123 "held"')
        time.sleep(0.2)
        self.assertEqual(p.drain(), b"")
        self.assertEqual(p.command("AT+CNMI=2,1,0,0,0"), ([], "OK"))
        p.read_until(lambda b: b'+CMTI: "SM",0' in b)

    def test_cmgs_pdu_mr_increments_and_sent_record(self):
        p, sim = self.port, self.sim
        pdu, n = submit_pdu("+15555550150", "Grüße 😀".encode("utf-16-be"))
        self.assertIn("+CMGS: 0", self.send_pdu(pdu, n))
        self.assertIn("+CMGS: 1", self.send_pdu(pdu, n))
        sent = sim.control("sms sent")
        self.assertEqual(sent, ["%s +15555550150|Grüße 😀" % pdu] * 2)
        # the PDU line is in the command log verbatim
        self.assertIn(pdu, sim.log())

    def test_cmgs_wrong_length_is_304(self):
        pdu, n = submit_pdu("+15555550150", "x".encode("utf-16-be"))
        self.assertIn("+CMS ERROR: 304", self.send_pdu(pdu, n + 1, expect="ERROR"))
        self.assertIn("+CMS ERROR: 304", self.send_pdu("00ZZ", 10, expect="ERROR"))
        self.assertEqual(self.port.command("AT+CMGS=1"), ([], "+CMS ERROR: 304"))
        self.assertEqual(self.sim.control("sms sent"), [])

    def test_cmgs_escape_cancels(self):
        p = self.port
        p.write("AT+CMGS=20\r")
        p.read_until(lambda b: b.endswith(b"> "))
        p.drain(0.05)
        p.write("0011\x1b")
        p.read_until(lambda b: b"OK" in b)
        self.assertEqual(self.sim.control("sms sent"), [])

    def test_cmgs_text_mode(self):
        p, sim = self.port, self.sim
        p.command("AT+CMGF=1")
        p.write('AT+CMGS="+15555550150"\r')
        p.read_until(lambda b: b.endswith(b"> "))
        p.drain(0.05)
        p.write("Line one\rLine {two}\x1a")
        p.read_until(lambda b: b"OK" in b)
        self.assertTrue(sim.control("sms sent")[0].endswith(" +15555550150|Line one\\nLine {two}"))
        self.assertEqual(sim.log()[-1], "Line one\\nLine {two}")

    def test_sent_joined_rebuilds_split_surrogate(self):
        text = "Weekend plan: hike at nine, lunch by the lake, then back before da😱 see you there 😀 ok"
        raw = text.encode("utf-16-be")
        for seq, chunk in ((1, raw[:134]), (2, raw[134:])):
            pdu, n = submit_pdu("+15555550177", chunk, udh=bytes([0, 3, 0x5A, 2, seq]))
            self.send_pdu(pdu, n)
        self.assertEqual(self.sim.control("sms sent joined"), ["+15555550177|" + text])
        self.assertIn("\ufffd", self.sim.control("sms sent")[0])

    def test_status_report_cds_pdu(self):
        p, sim = self.port, self.sim
        p.command("AT+CNMI=2,1,0,1,0")
        sim.control("net report on")
        pdu, n = submit_pdu("+15555550150", "hi".encode("utf-16-be"), srr=True)
        self.send_pdu(pdu, n)
        p.read_until(lambda b: b"+CDS:" in b and b.endswith(b"\r\n") and b.count(b"\r\n") >= 2)
        data = p.drain(0.1).decode()
        m = __import__("re").search(r"\+CDS: (\d+)\r\n(07915155550501F006000B915155550551F0[0-9A-F]{28}00)\r\n", data)
        self.assertIsNotNone(m, data)
        self.assertEqual(int(m.group(1)), len(m.group(2)) // 2 - 8)

    def test_status_report_cdsi_stored_failed(self):
        p, sim = self.port, self.sim
        p.command("AT+CNMI=2,1,0,2,0")
        sim.control("net report fail")
        pdu, n = submit_pdu("+15555550150", "hi".encode("utf-16-be"), srr=True)
        self.send_pdu(pdu, n)
        p.read_until(lambda b: b'+CDSI: "SR",0' in b)
        p.command('AT+CPMS="SR"')
        info, _ = p.command("AT+CMGR=0")
        self.assertTrue(info[1].endswith("46"))
        self.assertEqual(p.command("AT+CMGF=1"), ([], "OK"))
        info, _ = p.command("AT+CMGR=0")
        self.assertRegex(info[0], r'^\+CMGR: "REC READ",6,0,"\+15555550150",145,"[^"]+","[^"]+",70$')

    def test_no_report_without_request(self):
        p, sim = self.port, self.sim
        p.command("AT+CNMI=2,1,0,1,0")
        sim.control("net report on")
        pdu, n = submit_pdu("+15555550150", "hi".encode("utf-16-be"))
        self.send_pdu(pdu, n)
        time.sleep(0.4)
        self.assertNotIn(b"+CDS", p.drain())

    def test_manual_report_unknown_reference(self):
        p, sim = self.port, self.sim
        p.command("AT+CNMI=2,1,0,1,0")
        sim.control("sms report 200 0x20 --to +15555550150")
        p.read_until(lambda b: b"+CDS:" in b)
        p.command("AT+CNMI=2,1,0,0,0")
        self.assertEqual(sim.control("sms report 1 0"), ["not routed (+CNMI ds=0)"])

    def test_burst_200_back_to_back(self):
        p, sim = self.port, self.sim
        p.command('AT+CPMS="ME","ME","ME"')
        self.assertEqual(sim.control("sms burst 200"), ["stored 200"])
        p.read_until(lambda b: b.count(b"+CMTI") >= 200, timeout=5)
        lines = p.lines()
        self.assertEqual(lines, ['+CMTI: "ME",%d' % i for i in range(200)])
        self.assertEqual(sim.control("sms count ME"), ["200"])
        info, _ = p.command("AT+CMGL=4", timeout=10)
        self.assertEqual(len(info), 400)

    def test_storage_full_indication_and_network_retry(self):
        p, sim = self.port, self.sim
        sim.control('sms deliver +15555550123 "first"')
        p.read_until(lambda b: b"+CMTI" in b)
        p.drain()
        sim.control("sms storage-full")
        self.assertEqual(sim.control('sms deliver +15555550123 "second"'), ["queued"])
        p.read_until(lambda b: b'+QIND: "smsfull","SM"' in b)
        p.drain()
        sim.control("sms storage-full off")
        p.read_until(lambda b: b'+CMTI: "SM",1' in b)
        self.assertEqual(sim.control("sms count"), ["2"])

    def test_storage_full_cmgw_322(self):
        p, sim = self.port, self.sim
        sim.control("sms storage-full on")
        pdu, n = submit_pdu("+15555550150", b"\x00A")
        p.write("AT+CMGW=%d\r" % n)
        p.read_until(lambda b: b.endswith(b"> "))
        p.drain(0.05)
        p.write(pdu + "\x1a")
        p.read_until(lambda b: b"ERROR" in b)
        self.assertIn("+CMS ERROR: 322", p.lines())

    def test_multipart_order_and_duplicate(self):
        sim = self.sim
        text = "x" * 300
        out = sim.control('sms deliver +15555550123 "%s" --ref 7 --order reverse --dup 2' % text)
        self.assertEqual(out, ["SM 0", "SM 1", "SM 2"])
        pdus = [l.split()[3] for l in sim.control("sms list")]
        self.assertIn("050003070202", pdus[0])  # part 2 of 2, stored first
        self.assertIn("050003070201", pdus[1])
        self.assertEqual(pdus[0], pdus[2])

    def test_encode_16bit_reference_parts(self):
        out = self.sim.control('sms encode +15555550123 "%s" --ref16 --ref 0x1234 --parts 3' % ("y" * 30))
        self.assertEqual(len(out), 3)
        self.assertIn("0608041234030", out[0])
        self.assertEqual(self.sim.control("sms count"), ["0"])

    def test_inject_pdu_field_case_c17(self):
        p, sim = self.port, self.sim
        c17 = "07915155550501F0040B915155550521F3000051907051529121065474D8BD9E03"
        self.assertEqual(sim.control("sms inject-pdu " + c17), ["SM 0"])
        p.read_until(lambda b: b"+CMTI" in b)
        p.drain()
        self.assertEqual(p.command("AT+CMGR=0"), (["+CMGR: 0,,25", c17], "OK"))
        with self.assertRaises(ControlError):
            sim.control("sms inject-pdu 0011")
        sim.control("sms inject-pdu 0004FF --raw")
        self.assertEqual(sim.control("sms count"), ["2"])

    def test_capacity_and_busy(self):
        p, sim = self.port, self.sim
        sim.control("sms capacity SM 2")
        self.assertEqual(p.command("AT+CPMS?"), (['+CPMS: "SM",0,2,"SM",0,2,"SM",0,2'], "OK"))
        self.assertEqual(sim.control('sms deliver 123 "a" --mode cmti'), ["SM 0"])
        self.assertEqual(sim.control('sms deliver 123 "b" --mode cmti'), ["SM 1"])
        self.assertEqual(sim.control('sms deliver 123 "c" --mode cmti'), ["queued"])
        with self.assertRaises(ControlError):
            sim.control("sms capacity SM 1")
        sim.control("sms capacity SM 3")
        self.assertEqual(sim.control("sms count"), ["3"])
        sim.control("sms busy")
        p.drain(0.2)
        self.assertEqual(p.command("AT+CMGL=4"), ([], "+CMS ERROR: 500"))
        sim.control("sms busy off")
        self.assertEqual(p.command("AT+CMGL=4")[1], "OK")

    def test_sms_commands_locked_sim(self):
        sim = self.start("sim7600", pin="1234")
        p = sim.open_port()
        p.command("ATE0")
        self.assertEqual(p.command("AT+CMGL=4"), ([], "+CMS ERROR: 311"))
        self.assertEqual(p.command("AT+CMGF=0"), ([], "OK"))


class TestUssd(SimTestCase):
    def test_huawei_packed_request_and_ucs2_reply_field_case_c21(self):
        sim = self.start("huawei-me909")
        port = sim.open_port()
        port.command("ATE0")
        sim.control('ussd reply "Баланс:100,00р" --ucs2')
        self.assertEqual(port.command('AT+CUSD=1,"AA180C3602",15'), ([], "OK"))
        port.read_until(lambda b: b"+CUSD" in b)
        self.assertEqual(port.lines(), ['+CUSD: 0,"04110430043B0430043D0441003A003100300030002C003000300440",72'])
        self.assertEqual(sim.control("ussd sent"), ["*100#"])

    def test_session_with_more_then_timeout_and_error(self):
        sim = self.start("sim7600")
        port = sim.open_port()
        port.command("ATE0")
        sim.control('ussd reply "1. Balance 2. Data" --more')
        sim.control('ussd reply "Data: 1 GB"')
        sim.control("ussd reply --none")
        sim.control("ussd reply --error")
        port.command('AT+CUSD=1,"*100#",15')
        port.read_until(lambda b: b"+CUSD" in b)
        self.assertEqual(port.lines(), ['+CUSD: 1,"1. Balance 2. Data",15'])
        port.command('AT+CUSD=1,"2",15')
        port.read_until(lambda b: b"+CUSD" in b)
        self.assertEqual(port.lines(), ['+CUSD: 0,"Data: 1 GB",15'])
        self.assertEqual(port.command('AT+CUSD=1,"*101#",15'), ([], "OK"))
        time.sleep(0.5)
        self.assertEqual(port.drain(), b"")
        port.command('AT+CUSD=1,"*102#",15')
        port.read_until(lambda b: b"+CUSD: 4\r\n" in b)
        self.assertEqual(port.lines(), ["+CUSD: 4"])
        self.assertEqual(sim.control("ussd sent"), ["*100#", "2", "*101#", "*102#"])
        self.assertEqual(port.command("AT+CUSD=2"), ([], "OK"))

    def test_network_initiated_needs_presentation(self):
        sim = self.start("quectel-ec25")
        port = sim.open_port()
        port.command("ATE0")
        self.assertEqual(sim.control('ussd network "Hello"'), ["not presented (+CUSD n=0)"])
        port.command("AT+CUSD=1")
        sim.control('ussd network "Hello" --more')
        port.read_until(lambda b: b"+CUSD" in b)
        self.assertEqual(port.lines(), ['+CUSD: 1,"Hello",15'])

    def test_ussd_needs_sim_and_network(self):
        sim = self.start("sim7600", pin="1234")
        port = sim.open_port()
        port.command("ATE0")
        self.assertEqual(port.command('AT+CUSD=1,"*100#",15'), ([], "+CME ERROR: 11"))
        port.command("AT+CPIN=1234")
        sim.control("set creg 2")
        self.assertEqual(port.command('AT+CUSD=1,"*100#",15')[1], "+CME ERROR: 30")
        self.assertEqual(sim.control("ussd sent"), [])


class TestCalls(SimTestCase):
    def test_outgoing_sim800_clcc_field_case_c26(self):
        sim = self.start("sim800")
        port = sim.open_port()
        port.command("ATE0")
        self.assertEqual(port.command("ATDT5555550150;"), ([], "OK"))
        self.assertEqual(port.command("AT+CLCC"), (['+CLCC: 1,0,2,0,0,"5555550150",129,""'], "OK"))
        sim.control("call alert")
        self.assertEqual(port.command("AT+CLCC"), (['+CLCC: 1,0,3,0,0,"5555550150",129,""'], "OK"))
        sim.control("call answer")
        self.assertEqual(port.command("AT+CLCC"), (['+CLCC: 1,0,0,0,0,"5555550150",129,""'], "OK"))
        self.assertEqual(port.command('AT+VTS="12#"'), ([], "OK"))
        self.assertEqual(port.command("AT+VTS=9"), ([], "OK"))
        self.assertEqual(sim.control("call dtmf"), ["12#9"])
        sim.control("call hangup")
        port.read_until(lambda b: b"NO CARRIER" in b)
        self.assertEqual(port.lines(), ["NO CARRIER"])
        self.assertEqual(port.command("AT+CLCC"), ([], "OK"))

    def test_incoming_huawei_crc_clip_cend_field_case_c24(self):
        sim = self.start("huawei-me909")
        port = sim.open_port()
        port.command("ATE0")
        port.command("AT+CRC=1")
        port.command("AT+CLIP=1")
        self.assertEqual(sim.control("call incoming +15555550123"), ["1"])
        sim.control("call ring")
        port.read_until(lambda b: b.count(b"+CLIP") == 2)
        self.assertEqual(port.lines(), ["+CRING: VOICE", '+CLIP: "+15555550123",145,,,,0'] * 2)
        sim.control("call hangup")
        port.read_until(lambda b: b"^CEND" in b)
        self.assertEqual(port.lines(), ["^CEND:1,0,104,16"])

    def test_answer_and_local_hangup_simcom_dialect(self):
        sim = self.start("sim7600")
        port = sim.open_port()
        port.command("ATE0")
        sim.control("call incoming +15555550123")
        port.read_until(lambda b: b"RING" in b)
        self.assertEqual(port.lines(), ["RING"])
        self.assertEqual(port.command("ATA"), ([], "OK"))
        port.read_until(lambda b: b"VOICE CALL: BEGIN" in b)
        port.lines()
        self.assertEqual(sim.control("call list"), ["1 in active +15555550123"])
        self.assertEqual(port.command("AT+CHUP"), ([], "OK"))
        port.read_until(lambda b: b"VOICE CALL: END" in b)
        self.assertEqual(port.lines(), ["VOICE CALL: END: 000000"])
        self.assertEqual(sim.control("call list"), [])

    def test_huawei_outgoing_orig_conf_conn(self):
        sim = self.start("huawei-me909")
        port = sim.open_port()
        port.command("ATE0")
        self.assertEqual(port.command("ATD+15555550150;"), ([], "OK"))
        port.read_until(lambda b: b"^ORIG" in b)
        sim.control("call alert")
        sim.control("call answer")
        port.read_until(lambda b: b"^CONN" in b)
        self.assertEqual(port.lines(), ["^ORIG:1,0", "^CONF:1", "^CONN:1,0"])

    def test_busy_no_carrier_and_errors(self):
        sim = self.start("quectel-ec25")
        port = sim.open_port()
        port.command("ATE0")
        self.assertEqual(port.command("ATA"), ([], "NO CARRIER"))
        self.assertEqual(port.command("ATD5555550150"), ([], "NO CARRIER"))  # data call
        self.assertEqual(port.command("ATDabc;"), ([], "+CME ERROR: 50"))
        port.command("ATD5555550150;")
        sim.control("call busy")
        port.read_until(lambda b: b"BUSY\r\n" in b)
        self.assertEqual(port.lines(), ["BUSY"])
        self.assertEqual(port.command("AT+VTS=1"), ([], "+CME ERROR: 3"))
        with self.assertRaises(ControlError):
            sim.control("call answer")
        sim.control("set creg 0")
        self.assertEqual(port.command("ATD5555550150;")[1], "+CME ERROR: 30")


if __name__ == "__main__":
    unittest.main(verbosity=2)
