/* Unit tests for messaging-validate.c: Messaging.Send argument checks.
 * Reasons must never echo the number or the text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "messaging/messaging-validate.h"

static void test_messaging_validate_number_accepts(void **state) {
        const char *ok[] = { "+15555550123", "15555550123", "3443", "123", "+123", "+12345678901234567890" };
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
                assert_int_equal(messaging_validate_number(ok[i], NULL), 0);
}

static void test_messaging_validate_number_refuses(void **state) {
        const char *bad[] = { "", "+", "12", "+12", "++123", "12+34", "*123#", "555 0123", "555-0123",
                              "+1555555012\n", "abc123", "123456789012345678901", "+123456789012345678901" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                const char *reason = NULL;
                assert_int_equal(messaging_validate_number(bad[i], &reason), -EINVAL);
                assert_non_null(reason);
                if (bad[i][0])
                        assert_null(strstr(reason, bad[i]));
        }
        assert_int_equal(messaging_validate_number(NULL, NULL), -EINVAL);
}

static void test_messaging_validate_text(void **state) {
        const char *reason = NULL;
        size_t parts = 0;
        char *big;

        assert_int_equal(messaging_validate_text("hello", &parts, NULL), 0);
        assert_int_equal(parts, 1);
        assert_int_equal(messaging_validate_text("", NULL, &reason), -EINVAL);
        assert_int_equal(messaging_validate_text("bad \xff utf8", NULL, &reason), -EINVAL);
        assert_null(strstr(reason, "bad"));
        assert_int_equal(messaging_validate_text("\xed\xa0\x80", NULL, &reason), -EINVAL); /* lone surrogate */

        /* 161 GSM characters: two parts; 255 * 153 fits, one more does not. */
        big = malloc(255 * 153 + 2);
        assert_non_null(big);
        memset(big, 'a', 161);
        big[161] = '\0';
        assert_int_equal(messaging_validate_text(big, &parts, NULL), 0);
        assert_int_equal(parts, 2);
        memset(big, 'a', 255 * 153);
        big[255 * 153] = '\0';
        assert_int_equal(messaging_validate_text(big, &parts, NULL), 0);
        assert_int_equal(parts, 255);
        big[255 * 153] = 'a';
        big[255 * 153 + 1] = '\0';
        assert_int_equal(messaging_validate_text(big, NULL, &reason), -EINVAL);
        assert_string_equal(reason, "the text needs more than 255 parts");
        free(big);
}

static void test_messaging_validate_options(void **state) {
        assert_int_equal(messaging_validate_validity(5, NULL), 0);
        assert_int_equal(messaging_validate_validity(635040, NULL), 0);
        assert_int_equal(messaging_validate_validity(4, NULL), -EINVAL);
        assert_int_equal(messaging_validate_validity(635041, NULL), -EINVAL);
        assert_int_equal(messaging_validate_class(0, NULL), 0);
        assert_int_equal(messaging_validate_class(3, NULL), 0);
        assert_int_equal(messaging_validate_class(4, NULL), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_messaging_validate_number_accepts),
                cmocka_unit_test(test_messaging_validate_number_refuses),
                cmocka_unit_test(test_messaging_validate_text),
                cmocka_unit_test(test_messaging_validate_options),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
