/* Unit tests for AtChannel on a real pseudo-terminal and sd-event: raw
 * I/O, the timer armed from the chat's deadline, hang-up reported once,
 * the channel freed from inside its own disconnect callback. */
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
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "at/at-channel.h"

typedef struct Fx {
        sd_event *event;
        int master;
        char slave[128];
        AtChannel *ch;
        int disconnects;
        int disconnect_error;
        bool free_in_disconnect;
} Fx;

typedef struct Resp {
        int calls;
        AtFinal final;
        size_t n_lines;
        char line0[256];
        uint64_t at;
} Resp;

static int setup(void **state) {
        Fx *f = calloc(1, sizeof(Fx));
        assert_int_equal(sd_event_new(&f->event), 0);
        f->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        assert_true(f->master >= 0);
        assert_int_equal(grantpt(f->master), 0);
        assert_int_equal(unlockpt(f->master), 0);
        assert_int_equal(ptsname_r(f->master, f->slave, sizeof(f->slave)), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fx *f = *state;
        at_channel_free(f->ch);
        if (f->master >= 0)
                close(f->master);
        sd_event_unref(f->event);
        free(f);
        return 0;
}

static void on_disconnect(AtChat *chat, int error, void *userdata) {
        Fx *f = userdata;
        f->disconnects++;
        f->disconnect_error = error;
        if (f->free_in_disconnect)
                f->ch = at_channel_free(f->ch);
}

static void on_resp(AtChat *chat, const AtResponse *r, void *userdata) {
        Resp *out = userdata;
        out->calls++;
        out->final = r->final;
        out->n_lines = r->n_lines;
        out->at = now_usec_monotonic();
        if (r->n_lines > 0)
                snprintf(out->line0, sizeof(out->line0), "%s", r->lines[0]);
}

/* Runs the loop until *flag becomes non-zero or 5 s pass. */
static void run_until(Fx *f, const int *flag) {
        uint64_t end = now_usec_monotonic() + 5 * USEC_PER_SEC;
        while (*flag == 0 && now_usec_monotonic() < end)
                assert_true(sd_event_run(f->event, 100 * USEC_PER_MSEC) >= 0);
        assert_true(*flag != 0);
}

/* Reads what the channel wrote to the master side (up to a CR). */
static void master_expect(Fx *f, const char *expected) {
        char buf[256];
        size_t n = 0, want = strlen(expected);
        uint64_t end = now_usec_monotonic() + 5 * USEC_PER_SEC;
        while (n < want && now_usec_monotonic() < end) {
                struct pollfd p = {.fd = f->master, .events = POLLIN};
                ssize_t k;
                /* Let the loop flush buffered writes. */
                (void)sd_event_run(f->event, 0);
                if (poll(&p, 1, 50) <= 0)
                        continue;
                k = read(f->master, buf + n, want - n);
                if (k > 0)
                        n += (size_t)k;
        }
        buf[n] = '\0';
        assert_string_equal(buf, expected);
}

static void master_write(Fx *f, const char *s) {
        assert_int_equal(write(f->master, s, strlen(s)), (ssize_t)strlen(s));
}

static void open_channel(Fx *f) {
        assert_int_equal(at_channel_open(f->event, f->slave, &f->ch), 0);
        at_chat_set_disconnect_func(at_channel_get_chat(f->ch), on_disconnect, f);
}

static void test_at_channel_pty_raw_exchange(void **state) {
        Fx *f = *state;
        Resp r = {};
        struct termios t;
        int fd;
        open_channel(f);
        /* Raw mode: the CR we write must arrive as CR, not as LF. */
        fd = open(f->slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(tcgetattr(fd, &t), 0);
        assert_int_equal(t.c_lflag & (ICANON | ECHO), 0);
        assert_int_equal(cfgetospeed(&t), B115200);
        close(fd);

        assert_true(at_chat_send_simple(at_channel_get_chat(f->ch), "AT+CGMI", NULL, 0, NULL, on_resp, &r) > 0);
        master_expect(f, "AT+CGMI\r");
        master_write(f, "AT+CGMI\r\r\nSIMCOM INCORPORATED\r\n\r\nOK\r\n");
        run_until(f, &r.calls);
        assert_int_equal(r.final, AT_FINAL_OK);
        assert_int_equal(r.n_lines, 1);
        assert_string_equal(r.line0, "SIMCOM INCORPORATED");
        assert_false(at_channel_is_gone(f->ch));
}

static void test_at_channel_timer_fires_timeout(void **state) {
        Fx *f = *state;
        Resp r = {};
        uint64_t t0;
        open_channel(f);
        t0 = now_usec_monotonic();
        assert_true(at_chat_send_simple(at_channel_get_chat(f->ch), "AT+CPMS?", NULL, 50 * USEC_PER_MSEC, NULL,
                                        on_resp, &r) > 0);
        run_until(f, &r.calls);
        assert_int_equal(r.final, AT_FINAL_TIMEOUT);
        assert_true(r.at - t0 >= 50 * USEC_PER_MSEC);
}

static void test_at_channel_hangup_mid_command_reported_once(void **state) {
        Fx *f = *state;
        Resp r = {}, q = {};
        open_channel(f);
        assert_true(at_chat_send_simple(at_channel_get_chat(f->ch), "AT+CGMR", NULL, 0, NULL, on_resp, &r) > 0);
        assert_true(at_chat_send_simple(at_channel_get_chat(f->ch), "AT+CSQ", NULL, 0, NULL, on_resp, &q) > 0);
        master_expect(f, "AT+CGMR\r");
        master_write(f, "\r\nRevision: LE20B04SIM7600M22"); /* half a line, then unplug */
        close(f->master);
        f->master = -1;
        run_until(f, &f->disconnects);
        assert_int_equal(r.calls, 1);
        assert_int_equal(r.final, AT_FINAL_GONE);
        assert_int_equal(q.final, AT_FINAL_GONE);
        assert_true(f->disconnect_error < 0);
        assert_true(at_channel_is_gone(f->ch));
        /* Nothing more happens. */
        for (int i = 0; i < 5; i++)
                (void)sd_event_run(f->event, 10 * USEC_PER_MSEC);
        assert_int_equal(f->disconnects, 1);
        assert_int_equal(r.calls, 1);
        assert_int_equal(at_chat_send_simple(at_channel_get_chat(f->ch), "AT", NULL, 0, NULL, NULL, NULL), -ENODEV);
}

static void test_at_channel_free_inside_disconnect(void **state) {
        Fx *f = *state;
        Resp r = {};
        open_channel(f);
        f->free_in_disconnect = true;
        assert_true(at_chat_send_simple(at_channel_get_chat(f->ch), "AT", NULL, 0, NULL, on_resp, &r) > 0);
        master_expect(f, "AT\r");
        close(f->master);
        f->master = -1;
        run_until(f, &f->disconnects);
        assert_null(f->ch);
        assert_int_equal(r.final, AT_FINAL_GONE);
        (void)sd_event_run(f->event, 10 * USEC_PER_MSEC);
        assert_int_equal(f->disconnects, 1);
}

static void test_at_channel_free_fails_pending_without_disconnect(void **state) {
        Fx *f = *state;
        Resp r = {};
        open_channel(f);
        assert_true(at_chat_send_simple(at_channel_get_chat(f->ch), "AT", NULL, 0, NULL, on_resp, &r) > 0);
        f->ch = at_channel_free(f->ch);
        assert_int_equal(r.calls, 1);
        assert_int_equal(r.final, AT_FINAL_GONE);
        assert_int_equal(f->disconnects, 0);
}

static void test_at_channel_socketpair_eof(void **state) {
        Fx *f = *state;
        Resp r = {};
        int sv[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        assert_int_equal(at_channel_new_from_fd(f->event, sv[0], "sock", &f->ch), 0);
        at_chat_set_disconnect_func(at_channel_get_chat(f->ch), on_disconnect, f);
        assert_true(at_chat_send_simple(at_channel_get_chat(f->ch), "ATI", NULL, 0, NULL, on_resp, &r) > 0);
        assert_int_equal(write(sv[1], "\r\nQuectel\r\nEC25\r\nOK\r\n", 21), 21);
        run_until(f, &r.calls);
        assert_int_equal(r.n_lines, 2);
        close(sv[1]);
        run_until(f, &f->disconnects);
        assert_true(f->disconnect_error < 0); /* -EPIPE, or -ECONNRESET with unread data */
        assert_int_equal(f->disconnects, 1);
}

static void test_at_channel_open_missing_device(void **state) {
        Fx *f = *state;
        AtChannel *ch = NULL;
        assert_int_equal(at_channel_open(f->event, "/nonexistent/ttyUSB9", &ch), -ENOENT);
        assert_null(ch);
}

int main(void) {
        const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
                T(test_at_channel_pty_raw_exchange),
                T(test_at_channel_timer_fires_timeout),
                T(test_at_channel_hangup_mid_command_reported_once),
                T(test_at_channel_free_inside_disconnect),
                T(test_at_channel_free_fails_pending_without_disconnect),
                T(test_at_channel_socketpair_eof),
                T(test_at_channel_open_missing_device),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
