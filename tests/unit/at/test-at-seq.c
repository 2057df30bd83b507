/* Unit tests for declarative AT sequences (at-seq.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "at/at-result.h"
#include "at/at-seq.h"

typedef struct Fx {
        FakeClock clock;
        AtChat *chat;
        char written[4096];
        size_t wlen;
} Fx;

typedef struct Init {
        AtPinState pin;
        unsigned csq_percent;
        int done_calls;
        AtSeqResult result;
} Init;

static int fx_write(const void *buf, size_t len, void *userdata) {
        Fx *f = userdata;
        assert_true(f->wlen + len < sizeof(f->written));
        memcpy(f->written + f->wlen, buf, len);
        f->wlen += len;
        f->written[f->wlen] = '\0';
        return 0;
}

static int setup(void **state) {
        Fx *f = calloc(1, sizeof(Fx));
        fake_clock_init(&f->clock, 0, 0);
        assert_int_equal(at_chat_new(&f->clock.clock, fx_write, f, &f->chat), 0);
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

static int parse_cpin(const AtResponse *resp, void *userdata) {
        Init *i = userdata;
        if (resp->n_lines != 1)
                return -EBADMSG;
        return at_parse_cpin(resp->lines[0], &i->pin);
}

static int parse_csq(const AtResponse *resp, void *userdata) {
        Init *i = userdata;
        AtCsq c;
        int r;
        if (resp->n_lines != 1)
                return -EBADMSG;
        r = at_parse_csq(resp->lines[0], &c);
        if (r < 0)
                return r;
        i->csq_percent = c.percent;
        return 0;
}

static void on_done(AtChat *chat, const AtSeqResult *res, void *userdata) {
        Init *i = userdata;
        i->done_calls++;
        i->result = *res;
}

static const AtSeqStep init_steps[] = {
        {"ATE0"},
        {"AT+CMEE=1", .flags = AT_SEQ_OPTIONAL},
        {"AT+CPIN?", AT_PREFIXES("+CPIN:"), .parse = parse_cpin},
        {"AT+CSQ", AT_PREFIXES("+CSQ:"), .timeout_usec = 2000000, .parse = parse_csq},
};

static void test_at_seq_runs_table_in_order(void **state) {
        Fx *f = *state;
        Init i = {};
        assert_int_equal(at_seq_run(f->chat, init_steps, 4, &i, on_done, &i), 0);
        assert_string_equal(f->written, "ATE0\r");
        feed(f, "ATE0\r\r\nOK\r\n");
        assert_string_equal(f->written, "ATE0\rAT+CMEE=1\r");
        feed(f, "\r\nERROR\r\n"); /* optional: ignored */
        assert_string_equal(f->written, "ATE0\rAT+CMEE=1\rAT+CPIN?\r");
        feed(f, "\r\n+CPIN: READY\r\n\r\nOK\r\n");
        assert_int_equal(i.pin, AT_PIN_READY);
        feed(f, "\r\n+CSQ: 31,99\r\n\r\nOK\r\n");
        assert_int_equal(i.done_calls, 1);
        assert_int_equal(i.result.error, 0);
        assert_int_equal(i.result.index, 4);
        assert_int_equal(i.csq_percent, 100);
}

static void test_at_seq_stops_on_first_required_failure(void **state) {
        Fx *f = *state;
        Init i = {};
        assert_int_equal(at_seq_run(f->chat, init_steps, 4, &i, on_done, &i), 0);
        feed(f, "OK\r\nOK\r\n+CME ERROR: 10\r\n");
        assert_int_equal(i.done_calls, 1);
        assert_int_equal(i.result.index, 2);
        assert_int_equal(i.result.final, AT_FINAL_CME_ERROR);
        assert_int_equal(i.result.code, 10);
        assert_int_equal(i.result.error, -EIO);
        assert_string_equal(f->written, "ATE0\rAT+CMEE=1\rAT+CPIN?\r");
        assert_int_equal(at_chat_pending(f->chat), 0);
}

static void test_at_seq_parser_error_fails_step(void **state) {
        Fx *f = *state;
        Init i = {};
        assert_int_equal(at_seq_run(f->chat, init_steps, 4, &i, on_done, &i), 0);
        feed(f, "OK\r\nOK\r\n+CPIN: WHATEVER\r\nOK\r\n");
        assert_int_equal(i.done_calls, 1);
        assert_int_equal(i.result.index, 2);
        assert_int_equal(i.result.final, AT_FINAL_OK);
        assert_int_equal(i.result.error, -EBADMSG);
}

static void test_at_seq_step_timeout(void **state) {
        Fx *f = *state;
        Init i = {};
        assert_int_equal(at_seq_run(f->chat, init_steps, 4, &i, on_done, &i), 0);
        feed(f, "OK\r\nOK\r\n+CPIN: READY\r\nOK\r\n");
        fake_clock_advance(&f->clock, 2000000);
        at_chat_process_timeouts(f->chat);
        assert_int_equal(i.done_calls, 1);
        assert_int_equal(i.result.index, 3);
        assert_int_equal(i.result.final, AT_FINAL_TIMEOUT);
        assert_int_equal(i.result.error, -ETIMEDOUT);
}

static void test_at_seq_owner_cancel_reports_cancelled(void **state) {
        Fx *f = *state;
        Init i = {};
        assert_int_equal(at_seq_run(f->chat, init_steps, 4, &i, on_done, &i), 0);
        at_chat_cancel_owner(f->chat, &i);
        assert_int_equal(i.done_calls, 1);
        assert_int_equal(i.result.final, AT_FINAL_CANCELLED);
        assert_int_equal(i.result.error, -ECANCELED);
        feed(f, "OK\r\n");
        assert_int_equal(i.done_calls, 1);
}

static void test_at_seq_hangup_reports_gone(void **state) {
        Fx *f = *state;
        Init i = {};
        assert_int_equal(at_seq_run(f->chat, init_steps, 4, &i, on_done, &i), 0);
        feed(f, "OK\r\n");
        at_chat_hangup(f->chat, -EIO);
        assert_int_equal(i.done_calls, 1);
        assert_int_equal(i.result.index, 1);
        assert_int_equal(i.result.final, AT_FINAL_GONE);
        assert_int_equal(at_seq_run(f->chat, init_steps, 4, &i, on_done, &i), -ENODEV);
        assert_int_equal(i.done_calls, 1);
}

static void test_at_seq_rejects_bad_tables(void **state) {
        static const AtSeqStep bad[] = {{"AT"}, {NULL}};
        Fx *f = *state;
        assert_int_equal(at_seq_run(f->chat, bad, 2, NULL, NULL, NULL), -EINVAL);
        assert_int_equal(at_seq_run(f->chat, bad, 0, NULL, NULL, NULL), -EINVAL);
        assert_int_equal(f->wlen, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
                T(test_at_seq_runs_table_in_order),
                T(test_at_seq_stops_on_first_required_failure),
                T(test_at_seq_parser_error_fails_step),
                T(test_at_seq_step_timeout),
                T(test_at_seq_owner_cancel_reports_cancelled),
                T(test_at_seq_hangup_reports_gone),
                T(test_at_seq_rejects_bad_tables),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
