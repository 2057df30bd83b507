/* Unit tests for src/daemon/manager.c without a bus: modems on real ptys,
 * ids never reused, the watches (added / changed / removing), removal
 * deferred to the event loop, free with live modems. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/manager.h"

typedef struct Counts {
        unsigned added, removing, changed_state;
        uint32_t last_id;
} Counts;

static void on_added(Manager *m, Modem *modem, void *userdata) {
        Counts *c = userdata;
        c->added++;
        c->last_id = modem_get_id(modem);
        assert_int_equal(modem_get_state(modem), MODEM_STATE_PROBING);
}

static void on_changed(Manager *m, Modem *modem, unsigned props, void *userdata) {
        Counts *c = userdata;
        if (props & MODEM_PROP_STATE)
                c->changed_state++;
}

static void on_removing(Manager *m, Modem *modem, void *userdata) {
        Counts *c = userdata;
        c->removing++;
}

static int open_pty(char *slave, size_t size) {
        int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
        assert_true(fd >= 0);
        assert_int_equal(grantpt(fd), 0);
        assert_int_equal(unlockpt(fd), 0);
        assert_int_equal(ptsname_r(fd, slave, size), 0);
        return fd;
}

/* Runs the loop until the master sees "AT\r" (the probe's first command). */
static void wait_for_at(sd_event *e, int master) {
        char buf[64];
        size_t n = 0;

        for (int i = 0; i < 100 && !memmem(buf, n, "AT\r", 3); i++) {
                ssize_t k;
                (void)sd_event_run(e, 20 * 1000);
                k = read(master, buf + n, sizeof(buf) - 1 - n);
                if (k > 0)
                        n += (size_t)k;
        }
        assert_non_null(memmem(buf, n, "AT\r", 3));
}

static void test_manager_add_remove_ids_and_watches(void **state) {
        sd_event *e = NULL;
        Manager *m = NULL;
        Counts c = { 0 };
        ManagerModemWatch w = { .added = on_added, .changed = on_changed, .removing = on_removing, .userdata = &c };
        char slave[128];
        int master = open_pty(slave, sizeof(slave));
        Modem *modem;

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(manager_new(e, NULL, &m), 0);
        assert_int_equal(manager_add_modem_watch(m, &w), 0);

        assert_int_equal(manager_add_port(m, "/dev/callstack-no-such-tty", NULL), -ENOENT);
        assert_int_equal(m->n_modems, 0);
        assert_int_equal(c.added, 0);

        assert_int_equal(manager_add_port(m, slave, NULL), 0);
        assert_int_equal(c.added, 1);
        assert_int_equal(c.last_id, 0);
        assert_int_equal(manager_add_port(m, slave, NULL), -EEXIST); /* one modem per port */
        modem = manager_find_modem_by_port(m, slave);
        assert_non_null(modem);
        assert_ptr_equal(manager_find_modem_by_path(m, "/org/callstack/Modem/0"), modem);
        assert_null(manager_find_modem_by_path(m, "/org/callstack/Modem/1"));
        wait_for_at(e, master);

        manager_remove_modem(m, modem);
        assert_int_equal(modem_get_state(modem), MODEM_STATE_GONE);
        assert_int_equal(c.changed_state, 1);
        /* still listed (ListModems shows it "gone") until the loop runs */
        assert_int_equal(m->n_modems, 1);
        assert_null(manager_find_modem_by_port(m, slave));
        assert_int_equal(c.removing, 0);
        (void)sd_event_run(e, 0);
        assert_int_equal(c.removing, 1);
        assert_int_equal(m->n_modems, 0);

        /* the same port again: a new object, N never reused */
        assert_int_equal(manager_add_port(m, slave, NULL), 1);
        assert_int_equal(c.last_id, 1);
        assert_null(manager_find_modem(m, 0));
        assert_non_null(manager_find_modem(m, 1));

        /* freeing with a live modem tells the watches too */
        manager_free(m);
        assert_int_equal(c.removing, 2);
        sd_event_unref(e);
        close(master);
}

static void test_manager_watch_limit(void **state) {
        sd_event *e = NULL;
        Manager *m = NULL;
        ManagerModemWatch w = { 0 };

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(manager_new(e, NULL, &m), 0);
        for (int i = 0; i < MANAGER_WATCHES_MAX; i++)
                assert_int_equal(manager_add_modem_watch(m, &w), 0);
        assert_int_equal(manager_add_modem_watch(m, &w), -ENOBUFS);
        assert_int_equal(manager_add_modem_watch(m, NULL), -EINVAL);
        manager_free(m);
        sd_event_unref(e);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_manager_add_remove_ids_and_watches),
                cmocka_unit_test(test_manager_watch_limit),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
