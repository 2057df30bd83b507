/* Unit tests of the simulator's AT interpreter (tools/modem-sim/sim-modem.c),
 * byte for byte, without a pty. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim-modem.h"

typedef struct Capture {
        char out[65536];
        size_t len;
        int replies, urcs;
        uint64_t armed;
} Capture;

static void cap_output(void *userdata, SimOut kind, const char *data, size_t len) {
        Capture *c = userdata;

        assert_true(c->len + len < sizeof(c->out));
        memcpy(c->out + c->len, data, len);
        c->len += len;
        c->out[c->len] = '\0';
        if (kind == SIM_OUT_REPLY)
                c->replies++;
        if (kind == SIM_OUT_URC)
                c->urcs++;
}

static void cap_arm(void *userdata, uint64_t usec) {
        ((Capture *)userdata)->armed = usec;
}

static SimModem *new_modem(const char *profile, const char *pin, Capture *c) {
        SimModem *m = NULL;

        memset(c, 0, sizeof(*c));
        assert_int_equal(sim_modem_new(sim_profile_find(profile), pin,
                                       &(SimModemOps){.output = cap_output, .arm_pending = cap_arm}, c, &m),
                         0);
        return m;
}

static const char *run(SimModem *m, Capture *c, const char *typed) {
        c->len = 0;
        c->replies = c->urcs = 0;
        c->out[0] = '\0';
        sim_modem_feed(m, typed, strlen(typed));
        return c->out;
}

static void test_sim_modem_echo_then_ate0(void **state) {
        Capture c;
        SimModem *m = new_modem("sim7600", NULL, &c);

        assert_string_equal(run(m, &c, "AT\r"), "AT\r\r\nOK\r\n");
        assert_string_equal(run(m, &c, "ATE0\r"), "ATE0\r\r\nOK\r\n");
        assert_string_equal(run(m, &c, "AT\r"), "\r\nOK\r\n");
        sim_modem_free(m);
}

static void test_sim_modem_command_split_across_reads(void **state) {
        Capture c;
        SimModem *m = new_modem("sim7600", NULL, &c);

        run(m, &c, "ATE0\r");
        assert_string_equal(run(m, &c, "AT+CG"), "");
        assert_string_equal(run(m, &c, "MI\r\n"), "\r\nSIMCOM INCORPORATED\r\n\r\nOK\r\n");
        sim_modem_free(m);
}

static void test_sim_modem_multiline_info_framing_quectel_ati(void **state) {
        Capture c;
        SimModem *m = new_modem("quectel-ec25", NULL, &c);

        run(m, &c, "ATE0\r");
        assert_string_equal(run(m, &c, "ATI\r"),
                            "\r\nQuectel\r\nEC25\r\nRevision: EC25EFAR06A06M4G\r\n\r\nOK\r\n");
        sim_modem_free(m);
}

static void test_sim_modem_garbage_before_prefix_ignored(void **state) {
        Capture c;
        SimModem *m = new_modem("huawei-me909", NULL, &c);

        /* C28: ESC CR then AT, echo still on. */
        assert_string_equal(run(m, &c, "\x1b\rAT\r"), "\x1b\rAT\r\r\nOK\r\n");
        assert_string_equal(run(m, &c, "hello\r"), "hello\r");
        sim_modem_free(m);
}

static void test_sim_modem_unknown_command_forms(void **state) {
        Capture c;
        SimModem *m = new_modem("sim7600", NULL, &c);

        run(m, &c, "ATE0\r");
        assert_string_equal(run(m, &c, "AT+NOPE\r"), "\r\nERROR\r\n");
        sim_modem_free(m);
        m = new_modem("telit-le910", NULL, &c);
        run(m, &c, "ATE0\r");
        assert_string_equal(run(m, &c, "AT+NOPE\r"), "\r\n+CME ERROR: 100\r\n");
        run(m, &c, "AT+CMEE=0\r");
        assert_string_equal(run(m, &c, "AT+NOPE\r"), "\r\nERROR\r\n");
        sim_modem_free(m);
}

static void test_sim_modem_error_stops_command_line(void **state) {
        Capture c;
        SimModem *m = new_modem("sim7600", NULL, &c);

        run(m, &c, "ATE0\r");
        assert_string_equal(run(m, &c, "AT+CGMM;+NOPE;+CGMI\r"), "\r\nSIMCOM_SIM7600E-H\r\n\r\nERROR\r\n");
        assert_int_equal(c.replies, 1);
        sim_modem_free(m);
}

static void test_sim_modem_cpin_flow_with_pending_urcs(void **state) {
        Capture c;
        SimModem *m = new_modem("quectel-ec25", "1234", &c);

        run(m, &c, "ATE0\r");
        assert_string_equal(run(m, &c, "AT+CPIN?\r"), "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
        assert_string_equal(run(m, &c, "AT+CPIN=\"1111\"\r"), "\r\n+CME ERROR: 16\r\n");
        assert_string_equal(run(m, &c, "AT+CMEE=2\r"), "\r\nOK\r\n");
        assert_string_equal(run(m, &c, "AT+CIMI\r"), "\r\n+CME ERROR: SIM PIN required\r\n");
        run(m, &c, "AT+CMEE=1\r");
        assert_string_equal(run(m, &c, "AT+CPIN=1234\r"), "\r\nOK\r\n");
        assert_int_equal(c.armed, 200000);
        /* The next command sees the vendor URCs first (field case C35). */
        assert_string_equal(
                run(m, &c, "AT\r"),
                "\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n"
                "\r\nOK\r\n");
        assert_string_equal(run(m, &c, "AT+CPIN=1234\r"), "\r\n+CME ERROR: 3\r\n");
        sim_modem_free(m);
}

static void test_sim_modem_creg_modes_and_urcs(void **state) {
        Capture c;
        SimModem *m = new_modem("sierra-mc7455", NULL, &c);

        run(m, &c, "ATE0\r");
        assert_string_equal(run(m, &c, "AT+CREG?\r"), "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
        run(m, &c, "AT+CREG=2\r");
        assert_string_equal(run(m, &c, "AT+CREG?\r"),
                            "\r\n+CREG: 2,1,\"1A2B\",\"01C2D3E4\",7\r\n\r\nOK\r\n");
        c.len = 0;
        assert_int_equal(sim_modem_set_registration(m, 2, NULL, NULL, -1), 0);
        assert_string_equal(c.out, "\r\n+CREG: 2\r\n");
        c.len = 0;
        assert_int_equal(sim_modem_set_registration(m, 5, "2AF5", "0B88E350", 2), 0);
        assert_string_equal(c.out, "\r\n+CREG: 5,\"2AF5\",\"0B88E350\",2\r\n");
        assert_int_equal(sim_modem_set_registration(m, 6, NULL, NULL, -1), -EINVAL);
        assert_int_equal(sim_modem_set_registration(m, 1, "XYZ", NULL, -1), -EINVAL);
        sim_modem_free(m);
}

static void test_sim_modem_sim800_has_no_cereg(void **state) {
        Capture c;
        SimModem *m = new_modem("sim800", NULL, &c);

        run(m, &c, "ATE0\r");
        assert_string_equal(run(m, &c, "AT+CEREG?\r"), "\r\nERROR\r\n");
        assert_string_equal(run(m, &c, "AT+CGMR\r"), "\r\nRevision:1418B04SIM800C24\r\n\r\nOK\r\n");
        assert_string_equal(run(m, &c, "AT+CCID\r"), "\r\n8901010000000000041\r\n\r\nOK\r\n");
        sim_modem_free(m);
}

static void test_sim_modem_silent_outputs_nothing(void **state) {
        Capture c;
        SimModem *m = new_modem("silent", NULL, &c);

        assert_string_equal(run(m, &c, "AT\rATI\r"), "");
        sim_modem_inject_urc(m, "RING");
        assert_int_equal(c.len, 0);
        assert_int_equal(sim_modem_log_count(m), 2);
        assert_string_equal(sim_modem_log_get(m, 1), "ATI");
        sim_modem_free(m);
}

static void test_sim_modem_overlong_line_is_error(void **state) {
        Capture c;
        SimModem *m = new_modem("sim7600", NULL, &c);
        char *big = malloc(10001);

        run(m, &c, "ATE0\r");
        memset(big, 'A', 10000);
        big[10000] = '\0';
        run(m, &c, big);
        assert_string_equal(run(m, &c, "\r"), "\r\nERROR\r\n");
        assert_string_equal(run(m, &c, "AT\r"), "\r\nOK\r\n");
        free(big);
        sim_modem_free(m);
}

static void test_sim_modem_power_cycle_restores_defaults(void **state) {
        Capture c;
        SimModem *m = new_modem("sim7600", "1234", &c);

        run(m, &c, "ATE0\r");
        run(m, &c, "AT+CPIN=1234\r");
        sim_modem_power_cycle(m);
        assert_string_equal(run(m, &c, "AT+CPIN?\r"), "AT+CPIN?\r\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
        sim_modem_free(m);
}

static void test_sim_modem_cmgs_prompt_and_result_bytes(void **state) {
        Capture c;
        SimModem *m = new_modem("sim7600", NULL, &c);

        run(m, &c, "ATE0\r");
        assert_string_equal(run(m, &c, "AT+CMGS=19\r"), "\r\n> ");
        /* C10-like SUBMIT, 19 octets after the SMSC field */
        assert_string_equal(run(m, &c, "0001000B915155550521F3000006C8329BFD0601\x1a"),
                            "\r\n+CMGS: 0\r\n\r\nOK\r\n");
        assert_string_equal(run(m, &c, "AT+CMGS=19\r0001000B915155550521F3000006C8329BFD0601\x1a"),
                            "\r\n> \r\n+CMGS: 1\r\n\r\nOK\r\n");
        sim_modem_free(m);
}

static void test_sim_modem_cmgl_pdu_has_no_blank_line_before_pdu(void **state) {
        Capture c;
        SimModem *m = new_modem("quectel-ec25", NULL, &c);

        run(m, &c, "ATE0\r");
        run(m, &c, "AT+CMGW=19\r0001000B915155550521F3000006C8329BFD0601\x1a");
        assert_string_equal(c.out, "\r\n> \r\n+CMGW: 0\r\n\r\nOK\r\n");
        assert_string_equal(run(m, &c, "AT+CMGL=4\r"),
                            "\r\n+CMGL: 0,2,,19\r\n0001000B915155550521F3000006C8329BFD0601\r\n\r\nOK\r\n");
        sim_modem_free(m);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sim_modem_echo_then_ate0),
                cmocka_unit_test(test_sim_modem_command_split_across_reads),
                cmocka_unit_test(test_sim_modem_multiline_info_framing_quectel_ati),
                cmocka_unit_test(test_sim_modem_garbage_before_prefix_ignored),
                cmocka_unit_test(test_sim_modem_unknown_command_forms),
                cmocka_unit_test(test_sim_modem_error_stops_command_line),
                cmocka_unit_test(test_sim_modem_cpin_flow_with_pending_urcs),
                cmocka_unit_test(test_sim_modem_creg_modes_and_urcs),
                cmocka_unit_test(test_sim_modem_sim800_has_no_cereg),
                cmocka_unit_test(test_sim_modem_silent_outputs_nothing),
                cmocka_unit_test(test_sim_modem_overlong_line_is_error),
                cmocka_unit_test(test_sim_modem_power_cycle_restores_defaults),
                cmocka_unit_test(test_sim_modem_cmgs_prompt_and_result_bytes),
                cmocka_unit_test(test_sim_modem_cmgl_pdu_has_no_blank_line_before_pdu),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
