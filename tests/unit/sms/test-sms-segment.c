/* Unit tests for sms-segment: part capacities, the 160/161, 153/154,
 * 70/71 and 67/68 boundaries with escape and surrogate pairs on them,
 * 255/256 parts, encoding choice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sms/sms-segment.h"

static SmsSegmentPlan plan;

/* Builds prefix repeated n times + suffix (malloc'd). */
static char *rep(const char *unit, size_t n, const char *suffix) {
        size_t ul = strlen(unit), sl = strlen(suffix);
        char *s = malloc(ul * n + sl + 1);
        for (size_t i = 0; i < n; i++)
                memcpy(s + i * ul, unit, ul);
        memcpy(s + ul * n, suffix, sl + 1);
        return s;
}

static void plan_of(const char *unit, size_t n, const char *suffix, const SmsSegmentOptions *o, int want_r) {
        char *s = rep(unit, n, suffix);
        assert_int_equal(sms_segment_plan(s, strlen(s), o, &plan), want_r);
        free(s);
}

static void test_sms_segment_capacity_table(void **state) {
        assert_int_equal(sms_segment_capacity(SMS_ENCODING_GSM7, true, false), 160);
        assert_int_equal(sms_segment_capacity(SMS_ENCODING_GSM7, false, false), 153);
        assert_int_equal(sms_segment_capacity(SMS_ENCODING_GSM7, false, true), 152);
        assert_int_equal(sms_segment_capacity(SMS_ENCODING_UCS2, true, false), 70);
        assert_int_equal(sms_segment_capacity(SMS_ENCODING_UCS2, false, false), 67);
        assert_int_equal(sms_segment_capacity(SMS_ENCODING_UCS2, false, true), 66);
        assert_int_equal(sms_segment_capacity(SMS_ENCODING_8BIT, true, false), 140);
        assert_int_equal(sms_segment_capacity(SMS_ENCODING_8BIT, false, false), 134);
        assert_int_equal(sms_segment_capacity(SMS_ENCODING_8BIT, false, true), 133);
}

static void test_sms_segment_plan_gsm7_160_161(void **state) {
        plan_of("a", 160, "", NULL, 0);
        assert_int_equal(plan.encoding, SMS_ENCODING_GSM7);
        assert_int_equal(plan.n_parts, 1);
        assert_false(plan.concatenated);
        assert_int_equal(plan.units[0], 160);
        plan_of("a", 161, "", NULL, 0);
        assert_int_equal(plan.n_parts, 2);
        assert_true(plan.concatenated);
        assert_int_equal(plan.units_per_part, 153);
        assert_int_equal(plan.units[0], 153);
        assert_int_equal(plan.units[1], 8);
        assert_int_equal(plan.offset[1], 153);
        assert_int_equal(plan.offset[2], 161);
        /* 160 characters but 161 septets: the euro counts two. */
        plan_of("a", 159, "€", NULL, 0);
        assert_int_equal(plan.total_units, 161);
        assert_int_equal(plan.n_parts, 2);
        assert_int_equal(plan.units[0], 153);
        assert_int_equal(plan.units[1], 8);
        plan_of("a", 158, "€", NULL, 0);
        assert_int_equal(plan.n_parts, 1);
}

static void test_sms_segment_plan_gsm7_escape_never_split(void **state) {
        /* 152 'a' + '€': the pair would occupy septets 153-154; it moves. */
        plan_of("a", 152, "€bbbbbbbbbb", NULL, 0);
        assert_int_equal(plan.n_parts, 2);
        assert_int_equal(plan.units[0], 152);
        assert_int_equal(plan.offset[1], 152);
        assert_int_equal(plan.units[1], 12);
        /* 151 'a' + '€' fits exactly into 153. */
        plan_of("a", 151, "€bbbbbbbbbb", NULL, 0);
        assert_int_equal(plan.units[0], 153);
        assert_int_equal(plan.offset[1], 151 + 3);
        /* 153 / 154 plain. */
        plan_of("a", 153 * 2, "", NULL, 0);
        assert_int_equal(plan.n_parts, 2);
        plan_of("a", 153 * 2 + 1, "", NULL, 0);
        assert_int_equal(plan.n_parts, 3);
        /* 16-bit references: 152 per part, the pair moves at 151+2. */
        SmsSegmentOptions o = {.concat_16bit = true};
        plan_of("a", 151, "€bbbbbbbbbb", &o, 0);
        assert_int_equal(plan.units_per_part, 152);
        assert_int_equal(plan.units[0], 151);
}

static void test_sms_segment_plan_ucs2_70_71(void **state) {
        plan_of("ж", 70, "", NULL, 0);
        assert_int_equal(plan.encoding, SMS_ENCODING_UCS2);
        assert_int_equal(plan.n_parts, 1);
        plan_of("ж", 71, "", NULL, 0);
        assert_int_equal(plan.n_parts, 2);
        assert_int_equal(plan.units[0], 67);
        assert_int_equal(plan.units[1], 4);
        /* 69 + a surrogate pair = 71 units: two parts. */
        plan_of("ж", 69, "😀", NULL, 0);
        assert_int_equal(plan.total_units, 71);
        assert_int_equal(plan.n_parts, 2);
        plan_of("ж", 68, "😀", NULL, 0);
        assert_int_equal(plan.n_parts, 1);
}

static void test_sms_segment_plan_ucs2_surrogate_never_split(void **state) {
        /* 66 units + a pair at units 67-68: the pair moves to part 2. */
        plan_of("ж", 66, "😀жжж", NULL, 0);
        assert_int_equal(plan.n_parts, 2);
        assert_int_equal(plan.units[0], 66);
        assert_int_equal(plan.offset[1], 66 * 2);
        assert_int_equal(plan.units[1], 5);
        plan_of("ж", 65, "😀жжжжж", NULL, 0);
        assert_int_equal(plan.units[0], 67);
        /* 67 / 68. */
        plan_of("ж", 67 * 2, "", NULL, 0);
        assert_int_equal(plan.n_parts, 2);
        plan_of("ж", 67 * 2 + 1, "", NULL, 0);
        assert_int_equal(plan.n_parts, 3);
}

static void test_sms_segment_plan_255_256_parts(void **state) {
        plan_of("a", 153 * 255, "", NULL, 0);
        assert_int_equal(plan.n_parts, 255);
        assert_int_equal(plan.offset[255], 153 * 255);
        SmsSegmentPlan before = plan;
        plan_of("a", 153 * 255 + 1, "", NULL, -E2BIG);
        assert_memory_equal(&before, &plan, sizeof(plan)); /* untouched on failure */
        plan_of("ж", 67 * 255, "", NULL, 0);
        assert_int_equal(plan.n_parts, 255);
        plan_of("ж", 67 * 255, "ж", NULL, -E2BIG);
        SmsSegmentOptions o = {.encoding = SMS_CHOOSE_8BIT};
        plan_of("x", 134 * 255, "", &o, 0);
        assert_int_equal(plan.n_parts, 255);
        plan_of("x", 134 * 255 + 1, "", &o, -E2BIG);
        /* Escape pairs that cannot split push the count over. */
        plan_of("a", 152, "€", NULL, 0);
        char *s = rep("€", 76 * 255, "");
        assert_int_equal(sms_segment_plan(s, strlen(s), NULL, &plan), 0); /* 76 pairs = 152 septets per part */
        assert_int_equal(plan.n_parts, 255);
        free(s);
        s = rep("€", 76 * 255 + 1, "");
        assert_int_equal(sms_segment_plan(s, strlen(s), NULL, &plan), -E2BIG);
        free(s);
}

static void test_sms_segment_plan_encoding_choice(void **state) {
        SmsSegmentOptions gsm = {.encoding = SMS_CHOOSE_GSM7}, ucs = {.encoding = SMS_CHOOSE_UCS2},
                          bin = {.encoding = SMS_CHOOSE_8BIT};
        assert_int_equal(sms_segment_plan("Grüße", strlen("Grüße"), NULL, &plan), 0);
        assert_int_equal(plan.encoding, SMS_ENCODING_GSM7); /* ü and ß are GSM */
        assert_int_equal(sms_segment_plan("ça", strlen("ça"), NULL, &plan), 0);
        assert_int_equal(plan.encoding, SMS_ENCODING_UCS2); /* ç is not */
        assert_int_equal(plan.total_units, 2);
        assert_int_equal(sms_segment_plan("ça", strlen("ça"), &gsm, &plan), -EILSEQ);
        assert_int_equal(sms_segment_plan("abc", 3, &ucs, &plan), 0);
        assert_int_equal(plan.encoding, SMS_ENCODING_UCS2);
        assert_int_equal(sms_segment_plan("\xff\x00", 2, &bin, &plan), 0);
        assert_int_equal(plan.encoding, SMS_ENCODING_8BIT);
        assert_int_equal(plan.total_units, 2);
        assert_int_equal(sms_segment_plan("a\xC3", 2, NULL, &plan), -EINVAL);
        assert_int_equal(sms_segment_plan("a\xC3", 2, &ucs, &plan), -EINVAL);
        assert_int_equal(sms_segment_plan("", 0, NULL, &plan), 0);
        assert_int_equal(plan.n_parts, 1);
        assert_int_equal(plan.total_units, 0);
        assert_int_equal(plan.encoding, SMS_ENCODING_GSM7);
        assert_int_equal(sms_segment_plan(NULL, 1, NULL, &plan), -EINVAL);
        assert_int_equal(sms_segment_plan("a", 1, &(SmsSegmentOptions){.encoding = 9}, &plan), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sms_segment_capacity_table),
                cmocka_unit_test(test_sms_segment_plan_gsm7_160_161),
                cmocka_unit_test(test_sms_segment_plan_gsm7_escape_never_split),
                cmocka_unit_test(test_sms_segment_plan_ucs2_70_71),
                cmocka_unit_test(test_sms_segment_plan_ucs2_surrogate_never_split),
                cmocka_unit_test(test_sms_segment_plan_255_256_parts),
                cmocka_unit_test(test_sms_segment_plan_encoding_choice),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
