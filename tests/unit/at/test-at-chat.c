/* Unit tests for the AT command engine (at-chat.c), driven by hand: bytes
 * in through at_chat_feed(), bytes out through a recording write function,
 * time from a FakeClock.  Run under ASan: the cancel/hang-up tests are also
 * use-after-free tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "at/at-chat.h"
#include "util/log.h"

#define SEC (1000000ULL)

typedef struct Resp {
        int calls;
        AtFinal final;
        int code;
        size_t n_lines;
        char lines[8][256];
        char pdus[8][256];
        bool has_pdu[8];
} Resp;

typedef struct Urcs {
        int calls;
        char line[8][256];
        char pdu[8][256];
        bool has_pdu[8];
} Urcs;

typedef struct Fx {
        FakeClock clock;
        AtChat *chat;
        char written[16384];
        size_t wlen;
        int disconnects;
        int disconnect_error;
} Fx;

static int fx_write(const void *buf, size_t len, void *userdata) {
        Fx *f = userdata;
        assert_true(f->wlen + len < sizeof(f->written));
        memcpy(f->written + f->wlen, buf, len);
        f->wlen += len;
        f->written[f->wlen] = '\0';
        return 0;
}

static void on_disconnect(AtChat *chat, int error, void *userdata) {
        Fx *f = userdata;
        f->disconnects++;
        f->disconnect_error = error;
}

static int setup(void **state) {
        Fx *f = calloc(1, sizeof(Fx));
        fake_clock_init(&f->clock, 1000 * SEC, 1700000000 * SEC);
        assert_int_equal(at_chat_new(&f->clock.clock, fx_write, f, &f->chat), 0);
        at_chat_set_disconnect_func(f->chat, on_disconnect, f);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fx *f = *state;
        at_chat_unref(f->chat);
        free(f);
        return 0;
}

static void feed(Fx *f, const char *s) {
        at_chat_feed(f->chat, s, strlen(s));
}

static void advance(Fx *f, uint64_t usec) {
        fake_clock_advance(&f->clock, usec);
        at_chat_process_timeouts(f->chat);
}

static void on_resp(AtChat *chat, const AtResponse *r, void *userdata) {
        Resp *out = userdata;
        out->calls++;
        out->final = r->final;
        out->code = r->code;
        out->n_lines = r->n_lines;
        for (size_t i = 0; i < r->n_lines && i < 8; i++) {
                snprintf(out->lines[i], sizeof(out->lines[i]), "%s", r->lines[i]);
                out->has_pdu[i] = r->pdus && r->pdus[i];
                if (out->has_pdu[i])
                        snprintf(out->pdus[i], sizeof(out->pdus[i]), "%s", r->pdus[i]);
        }
}

static void on_urc(AtChat *chat, const char *line, const char *pdu, void *userdata) {
        Urcs *u = userdata;
        if (u->calls < 8) {
                snprintf(u->line[u->calls], sizeof(u->line[0]), "%s", line);
                u->has_pdu[u->calls] = pdu != NULL;
                if (pdu)
                        snprintf(u->pdu[u->calls], sizeof(u->pdu[0]), "%s", pdu);
        }
        u->calls++;
}

static const char *const csq_prefix[] = {"+CSQ:", NULL};
static const char *const no_lines[] = {NULL};
static const char *const cops_prefix[] = {"+COPS:", NULL};

static void test_at_chat_send_simple_ok_with_prefix(void **state) {
        Fx *f = *state;
        Resp r = {};
        int64_t id = at_chat_send_simple(f->chat, "AT+CSQ", csq_prefix, 0, NULL, on_resp, &r);
        assert_true(id > 0);
        assert_string_equal(f->written, "AT+CSQ\r");
        assert_int_equal(at_chat_pending(f->chat), 1);
        feed(f, "AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n"); /* with echo */
        assert_int_equal(r.calls, 1);
        assert_int_equal(r.final, AT_FINAL_OK);
        assert_int_equal(r.n_lines, 1);
        assert_string_equal(r.lines[0], "+CSQ: 20,99");
        assert_int_equal(at_chat_pending(f->chat), 0);
        assert_int_equal(at_chat_next_deadline(f->chat), USEC_INFINITY);
}

/* Field case C28 (Huawei E3276): "\033\rAT\r\r\nOK\r\n" answers AT. */
static void test_at_chat_c28_esc_echo_then_ok(void **state) {
        Fx *f = *state;
        Resp r = {};
        assert_true(at_chat_send_simple(f->chat, "AT", NULL, 0, NULL, on_resp, &r) > 0);
        feed(f, "\033\rAT\r\r\nOK\r\n");
        assert_int_equal(r.calls, 1);
        assert_int_equal(r.final, AT_FINAL_OK);
        assert_int_equal(r.n_lines, 0);
}

static void test_at_chat_one_command_in_flight(void **state) {
        Fx *f = *state;
        Resp a = {}, b = {};
        assert_true(at_chat_send_simple(f->chat, "AT+CGMI", NULL, 0, NULL, on_resp, &a) > 0);
        assert_true(at_chat_send_simple(f->chat, "AT+CGMM", NULL, 0, NULL, on_resp, &b) > 0);
        assert_string_equal(f->written, "AT+CGMI\r");
        assert_int_equal(at_chat_pending(f->chat), 2);
        feed(f, "\r\nSIMCOM INCORPORATED\r\n\r\nOK\r\n");
        assert_int_equal(a.calls, 1);
        assert_string_equal(a.lines[0], "SIMCOM INCORPORATED");
        assert_string_equal(f->written, "AT+CGMI\rAT+CGMM\r");
        feed(f, "\r\nSIMCOM_SIM7600E-H\r\n\r\nOK\r\n");
        assert_int_equal(b.calls, 1);
        assert_string_equal(b.lines[0], "SIMCOM_SIM7600E-H");
}

static void test_at_chat_timeout_fires_and_next_command_runs(void **state) {
        Fx *f = *state;
        Resp a = {}, b = {};
        uint64_t t0 = f->clock.mono;
        assert_true(at_chat_send_simple(f->chat, "AT+CPMS?", NULL, 0, NULL, on_resp, &a) > 0);
        assert_true(at_chat_send_simple(f->chat, "AT+CSQ", csq_prefix, 0, NULL, on_resp, &b) > 0);
        assert_int_equal(at_chat_next_deadline(f->chat), t0 + 5 * SEC);
        advance(f, 5 * SEC - 1);
        assert_int_equal(a.calls, 0);
        advance(f, 1);
        assert_int_equal(a.calls, 1);
        assert_int_equal(a.final, AT_FINAL_TIMEOUT);
        assert_int_equal(at_final_to_errno(a.final), -ETIMEDOUT);
        /* ESC leaves a prompt the modem may sit at; the drain guard keeps
         * the slot for 1 s, then the next goes. */
        assert_string_equal(f->written, "AT+CPMS?\r\x1b");
        assert_int_equal(at_chat_next_deadline(f->chat), t0 + 6 * SEC);
        advance(f, SEC);
        assert_string_equal(f->written, "AT+CPMS?\r\x1b" "AT+CSQ\r");
        feed(f, "+CSQ: 31,99\r\nOK\r\n");
        assert_int_equal(b.calls, 1);
        assert_int_equal(b.final, AT_FINAL_OK);
        assert_string_equal(b.lines[0], "+CSQ: 31,99");
}

static void test_at_chat_late_answer_after_timeout_is_swallowed(void **state) {
        Fx *f = *state;
        Resp a = {}, b = {};
        assert_true(at_chat_send_simple(f->chat, "AT+COPS?", cops_prefix, 0, NULL, on_resp, &a) > 0);
        assert_true(at_chat_send_simple(f->chat, "AT+CSQ", csq_prefix, 0, NULL, on_resp, &b) > 0);
        advance(f, 5 * SEC);
        assert_int_equal(a.final, AT_FINAL_TIMEOUT);
        /* The late answer arrives: swallowed, then AT+CSQ is written and
         * the late OK is not its answer. */
        feed(f, "\r\n+COPS: 0,0,\"Operator\",7\r\n\r\nOK\r\n");
        assert_int_equal(a.calls, 1);
        assert_int_equal(b.calls, 0);
        assert_string_equal(f->written, "AT+COPS?\r\x1b" "AT+CSQ\r");
        feed(f, "\r\n+CSQ: 12,0\r\n\r\nOK\r\n");
        assert_int_equal(b.calls, 1);
        assert_string_equal(b.lines[0], "+CSQ: 12,0");
}

/* Field case C28, second part: URCs every 2 s never extend a deadline. */
/* A modem left at a "> " prompt by a program killed mid-send takes every
 * command as message text: the timed-out command is followed by ESC, the
 * OK of the cancelled message is drained, the next command is answered. */
static void test_at_chat_timeout_leaves_a_stale_prompt(void **state) {
        Fx *f = *state;
        Resp a = {}, b = {};
        assert_true(at_chat_send_simple(f->chat, "AT", NULL, 0, NULL, on_resp, &a) > 0);
        assert_true(at_chat_send_simple(f->chat, "ATE0", NULL, 0, NULL, on_resp, &b) > 0);
        advance(f, 5 * SEC);
        assert_int_equal(a.final, AT_FINAL_TIMEOUT);
        assert_string_equal(f->written, "AT\r\x1b");
        feed(f, "\r\nOK\r\n"); /* the cancelled message */
        assert_string_equal(f->written, "AT\r\x1b" "ATE0\r");
        assert_int_equal(b.calls, 0);
        feed(f, "\r\nOK\r\n");
        assert_int_equal(b.calls, 1);
        assert_int_equal(b.final, AT_FINAL_OK);
}

static void test_at_chat_c28_urcs_do_not_extend_timeout(void **state) {
        Fx *f = *state;
        Resp a = {};
        Urcs u = {};
        assert_true(at_chat_register_urc(f->chat, "^RSSI:", false, on_urc, &u, NULL) > 0);
        assert_true(at_chat_send_simple(f->chat, "AT+CPMS?", NULL, 0, NULL, on_resp, &a) > 0);
        for (int i = 0; i < 3; i++) {
                advance(f, 2 * SEC);
                feed(f, "\r\n^RSSI: 17\r\n\r\n^HCSQ:\"LTE\",52,46,147,20\r\n");
        }
        assert_int_equal(a.calls, 1);
        assert_int_equal(a.final, AT_FINAL_TIMEOUT);
        assert_int_equal(u.calls, 3);
}

static void test_at_chat_cme_error_carries_code(void **state) {
        Fx *f = *state;
        Resp r = {};
        assert_true(at_chat_send_simple(f->chat, "AT+CPIN?", NULL, 0, NULL, on_resp, &r) > 0);
        feed(f, "\r\n+CME ERROR: 10\r\n");
        assert_int_equal(r.final, AT_FINAL_CME_ERROR);
        assert_int_equal(r.code, 10);
        assert_int_equal(at_final_to_errno(r.final), -EIO);
        assert_true(at_chat_send_simple(f->chat, "AT+CMGR=67", NULL, 0, NULL, on_resp, &r) > 0);
        feed(f, "\r\n+CMS ERROR: 321\r\n"); /* field case C19, Quectel EC25 */
        assert_int_equal(r.final, AT_FINAL_CMS_ERROR);
        assert_int_equal(r.code, 321);
        assert_true(at_chat_send_simple(f->chat, "AT+CPIN?", NULL, 0, NULL, on_resp, &r) > 0);
        feed(f, "\r\n+CME ERROR: SIM PIN required\r\n");
        assert_int_equal(r.final, AT_FINAL_CME_ERROR);
        assert_int_equal(r.code, 11);
}

static void test_at_chat_final_results_table(void **state) {
        static const struct {
                const char *line;
                AtFinal final;
        } v[] = {
                {"ERROR", AT_FINAL_ERROR},       {"NO CARRIER", AT_FINAL_NO_CARRIER},
                {"BUSY", AT_FINAL_BUSY},         {"NO ANSWER", AT_FINAL_NO_ANSWER},
                {"NO DIALTONE", AT_FINAL_NO_DIALTONE}, {"NO DIAL TONE", AT_FINAL_NO_DIALTONE},
                {"CONNECT", AT_FINAL_CONNECT},   {"CONNECT 115200", AT_FINAL_CONNECT},
        };
        Fx *f = *state;
        for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
                Resp r = {};
                char buf[64];
                assert_true(at_chat_send_simple(f->chat, "ATD+15555550123;", NULL, 0, NULL, on_resp, &r) > 0);
                snprintf(buf, sizeof(buf), "\r\n%s\r\n", v[i].line);
                feed(f, buf);
                assert_int_equal(r.calls, 1);
                assert_int_equal(r.final, v[i].final);
        }
}

static void test_at_chat_ok_inside_data_is_not_final(void **state) {
        Fx *f = *state;
        Resp r = {};
        assert_true(at_chat_send_simple(f->chat, "ATI", NULL, 0, NULL, on_resp, &r) > 0);
        feed(f, "\r\nStatus: OK\r\nOK \r\n");
        assert_int_equal(r.calls, 1);
        assert_int_equal(r.n_lines, 1);
        assert_string_equal(r.lines[0], "Status: OK");
}

/* Field case C16 (Huawei): ^RSSI between AT+CMGR and +CMGR. */
static void test_at_chat_c16_urc_mid_response_reaches_handler(void **state) {
        static const char *const cmgr[] = {"+CMGR:", NULL};
        Fx *f = *state;
        Resp r = {};
        Urcs u = {};
        AtCommand c = {.cmd = "AT+CMGR=3", .prefixes = cmgr, .flags = AT_COMMAND_EXPECT_PDU,
                       .callback = on_resp, .userdata = &r};
        assert_true(at_chat_register_urc(f->chat, "^RSSI:", false, on_urc, &u, NULL) > 0);
        assert_true(at_chat_send(f->chat, &c) > 0);
        feed(f, "\r\n^RSSI: 20\r\n\r\n+CMGR: 0,,25\r\n"
                "07915155550501F0240B915155550521F300004280110263156106C730BD0C9A01\r\n\r\nOK\r\n");
        assert_int_equal(u.calls, 1);
        assert_string_equal(u.line[0], "^RSSI: 20");
        assert_int_equal(r.calls, 1);
        assert_int_equal(r.final, AT_FINAL_OK);
        assert_int_equal(r.n_lines, 1);
        assert_string_equal(r.lines[0], "+CMGR: 0,,25");
        assert_true(r.has_pdu[0]);
        assert_string_equal(r.pdus[0], "07915155550501F0240B915155550521F300004280110263156106C730BD0C9A01");
}

static void test_at_chat_urc_in_flight_not_taken_by_command(void **state) {
        Fx *f = *state;
        Resp r = {};
        Urcs u = {};
        assert_true(at_chat_register_urc(f->chat, "+CMTI:", false, on_urc, &u, NULL) > 0);
        /* prefixes == NULL: anything not a registered URC is response. */
        assert_true(at_chat_send_simple(f->chat, "ATI", NULL, 0, NULL, on_resp, &r) > 0);
        feed(f, "\r\nManufacturer: SIMCOM INCORPORATED\r\n+CMTI: \"SM\",3\r\nModel: SIMCOM_SIM7600E-H\r\n"
                "+GCAP: +CGSM\r\nOK\r\n");
        assert_int_equal(u.calls, 1);
        assert_string_equal(u.line[0], "+CMTI: \"SM\",3");
        assert_int_equal(r.n_lines, 3);
        assert_string_equal(r.lines[0], "Manufacturer: SIMCOM INCORPORATED");
        assert_string_equal(r.lines[1], "Model: SIMCOM_SIM7600E-H");
        assert_string_equal(r.lines[2], "+GCAP: +CGSM");
}

/* Field case C35 (Quectel): SIM-ready URCs right after a command. */
static void test_at_chat_c35_ready_urcs_not_next_response(void **state) {
        static const char *const cpin[] = {"+CPIN:", NULL};
        Fx *f = *state;
        Resp a = {}, b = {}, c = {};
        Urcs u = {}, q = {};
        assert_true(at_chat_register_urc(f->chat, "+QIND:", false, on_urc, &q, NULL) > 0);
        assert_true(at_chat_send_simple(f->chat, "AT+CPIN=\"0000\"", no_lines, 0, NULL, on_resp, &a) > 0);
        feed(f, "\r\nOK\r\n");
        assert_int_equal(a.final, AT_FINAL_OK);
        assert_true(at_chat_send_simple(f->chat, "AT+CMGF=0", NULL, 0, NULL, on_resp, &b) > 0);
        feed(f, "\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n\r\nOK\r\n");
        assert_int_equal(b.calls, 1);
        assert_int_equal(b.final, AT_FINAL_OK);
        assert_int_equal(b.n_lines, 0);
        assert_int_equal(q.calls, 1);
        assert_string_equal(q.line[0], "+QIND: SMS DONE");
        assert_true(at_chat_register_urc(f->chat, "+CPIN:", false, on_urc, &u, NULL) > 0);
        assert_true(at_chat_send_simple(f->chat, "AT+CPIN?", cpin, 0, NULL, on_resp, &c) > 0);
        feed(f, "\r\n+CPIN: READY\r\n\r\nOK\r\n");
        assert_int_equal(c.n_lines, 1);
        assert_string_equal(c.lines[0], "+CPIN: READY");
        assert_int_equal(u.calls, 0);
}

/* Field case C14: "+CDS: 25" and "+CMT:" two-line URCs. */
static void test_at_chat_two_line_urc_delivered_as_one(void **state) {
        Fx *f = *state;
        Urcs cmt = {}, cds = {};
        assert_true(at_chat_register_urc(f->chat, "+CMT:", true, on_urc, &cmt, NULL) > 0);
        assert_true(at_chat_register_urc(f->chat, "+CDS:", true, on_urc, &cds, NULL) > 0);
        feed(f, "\r\n+CMT: ,25\r\n07915155550501F0240B915155550521F300004280110263156106C730BD0C9A01\r\n");
        feed(f, "\r\n+CDS: 25\r\n07915155550501F006400B915155550551F0421090718384224210907183252200\r\n");
        assert_int_equal(cmt.calls, 1);
        assert_string_equal(cmt.line[0], "+CMT: ,25");
        assert_true(cmt.has_pdu[0]);
        assert_string_equal(cmt.pdu[0], "07915155550501F0240B915155550521F300004280110263156106C730BD0C9A01");
        assert_int_equal(cds.calls, 1);
        assert_string_equal(cds.pdu[0], "07915155550501F006400B915155550551F0421090718384224210907183252200");
}

/* A two-line URC whose PDU line never came, followed by another URC: the
 * next URC is not eaten as the PDU (a PDU is hex), both are delivered. */
static void test_at_chat_two_line_urc_missing_pdu_next_urc_kept(void **state) {
        Fx *f = *state;
        Urcs cmt = {}, cmti = {}, cds = {};
        assert_true(at_chat_register_urc(f->chat, "+CMT:", true, on_urc, &cmt, NULL) > 0);
        assert_true(at_chat_register_urc(f->chat, "+CDS:", true, on_urc, &cds, NULL) > 0);
        assert_true(at_chat_register_urc(f->chat, "+CMTI:", false, on_urc, &cmti, NULL) > 0);
        feed(f, "\r\n+CMT: ,20\r\n\r\n+CMTI: \"SM\",3\r\n");
        assert_int_equal(cmt.calls, 1);
        assert_false(cmt.has_pdu[0]);
        assert_int_equal(cmti.calls, 1);
        assert_string_equal(cmti.line[0], "+CMTI: \"SM\",3");
        /* A header followed by another header of the same kind. */
        feed(f, "\r\n+CDS: 25\r\n+CDS: 25\r\n07915155550501F006400B915155550551F0421090718384224210907183252200\r\n");
        assert_int_equal(cds.calls, 2);
        assert_false(cds.has_pdu[0]);
        assert_true(cds.has_pdu[1]);
        assert_string_equal(cds.pdu[1], "07915155550501F006400B915155550551F0421090718384224210907183252200");
}

static void test_at_chat_urc_longest_prefix_wins(void **state) {
        Fx *f = *state;
        Urcs shortp = {}, longp = {}, longp2 = {};
        assert_true(at_chat_register_urc(f->chat, "+C", false, on_urc, &shortp, NULL) > 0);
        assert_true(at_chat_register_urc(f->chat, "+CMTI:", false, on_urc, &longp, NULL) > 0);
        assert_true(at_chat_register_urc(f->chat, "+CMTI:", false, on_urc, &longp2, NULL) > 0);
        feed(f, "+CMTI: \"ME\",1\r\n+CRING: VOICE\r\n");
        assert_int_equal(longp.calls, 1);
        assert_int_equal(longp2.calls, 1);
        assert_int_equal(shortp.calls, 1);
        assert_string_equal(shortp.line[0], "+CRING: VOICE");
}

static void test_at_chat_final_without_command_goes_to_urc(void **state) {
        Fx *f = *state;
        Urcs u = {};
        assert_true(at_chat_register_urc(f->chat, "NO CARRIER", false, on_urc, &u, NULL) > 0);
        feed(f, "\r\nNO CARRIER\r\n\r\nOK\r\n");
        assert_int_equal(u.calls, 1);
}

static void test_at_chat_sms_prompt_flow(void **state) {
        static const char *const cmgs[] = {"+CMGS:", NULL};
        static const char pdu[] = "0031000B915155550551F00000A721D4F29C0E6A97E7F3F0B90CBAA7E96810B9CC4EDBCBF23C485E86BFE574";
        Fx *f = *state;
        Resp r = {};
        AtCommand c = {.cmd = "AT+CMGS=43", .prefixes = cmgs, .payload = pdu, .timeout_usec = 30 * SEC,
                       .callback = on_resp, .userdata = &r};
        assert_true(at_chat_send(f->chat, &c) > 0);
        assert_string_equal(f->written, "AT+CMGS=43\r");
        feed(f, "AT+CMGS=43\r\r\n> ");
        assert_int_equal(f->wlen, strlen("AT+CMGS=43\r") + strlen(pdu) + 1);
        assert_memory_equal(f->written + strlen("AT+CMGS=43\r"), pdu, strlen(pdu));
        assert_int_equal(f->written[f->wlen - 1], 0x1a);
        /* Payload echo, then the answer (field case C14). */
        feed(f, pdu);
        feed(f, "\x1a\r\n\r\n+CMGS: 64\r\n\r\nOK\r\n");
        assert_int_equal(r.calls, 1);
        assert_int_equal(r.final, AT_FINAL_OK);
        assert_int_equal(r.n_lines, 1);
        assert_string_equal(r.lines[0], "+CMGS: 64");
}

static void test_at_chat_sms_error_instead_of_prompt(void **state) {
        Fx *f = *state;
        Resp r = {};
        AtCommand c = {.cmd = "AT+CMGS=43", .payload = "00", .callback = on_resp, .userdata = &r};
        assert_true(at_chat_send(f->chat, &c) > 0);
        feed(f, "\r\n+CMS ERROR: 304\r\n");
        assert_int_equal(r.final, AT_FINAL_CMS_ERROR);
        assert_int_equal(r.code, 304);
        assert_string_equal(f->written, "AT+CMGS=43\r");
}

static void test_at_chat_sms_cancel_before_prompt_sends_esc(void **state) {
        Fx *f = *state;
        Resp r = {}, next = {};
        AtCommand c = {.cmd = "AT+CMGS=43", .payload = "00", .callback = on_resp, .userdata = &r};
        int64_t id = at_chat_send(f->chat, &c);
        assert_true(at_chat_send_simple(f->chat, "AT", NULL, 0, NULL, on_resp, &next) > 0);
        assert_int_equal(at_chat_cancel(f->chat, id), 0);
        assert_int_equal(r.final, AT_FINAL_CANCELLED);
        assert_int_equal(at_chat_cancel(f->chat, id), -ENOENT);
        feed(f, "\r\n> ");
        assert_string_equal(f->written, "AT+CMGS=43\r\x1b");
        feed(f, "\r\nOK\r\n");
        assert_int_equal(r.calls, 1);
        assert_string_equal(f->written, "AT+CMGS=43\r\x1b" "AT\r");
        feed(f, "\r\nOK\r\n");
        assert_int_equal(next.final, AT_FINAL_OK);
}

/* A raw AT+CMGS without payload (e.g. through Modem.Command): the prompt
 * is left with ESC instead of eating the next commands as text. */
static void test_at_chat_prompt_without_payload_gets_esc(void **state) {
        Fx *f = *state;
        Resp r = {}, next = {};
        assert_true(at_chat_send_simple(f->chat, "AT+CMGS=\"+15555550123\"", NULL, 0, NULL, on_resp, &r) > 0);
        assert_true(at_chat_send_simple(f->chat, "AT+CSQ", csq_prefix, 0, NULL, on_resp, &next) > 0);
        feed(f, "\r\n> ");
        assert_string_equal(f->written, "AT+CMGS=\"+15555550123\"\r\x1b");
        feed(f, "\r\nERROR\r\n");
        assert_int_equal(r.final, AT_FINAL_ERROR);
        assert_string_equal(f->written, "AT+CMGS=\"+15555550123\"\r\x1b" "AT+CSQ\r");
        /* Other commands never treat "> " as a prompt. */
        feed(f, "\r\n> \r\n+CSQ: 1,1\r\nOK\r\n");
        assert_int_equal(next.final, AT_FINAL_OK);
        assert_int_equal(next.n_lines, 1);
}

static void test_at_chat_sms_prompt_timeout_sends_esc(void **state) {
        Fx *f = *state;
        Resp r = {};
        AtCommand c = {.cmd = "AT+CMGS=43", .payload = "00", .callback = on_resp, .userdata = &r};
        assert_true(at_chat_send(f->chat, &c) > 0);
        advance(f, 5 * SEC);
        assert_int_equal(r.final, AT_FINAL_TIMEOUT);
        assert_string_equal(f->written, "AT+CMGS=43\r\x1b");
}

typedef struct Owner {
        AtChat *chat;
        int *freed_flag;
        Resp resp;
        Urcs urcs;
} Owner;

static void test_at_chat_owner_removal_cancels_commands_and_urcs(void **state) {
        Fx *f = *state;
        Owner *a = calloc(1, sizeof(Owner));
        Owner *a2 = calloc(1, sizeof(Owner));
        Resp b = {};
        assert_true(at_chat_send_simple(f->chat, "AT+CMGL=4", NULL, 0, a, on_resp, &a->resp) > 0);
        assert_true(at_chat_send_simple(f->chat, "AT+CMGD=1", NULL, 0, a, on_resp, &a2->resp) > 0);
        assert_true(at_chat_send_simple(f->chat, "AT+CSQ", csq_prefix, 0, &b, on_resp, &b) > 0);
        assert_true(at_chat_register_urc(f->chat, "+CMTI:", false, on_urc, &a->urcs, a) > 0);
        at_chat_cancel_owner(f->chat, a);
        assert_int_equal(a->resp.calls, 1);
        assert_int_equal(a->resp.final, AT_FINAL_CANCELLED);
        assert_int_equal(a2->resp.calls, 1);
        assert_int_equal(a2->resp.final, AT_FINAL_CANCELLED);
        assert_int_equal(at_chat_pending(f->chat), 1);
        /* The owner is gone: nothing may reach it any more. */
        free(a);
        free(a2);
        feed(f, "\r\n+CMTI: \"SM\",1\r\n+CMGL: 1,0,,25\r\nOK\r\n"); /* zombie's answer */
        assert_int_equal(b.calls, 0);
        assert_string_equal(f->written, "AT+CMGL=4\rAT+CSQ\r");
        feed(f, "\r\n+CSQ: 9,99\r\nOK\r\n");
        assert_int_equal(b.calls, 1);
        assert_string_equal(b.lines[0], "+CSQ: 9,99");
}

/* A callback that frees its own owner and cancels everything else of it. */
typedef struct Selfish {
        AtChat *chat;
        int calls;
} Selfish;

static void selfish_urc(AtChat *chat, const char *line, const char *pdu, void *userdata) {
        Selfish *s = userdata;
        at_chat_cancel_owner(chat, s);
        free(s);
}

static void cancel_counter(AtChat *chat, const AtResponse *r, void *userdata) {
        int *n = userdata;
        (*n)++;
}

static void test_at_chat_cancel_owner_from_urc_handler_no_uaf(void **state) {
        Fx *f = *state;
        Selfish *s = calloc(1, sizeof(Selfish));
        int cancelled = 0;
        Urcs other = {};
        assert_true(at_chat_register_urc(f->chat, "RING", false, selfish_urc, s, s) > 0);
        assert_true(at_chat_register_urc(f->chat, "RING", false, on_urc, &other, s) > 0);
        assert_true(at_chat_send_simple(f->chat, "AT+CLCC", NULL, 0, s, cancel_counter, &cancelled) > 0);
        feed(f, "\r\nRING\r\n\r\nRING\r\n");
        /* First handler removed the second one before it ran. */
        assert_int_equal(other.calls, 0);
        assert_int_equal(cancelled, 1);
}

static void unref_in_callback(AtChat *chat, const AtResponse *r, void *userdata) {
        Fx *f = userdata;
        f->disconnects += 100; /* marker */
        at_chat_unref(f->chat);
        f->chat = NULL;
}

static void test_at_chat_last_unref_inside_callback(void **state) {
        Fx *f = *state;
        assert_true(at_chat_send_simple(f->chat, "AT", NULL, 0, NULL, unref_in_callback, f) > 0);
        assert_true(at_chat_send_simple(f->chat, "AT+CSQ", NULL, 0, NULL, NULL, NULL) > 0);
        feed(f, "\r\nOK\r\n\r\n+CSQ: 1,1\r\nOK\r\n");
        assert_null(f->chat);
        assert_int_equal(f->disconnects, 100);
}

static void chain_next(AtChat *chat, const AtResponse *r, void *userdata) {
        Resp *out = userdata;
        on_resp(chat, r, out);
        if (out->calls == 1)
                assert_true(at_chat_send_simple(chat, "AT+CGMR", NULL, 0, NULL, chain_next, out) > 0);
}

static void test_at_chat_send_from_callback(void **state) {
        Fx *f = *state;
        Resp r = {};
        assert_true(at_chat_send_simple(f->chat, "AT+CGMM", NULL, 0, NULL, chain_next, &r) > 0);
        feed(f, "\r\nEC25\r\nOK\r\n");
        assert_string_equal(f->written, "AT+CGMM\rAT+CGMR\r");
        feed(f, "\r\nRevision: EC25EFAR06A06M4G\r\nOK\r\n");
        assert_int_equal(r.calls, 2);
        assert_string_equal(r.lines[0], "Revision: EC25EFAR06A06M4G");
}

static void gone_sender(AtChat *chat, const AtResponse *r, void *userdata) {
        Resp *out = userdata;
        on_resp(chat, r, out);
        assert_int_equal(at_chat_send_simple(chat, "AT", NULL, 0, NULL, NULL, NULL), -ENODEV);
}

static void test_at_chat_hangup_fails_all_with_gone_once(void **state) {
        Fx *f = *state;
        Resp a = {}, b = {}, c = {};
        Urcs u = {};
        assert_true(at_chat_register_urc(f->chat, "+CMTI:", false, on_urc, &u, NULL) > 0);
        assert_true(at_chat_send_simple(f->chat, "AT+CMGL=4", NULL, 0, NULL, gone_sender, &a) > 0);
        assert_true(at_chat_send_simple(f->chat, "AT+CSQ", NULL, 0, NULL, on_resp, &b) > 0);
        AtCommand sms = {.cmd = "AT+CMGS=10", .payload = "00", .callback = on_resp, .userdata = &c};
        assert_true(at_chat_send(f->chat, &sms) > 0);
        feed(f, "\r\n+CMGL: 1,0,,25\r\n"); /* half an answer */
        at_chat_hangup(f->chat, -EIO);
        assert_int_equal(a.calls, 1);
        assert_int_equal(a.final, AT_FINAL_GONE);
        assert_int_equal(at_final_to_errno(a.final), -ENODEV);
        assert_int_equal(b.final, AT_FINAL_GONE);
        assert_int_equal(c.final, AT_FINAL_GONE);
        assert_int_equal(f->disconnects, 1);
        assert_int_equal(f->disconnect_error, -EIO);
        assert_true(at_chat_is_gone(f->chat));
        at_chat_hangup(f->chat, -EIO);
        assert_int_equal(f->disconnects, 1);
        assert_int_equal(a.calls, 1);
        assert_int_equal(at_chat_send_simple(f->chat, "AT", NULL, 0, NULL, NULL, NULL), -ENODEV);
        feed(f, "\r\n+CMTI: \"SM\",1\r\n");
        assert_int_equal(u.calls, 0);
        assert_int_equal(at_chat_next_deadline(f->chat), USEC_INFINITY);
}

static void test_at_chat_send_rejects_bad_commands(void **state) {
        Fx *f = *state;
        AtCommand c = {.cmd = "AT+CMGS=1", .payload = "00\x1a"};
        assert_int_equal(at_chat_send_simple(f->chat, "AT\rAT+CMGD=1,4", NULL, 0, NULL, NULL, NULL), -EINVAL);
        assert_int_equal(at_chat_send_simple(f->chat, "AT\n", NULL, 0, NULL, NULL, NULL), -EINVAL);
        assert_int_equal(at_chat_send_simple(f->chat, "", NULL, 0, NULL, NULL, NULL), -EINVAL);
        assert_int_equal(at_chat_send(f->chat, &c), -EINVAL);
        assert_int_equal(f->wlen, 0);
        assert_int_equal(at_chat_pending(f->chat), 0);
}

static void test_at_chat_cancel_queued_and_unknown(void **state) {
        Fx *f = *state;
        Resp a = {}, b = {};
        int64_t ia = at_chat_send_simple(f->chat, "AT", NULL, 0, NULL, on_resp, &a);
        int64_t ib = at_chat_send_simple(f->chat, "ATI", NULL, 0, NULL, on_resp, &b);
        assert_int_equal(at_chat_cancel(f->chat, ib), 0);
        assert_int_equal(b.final, AT_FINAL_CANCELLED);
        assert_int_equal(at_chat_cancel(f->chat, 9999), -ENOENT);
        feed(f, "OK\r\n");
        assert_int_equal(a.final, AT_FINAL_OK);
        assert_string_equal(f->written, "AT\r");
        assert_true(ia > 0);
}

static void test_at_chat_unregister_urc(void **state) {
        Fx *f = *state;
        Urcs u = {};
        int64_t id = at_chat_register_urc(f->chat, "RING", false, on_urc, &u, NULL);
        feed(f, "RING\r\n");
        assert_int_equal(at_chat_unregister_urc(f->chat, id), 0);
        assert_int_equal(at_chat_unregister_urc(f->chat, id), -ENOENT);
        feed(f, "RING\r\n");
        assert_int_equal(u.calls, 1);
}

static void test_at_chat_over_long_line_dropped_command_survives(void **state) {
        Fx *f = *state;
        Resp r = {};
        char *big = malloc(70000);
        memset(big, '7', 69999);
        big[69999] = '\0';
        assert_true(at_chat_send_simple(f->chat, "AT+CGSN", NULL, 0, NULL, on_resp, &r) > 0);
        feed(f, big);
        feed(f, "\r\n490154203237518\r\nOK\r\n");
        assert_int_equal(r.final, AT_FINAL_OK);
        assert_int_equal(r.n_lines, 1);
        assert_string_equal(r.lines[0], "490154203237518");
        free(big);
}

/* End to end: the debug trace the chat writes carries no personal data. */
static void test_at_chat_debug_trace_has_no_pii(void **state) {
        static const char *const secrets[] = {
                "5555550123", "5555550150", "1234\"", "07915155550501F0240B91", "490154203237518",
                "0031000B9151", "*100#", "Alice",
        };
        Fx *f = *state;
        Urcs clip = {}, cmt = {};
        Resp r = {};
        char path[] = "/tmp/at-trace-XXXXXX";
        int fd = mkstemp(path), saved = dup(STDERR_FILENO);
        char out[16384];
        ssize_t n;
        AtCommand sms = {.cmd = "AT+CMGS=43", .payload = "0031000B915155550551F00000A7", .callback = on_resp,
                         .userdata = &r};

        assert_true(fd >= 0 && saved >= 0);
        log_setup("test-at-chat", LOG_LEVEL_DEBUG, LOG_TARGET_STDERR);
        assert_true(dup2(fd, STDERR_FILENO) >= 0);

        assert_true(at_chat_register_urc(f->chat, "+CLIP:", false, on_urc, &clip, NULL) > 0);
        assert_true(at_chat_register_urc(f->chat, "+CMT:", true, on_urc, &cmt, NULL) > 0);
        assert_true(at_chat_send_simple(f->chat, "ATD+15555550123;", NULL, 0, NULL, on_resp, &r) > 0);
        feed(f, "ATD+15555550123;\r\r\nOK\r\n");
        assert_true(at_chat_send_simple(f->chat, "AT+CPIN=\"1234\"", NULL, 0, NULL, on_resp, &r) > 0);
        feed(f, "AT+CPIN=\"1234\"\r\r\nOK\r\n");
        assert_true(at_chat_send_simple(f->chat, "AT+CGSN", NULL, 0, NULL, on_resp, &r) > 0);
        feed(f, "\r\n490154203237518\r\n\r\nOK\r\n");
        assert_true(at_chat_send_simple(f->chat, "AT+CUSD=1,\"*100#\",15", NULL, 0, NULL, on_resp, &r) > 0);
        feed(f, "\r\nOK\r\n");
        assert_true(at_chat_send(f->chat, &sms) > 0);
        feed(f, "\r\n> ");
        feed(f, "\r\n+CMGS: 7\r\n\r\nOK\r\n");
        feed(f, "\r\n+CLIP: \"+15555550150\",145,,,\"Alice\",0\r\n");
        feed(f, "\r\n+CMT: ,25\r\n07915155550501F0240B915155550521F300004280110263156106C730BD0C9A01\r\n");
        assert_true(at_chat_send_simple(f->chat, "ATD+15555550123;", NULL, 0, NULL, on_resp, &r) > 0);
        advance(f, 5 * SEC); /* the timeout line names the command */

        fflush(stderr);
        assert_true(dup2(saved, STDERR_FILENO) >= 0);
        close(saved);
        log_setup("test-at-chat", LOG_LEVEL_INFO, LOG_TARGET_STDERR);
        assert_int_equal(clip.calls, 1);
        assert_int_equal(cmt.calls, 1);

        n = pread(fd, out, sizeof(out) - 1, 0);
        if (getenv("AT_TRACE_SHOW"))
                fprintf(stderr, "%.*s", (int)(n > 0 ? n : 0), out);
        close(fd);
        unlink(path);
        assert_true(n > 0);
        out[n] = '\0';
        for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
                if (strstr(out, secrets[i]))
                        fail_msg("trace leaks '%s':\n%s", secrets[i], out);
        /* ...and the trace did run. */
        assert_non_null(strstr(out, "ATD+***0123;"));
        assert_non_null(strstr(out, "AT+CPIN=[redacted]"));
        assert_non_null(strstr(out, "+CMGS: 7"));
        assert_non_null(strstr(out, "timed out"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
                T(test_at_chat_send_simple_ok_with_prefix),
                T(test_at_chat_c28_esc_echo_then_ok),
                T(test_at_chat_one_command_in_flight),
                T(test_at_chat_timeout_fires_and_next_command_runs),
                T(test_at_chat_late_answer_after_timeout_is_swallowed),
                T(test_at_chat_timeout_leaves_a_stale_prompt),
                T(test_at_chat_c28_urcs_do_not_extend_timeout),
                T(test_at_chat_cme_error_carries_code),
                T(test_at_chat_final_results_table),
                T(test_at_chat_ok_inside_data_is_not_final),
                T(test_at_chat_c16_urc_mid_response_reaches_handler),
                T(test_at_chat_urc_in_flight_not_taken_by_command),
                T(test_at_chat_c35_ready_urcs_not_next_response),
                T(test_at_chat_two_line_urc_delivered_as_one),
                T(test_at_chat_two_line_urc_missing_pdu_next_urc_kept),
                T(test_at_chat_urc_longest_prefix_wins),
                T(test_at_chat_final_without_command_goes_to_urc),
                T(test_at_chat_sms_prompt_flow),
                T(test_at_chat_sms_error_instead_of_prompt),
                T(test_at_chat_sms_cancel_before_prompt_sends_esc),
                T(test_at_chat_sms_prompt_timeout_sends_esc),
                T(test_at_chat_prompt_without_payload_gets_esc),
                T(test_at_chat_owner_removal_cancels_commands_and_urcs),
                T(test_at_chat_cancel_owner_from_urc_handler_no_uaf),
                T(test_at_chat_last_unref_inside_callback),
                T(test_at_chat_send_from_callback),
                T(test_at_chat_hangup_fails_all_with_gone_once),
                T(test_at_chat_send_rejects_bad_commands),
                T(test_at_chat_cancel_queued_and_unknown),
                T(test_at_chat_unregister_urc),
                T(test_at_chat_over_long_line_dropped_command_survives),
                T(test_at_chat_debug_trace_has_no_pii),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
