/* Voice calls of the simulated modem, see sim-call.h. */
#include "sim-call.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim-modem-private.h"

#define SIM_CALLS_MAX 7

typedef enum CallStat {
        CALL_ACTIVE = 0,
        CALL_HELD = 1,
        CALL_DIALING = 2,
        CALL_ALERTING = 3,
        CALL_INCOMING = 4,
        CALL_WAITING = 5,
} CallStat;

typedef struct SimCall {
        bool used;
        int dir; /* 0 MO, 1 MT */
        CallStat stat;
        char number[32];
        int64_t started; /* when it became active, 0 never */
} SimCall;

struct SimCalls {
        SimCall call[SIM_CALLS_MAX + 1]; /* ids 1..7 */
        bool clip, crc, colp;
        char *dtmf;
        size_t dtmf_len;
};

void sim_call_init(SimModem *m) {
        m->calls = calloc(1, sizeof(SimCalls));
}

void sim_call_power_cycle(SimModem *m) {
        if (!m->calls)
                return;
        memset(m->calls->call, 0, sizeof(m->calls->call));
        m->calls->clip = m->calls->crc = m->calls->colp = false;
}

void sim_call_done(SimModem *m) {
        if (!m->calls)
                return;
        free(m->calls->dtmf);
        free(m->calls);
        m->calls = NULL;
}

static unsigned toa(const char *number) {
        return number[0] == '+' ? 145 : 129;
}

static int free_id(SimCalls *c) {
        for (int i = 1; i <= SIM_CALLS_MAX; i++)
                if (!c->call[i].used)
                        return i;
        return -1;
}

static int find(SimCalls *c, int stat_mask) {
        for (int i = 1; i <= SIM_CALLS_MAX; i++)
                if (c->call[i].used && (stat_mask & (1 << c->call[i].stat)))
                        return i;
        return -1;
}

static SimVoiceDialect dialect(SimModem *m) {
        return m->profile->voice;
}

/* The URCs that say a call ended, after `later` or at once. */
static void ended(SimModem *m, int id, bool remote, bool later) {
        SimCall *call = &m->calls->call[id];
        int64_t dur = call->started ? sim_now(m) - call->started : 0;
        char buf[160];
        int n = 0;

        switch (dialect(m)) {
        case SIM_VOICE_HUAWEI:
                n = snprintf(buf, sizeof(buf), "\r\n^CEND:%d,%lld,%d,%d\r\n", id, (long long)dur,
                             remote ? 104 : 29, 16);
                break;
        case SIM_VOICE_SIMCOM:
                n = snprintf(buf, sizeof(buf), "\r\nVOICE CALL: END: %06lld\r\n%s", (long long)dur,
                             remote ? "\r\nNO CARRIER\r\n" : "");
                break;
        case SIM_VOICE_STANDARD:
                if (remote)
                        n = snprintf(buf, sizeof(buf), "\r\nNO CARRIER\r\n");
                break;
        }
        *call = (SimCall){0};
        if (n <= 0 || m->profile->silent)
                return;
        if (later)
                sim_queue_pending_raw(m, buf, (size_t)n, 1);
        else
                m->ops.output(m->userdata, SIM_OUT_URC, buf, (size_t)n);
}

static void connected(SimModem *m, int id, bool later) {
        SimCall *call = &m->calls->call[id];
        char buf[64];
        int n = 0;

        call->stat = CALL_ACTIVE;
        call->started = sim_now(m);
        if (dialect(m) == SIM_VOICE_HUAWEI)
                n = snprintf(buf, sizeof(buf), "\r\n^CONN:%d,0\r\n", id);
        else if (dialect(m) == SIM_VOICE_SIMCOM)
                n = snprintf(buf, sizeof(buf), "\r\nVOICE CALL: BEGIN\r\n");
        if (n <= 0 || m->profile->silent)
                return;
        if (later)
                sim_queue_pending_raw(m, buf, (size_t)n, 1);
        else
                m->ops.output(m->userdata, SIM_OUT_URC, buf, (size_t)n);
}

static void ring(SimModem *m, int id) {
        SimCall *call = &m->calls->call[id];
        char buf[160];
        int n;

        n = snprintf(buf, sizeof(buf), "\r\n%s\r\n", m->calls->crc ? "+CRING: VOICE" : "RING");
        if (m->calls->clip && n > 0)
                n += snprintf(buf + n, sizeof(buf) - (size_t)n, "\r\n+CLIP: \"%s\",%u,,,,%d\r\n",
                              call->number, call->number[0] ? toa(call->number) : 128,
                              call->number[0] ? 0 : 1);
        if (n > 0 && (size_t)n < sizeof(buf) && !m->profile->silent)
                m->ops.output(m->userdata, SIM_OUT_URC, buf, (size_t)n);
}

/* ATD<number>; (basic command D, the rest of the line). */
SimResult sim_call_dial(SimModem *m, const char *rest) {
        SimCalls *c = m->calls;
        char number[32];
        size_t n;
        int id;

        /* V.250 6.3.1.1: T (tone) and P (pulse) modifiers change nothing here. */
        if (*rest == 'T' || *rest == 't' || *rest == 'P' || *rest == 'p')
                rest++;
        n = strlen(rest);
        if (!c || n == 0 || rest[n - 1] != ';') {
                /* data calls are not simulated */
                sim_reply_result(m, "NO CARRIER");
                return SIM_RES_NONE;
        }
        n--;
        if (n == 0 || n >= sizeof(number) || strspn(rest, "+0123456789*#") < n || strchr(rest + 1, '+')) {
                m->err = 50;
                return SIM_RES_CME;
        }
        if (sim_effective_stat(m) != 1 && sim_effective_stat(m) != 5) {
                m->err = 30;
                return SIM_RES_CME;
        }
        if (find(c, 1 << CALL_DIALING | 1 << CALL_ALERTING | 1 << CALL_INCOMING) > 0 ||
            (id = free_id(c)) < 0) {
                m->err = 3;
                return SIM_RES_CME;
        }
        memcpy(number, rest, n);
        number[n] = '\0';
        /* An active call goes on hold when a second one is dialled. */
        for (int i = 1; i <= SIM_CALLS_MAX; i++)
                if (c->call[i].used && c->call[i].stat == CALL_ACTIVE)
                        c->call[i].stat = CALL_HELD;
        c->call[id] = (SimCall){.used = true, .dir = 0, .stat = CALL_DIALING};
        memcpy(c->call[id].number, number, n + 1);
        if (dialect(m) == SIM_VOICE_HUAWEI) {
                char buf[32];
                int k = snprintf(buf, sizeof(buf), "\r\n^ORIG:%d,0\r\n", id);
                sim_queue_pending_raw(m, buf, (size_t)k, 1);
        }
        return SIM_RES_OK;
}

SimResult sim_call_answer(SimModem *m) {
        int id = m->calls ? find(m->calls, 1 << CALL_INCOMING | 1 << CALL_WAITING) : -1;

        if (id < 0) {
                sim_reply_result(m, "NO CARRIER");
                return SIM_RES_NONE;
        }
        for (int i = 1; i <= SIM_CALLS_MAX; i++)
                if (i != id && m->calls->call[i].used && m->calls->call[i].stat == CALL_ACTIVE)
                        m->calls->call[i].stat = CALL_HELD;
        connected(m, id, true);
        return SIM_RES_OK;
}

/* ATH / AT+CHUP: ends every call. */
SimResult sim_call_hangup(SimModem *m) {
        if (!m->calls)
                return SIM_RES_OK;
        for (int i = 1; i <= SIM_CALLS_MAX; i++)
                if (m->calls->call[i].used)
                        ended(m, i, false, true);
        return SIM_RES_OK;
}

int sim_call_command(SimModem *m, const char *name, char form, const char *args, SimResult *ret) {
        SimCalls *c = m->calls;
        SimArgs a;
        long v;

        if (!c)
                return -ENOENT;
        *ret = SIM_RES_OK;
        if (streq(name, "+CLIP") || streq(name, "+CRC") || streq(name, "+COLP")) {
                bool *flag = streq(name, "+CLIP") ? &c->clip : streq(name, "+CRC") ? &c->crc : &c->colp;
                if (form == '?')
                        sim_reply_linef(m, "%s: %d%s", name, *flag, streq(name, "+CRC") ? "" : ",1");
                else if (form == 't')
                        sim_reply_linef(m, "%s: (0,1)", name);
                else if (form == '=' && sim_args_parse(args, &a) == 1 && sim_arg_int(&a, 0, 0, 1, &v))
                        *flag = v;
                else
                        *ret = SIM_RES_ERROR;
                return 0;
        }
        if (streq(name, "+CLCC")) {
                if (form == 't')
                        return 0;
                if (form) {
                        *ret = SIM_RES_ERROR;
                        return 0;
                }
                for (int i = 1; i <= SIM_CALLS_MAX; i++) {
                        SimCall *call = &c->call[i];
                        if (!call->used)
                                continue;
                        sim_reply_linef(m, "+CLCC: %d,%d,%d,0,0,\"%s\",%u%s", i, call->dir, call->stat,
                                        call->number, toa(call->number),
                                        m->profile->clcc_alpha ? ",\"\"" : "");
                }
                return 0;
        }
        if (streq(name, "+CHUP")) {
                *ret = form == 't' ? SIM_RES_OK : form ? SIM_RES_ERROR : sim_call_hangup(m);
                return 0;
        }
        if (streq(name, "+VTS")) {
                const char *d;
                if (form == 't') {
                        sim_reply_line(m, "+VTS: (0-9,#,*,A-D)");
                        return 0;
                }
                if (form != '=' || sim_args_parse(args, &a) < 1 || !a.v[0][0] ||
                    strspn(a.v[0], "0123456789*#ABCDabcd") != strlen(a.v[0])) {
                        m->err = 50;
                        *ret = SIM_RES_CME;
                        return 0;
                }
                if (find(c, 1 << CALL_ACTIVE) < 0) {
                        m->err = 3;
                        *ret = SIM_RES_CME;
                        return 0;
                }
                for (d = a.v[0]; *d; d++) {
                        char *p = realloc(c->dtmf, c->dtmf_len + 2);
                        if (!p)
                                break;
                        c->dtmf = p;
                        p[c->dtmf_len++] = (char)toupper((unsigned char)*d);
                        p[c->dtmf_len] = '\0';
                }
                return 0;
        }
        return -ENOENT;
}

int sim_call_control(SimModem *m, const char *const *w, size_t n, FILE *out, const char **ret_err) {
        SimCalls *c = m->calls;
        int id;

        if (!c)
                return -ENOMEM;
        if (n >= 3 && streq(w[1], "incoming")) {
                const char *num = streq(w[2], "--hidden") ? "" : w[2];
                if (strlen(num) >= sizeof(c->call[0].number) ||
                    strspn(num, "+0123456789*#") != strlen(num)) {
                        *ret_err = "bad number";
                        return -EINVAL;
                }
                id = free_id(c);
                if (id < 0 || find(c, 1 << CALL_INCOMING | 1 << CALL_DIALING | 1 << CALL_ALERTING) > 0) {
                        *ret_err = "busy";
                        return -EBUSY;
                }
                c->call[id] =
                        (SimCall){.used = true,
                                  .dir = 1,
                                  .stat = find(c, 1 << CALL_ACTIVE | 1 << CALL_HELD) > 0 ? CALL_WAITING
                                                                                         : CALL_INCOMING};
                snprintf(c->call[id].number, sizeof(c->call[id].number), "%s", num);
                if (c->call[id].stat == CALL_WAITING) {
                        char line[96];
                        snprintf(line, sizeof(line), "+CCWA: \"%s\",%u,1", num, num[0] ? toa(num) : 128);
                        sim_emit_urc(m, line);
                } else
                        ring(m, id);
                fprintf(out, "%d\n", id);
                return 0;
        }
        if (n == 2 && streq(w[1], "ring")) {
                id = find(c, 1 << CALL_INCOMING);
                if (id < 0) {
                        *ret_err = "no incoming call";
                        return -ENOENT;
                }
                ring(m, id);
                return 0;
        }
        if (n == 2 && streq(w[1], "alert")) {
                id = find(c, 1 << CALL_DIALING);
                if (id < 0) {
                        *ret_err = "no call dialling";
                        return -ENOENT;
                }
                c->call[id].stat = CALL_ALERTING;
                if (dialect(m) == SIM_VOICE_HUAWEI)
                        sim_emit_urcf(m, "^CONF:%d", id);
                return 0;
        }
        if (n == 2 && streq(w[1], "answer")) {
                id = find(c, 1 << CALL_DIALING | 1 << CALL_ALERTING);
                if (id < 0) {
                        *ret_err = "no outgoing call";
                        return -ENOENT;
                }
                connected(m, id, false);
                return 0;
        }
        if (n == 2 && (streq(w[1], "busy") || streq(w[1], "no-answer"))) {
                id = find(c, 1 << CALL_DIALING | 1 << CALL_ALERTING);
                if (id < 0) {
                        *ret_err = "no outgoing call";
                        return -ENOENT;
                }
                c->call[id] = (SimCall){0};
                sim_emit_urc(m, streq(w[1], "busy") ? "BUSY" : "NO ANSWER");
                return 0;
        }
        if (n >= 2 && streq(w[1], "hangup")) {
                char *end;
                id = n >= 3 ? (int)strtol(w[2], &end, 10) : find(c, 0x3F);
                if (id < 1 || id > SIM_CALLS_MAX || !c->call[id].used) {
                        *ret_err = "no such call";
                        return -ENOENT;
                }
                ended(m, id, true, false);
                return 0;
        }
        if (n == 2 && streq(w[1], "list")) {
                static const char *const names[] = {"active",   "held",     "dialing",
                                                    "alerting", "incoming", "waiting"};
                for (int i = 1; i <= SIM_CALLS_MAX; i++)
                        if (c->call[i].used)
                                fprintf(out, "%d %s %s %s\n", i, c->call[i].dir ? "in" : "out",
                                        names[c->call[i].stat], c->call[i].number);
                return 0;
        }
        if (n >= 2 && streq(w[1], "dtmf")) {
                if (n == 3 && streq(w[2], "clear")) {
                        c->dtmf_len = 0;
                        return 0;
                }
                fprintf(out, "%s\n", c->dtmf_len ? c->dtmf : "");
                return 0;
        }
        *ret_err = "usage: call incoming <number>|--hidden | ring | alert | answer | busy | no-answer | "
                   "hangup [id] | list | dtmf [clear]";
        return -EINVAL;
}
