/* Unit tests of the simulator's message storage (tools/modem-sim/sim-storage.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim-storage.h"

#define C17 "07915155550501F0040B915155550521F3000051907051529121065474D8BD9E03"

static void test_sim_storage_add_fills_first_free_slot(void **state) {
        SimStorage s;
        unsigned slot;

        assert_int_equal(sim_storage_init(&s, 3, 2, 1), 0);
        assert_int_equal(sim_storage_add(&s, SIM_MEM_SM, SIM_STAT_REC_UNREAD, C17, &slot), 0);
        assert_int_equal(slot, 0);
        assert_int_equal(sim_storage_get(&s, SIM_MEM_SM, 0)->tpdu_len, 25);
        assert_int_equal(sim_storage_add(&s, SIM_MEM_SM, SIM_STAT_REC_READ, "00040381", &slot), 0);
        assert_int_equal(slot, 1);
        assert_int_equal(sim_storage_delete(&s, SIM_MEM_SM, 0), 0);
        assert_null(sim_storage_get(&s, SIM_MEM_SM, 0));
        assert_int_equal(sim_storage_add(&s, SIM_MEM_SM, SIM_STAT_REC_UNREAD, C17, &slot), 0);
        assert_int_equal(slot, 0);
        assert_int_equal(sim_storage_used(&s, SIM_MEM_SM), 2);
        assert_int_equal(sim_storage_used(&s, SIM_MEM_ME), 0);
        sim_storage_done(&s);
}

static void test_sim_storage_full_and_bad_input(void **state) {
        SimStorage s;

        assert_int_equal(sim_storage_init(&s, 1, 1, 1), 0);
        assert_int_equal(sim_storage_add(&s, SIM_MEM_SR, SIM_STAT_REC_UNREAD, C17, NULL), 0);
        assert_int_equal(sim_storage_add(&s, SIM_MEM_SR, SIM_STAT_REC_UNREAD, C17, NULL), -ENOSPC);
        assert_int_equal(sim_storage_add(&s, SIM_MEM_SM, SIM_STAT_REC_UNREAD, "0G", NULL), -EINVAL);
        assert_int_equal(sim_storage_add(&s, SIM_MEM_SM, SIM_STAT_REC_UNREAD, "07915155", NULL), -EINVAL);
        assert_int_equal(sim_storage_delete(&s, SIM_MEM_SM, 5), -ERANGE);
        sim_storage_done(&s);
}

static void test_sim_storage_delete_flags_27005(void **state) {
        SimStorage s;

        assert_int_equal(sim_storage_init(&s, 8, 1, 1), 0);
        for (int stat = 0; stat < 4; stat++)
                assert_int_equal(sim_storage_add(&s, SIM_MEM_SM, (SimStat)stat, C17, NULL), 0);
        assert_int_equal(sim_storage_delete_flag(&s, SIM_MEM_SM, 1), 1); /* read */
        assert_int_equal(sim_storage_delete_flag(&s, SIM_MEM_SM, 2), 1); /* + sent */
        assert_int_equal(sim_storage_delete_flag(&s, SIM_MEM_SM, 3), 1); /* + unsent */
        assert_int_equal(sim_storage_used(&s, SIM_MEM_SM), 1);
        assert_int_equal(sim_storage_delete_flag(&s, SIM_MEM_SM, 4), 1);
        assert_int_equal(sim_storage_delete_flag(&s, SIM_MEM_SM, 5), -EINVAL);
        sim_storage_done(&s);
}

static void test_sim_storage_names(void **state) {
        assert_int_equal(sim_mem_from_string("me"), SIM_MEM_ME);
        assert_int_equal(sim_mem_from_string("MT"), SIM_MEM_ME);
        assert_int_equal(sim_mem_from_string("XX"), SIM_MEM_INVALID);
        assert_int_equal(sim_stat_from_string("rec unread"), SIM_STAT_REC_UNREAD);
        assert_string_equal(sim_stat_to_string(SIM_STAT_ALL), "ALL");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sim_storage_add_fills_first_free_slot),
                cmocka_unit_test(test_sim_storage_full_and_bad_input),
                cmocka_unit_test(test_sim_storage_delete_flags_27005),
                cmocka_unit_test(test_sim_storage_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
