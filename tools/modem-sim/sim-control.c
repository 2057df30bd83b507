/* Control socket of callstack-modem-sim, see sim-control.h.  Test code
 * drives the simulated network and inspects what the host sent through it.
 * Each client gets answers in order; many clients may be connected. */
#include "sim-control.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sim-call.h"
#include "sim-sms.h"
#include "sim-ussd.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/strutil.h"

#define CONTROL_LINE_MAX (64 * 1024)

typedef struct SimClient {
        struct SimClient *next;
        struct SimControl *control;
        int fd;
        sd_event_source *source;
        char *in;
        size_t in_len;
        char *out;
        size_t out_len, out_off;
        bool overflow;
} SimClient;

struct SimControl {
        SimApp *app;
        char *path;
        int fd;
        sd_event_source *source;
        SimClient *clients;
};

/* ---- command parsing ------------------------------------------------- */

/* Splits into at most max words (blank separated); words in double quotes
 * may hold blanks and the escapes \" \\ \n \r \t \xHH.  Returns the count
 * or -EINVAL. */
int sim_control_split(const char *s, char **words, size_t max, char *buf, size_t buf_size) {
        size_t n = 0, o = 0;
        const char *p = s;

        while (*p) {
                while (*p == ' ' || *p == '\t')
                        p++;
                if (!*p)
                        break;
                if (n == max)
                        return -E2BIG;
                words[n++] = buf + o;
                if (*p == '"') {
                        p++;
                        while (*p && *p != '"') {
                                char c = *p++;
                                if (c == '\\' && *p) {
                                        c = *p++;
                                        if (c == 'n')
                                                c = '\n';
                                        else if (c == 'r')
                                                c = '\r';
                                        else if (c == 't')
                                                c = '\t';
                                        else if (c == 'x' && isxdigit((unsigned char)p[0]) &&
                                                 isxdigit((unsigned char)p[1])) {
                                                c = (char)strtol((char[]){p[0], p[1], 0}, NULL, 16);
                                                p += 2;
                                        }
                                }
                                if (o + 1 >= buf_size)
                                        return -E2BIG;
                                buf[o++] = c;
                        }
                        if (*p != '"')
                                return -EINVAL;
                        p++;
                } else {
                        while (*p && *p != ' ' && *p != '\t') {
                                if (o + 1 >= buf_size)
                                        return -E2BIG;
                                buf[o++] = *p++;
                        }
                }
                if (o + 1 >= buf_size)
                        return -E2BIG;
                buf[o++] = '\0';
        }
        return (int)n;
}

static bool parse_long(const char *s, long min, long max, long *ret) {
        char *end;
        long v;

        if (!s || !*s)
                return false;
        errno = 0;
        v = strtol(s, &end, 0);
        if (errno || *end || v < min || v > max)
                return false;
        *ret = v;
        return true;
}

/* The text after the first word, one blank removed, kept verbatim. */
static const char *rest_after(const char *line, const char *word) {
        const char *p = line;

        while (*p == ' ')
                p++;
        p += strlen(word);
        if (*p == ' ')
                p++;
        return p;
}

static const char help_text[] =
        "urc [--next|--inside] <text>   inject an unsolicited line (CRLF framed); --next: before\n"
        "                               the next reply, --inside: after its first line\n"
        "raw <hex>                      inject raw bytes\n"
        "set csq <rssi> <ber>           signal quality (+CSQ)\n"
        "set creg <stat> [lac ci act]   registration; emits +CREG/+CGREG/+CEREG when enabled\n"
        "set operator <name>            operator name (+COPS)\n"
        "delay <ms>                     reply latency\n"
        "drop <n>                       swallow the next n replies\n"
        "periodic <ms>                  profile's periodic URCs every ms (0 = off)\n"
        "unplug | replug                close the pty / create a new one\n"
        "log | log clear                command lines received\n"
        "status                         profile, link, latency\n"
        "sms ...                        see 'sms help'\n"
        "net report on|off|fail [st]    status reports for sent messages\n"
        "call incoming <n> | ring | alert | answer | busy | hangup [id] | list | dtmf\n"
        "ussd reply|network <text> [--more] [--ucs2] | ussd reply --none|--error | ussd sent\n"
        "quit                           exit\n";

static int execute(SimApp *app, const char *line, FILE *out, const char **ret_err) {
        char buf[CONTROL_LINE_MAX];
        char *w[32];
        int n;
        long a, b;

        n = sim_control_split(line, w, 32, buf, sizeof(buf));
        if (n < 0) {
                *ret_err = "bad quoting";
                return -EINVAL;
        }
        if (n == 0) {
                *ret_err = "empty command";
                return -EINVAL;
        }

        if (streq(w[0], "help")) {
                fputs(help_text, out);
                return 0;
        }
        if (streq(w[0], "urc")) {
                const char *text = rest_after(line, "urc");
                bool next = startswith(text, "--next "), inside = startswith(text, "--inside ");

                if (next || inside)
                        text = rest_after(text, next ? "--next" : "--inside");
                if (!*text || strpbrk(text, "\r\n")) {
                        *ret_err = "usage: urc [--next|--inside] <text>";
                        return -EINVAL;
                }
                if (next || inside) {
                        sim_modem_splice_urc(app->modem, text, inside);
                        return 0;
                }
                if (!sim_io_is_plugged(app->io)) {
                        *ret_err = "unplugged";
                        return -ENODEV;
                }
                sim_modem_inject_urc(app->modem, text);
                return 0;
        }
        if (streq(w[0], "raw")) {
                uint8_t bytes[CONTROL_LINE_MAX / 2];
                int r;

                if (n != 2) {
                        *ret_err = "usage: raw <hex>";
                        return -EINVAL;
                }
                r = hex_decode(w[1], strlen(w[1]), bytes, sizeof(bytes));
                if (r <= 0) {
                        *ret_err = "bad hex";
                        return -EINVAL;
                }
                if (!sim_io_is_plugged(app->io)) {
                        *ret_err = "unplugged";
                        return -ENODEV;
                }
                sim_modem_inject_raw(app->modem, bytes, (size_t)r);
                return 0;
        }
        if (streq(w[0], "set") && n >= 2) {
                if (streq(w[1], "csq")) {
                        if (n != 4 || !parse_long(w[2], 0, 99, &a) || !parse_long(w[3], 0, 99, &b) ||
                            sim_modem_set_csq(app->modem, (int)a, (int)b) < 0) {
                                *ret_err = "usage: set csq <0-31|99> <0-7|99>";
                                return -EINVAL;
                        }
                        return 0;
                }
                if (streq(w[1], "creg")) {
                        long act = -1;
                        if ((n != 3 && n != 6) || !parse_long(w[2], 0, 10, &a) ||
                            (n == 6 && !parse_long(w[5], 0, 13, &act)) ||
                            sim_modem_set_registration(app->modem, (int)a, n == 6 ? w[3] : NULL,
                                                       n == 6 ? w[4] : NULL, (int)act) < 0) {
                                *ret_err = "usage: set creg <stat> [<lac-hex> <ci-hex> <act>]";
                                return -EINVAL;
                        }
                        return 0;
                }
                if (streq(w[1], "operator")) {
                        /* The rest of the line verbatim, or one double-quoted word
                         * (quoting works here as everywhere in the protocol). */
                        const char *name = rest_after(rest_after(line, "set"), "operator");
                        if (*name == '"')
                                name = n == 3 ? w[2] : "";
                        if (sim_modem_set_operator(app->modem, name) < 0) {
                                *ret_err = "usage: set operator <name>";
                                return -EINVAL;
                        }
                        return 0;
                }
                *ret_err = "unknown setting";
                return -EINVAL;
        }
        if (streq(w[0], "delay")) {
                if (n != 2 || !parse_long(w[1], 0, 600000, &a)) {
                        *ret_err = "usage: delay <ms>";
                        return -EINVAL;
                }
                sim_io_set_latency(app->io, (uint64_t)a * USEC_PER_MSEC);
                return 0;
        }
        if (streq(w[0], "drop")) {
                if (n != 2 || !parse_long(w[1], 0, 1000000, &a)) {
                        *ret_err = "usage: drop <n>";
                        return -EINVAL;
                }
                sim_io_drop(app->io, (unsigned)a);
                return 0;
        }
        if (streq(w[0], "periodic")) {
                if (n != 2 || !parse_long(w[1], 0, 3600000, &a)) {
                        *ret_err = "usage: periodic <ms>";
                        return -EINVAL;
                }
                if (a > 0 && !app->profile->periodic_urcs) {
                        *ret_err = "profile has no periodic URCs";
                        return -EOPNOTSUPP;
                }
                return sim_app_set_periodic(app, (uint64_t)a * USEC_PER_MSEC);
        }
        if (streq(w[0], "unplug")) {
                if (sim_io_unplug(app->io) < 0) {
                        *ret_err = "already unplugged";
                        return -EALREADY;
                }
                return 0;
        }
        if (streq(w[0], "replug")) {
                int r = sim_io_plug(app->io);
                if (r == -EALREADY) {
                        *ret_err = "already plugged";
                        return r;
                }
                if (r < 0) {
                        *ret_err =
                                r == -EOPNOTSUPP ? "cannot replug a handed-over fd" : "pty creation failed";
                        return r;
                }
                sim_modem_power_cycle(app->modem);
                fprintf(out, "%s\n", sim_io_slave_path(app->io));
                return 0;
        }
        if (streq(w[0], "log")) {
                if (n == 2 && streq(w[1], "clear")) {
                        sim_modem_log_clear(app->modem);
                        return 0;
                }
                if (n != 1) {
                        *ret_err = "usage: log [clear]";
                        return -EINVAL;
                }
                for (size_t i = 0; i < sim_modem_log_count(app->modem); i++) {
                        for (const char *c = sim_modem_log_get(app->modem, i); *c; c++) {
                                /* Multi-line text typed at a text-mode prompt: keep one entry per line. */
                                if (*c == '\n')
                                        fputs("\\n", out);
                                else if (*c == '\r')
                                        fputs("\\r", out);
                                else
                                        fputc(*c, out);
                        }
                        fputc('\n', out);
                }
                return 0;
        }
        if (streq(w[0], "status")) {
                fprintf(out, "profile %s\n", app->profile->id);
                fprintf(out, "plugged %s\n", sim_io_is_plugged(app->io) ? "yes" : "no");
                if (sim_io_slave_path(app->io))
                        fprintf(out, "tty %s\n", sim_io_slave_path(app->io));
                fprintf(out, "latency-ms %llu\n",
                        (unsigned long long)(sim_io_get_latency(app->io) / USEC_PER_MSEC));
                if (app->script)
                        fprintf(out, "script-remaining %u\n", sim_script_remaining(app->script));
                return 0;
        }
        if (streq(w[0], "sms") || streq(w[0], "net"))
                return sim_sms_control(app->modem, line, (const char *const *)w, (size_t)n, out, ret_err);
        if (streq(w[0], "call"))
                return sim_call_control(app->modem, (const char *const *)w, (size_t)n, out, ret_err);
        if (streq(w[0], "ussd"))
                return sim_ussd_control(app->modem, (const char *const *)w, (size_t)n, out, ret_err);
        if (streq(w[0], "quit"))
                return 1;
        *ret_err = "unknown command";
        return -EINVAL;
}

int sim_control_execute(SimApp *app, const char *line, char **ret_output) {
        char *buf = NULL;
        size_t size = 0;
        FILE *out;
        const char *err = "failed";
        int r;

        out = open_memstream(&buf, &size);
        if (!out)
                return -ENOMEM;
        r = execute(app, line, out, &err);
        if (r < 0)
                fprintf(out, "ERR %s\n", err);
        else
                fputs("OK\n", out);
        fclose(out);
        *ret_output = buf;
        return r == 1 ? 1 : 0;
}

/* ---- socket ---------------------------------------------------------- */

static void client_free(SimClient *cl) {
        SimControl *c = cl->control;

        for (SimClient **pp = &c->clients; *pp; pp = &(*pp)->next)
                if (*pp == cl) {
                        *pp = cl->next;
                        break;
                }
        sd_event_source_disable_unref(cl->source);
        close(cl->fd);
        free(cl->in);
        free(cl->out);
        free(cl);
}

static void client_flush(SimClient *cl) {
        while (cl->out_off < cl->out_len) {
                ssize_t n = write(cl->fd, cl->out + cl->out_off, cl->out_len - cl->out_off);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                cl->out_off += (size_t)n;
        }
        if (cl->out_off == cl->out_len)
                cl->out_off = cl->out_len = 0;
        (void)sd_event_source_set_io_events(cl->source, EPOLLIN | (cl->out_len ? EPOLLOUT : 0));
}

static int client_queue(SimClient *cl, const char *s) {
        size_t n = strlen(s);
        char *p = realloc(cl->out, cl->out_len + n + 1);

        if (!p)
                return -ENOMEM;
        memcpy(p + cl->out_len, s, n);
        cl->out = p;
        cl->out_len += n;
        return 0;
}

static int on_client(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        SimClient *cl = userdata;
        SimApp *app = cl->control->app;
        bool quit = false;

        if (revents & EPOLLIN) {
                char buf[4096];
                ssize_t n = read(fd, buf, sizeof(buf));
                char *nl;

                if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                        client_free(cl);
                        return 0;
                }
                if (n > 0) {
                        char *p = realloc(cl->in, cl->in_len + (size_t)n + 1);
                        if (!p) {
                                client_free(cl);
                                return 0;
                        }
                        cl->in = p;
                        memcpy(cl->in + cl->in_len, buf, (size_t)n);
                        cl->in_len += (size_t)n;
                        cl->in[cl->in_len] = '\0';
                }
                while (!quit && (nl = memchr(cl->in, '\n', cl->in_len))) {
                        _cleanup_free_ char *answer = NULL;
                        size_t len = (size_t)(nl - cl->in);

                        *nl = '\0';
                        if (len > 0 && cl->in[len - 1] == '\r')
                                cl->in[len - 1] = '\0';
                        if (cl->overflow) {
                                cl->overflow = false;
                                answer = strdup("ERR line too long\n");
                        } else if (sim_control_execute(app, cl->in, &answer) == 1)
                                quit = true;
                        if (answer)
                                (void)client_queue(cl, answer);
                        memmove(cl->in, nl + 1, cl->in_len - len - 1);
                        cl->in_len -= len + 1;
                        cl->in[cl->in_len] = '\0';
                }
                if (cl->in_len > CONTROL_LINE_MAX) {
                        cl->overflow = true;
                        cl->in_len = 0;
                }
        }
        client_flush(cl);
        if (revents & (EPOLLHUP | EPOLLERR) && !(revents & EPOLLIN)) {
                client_free(cl);
                return 0;
        }
        if (quit)
                sd_event_exit(app->event, 0);
        return 0;
}

static int on_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        SimControl *c = userdata;
        SimClient *cl;
        int cfd;

        cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd < 0)
                return 0;
        cl = calloc(1, sizeof(*cl));
        if (!cl) {
                close(cfd);
                return 0;
        }
        cl->fd = cfd;
        cl->control = c;
        if (sd_event_add_io(c->app->event, &cl->source, cfd, EPOLLIN, on_client, cl) < 0) {
                close(cfd);
                free(cl);
                return 0;
        }
        cl->next = c->clients;
        c->clients = cl;
        return 0;
}

int sim_control_new(SimApp *app, const char *path, SimControl **ret) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        struct stat st;
        SimControl *c;
        int r;

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, strlen(path) + 1);
        /* Replace a stale socket, never another kind of file. */
        if (lstat(path, &st) == 0) {
                if (!S_ISSOCK(st.st_mode))
                        return -EEXIST;
                (void)unlink(path);
        }
        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->app = app;
        c->path = strdup(path);
        c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (!c->path || c->fd < 0) {
                r = c->path ? -errno : -ENOMEM;
                goto fail;
        }
        if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(c->fd, 16) < 0) {
                r = -errno;
                goto fail;
        }
        r = sd_event_add_io(app->event, &c->source, c->fd, EPOLLIN, on_accept, c);
        if (r < 0)
                goto fail;
        *ret = c;
        return 0;
fail:
        if (c->fd >= 0)
                close(c->fd);
        free(c->path);
        free(c);
        return r;
}

SimControl *sim_control_free(SimControl *c) {
        if (!c)
                return NULL;
        while (c->clients) {
                client_flush(c->clients);
                client_free(c->clients);
        }
        sd_event_source_disable_unref(c->source);
        close(c->fd);
        (void)unlink(c->path);
        free(c->path);
        free(c);
        return NULL;
}
