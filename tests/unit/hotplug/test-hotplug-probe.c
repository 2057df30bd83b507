/* Unit tests for the safe probe state machine (src/hotplug/hotplug-probe.c),
 * driven by hand with a fake clock: answers named after the modem family
 * they come from, the silent port of field case C33, the ESC echo of C28,
 * URCs in the middle of the probe (C16, C35). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotplug/hotplug-probe.h"
#include "util/cleanup.h"
#include "util/strutil.h"

#define MS 1000ULL

typedef struct Reply {
        const char *cmd;   /* command without CR */
        const char *bytes; /* what the modem sends back; NULL = silence */
} Reply;

static char sent_log[64][16];
static size_t n_sent_log;
static size_t n_esc;

/* Runs a probe against a table of replies; time advances only on silence. */
static HotplugProbe *run(const Reply *replies, size_t n, HotplugProbeFlags flags, uint64_t *ret_elapsed) {
        HotplugProbe *p = NULL;
        uint64_t now = 1000 * MS, start = now;

        n_sent_log = 0;
        n_esc = 0;
        assert_int_equal(hotplug_probe_new(400 * MS, flags, &p), 0);
        hotplug_probe_start(p, now);
        for (int guard = 0; guard < 50 && !hotplug_probe_is_done(p); guard++) {
                const char *out = hotplug_probe_pending_output(p);
                if (out && streq(out, "\x1b\r")) {
                        /* the ESC CR wake-up: not a command; a stale SMS
                         * prompt answers it (Reply "\x1b") */
                        n_esc++;
                        hotplug_probe_output_done(p);
                        for (size_t i = 0; i < n; i++)
                                if (streq(replies[i].cmd, "\x1b") && replies[i].bytes) {
                                        now += 10 * MS;
                                        hotplug_probe_feed(p, replies[i].bytes, strlen(replies[i].bytes), now);
                                }
                        out = NULL;
                }
                if (out) {
                        char cmd[16];
                        snprintf(cmd, sizeof(cmd), "%s", out);
                        assert_true(strlen(cmd) > 0 && cmd[strlen(cmd) - 1] == '\r');
                        cmd[strlen(cmd) - 1] = '\0';
                        assert_true(n_sent_log < 64);
                        strcpy(sent_log[n_sent_log++], cmd);
                        hotplug_probe_output_done(p);
                        const char *bytes = NULL;
                        bool found = false;
                        for (size_t i = 0; i < n; i++)
                                if (streq(replies[i].cmd, cmd)) {
                                        bytes = replies[i].bytes;
                                        found = true;
                                        break;
                                }
                        if (found && bytes) {
                                now += 10 * MS;
                                hotplug_probe_feed(p, bytes, strlen(bytes), now);
                                continue;
                        }
                }
                /* silence: jump to the deadline */
                uint64_t dl = hotplug_probe_deadline(p);
                assert_true(dl != UINT64_MAX);
                now = dl;
                hotplug_probe_process_timeout(p, now);
        }
        assert_true(hotplug_probe_is_done(p));
        for (size_t i = 0; i < n_sent_log; i++)
                assert_true(hotplug_probe_command_is_safe(sent_log[i]));
        if (ret_elapsed)
                *ret_elapsed = now - start;
        return p;
}

static void test_hotplug_probe_sim7600_echo_on(void **state) {
        const Reply r[] = {
                {"AT", "AT\r\r\nOK\r\n"},
                {"ATE0", "ATE0\r\r\nOK\r\n"},
                {"AT+CGMI", "\r\nSIMCOM INCORPORATED\r\n\r\nOK\r\n"},
                {"AT+CGMM", "\r\nSIMCOM_SIM7600E-H\r\n\r\nOK\r\n"},
                {"AT+CGMR", "\r\n+CGMR: LE20B04SIM7600M22\r\n\r\nOK\r\n"},
        };
        _cleanup_(hotplug_probe_freep) HotplugProbe *p = run(r, ELEMENTSOF(r), 0, NULL);
        assert_int_equal(hotplug_probe_get_result(p), HOTPLUG_PROBE_AT);
        assert_string_equal(hotplug_probe_get_manufacturer(p), "SIMCOM INCORPORATED");
        assert_string_equal(hotplug_probe_get_model(p), "SIMCOM_SIM7600E-H");
        assert_string_equal(hotplug_probe_get_revision(p), "LE20B04SIM7600M22");
        assert_int_equal(hotplug_probe_get_commands_sent(p), 5);
        assert_int_equal(n_sent_log, 5);
        assert_string_equal(sent_log[0], "AT");
        assert_string_equal(hotplug_probe_get_transcript(p, 2), "AT+CGMI -> OK: SIMCOM INCORPORATED");
}

static void test_hotplug_probe_silent_port_one_attempt_c33(void **state) {
        uint64_t elapsed = 0;
        _cleanup_(hotplug_probe_freep) HotplugProbe *p = run(NULL, 0, 0, &elapsed);
        assert_int_equal(hotplug_probe_get_result(p), HOTPLUG_PROBE_SILENT);
        assert_int_equal(hotplug_probe_get_commands_sent(p), 1);
        assert_true(elapsed <= 450 * MS); /* 50 ms after ESC, one 400 ms AT */
        assert_string_equal(hotplug_probe_get_transcript(p, 0), "AT -> timeout");
        assert_null(hotplug_probe_get_manufacturer(p));
}

/* A modem left at an SMS "> " prompt (callstackd killed mid-send) takes
 * "AT" as message text: the ESC CR sent first cancels it; the OK of the
 * cancel falls in the quiet time and is not taken as the answer to AT. */
static void test_hotplug_probe_stale_sms_prompt_left_by_esc(void **state) {
        const Reply r[] = {
                {"\x1b", "\r\nOK\r\n"},
                {"AT", "\r\nOK\r\n"},
                {"ATE0", "\r\nOK\r\n"},
                {"AT+CGMI", "\r\nSIMCOM INCORPORATED\r\n\r\nOK\r\n"},
                {"AT+CGMM", "\r\nSIMCOM_SIM7600E-H\r\n\r\nOK\r\n"},
                {"AT+CGMR", "\r\n+CGMR: LE20B04SIM7600M22\r\n\r\nOK\r\n"},
        };
        _cleanup_(hotplug_probe_freep) HotplugProbe *p = run(r, ELEMENTSOF(r), 0, NULL);
        assert_int_equal(n_esc, 1);
        assert_int_equal(hotplug_probe_get_result(p), HOTPLUG_PROBE_AT);
        assert_string_equal(sent_log[0], "AT");
        assert_int_equal(hotplug_probe_get_commands_sent(p), 5);
        assert_string_equal(hotplug_probe_get_manufacturer(p), "SIMCOM INCORPORATED");
        assert_string_equal(hotplug_probe_get_model(p), "SIMCOM_SIM7600E-H");
}

static void test_hotplug_probe_nmea_port_is_not_at(void **state) {
        const Reply r[] = {{"AT", "$GPGSV,1,1,00*79\r\n$GPRMC,,V,,,,,,,,,,N*53\r\n"}};
        _cleanup_(hotplug_probe_freep) HotplugProbe *p = run(r, ELEMENTSOF(r), 0, NULL);
        assert_int_equal(hotplug_probe_get_result(p), HOTPLUG_PROBE_NOT_AT);
        assert_int_equal(hotplug_probe_get_commands_sent(p), 1);
}

static void test_hotplug_probe_esc_echo_huawei_e3276_c28(void **state) {
        const Reply r[] = {
                {"AT", "\x1b\rAT\r\r\nOK\r\n"},
                {"ATE0", "\r\nOK\r\n"},
                {"AT+CGMI", "\r\n^RSSI: 20\r\n\r\nhuawei\r\n\r\nOK\r\n"},
                {"AT+CGMM", "\r\nE3276\r\n\r\nOK\r\n"},
                {"AT+CGMR", "\r\n21.436.03.00.00\r\n\r\nOK\r\n"},
        };
        _cleanup_(hotplug_probe_freep) HotplugProbe *p = run(r, ELEMENTSOF(r), 0, NULL);
        assert_int_equal(hotplug_probe_get_result(p), HOTPLUG_PROBE_AT);
        assert_string_equal(hotplug_probe_get_manufacturer(p), "huawei");
        assert_string_equal(hotplug_probe_get_model(p), "E3276");
}

static void test_hotplug_probe_urcs_never_taken_as_identity_quectel_c35(void **state) {
        const Reply r[] = {
                {"AT", "\r\nOK\r\n"},
                {"ATE0", "\r\nOK\r\n"},
                {"AT+CGMI",
                 "\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n\r\nSMS DONE\r\n\r\nQuectel\r\n\r\nOK\r\n"},
                {"AT+CGMM", "\r\nRDY\r\n\r\nEC25\r\n\r\nOK\r\n"},
                {"AT+CGMR", "\r\nRevision: EC25EFAR06A06M4G\r\n\r\nOK\r\n"},
        };
        _cleanup_(hotplug_probe_freep) HotplugProbe *p = run(r, ELEMENTSOF(r), 0, NULL);
        assert_string_equal(hotplug_probe_get_manufacturer(p), "Quectel");
        assert_string_equal(hotplug_probe_get_model(p), "EC25");
        assert_string_equal(hotplug_probe_get_revision(p), "EC25EFAR06A06M4G");
}

static void test_hotplug_probe_cgmi_error_falls_back_to_ati(void **state) {
        const Reply r[] = {
                {"AT", "\r\nOK\r\n"},
                {"ATE0", "\r\nOK\r\n"},
                {"AT+CGMI", "\r\nERROR\r\n"},
                {"AT+CGMM", "\r\n+CME ERROR: 4\r\n"},
                {"AT+CGMR", "\r\nERROR\r\n"},
                {"ATI", "\r\nManufacturer: ACME\r\nModel: AW-100\r\nRevision: 1.0\r\nIMEI: "
                        "490154203237518\r\n\r\nOK\r\n"},
        };
        _cleanup_(hotplug_probe_freep) HotplugProbe *p = run(r, ELEMENTSOF(r), 0, NULL);
        assert_int_equal(hotplug_probe_get_result(p), HOTPLUG_PROBE_AT);
        assert_string_equal(hotplug_probe_get_manufacturer(p), "ACME");
        assert_string_equal(hotplug_probe_get_model(p), "AW-100");
        assert_string_equal(hotplug_probe_get_revision(p), "1.0");
        assert_int_equal(hotplug_probe_get_commands_sent(p), 6);
        /* the IMEI never reaches the transcript */
        for (size_t i = 0; hotplug_probe_get_transcript(p, i); i++)
                assert_null(strstr(hotplug_probe_get_transcript(p, i), "490154203237518"));
}

static void test_hotplug_probe_stops_after_two_timeouts(void **state) {
        const Reply r[] = {{"AT", "\r\nOK\r\n"}};
        _cleanup_(hotplug_probe_freep) HotplugProbe *p = run(r, ELEMENTSOF(r), 0, NULL);
        assert_int_equal(hotplug_probe_get_result(p), HOTPLUG_PROBE_AT);
        assert_int_equal(hotplug_probe_get_commands_sent(p), 3); /* AT, ATE0 (timeout), CGMI (timeout) */
}

static void test_hotplug_probe_gcap_only_when_asked(void **state) {
        const Reply r[] = {
                {"AT", "\r\nOK\r\n"},
                {"ATE0", "\r\nOK\r\n"},
                {"AT+CGMI", "\r\nu-blox\r\nOK\r\n"},
                {"AT+CGMM", "\r\nLARA-R280\r\nOK\r\n"},
                {"AT+CGMR", "\r\n30.31\r\nOK\r\n"},
                {"AT+GCAP", "\r\n+GCAP: +CGSM,+FCLASS\r\nOK\r\n"},
        };
        _cleanup_(hotplug_probe_freep) HotplugProbe *p = run(r, ELEMENTSOF(r), HOTPLUG_PROBE_GCAP, NULL);
        assert_string_equal(hotplug_probe_get_gcap(p), "+CGSM,+FCLASS");
        assert_int_equal(hotplug_probe_get_commands_sent(p), 6);
}

static void test_hotplug_probe_hangup_mid_probe(void **state) {
        _cleanup_(hotplug_probe_freep) HotplugProbe *p = NULL;
        assert_int_equal(hotplug_probe_new(0, 0, &p), 0);
        hotplug_probe_start(p, 0);
        hotplug_probe_output_done(p);
        hotplug_probe_feed(p, "\r\nOK\r\n", 6, 1);
        assert_false(hotplug_probe_is_done(p));
        hotplug_probe_hangup(p);
        assert_true(hotplug_probe_is_done(p));
        assert_int_equal(hotplug_probe_get_result(p), HOTPLUG_PROBE_GONE);
        assert_int_equal(hotplug_probe_deadline(p), UINT64_MAX);
}

static void test_hotplug_probe_junk_bytes_never_crash(void **state) {
        uint32_t x = 0xdeadbeef;
        for (int round = 0; round < 200; round++) {
                _cleanup_(hotplug_probe_freep) HotplugProbe *p = NULL;
                char buf[700];
                assert_int_equal(hotplug_probe_new(0, HOTPLUG_PROBE_GCAP, &p), 0);
                hotplug_probe_start(p, 0);
                for (int k = 0; k < 10 && !hotplug_probe_is_done(p); k++) {
                        size_t n = (x >> 3) % sizeof(buf);
                        for (size_t i = 0; i < n; i++) {
                                x ^= x << 13;
                                x ^= x >> 17;
                                x ^= x << 5;
                                buf[i] = (x & 7) == 0    ? '\r'
                                         : (x & 15) == 1 ? '\n'
                                         : (x & 31) == 2 ? 'O'
                                                         : (char)x;
                        }
                        hotplug_probe_feed(p, buf, n, (uint64_t)k);
                        hotplug_probe_feed(p, "\r\nOK\r\n", 6, (uint64_t)k);
                        if (hotplug_probe_get_manufacturer(p))
                                assert_true(strlen(hotplug_probe_get_manufacturer(p)) <= 127);
                }
        }
}

/* doctor --direct printed a modem's answer raw: ESC[31m, an OSC title
 * change, BEL reached the terminal.  Every byte outside printable ASCII
 * is shown as \xHH, a backslash as \\; CR still ends a line. */
static void test_hotplug_probe_control_bytes_escaped_in_transcript_and_identity(void **state) {
        const Reply r[] = {
                {"AT", "\r\nOK\r\n"},
                {"ATE0", "\r\nOK\r\n"},
                {"AT+CGMI", "\r\n\x1b]0;owned\x07"
                            "Evil\x1b[31m\\Corp\xff\rtail\x1b[0m\r\nOK\r\n"},
                {"AT+CGMM", "\r\nM\x01\x7f\x80 12345678\r\nOK\r\n"},
                {"AT+CGMR", "\r\n+CME ERROR: \x1b[2J\r\n"},
        };
        _cleanup_(hotplug_probe_freep) HotplugProbe *p = run(r, ELEMENTSOF(r), HOTPLUG_PROBE_DEFAULT, NULL);

        assert_int_equal(hotplug_probe_get_result(p), HOTPLUG_PROBE_AT);
        assert_string_equal(hotplug_probe_get_manufacturer(p),
                            "\\x1b]0;owned\\x07Evil\\x1b[31m\\\\Corp\\xff");
        assert_string_equal(hotplug_probe_get_model(p), "M\\x01\\x7f\\x80 12345678");
        assert_null(hotplug_probe_get_revision(p));

        bool saw_cgmi = false, saw_cgmm = false, saw_cgmr = false;
        for (size_t i = 0; hotplug_probe_get_transcript(p, i); i++) {
                const char *t = hotplug_probe_get_transcript(p, i);
                for (const char *c = t; *c; c++)
                        assert_true(*c >= 0x20 && *c <= 0x7e);
                if (streq(t, "AT+CGMI -> OK: \\x1b]0;owned\\x07Evil\\x1b[31m\\\\Corp\\xff / tail\\x1b[0m"))
                        saw_cgmi = true;
                if (streq(t, "AT+CGMM -> OK: M\\x01\\x7f\\x80 [masked]"))
                        saw_cgmm = true;
                if (streq(t, "AT+CGMR -> +CME ERROR: \\x1b[2J"))
                        saw_cgmr = true;
        }
        assert_true(saw_cgmi);
        assert_true(saw_cgmm);
        assert_true(saw_cgmr);

        /* doctor masks the escaped identity again: escapes stay whole */
        char buf[128];
        assert_string_equal(hotplug_mask_serials("A\\x0112345678", buf, sizeof(buf)), "A\\x01[masked]");
        assert_string_equal(hotplug_mask_serials("\\x1b1234567", buf, sizeof(buf)), "\\x1b1234567");
        assert_string_equal(hotplug_mask_serials("\\x1bIMEI: 490154203237518", buf, sizeof(buf)),
                            "\\x1bIMEI: [masked]");
}

/* Noise from /dev/urandom was read as "AT -> OK" when it held "ok" or
 * "oK": finals are the uppercase V.250 codes; blanks around them are fine. */
static void test_hotplug_probe_final_is_uppercase_only(void **state) {
        static const char *const not_final[] = {"\r\nok\r\n", "\r\nOk\r\n", "\r\noK\r\n", "\r\nerror\r\n",
                                                "\r\n+cme error: 3\r\n"};
        for (size_t i = 0; i < ELEMENTSOF(not_final); i++) {
                const Reply r[] = {{"AT", not_final[i]}};
                _cleanup_(hotplug_probe_freep) HotplugProbe *p =
                        run(r, ELEMENTSOF(r), HOTPLUG_PROBE_DEFAULT, NULL);
                assert_int_equal(hotplug_probe_get_result(p), HOTPLUG_PROBE_NOT_AT);
                assert_true(startswith(hotplug_probe_get_transcript(p, 0), "AT -> timeout: "));
        }

        const Reply r[] = {{"AT", "\r\n \tOK\t \r\n"}, {"ATE0", "\r\nOK\r\n"}};
        _cleanup_(hotplug_probe_freep) HotplugProbe *p = run(r, ELEMENTSOF(r), HOTPLUG_PROBE_DEFAULT, NULL);
        assert_int_equal(hotplug_probe_get_result(p), HOTPLUG_PROBE_AT);
        assert_string_equal(hotplug_probe_get_transcript(p, 0), "AT -> OK");
}

static void test_hotplug_mask_serials(void **state) {
        char buf[128];
        assert_string_equal(hotplug_mask_serials("IMEI: 490154203237518", buf, sizeof(buf)),
                            "IMEI: [masked]");
        assert_string_equal(hotplug_mask_serials("490154203237518", buf, sizeof(buf)), "[masked]");
        assert_string_equal(hotplug_mask_serials("SN: ABC123XYZ", buf, sizeof(buf)), "SN: [masked]");
        assert_string_equal(hotplug_mask_serials("Revision: EC25EFAR06A06M4G", buf, sizeof(buf)),
                            "Revision: EC25EFAR06A06M4G");
        assert_string_equal(hotplug_mask_serials("SIMCOM_SIM7600E-H", buf, sizeof(buf)),
                            "SIMCOM_SIM7600E-H");
        assert_string_equal(hotplug_mask_serials("x 12345678 y", buf, sizeof(buf)), "x [masked] y");
        char tiny[6];
        assert_string_equal(hotplug_mask_serials("IMEI: 490154203237518", tiny, sizeof(tiny)), "IMEI:");
}

/* An IMEI with separators was printed in the clear: digit groups joined
 * by single '-' or ' ' are one run. */
static void test_hotplug_mask_serials_digit_groups_with_separators(void **state) {
        char buf[128];
        assert_string_equal(hotplug_mask_serials("35-123456-000001-0", buf, sizeof(buf)), "[masked]");
        assert_string_equal(hotplug_mask_serials("35 123456 000001 0", buf, sizeof(buf)), "[masked]");
        assert_string_equal(hotplug_mask_serials("x 35-123456 000001-0 y", buf, sizeof(buf)),
                            "x [masked] y");
        assert_string_equal(hotplug_mask_serials("+49 170 1234567", buf, sizeof(buf)), "+[masked]");
        /* fewer than 8 digits, doubled or trailing separators: as before */
        assert_string_equal(hotplug_mask_serials("12-34 56", buf, sizeof(buf)), "12-34 56");
        assert_string_equal(hotplug_mask_serials("1234--5678", buf, sizeof(buf)), "1234--5678");
        assert_string_equal(hotplug_mask_serials("1234  5678", buf, sizeof(buf)), "1234  5678");
        assert_string_equal(hotplug_mask_serials("1234- 5678", buf, sizeof(buf)), "1234- 5678");
        assert_string_equal(hotplug_mask_serials("SIM7600E-H 1", buf, sizeof(buf)), "SIM7600E-H 1");
        assert_string_equal(hotplug_mask_serials("Revision: EC25EFAR06A06M4G", buf, sizeof(buf)),
                            "Revision: EC25EFAR06A06M4G");
        char tiny[6];
        assert_string_equal(hotplug_mask_serials("1234 5678", tiny, sizeof(tiny)), "[mask");
}

static void test_hotplug_probe_command_is_safe_list(void **state) {
        assert_true(hotplug_probe_command_is_safe("AT"));
        assert_true(hotplug_probe_command_is_safe("at+cgmm"));
        assert_false(hotplug_probe_command_is_safe("AT+CFUN=1,1"));
        assert_false(hotplug_probe_command_is_safe("AT+CGSN"));
        assert_false(hotplug_probe_command_is_safe(NULL));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hotplug_probe_sim7600_echo_on),
                cmocka_unit_test(test_hotplug_probe_silent_port_one_attempt_c33),
                cmocka_unit_test(test_hotplug_probe_stale_sms_prompt_left_by_esc),
                cmocka_unit_test(test_hotplug_probe_nmea_port_is_not_at),
                cmocka_unit_test(test_hotplug_probe_esc_echo_huawei_e3276_c28),
                cmocka_unit_test(test_hotplug_probe_urcs_never_taken_as_identity_quectel_c35),
                cmocka_unit_test(test_hotplug_probe_cgmi_error_falls_back_to_ati),
                cmocka_unit_test(test_hotplug_probe_stops_after_two_timeouts),
                cmocka_unit_test(test_hotplug_probe_gcap_only_when_asked),
                cmocka_unit_test(test_hotplug_probe_hangup_mid_probe),
                cmocka_unit_test(test_hotplug_probe_junk_bytes_never_crash),
                cmocka_unit_test(test_hotplug_probe_control_bytes_escaped_in_transcript_and_identity),
                cmocka_unit_test(test_hotplug_probe_final_is_uppercase_only),
                cmocka_unit_test(test_hotplug_mask_serials),
                cmocka_unit_test(test_hotplug_mask_serials_digit_groups_with_separators),
                cmocka_unit_test(test_hotplug_probe_command_is_safe_list),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
