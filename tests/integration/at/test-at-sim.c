/* Integration test: the AT engine (AtChannel on sd-event) against
 * callstack-modem-sim on a real pseudo-terminal.  Identity read, a URC
 * injected through the control socket while a command waits for its answer,
 * and unplug in the middle of a command (the command fails with
 * AT_FINAL_GONE, the channel reports gone exactly once).
 *
 * Exit 77 when the simulator is missing.  With CALLSTACK_VALGRIND=1 the
 * program re-executes itself under valgrind (leak check). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "at/at-channel.h"

static char sim_path[4096];

typedef struct Sim {
        pid_t pid;
        char dir[64];
        char link[128];
        char ctl[96];
        int ctl_fd;
        sd_event *event;
        AtChannel *ch;
        int disconnects;
} Sim;

typedef struct Resp {
        int calls;
        AtFinal final;
        size_t n_lines;
        char lines[8][256];
} Resp;

typedef struct Urcs {
        int calls;
        char line[256];
        int resp_calls_when_seen;
        Resp *watch;
} Urcs;

static uint64_t now(void) {
        return now_usec_monotonic();
}

/* Reads one line from fd (blocking with a deadline); returns length or -1. */
static int read_line(int fd, char *buf, size_t size, uint64_t timeout_usec) {
        size_t n = 0;
        uint64_t end = now() + timeout_usec;
        while (n + 1 < size) {
                struct pollfd p = {.fd = fd, .events = POLLIN};
                char c;
                int left = (int)((end - now()) / 1000);
                if (now() >= end || poll(&p, 1, left > 0 ? left : 1) <= 0) {
                        if (now() >= end)
                                return -1;
                        continue;
                }
                if (read(fd, &c, 1) != 1)
                        return -1;
                if (c == '\n')
                        break;
                buf[n++] = c;
        }
        buf[n] = '\0';
        return (int)n;
}

/* Sends one control command; returns 0 on "OK", -1 on "ERR ...". */
static int control(Sim *s, const char *cmd) {
        char line[512];
        assert_int_equal(write(s->ctl_fd, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
        assert_int_equal(write(s->ctl_fd, "\n", 1), 1);
        for (;;) {
                assert_true(read_line(s->ctl_fd, line, sizeof(line), 10 * USEC_PER_SEC) >= 0);
                if (strcmp(line, "OK") == 0)
                        return 0;
                if (strncmp(line, "ERR", 3) == 0) {
                        fprintf(stderr, "control '%s': %s\n", cmd, line);
                        return -1;
                }
        }
}

static void on_disconnect(AtChat *chat, int error, void *userdata) {
        Sim *s = userdata;
        s->disconnects++;
}

static int sim_start(void **state) {
        Sim *s = calloc(1, sizeof(Sim));
        int out[2];
        char line[512];
        struct sockaddr_un sa = {.sun_family = AF_UNIX};

        snprintf(s->dir, sizeof(s->dir), "/tmp/at-sim-XXXXXX");
        assert_non_null(mkdtemp(s->dir));
        snprintf(s->link, sizeof(s->link), "%s/ttySIM0", s->dir);
        snprintf(s->ctl, sizeof(s->ctl), "%s/control", s->dir);
        assert_int_equal(pipe2(out, O_CLOEXEC), 0);
        s->pid = fork();
        assert_true(s->pid >= 0);
        if (s->pid == 0) {
                dup2(out[1], STDOUT_FILENO);
                execl(sim_path, sim_path, "--profile", "sim7600", "--link", s->link, "--control", s->ctl,
                      (char *)NULL);
                _exit(127);
        }
        close(out[1]);
        assert_true(read_line(out[0], line, sizeof(line), 20 * USEC_PER_SEC) > 0);
        assert_true(strncmp(line, "READY ", 6) == 0);
        close(out[0]);

        s->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_true(s->ctl_fd >= 0);
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", s->ctl);
        assert_int_equal(connect(s->ctl_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);

        assert_int_equal(sd_event_new(&s->event), 0);
        assert_int_equal(at_channel_open(s->event, s->link, &s->ch), 0);
        at_chat_set_disconnect_func(at_channel_get_chat(s->ch), on_disconnect, s);
        *state = s;
        return 0;
}

static int sim_stop(void **state) {
        Sim *s = *state;
        char path[256];
        at_channel_free(s->ch);
        sd_event_unref(s->event);
        if (s->ctl_fd >= 0)
                close(s->ctl_fd);
        if (s->pid > 0) {
                kill(s->pid, SIGTERM);
                waitpid(s->pid, NULL, 0);
        }
        unlink(s->link);
        unlink(s->ctl);
        snprintf(path, sizeof(path), "%s", s->dir);
        rmdir(path);
        free(s);
        return 0;
}

static void on_resp(AtChat *chat, const AtResponse *r, void *userdata) {
        Resp *out = userdata;
        out->calls++;
        out->final = r->final;
        out->n_lines = r->n_lines;
        for (size_t i = 0; i < r->n_lines && i < 8; i++)
                snprintf(out->lines[i], sizeof(out->lines[i]), "%s", r->lines[i]);
}

static void on_urc(AtChat *chat, const char *line, const char *pdu, void *userdata) {
        Urcs *u = userdata;
        u->calls++;
        snprintf(u->line, sizeof(u->line), "%s", line);
        u->resp_calls_when_seen = u->watch ? u->watch->calls : -1;
}

static void run_until(Sim *s, const int *flag, uint64_t timeout_usec) {
        uint64_t end = now() + timeout_usec;
        while (*flag == 0 && now() < end)
                assert_true(sd_event_run(s->event, 50 * USEC_PER_MSEC) >= 0);
        assert_true(*flag != 0);
}

static void run_for(Sim *s, uint64_t usec) {
        uint64_t end = now() + usec;
        while (now() < end)
                assert_true(sd_event_run(s->event, end - now()) >= 0);
}

static void command(Sim *s, const char *cmd, const char *const *prefixes, Resp *r) {
        memset(r, 0, sizeof(*r));
        assert_true(at_chat_send_simple(at_channel_get_chat(s->ch), cmd, prefixes, 0, NULL, on_resp, r) > 0);
        run_until(s, &r->calls, 10 * USEC_PER_SEC);
}

static void test_at_sim_sim7600_identity(void **state) {
        Sim *s = *state;
        Resp r;
        command(s, "AT", NULL, &r); /* echo still on: skipped by the chat */
        assert_int_equal(r.final, AT_FINAL_OK);
        assert_int_equal(r.n_lines, 0);
        command(s, "ATE0", NULL, &r);
        assert_int_equal(r.final, AT_FINAL_OK);
        command(s, "ATI", NULL, &r);
        assert_int_equal(r.final, AT_FINAL_OK);
        assert_true(r.n_lines >= 3);
        assert_string_equal(r.lines[0], "Manufacturer: SIMCOM INCORPORATED");
        assert_string_equal(r.lines[1], "Model: SIMCOM_SIM7600E-H");
        command(s, "AT+CGMI", NULL, &r);
        assert_int_equal(r.n_lines, 1);
        assert_string_equal(r.lines[0], "SIMCOM INCORPORATED");
        command(s, "AT+CGMM", NULL, &r);
        assert_int_equal(r.n_lines, 1);
        assert_string_equal(r.lines[0], "SIMCOM_SIM7600E-H");
        command(s, "AT+CGMR", NULL, &r);
        assert_int_equal(r.n_lines, 1);
        assert_string_equal(r.lines[0], "+CGMR: LE20B04SIM7600M22");
        command(s, "AT+NOSUCHTHING", NULL, &r);
        assert_true(r.final == AT_FINAL_ERROR || r.final == AT_FINAL_CME_ERROR);
        assert_int_equal(r.n_lines, 0);
}

static void test_at_sim_urc_injected_mid_response(void **state) {
        static const char *const csq[] = {"+CSQ:", NULL};
        Sim *s = *state;
        AtChat *chat = at_channel_get_chat(s->ch);
        Resp r = {};
        Urcs u = {.watch = &r};

        assert_true(at_chat_register_urc(chat, "+CMTI:", false, on_urc, &u, s) > 0);
        assert_int_equal(control(s, "delay 600"), 0);
        assert_true(at_chat_send_simple(chat, "AT+CSQ", csq, 0, NULL, on_resp, &r) > 0);
        run_for(s, 150 * USEC_PER_MSEC); /* the echo is in, the answer is not */
        assert_int_equal(r.calls, 0);
        assert_int_equal(control(s, "urc +CMTI: \"SM\",3"), 0);
        run_until(s, &r.calls, 10 * USEC_PER_SEC);
        assert_int_equal(r.final, AT_FINAL_OK);
        assert_int_equal(r.n_lines, 1);
        assert_true(strncmp(r.lines[0], "+CSQ: ", 6) == 0);
        assert_int_equal(u.calls, 1);
        assert_string_equal(u.line, "+CMTI: \"SM\",3");
        assert_int_equal(u.resp_calls_when_seen, 0); /* it came before the answer */
        assert_int_equal(control(s, "delay 0"), 0);

        /* Strictly inside a multi-line answer: the simulator drops its own
         * reply to ATI and we play one with a URC between its lines. */
        {
                static const char reply[] = "\r\nManufacturer: SIMCOM INCORPORATED\r\n"
                                            "\r\n+CMTI: \"SM\",4\r\n"
                                            "Model: SIMCOM_SIM7600E-H\r\n\r\nOK\r\n";
                char cmd[512] = "raw ";
                for (size_t i = 0; reply[i]; i++)
                        snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "%02x",
                                 (unsigned char)reply[i]);
                memset(&r, 0, sizeof(r));
                assert_int_equal(control(s, "drop 1"), 0);
                assert_true(at_chat_send_simple(chat, "ATI", NULL, 0, NULL, on_resp, &r) > 0);
                run_for(s, 200 * USEC_PER_MSEC);
                assert_int_equal(r.calls, 0);
                assert_int_equal(control(s, cmd), 0);
                run_until(s, &r.calls, 10 * USEC_PER_SEC);
                assert_int_equal(r.final, AT_FINAL_OK);
                assert_int_equal(r.n_lines, 2);
                assert_string_equal(r.lines[0], "Manufacturer: SIMCOM INCORPORATED");
                assert_string_equal(r.lines[1], "Model: SIMCOM_SIM7600E-H");
                assert_int_equal(u.calls, 2);
                assert_string_equal(u.line, "+CMTI: \"SM\",4");
                assert_int_equal(u.resp_calls_when_seen, 0);
        }

        /* The log shows one command, no stray bytes from us. */
        r.calls = 0;
        assert_true(at_chat_send_simple(chat, "AT+CREG?", NULL, 0, NULL, on_resp, &r) > 0);
        run_until(s, &r.calls, 10 * USEC_PER_SEC);
        assert_int_equal(r.final, AT_FINAL_OK);
        assert_true(strncmp(r.lines[0], "+CREG: ", 7) == 0);
        at_chat_cancel_owner(chat, s);
}

static void test_at_sim_unplug_mid_command(void **state) {
        Sim *s = *state;
        AtChat *chat = at_channel_get_chat(s->ch);
        Resp r = {}, queued = {};

        assert_int_equal(control(s, "delay 3000"), 0);
        assert_true(at_chat_send_simple(chat, "AT+CGMR", NULL, 0, NULL, on_resp, &r) > 0);
        assert_true(at_chat_send_simple(chat, "AT+CSQ", NULL, 0, NULL, on_resp, &queued) > 0);
        run_for(s, 100 * USEC_PER_MSEC);
        assert_int_equal(r.calls, 0);
        assert_int_equal(control(s, "unplug"), 0);
        run_until(s, &s->disconnects, 10 * USEC_PER_SEC);
        assert_int_equal(r.calls, 1);
        assert_int_equal(r.final, AT_FINAL_GONE);
        assert_int_equal(at_final_to_errno(r.final), -ENODEV);
        assert_int_equal(queued.calls, 1);
        assert_int_equal(queued.final, AT_FINAL_GONE);
        assert_true(at_channel_is_gone(s->ch));
        run_for(s, 300 * USEC_PER_MSEC);
        assert_int_equal(s->disconnects, 1);
        assert_int_equal(r.calls, 1);
        assert_int_equal(at_chat_send_simple(chat, "AT", NULL, 0, NULL, on_resp, &r), -ENODEV);
}

int main(int argc, char *argv[]) {
        const char *env = getenv("CALLSTACK_MODEM_SIM"), *build = getenv("CALLSTACK_BUILD_DIR");

        if (getenv("CALLSTACK_VALGRIND") && strcmp(getenv("CALLSTACK_VALGRIND"), "1") == 0 &&
            !getenv("AT_SIM_UNDER_VALGRIND")) {
                setenv("AT_SIM_UNDER_VALGRIND", "1", 1);
                execlp("valgrind", "valgrind", "--quiet", "--leak-check=full",
                       "--show-leak-kinds=definite,indirect", "--errors-for-leak-kinds=definite,indirect",
                       "--error-exitcode=1", argv[0], (char *)NULL);
                fprintf(stderr, "valgrind not found\n");
                return 77;
        }

        if (env)
                snprintf(sim_path, sizeof(sim_path), "%s", env);
        else
                snprintf(sim_path, sizeof(sim_path), "%s/tools/modem-sim/callstack-modem-sim", build ?: ".");
        if (access(sim_path, X_OK) < 0) {
                fprintf(stderr, "skip: %s not built\n", sim_path);
                return 77;
        }
        signal(SIGPIPE, SIG_IGN);

        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_at_sim_sim7600_identity, sim_start, sim_stop),
                cmocka_unit_test_setup_teardown(test_at_sim_urc_injected_mid_response, sim_start, sim_stop),
                cmocka_unit_test_setup_teardown(test_at_sim_unplug_mid_command, sim_start, sim_stop),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
