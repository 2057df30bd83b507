/* Transcript replay, see sim-script.h.  Timed transcripts ("t=1.502 TX:
 * ...") are accepted; lines that are neither TX nor RX are ignored. */
#include "sim-script.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim-modem-private.h"

typedef struct SimScriptEntry {
        char *tx; /* NULL for the lines before the first TX */
        char **rx;
        size_t n_rx;
        bool done;
} SimScriptEntry;

struct SimScript {
        SimScriptEntry *e;
        size_t n;
        size_t cursor;
};

static char *trim(char *s) {
        char *e;

        while (*s == ' ' || *s == '\t')
                s++;
        e = s + strlen(s);
        while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
                *--e = '\0';
        return s;
}

static int add_entry(SimScript *s, const char *tx) {
        SimScriptEntry *p = realloc(s->e, (s->n + 1) * sizeof(*p));

        if (!p)
                return -ENOMEM;
        s->e = p;
        p[s->n] = (SimScriptEntry){0};
        if (tx) {
                p[s->n].tx = strdup(tx);
                if (!p[s->n].tx)
                        return -ENOMEM;
        }
        s->n++;
        return 0;
}

static int add_rx(SimScript *s, const char *rx) {
        SimScriptEntry *e;
        char **p;

        if (s->n == 0 && add_entry(s, NULL) < 0)
                return -ENOMEM;
        e = &s->e[s->n - 1];
        p = realloc(e->rx, (e->n_rx + 1) * sizeof(char *));
        if (!p)
                return -ENOMEM;
        e->rx = p;
        p[e->n_rx] = strdup(rx);
        if (!p[e->n_rx])
                return -ENOMEM;
        e->n_rx++;
        return 0;
}

int sim_script_load(const char *path, SimScript **ret) {
        _cleanup_fclose_ FILE *f = NULL;
        SimScript *s;
        char buf[SIM_PROMPT_MAX];
        int r = 0;

        f = fopen(path, "re");
        if (!f)
                return -errno;
        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        while (fgets(buf, sizeof(buf), f)) {
                char *l = buf, *end;
                size_t n;

                /* Keep a trailing space: "RX: > " is the prompt. */
                n = strlen(l);
                while (n > 0 && (l[n - 1] == '\n' || l[n - 1] == '\r'))
                        l[--n] = '\0';
                while (*l == ' ' || *l == '\t')
                        l++;
                if (strncmp(l, "t=", 2) == 0) {
                        l = strchr(l, ' ');
                        if (!l)
                                continue;
                        l++;
                }
                if (strncmp(l, "TX:", 3) == 0) {
                        l = trim(l + 3);
                        end = strstr(l, "<Ctrl-Z>");
                        if (end)
                                *end = '\0';
                        r = add_entry(s, l);
                } else if (strncmp(l, "RX:", 3) == 0) {
                        l += 3;
                        if (*l == ' ')
                                l++;
                        r = add_rx(s, l);
                }
                if (r < 0)
                        break;
        }
        if (r < 0) {
                sim_script_free(s);
                return r;
        }
        *ret = s;
        return 0;
}

SimScript *sim_script_free(SimScript *s) {
        if (!s)
                return NULL;
        for (size_t i = 0; i < s->n; i++) {
                free(s->e[i].tx);
                for (size_t k = 0; k < s->e[i].n_rx; k++)
                        free(s->e[i].rx[k]);
                free(s->e[i].rx);
        }
        free(s->e);
        free(s);
        return NULL;
}

static void play(SimScriptEntry *e, SimModem *m, bool as_urc) {
        for (size_t k = 0; k < e->n_rx; k++) {
                const char *l = e->rx[k];

                if (strcmp(l, "> ") == 0 || strcmp(l, ">") == 0) {
                        sim_reply_raw(m, "\r\n> ", 4);
                        m->prompt = SIM_PROMPT_CMGS_PDU;
                        m->prompt_len = 0;
                } else if (e->tx && strcasecmp(l, e->tx) == 0) {
                        /* The modem's echo of the command. */
                        sim_reply_raw(m, l, strlen(l));
                        sim_reply_raw(m, "\r", 1);
                } else if (as_urc)
                        sim_emit_urc(m, l);
                else if (sim_is_final_result(l))
                        sim_reply_result(m, l);
                else
                        sim_reply_line(m, l);
        }
        sim_reply_flush(m);
}

void sim_script_start(SimScript *s, SimModem *m) {
        if (s->n > 0 && !s->e[0].tx) {
                play(&s->e[0], m, true);
                s->e[0].done = true;
                s->cursor = 1;
        }
}

bool sim_script_answer(SimScript *s, SimModem *m, const char *line) {
        _cleanup_free_ char *copy = strdup(line);
        char *l;

        if (!copy)
                return false;
        /* The lines recorded before the first TX go out when the host first
         * talks to us: written earlier they would sit in the pty buffer and
         * be flushed by the host's tcsetattr(TCSAFLUSH)/tcflush on open. */
        if (s->cursor == 0)
                sim_script_start(s, m);
        l = trim(copy);
        for (size_t i = s->cursor; i < s->n; i++) {
                SimScriptEntry *e = &s->e[i];

                if (e->done || !e->tx || strcasecmp(e->tx, l) != 0)
                        continue;
                e->done = true;
                s->cursor = i + 1;
                play(e, m, false);
                return true;
        }
        return false;
}

unsigned sim_script_remaining(SimScript *s) {
        unsigned n = 0;

        for (size_t i = 0; i < s->n; i++)
                n += s->e[i].tx && !s->e[i].done;
        return n;
}
