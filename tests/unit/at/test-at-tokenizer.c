/* Unit tests for the AT tokenizer: framing of real modem byte streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "at/at-tokenizer.h"

#define MAX_TOKENS 64

typedef struct Collected {
        size_t n;
        AtTokenType type[MAX_TOKENS];
        unsigned flags[MAX_TOKENS];
        char text[MAX_TOKENS][AT_TOKENIZER_LINE_MAX + 1];
        size_t len[MAX_TOKENS];
        AtTokenizer *tok;
        const char *expect_pdu_after; /* header prefix that makes the next line a PDU */
} Collected;

static int collect(const AtToken *t, void *userdata) {
        Collected *c = userdata;
        assert_true(c->n < MAX_TOKENS);
        assert_int_equal(strlen(t->text), t->len);
        c->type[c->n] = t->type;
        c->flags[c->n] = t->flags;
        c->len[c->n] = t->len;
        memcpy(c->text[c->n], t->text, t->len + 1);
        c->n++;
        if (c->expect_pdu_after && t->type == AT_TOKEN_LINE &&
            strncmp(t->text, c->expect_pdu_after, strlen(c->expect_pdu_after)) == 0)
                at_tokenizer_expect_pdu(c->tok, true);
        return 0;
}

static Collected *run(AtTokenizer *tok, const char *bytes, size_t len) {
        Collected *c = calloc(1, sizeof(Collected));
        assert_non_null(c);
        c->tok = tok;
        assert_int_equal(at_tokenizer_feed(tok, bytes, len, collect, c), len);
        return c;
}

static void test_at_tokenizer_crlf_lines_blank_skipped(void **state) {
        AtTokenizer tok;
        at_tokenizer_init(&tok);
        Collected *c = run(&tok, "\r\n+CSQ: 20,99\r\n\r\nOK\r\n", sizeof("\r\n+CSQ: 20,99\r\n\r\nOK\r\n") - 1);
        assert_int_equal(c->n, 2);
        assert_string_equal(c->text[0], "+CSQ: 20,99");
        assert_string_equal(c->text[1], "OK");
        assert_int_equal(c->type[0], AT_TOKEN_LINE);
        free(c);
}

static void test_at_tokenizer_cr_only_and_lf_only_modems(void **state) {
        AtTokenizer tok;
        at_tokenizer_init(&tok);
        Collected *c = run(&tok, "\r+CREG: 0,1\rOK\r", sizeof("\r+CREG: 0,1\rOK\r") - 1);
        assert_int_equal(c->n, 2);
        assert_string_equal(c->text[0], "+CREG: 0,1");
        assert_string_equal(c->text[1], "OK");
        free(c);
        c = run(&tok, "\nSIMCOM INCORPORATED\nOK\n", sizeof("\nSIMCOM INCORPORATED\nOK\n") - 1);
        assert_int_equal(c->n, 2);
        assert_string_equal(c->text[0], "SIMCOM INCORPORATED");
        assert_string_equal(c->text[1], "OK");
        free(c);
}

static void test_at_tokenizer_bytes_one_at_a_time(void **state) {
        const char *s = "\r\n+CMTI: \"SM\",3\r\n";
        AtTokenizer tok;
        Collected *all = calloc(1, sizeof(Collected));
        at_tokenizer_init(&tok);
        for (size_t i = 0; i < strlen(s); i++)
                at_tokenizer_feed(&tok, s + i, 1, collect, all);
        assert_int_equal(all->n, 1);
        assert_string_equal(all->text[0], "+CMTI: \"SM\",3");
        free(all);
}

static void test_at_tokenizer_prompt_without_newline(void **state) {
        AtTokenizer tok;
        at_tokenizer_init(&tok);
        at_tokenizer_expect_prompt(&tok, true);
        Collected *c = run(&tok, "\r\n> ", sizeof("\r\n> ") - 1);
        assert_int_equal(c->n, 1);
        assert_int_equal(c->type[0], AT_TOKEN_PROMPT);
        free(c);
        /* Expectation is one-shot: a later "> " is data. */
        c = run(&tok, "> quoted\r\n", sizeof("> quoted\r\n") - 1);
        assert_int_equal(c->n, 1);
        assert_int_equal(c->type[0], AT_TOKEN_LINE);
        assert_string_equal(c->text[0], "> quoted");
        free(c);
}

static void test_at_tokenizer_prompt_not_expected_is_not_prompt(void **state) {
        AtTokenizer tok;
        at_tokenizer_init(&tok);
        Collected *c = run(&tok, "> ", sizeof("> ") - 1);
        assert_int_equal(c->n, 0);
        free(c);
}

static void test_at_tokenizer_echo_line(void **state) {
        AtTokenizer tok;
        at_tokenizer_init(&tok);
        Collected *c = run(&tok, "AT+CSQ\r\r\n+CSQ: 31,99\r\n\r\nOK\r\n", sizeof("AT+CSQ\r\r\n+CSQ: 31,99\r\n\r\nOK\r\n") - 1);
        assert_int_equal(c->n, 3);
        assert_string_equal(c->text[0], "AT+CSQ");
        assert_string_equal(c->text[1], "+CSQ: 31,99");
        assert_string_equal(c->text[2], "OK");
        free(c);
}

/* Field case C28 (Huawei E3276): "\033\rAT\r\r\nOK\r\n". */
static void test_at_tokenizer_c28_esc_and_echo(void **state) {
        AtTokenizer tok;
        at_tokenizer_init(&tok);
        Collected *c = run(&tok, "\033\rAT\r\r\nOK\r\n", sizeof("\033\rAT\r\r\nOK\r\n") - 1);
        assert_int_equal(c->n, 3);
        assert_string_equal(c->text[0], "\033");
        assert_string_equal(c->text[1], "AT");
        assert_string_equal(c->text[2], "OK");
        free(c);
}

/* Field case C16 (Huawei): ^RSSI between AT+CMGR and +CMGR. */
static void test_at_tokenizer_urc_between_response_lines(void **state) {
        const char *s = "\r\n^RSSI: 20\r\n\r\n+CMGR: 0,,25\r\n"
                        "07915155550501F0240B915155550521F300004280110263156106C730BD0C9A01\r\n\r\nOK\r\n";
        AtTokenizer tok;
        at_tokenizer_init(&tok);
        Collected *c = calloc(1, sizeof(Collected));
        c->tok = &tok;
        c->expect_pdu_after = "+CMGR:";
        at_tokenizer_feed(&tok, s, strlen(s), collect, c);
        assert_int_equal(c->n, 4);
        assert_string_equal(c->text[0], "^RSSI: 20");
        assert_int_equal(c->type[1], AT_TOKEN_LINE);
        assert_int_equal(c->type[2], AT_TOKEN_PDU);
        assert_string_equal(c->text[2], "07915155550501F0240B915155550521F300004280110263156106C730BD0C9A01");
        assert_int_equal(c->type[3], AT_TOKEN_LINE);
        assert_string_equal(c->text[3], "OK");
        free(c);
}

/* Field case C14: "+CDS: 25" then the status-report PDU. */
static void test_at_tokenizer_cmt_header_then_pdu(void **state) {
        const char *s = "\r\n+CMT: ,25\r\n07915155550501F0240B915155550521F300004280110263156106C730BD0C9A01\r\n";
        AtTokenizer tok;
        at_tokenizer_init(&tok);
        Collected *c = calloc(1, sizeof(Collected));
        c->tok = &tok;
        c->expect_pdu_after = "+CMT:";
        at_tokenizer_feed(&tok, s, strlen(s), collect, c);
        assert_int_equal(c->n, 2);
        assert_int_equal(c->type[0], AT_TOKEN_LINE);
        assert_string_equal(c->text[0], "+CMT: ,25");
        assert_int_equal(c->type[1], AT_TOKEN_PDU);
        free(c);
}

/* An empty +CMGR answer: the awaited PDU is replaced by OK, which stays a
 * final result. */
static void test_at_tokenizer_pdu_expected_but_final_arrives(void **state) {
        AtTokenizer tok;
        at_tokenizer_init(&tok);
        at_tokenizer_expect_pdu(&tok, true);
        Collected *c = run(&tok, "\r\nOK\r\n", sizeof("\r\nOK\r\n") - 1);
        assert_int_equal(c->n, 1);
        assert_int_equal(c->type[0], AT_TOKEN_LINE);
        assert_false(tok.expect_pdu);
        free(c);
}

/* A PDU is hex: a line that cannot begin a PDU ("+CMTI: ...", "RING")
 * where a PDU was expected is a line, and the expectation ends. */
static void test_at_tokenizer_pdu_expected_but_urc_arrives(void **state) {
        static const char s[] = "\r\n+CMTI: \"SM\",3\r\nRING\r\n";
        AtTokenizer tok;
        at_tokenizer_init(&tok);
        at_tokenizer_expect_pdu(&tok, true);
        Collected *c = run(&tok, s, sizeof(s) - 1);
        assert_int_equal(c->n, 2);
        assert_int_equal(c->type[0], AT_TOKEN_LINE);
        assert_string_equal(c->text[0], "+CMTI: \"SM\",3");
        assert_int_equal(c->type[1], AT_TOKEN_LINE);
        assert_false(tok.expect_pdu);
        free(c);
        /* A hex line that is not a valid PDU is still the PDU (kept raw). */
        at_tokenizer_init(&tok);
        at_tokenizer_expect_pdu(&tok, true);
        c = run(&tok, "0011ZZ\r\n", 8);
        assert_int_equal(c->n, 1);
        assert_int_equal(c->type[0], AT_TOKEN_PDU);
        free(c);
        /* Blanks before the hex do not make it a line. */
        at_tokenizer_expect_pdu(&tok, true);
        c = run(&tok, " 07915155\r\n", 11);
        assert_int_equal(c->n, 1);
        assert_int_equal(c->type[0], AT_TOKEN_PDU);
        free(c);
}

static void test_at_tokenizer_ok_inside_data_is_a_line(void **state) {
        AtTokenizer tok;
        at_tokenizer_init(&tok);
        Collected *c = run(&tok, "LOOKS OK TO ME\r\n", sizeof("LOOKS OK TO ME\r\n") - 1);
        assert_int_equal(c->n, 1);
        assert_string_equal(c->text[0], "LOOKS OK TO ME");
        free(c);
}

static void test_at_tokenizer_nul_dropped_non_ascii_kept(void **state) {
        AtTokenizer tok;
        at_tokenizer_init(&tok);
        Collected *c = run(&tok, "O\0K\r\n\xc3\xa9t\xff\r\n", sizeof("O\0K\r\n\xc3\xa9t\xff\r\n") - 1);
        assert_int_equal(c->n, 2);
        assert_string_equal(c->text[0], "OK");
        assert_string_equal(c->text[1], "\xc3\xa9t\xff");
        assert_int_equal(tok.n_nul_dropped, 1);
        free(c);
}

static void test_at_tokenizer_64k_line_bounded(void **state) {
        size_t n = 64 * 1024;
        char *big = malloc(n);
        AtTokenizer tok;
        at_tokenizer_init(&tok);
        memset(big, 'A', n);
        Collected *c = run(&tok, big, n);
        assert_int_equal(c->n, 0); /* no line end yet */
        assert_true(tok.len <= AT_TOKENIZER_LINE_MAX);
        free(c);
        c = run(&tok, "\r\nOK\r\n", sizeof("\r\nOK\r\n") - 1);
        assert_int_equal(c->n, 2);
        assert_int_equal(c->len[0], AT_TOKENIZER_LINE_MAX);
        assert_true(c->flags[0] & AT_TOKEN_TRUNCATED);
        assert_string_equal(c->text[1], "OK");
        assert_int_equal(c->flags[1], 0);
        assert_int_equal(tok.n_truncated, 1);
        free(c);
        free(big);
}

static void test_at_tokenizer_partial_line_then_eof(void **state) {
        AtTokenizer tok;
        at_tokenizer_init(&tok);
        Collected *c = run(&tok, "OK\r\n+CMTI: \"SM\"", sizeof("OK\r\n+CMTI: \"SM\"") - 1);
        assert_int_equal(c->n, 1);
        at_tokenizer_finish(&tok, collect, c);
        assert_int_equal(c->n, 2);
        assert_string_equal(c->text[1], "+CMTI: \"SM\"");
        assert_true(c->flags[1] & AT_TOKEN_PARTIAL);
        assert_int_equal(tok.len, 0);
        /* Nothing pending: finish reports nothing. */
        at_tokenizer_finish(&tok, collect, c);
        assert_int_equal(c->n, 2);
        free(c);
}

static int stop_after_first(const AtToken *t, void *userdata) {
        (*(int *)userdata)++;
        return 1;
}

static void test_at_tokenizer_consumer_can_stop(void **state) {
        AtTokenizer tok;
        int calls = 0;
        at_tokenizer_init(&tok);
        assert_int_equal(at_tokenizer_feed(&tok, "A\r\nB\r\n", 6, stop_after_first, &calls), 2);
        assert_int_equal(calls, 1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_at_tokenizer_crlf_lines_blank_skipped),
                cmocka_unit_test(test_at_tokenizer_cr_only_and_lf_only_modems),
                cmocka_unit_test(test_at_tokenizer_bytes_one_at_a_time),
                cmocka_unit_test(test_at_tokenizer_prompt_without_newline),
                cmocka_unit_test(test_at_tokenizer_prompt_not_expected_is_not_prompt),
                cmocka_unit_test(test_at_tokenizer_echo_line),
                cmocka_unit_test(test_at_tokenizer_c28_esc_and_echo),
                cmocka_unit_test(test_at_tokenizer_urc_between_response_lines),
                cmocka_unit_test(test_at_tokenizer_cmt_header_then_pdu),
                cmocka_unit_test(test_at_tokenizer_pdu_expected_but_final_arrives),
                cmocka_unit_test(test_at_tokenizer_ok_inside_data_is_a_line),
                cmocka_unit_test(test_at_tokenizer_nul_dropped_non_ascii_kept),
                cmocka_unit_test(test_at_tokenizer_64k_line_bounded),
                cmocka_unit_test(test_at_tokenizer_partial_line_then_eof),
                cmocka_unit_test(test_at_tokenizer_consumer_can_stop),
                cmocka_unit_test(test_at_tokenizer_pdu_expected_but_urc_arrives),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
