/* Unit tests for src/util: PII masks, hex, strict integers, UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/log.h"
#include "util/strutil.h"

static void test_pii_number_masks_all_but_last_four(void **state) {
        char buf[PII_BUF_MAX];
        assert_string_equal(pii_number("+15555550123", buf, sizeof(buf)), "+***0123");
        assert_string_equal(pii_number("5550123", buf, sizeof(buf)), "***0123");
        assert_string_equal(pii_number("1234", buf, sizeof(buf)), "***");
        assert_string_equal(pii_number("+12", buf, sizeof(buf)), "+***");
        assert_string_equal(pii_number("", buf, sizeof(buf)), "unknown");
        assert_string_equal(pii_number(NULL, buf, sizeof(buf)), "unknown");
        assert_string_equal(pii_number("MyBank", buf, sizeof(buf)), "[alnum 6]");
}

static void test_pii_text_and_id_redacted_unless_shown(void **state) {
        char buf[PII_BUF_MAX];
        assert_string_equal(pii_text("secret code 1234", buf, sizeof(buf)), "[redacted 16 bytes]");
        assert_string_equal(pii_id("490154203237518", buf, sizeof(buf)), "[redacted]");
        log_set_show_pii(true);
        assert_string_equal(pii_text("hello", buf, sizeof(buf)), "hello");
        assert_string_equal(pii_number("+15555550123", buf, sizeof(buf)), "+15555550123");
        log_set_show_pii(false);
        assert_string_equal(PII_NUMBER("+15555550123"), "+***0123");
}

static void test_hex_roundtrip_and_errors(void **state) {
        uint8_t out[4];
        char hex[9];
        assert_int_equal(hex_decode("00fFa1", 6, out, sizeof(out)), 3);
        assert_int_equal(out[0], 0x00);
        assert_int_equal(out[1], 0xFF);
        assert_int_equal(out[2], 0xA1);
        assert_int_equal(hex_encode(out, 3, hex, sizeof(hex)), 6);
        assert_string_equal(hex, "00FFA1");
        assert_int_equal(hex_decode("0", 1, out, sizeof(out)), -EINVAL);
        assert_int_equal(hex_decode("0G", 2, out, sizeof(out)), -EINVAL);
        assert_int_equal(hex_decode("0011223344", 10, out, sizeof(out)), -ENOBUFS);
        assert_int_equal(hex_encode(out, 3, hex, 6), -ENOBUFS);
}

static void test_safe_atoi_rejects_junk(void **state) {
        long v = 42;
        uint32_t u = 7;
        assert_int_equal(safe_atoi_range("17", 0, 100, &v), 0);
        assert_int_equal(v, 17);
        assert_int_equal(safe_atoi_range("-3", -5, 5, &v), 0);
        assert_int_equal(v, -3);
        assert_int_equal(safe_atoi_range("101", 0, 100, &v), -ERANGE);
        assert_int_equal(safe_atoi_range(" 1", 0, 100, &v), -EINVAL);
        assert_int_equal(safe_atoi_range("1x", 0, 100, &v), -EINVAL);
        assert_int_equal(safe_atoi_range("", 0, 100, &v), -EINVAL);
        assert_int_equal(safe_atoi_range("99999999999999999999999", 0, 100, &v), -ERANGE);
        assert_int_equal(v, -3); /* untouched on failure */
        assert_int_equal(safe_atou32("4294967295", &u), 0);
        assert_int_equal(u, 4294967295u);
        assert_int_equal(safe_atou32("-1", &u), -EINVAL);
}

static void test_utf8_is_valid_cases(void **state) {
        assert_true(utf8_is_valid("h\xc3\xa9llo \xf0\x9f\x98\x80", 11));
        assert_false(utf8_is_valid("\xc3", 1));           /* truncated */
        assert_false(utf8_is_valid("\xc0\xaf", 2));       /* overlong */
        assert_false(utf8_is_valid("\xed\xa0\x80", 3));   /* surrogate */
        assert_false(utf8_is_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
        assert_false(utf8_is_valid("\xef\xbf\xbe", 3));  /* U+FFFE, a noncharacter */
        assert_false(utf8_is_valid("\xef\xb7\x90", 3));  /* U+FDD0 */
        assert_false(utf8_is_valid("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF */
        assert_true(utf8_is_valid("\xef\xbf\xbd", 3));   /* U+FFFD */
        assert_true(utf8_is_valid("", 0));
}

static void test_text_escape(void **state) {
        char *r;

        /* A Latin-1 operator name as some modems print it. */
        r = text_escape("+COPS: 0,0,\"Telef\xf3nica\",7");
        assert_non_null(r);
        assert_string_equal(r, "+COPS: 0,0,\"Telef\\xf3nica\",7");
        assert_true(utf8_is_valid(r, strlen(r)));
        free(r);
        /* Valid UTF-8 characters and newlines kept; a truncated sequence,
         * an overlong and a surrogate escaped byte by byte. */
        r = text_escape("h\xc3\xa9 \xf0\x9f\x98\x80\n\xc3");
        assert_string_equal(r, "h\xc3\xa9 \xf0\x9f\x98\x80\n\\xc3");
        free(r);
        r = text_escape("\xc0\xaf\xed\xa0\x80\xff");
        assert_string_equal(r, "\\xc0\\xaf\\xed\\xa0\\x80\\xff");
        assert_true(utf8_is_valid(r, strlen(r)));
        free(r);
        /* Noncharacters (sd-bus refuses them), C1 and C0 controls, ESC, DEL:
         * escaped; a backslash doubled so "\x41" from the modem stays
         * distinguishable from an escaped byte. */
        r = text_escape("A\xef\xbf\xbe" "B\xef\xb7\x90" "C\xc2\x85" "D\x1b[31mE\x7f\t\\x41");
        assert_string_equal(r, "A\\xef\\xbf\\xbeB\\xef\\xb7\\x90C\\xc2\\x85D\\x1b[31mE\\x7f\\x09\\\\x41");
        assert_true(utf8_is_valid(r, strlen(r)));
        free(r);
        r = text_escape("");
        assert_string_equal(r, "");
        free(r);
}

static void test_parse_boolean(void **state) {
        assert_int_equal(parse_boolean("1"), 1);
        assert_int_equal(parse_boolean("yes"), 1);
        assert_int_equal(parse_boolean("ON"), 1);
        assert_int_equal(parse_boolean("True"), 1);
        assert_int_equal(parse_boolean("0"), 0);
        assert_int_equal(parse_boolean("off"), 0);
        assert_int_equal(parse_boolean("No"), 0);
        assert_int_equal(parse_boolean("maybe"), -EINVAL);
        assert_int_equal(parse_boolean(""), -EINVAL);
        assert_int_equal(parse_boolean(NULL), -EINVAL);
        assert_int_equal(parse_boolean("yes "), -EINVAL);
}

static void test_memeq_consttime(void **state) {
        assert_true(memeq_consttime("key", 3, "key", 3));
        assert_false(memeq_consttime("key", 3, "kez", 3));
        assert_false(memeq_consttime("key", 3, "keys", 4));
        assert_false(memeq_consttime("", 0, "k", 1));
        assert_true(memeq_consttime("", 0, "", 0));
}

static void test_fake_clock_advances(void **state) {
        FakeClock f;
        fake_clock_init(&f, 1000, 5000);
        assert_int_equal(clock_now(&f.clock), 1000);
        fake_clock_advance(&f, 250);
        assert_int_equal(clock_now(&f.clock), 1250);
        assert_int_equal(clock_realtime(&f.clock), 5250);
        assert_true(clock_now(clock_system()) > 0);
}

static void test_log_level_parse(void **state) {
        LogLevel l = LOG_LEVEL_INFO;
        assert_int_equal(log_level_from_string("debug", &l), 0);
        assert_int_equal(l, LOG_LEVEL_DEBUG);
        assert_int_equal(log_level_from_string("WARNING", &l), 0);
        assert_int_equal(l, LOG_LEVEL_WARNING);
        assert_int_equal(log_level_from_string("3", &l), 0);
        assert_int_equal(l, LOG_LEVEL_ERR);
        assert_int_equal(log_level_from_string("loud", &l), -EINVAL);
        assert_int_equal(log_error_errno(-EIO, "x"), -EIO);
}

static void test_log_stderr_line_has_utc_time_not_pid_like(void **state) {
        char path[] = "/tmp/callstack-test-log-XXXXXX";
        char line[256] = "";
        int fd = mkstemp(path), saved = dup(STDERR_FILENO);
        FILE *f;
        regex_t re;

        assert_true(fd >= 0 && saved >= 0);
        unlink(path);
        fflush(stderr);
        assert_true(dup2(fd, STDERR_FILENO) >= 0);
        log_setup("callstackd", LOG_LEVEL_DEBUG, LOG_TARGET_STDERR);
        log_info("modem %d: probing -> ready", 0);
        fflush(stderr);
        assert_true(dup2(saved, STDERR_FILENO) >= 0);
        close(saved);
        f = fdopen(fd, "r");
        assert_non_null(f);
        rewind(f);
        assert_non_null(fgets(line, sizeof(line), f));
        fclose(f);
        assert_int_equal(regcomp(&re, "^callstackd 20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]"
                                      "\\.[0-9]{3}Z info: modem 0: probing -> ready\n$",
                                 REG_EXTENDED | REG_NOSUB),
                         0);
        assert_int_equal(regexec(&re, line, 0, NULL, 0), 0);
        regfree(&re);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_pii_number_masks_all_but_last_four),
                cmocka_unit_test(test_pii_text_and_id_redacted_unless_shown),
                cmocka_unit_test(test_hex_roundtrip_and_errors),
                cmocka_unit_test(test_safe_atoi_rejects_junk),
                cmocka_unit_test(test_utf8_is_valid_cases),
                cmocka_unit_test(test_text_escape),
                cmocka_unit_test(test_parse_boolean),
                cmocka_unit_test(test_memeq_consttime),
                cmocka_unit_test(test_fake_clock_advances),
                cmocka_unit_test(test_log_level_parse),
                cmocka_unit_test(test_log_stderr_line_has_utc_time_not_pid_like),
        };
        log_setup("test-util", LOG_LEVEL_ERR, LOG_TARGET_STDERR);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
