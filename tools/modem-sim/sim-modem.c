/* The AT interpreter of callstack-modem-sim: general commands (ITU-T
 * V.250 basic commands, 3GPP TS 27.007 identity, SIM, network).  SMS
 * commands (27.005) are in sim-sms.c.  Replies are built per command line
 * and handed out in one piece so the I/O layer can delay or drop them. */
#include "sim-modem-private.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sim-script.h"

/* ---- buffers --------------------------------------------------------- */

static int buf_append(char **buf, size_t *len, size_t *alloc, const char *data, size_t n) {
        if (*len + n + 1 > *alloc) {
                size_t a = *alloc ? *alloc : 256;
                char *p;

                while (a < *len + n + 1)
                        a *= 2;
                p = realloc(*buf, a);
                if (!p)
                        return -ENOMEM;
                *buf = p;
                *alloc = a;
        }
        memcpy(*buf + *len, data, n);
        *len += n;
        (*buf)[*len] = '\0';
        return 0;
}

void sim_reply_raw(SimModem *m, const char *data, size_t len) {
        (void)buf_append(&m->reply, &m->reply_len, &m->reply_alloc, data, len);
        m->reply_in_info = false;
}

/* Information text (V.250 5.7.1): <CR><LF> before the first line, lines
 * separated by <CR><LF>, the result code again framed by its own pair, so
 * "+CMGL: ...\r\n<pdu>" has no blank line between header and PDU. */
void sim_reply_line(SimModem *m, const char *line) {
        bool cont = m->reply_in_info;

        if (!cont)
                sim_reply_raw(m, "\r\n", 2);
        sim_reply_raw(m, line, strlen(line));
        sim_reply_raw(m, "\r\n", 2);
        m->reply_in_info = true;
}

void sim_reply_result(SimModem *m, const char *line) {
        m->reply_in_info = false;
        sim_reply_line(m, line);
        m->reply_in_info = false;
}

static void reply_resultf(SimModem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply_resultf(SimModem *m, const char *fmt, ...) {
        char buf[256];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        sim_reply_result(m, buf);
}

void sim_reply_linef(SimModem *m, const char *fmt, ...) {
        char buf[1024];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        sim_reply_line(m, buf);
}

static const struct {
        int code;
        const char *text;
} cme_texts[] = {
        {3, "operation not allowed"},
        {4, "operation not supported"},
        {10, "SIM not inserted"},
        {11, "SIM PIN required"},
        {12, "SIM PUK required"},
        {13, "SIM failure"},
        {14, "SIM busy"},
        {16, "incorrect password"},
        {30, "no network service"},
        {50, "incorrect parameters"},
        {100, "unknown"},
};

void sim_reply_final(SimModem *m, SimResult r) {
        switch (r) {
        case SIM_RES_OK:
                sim_reply_result(m, "OK");
                break;
        case SIM_RES_ERROR:
                sim_reply_result(m, "ERROR");
                break;
        case SIM_RES_CME:
                if (m->cmee == 0)
                        sim_reply_result(m, "ERROR");
                else if (m->cmee == 2) {
                        const char *t = "unknown";
                        for (size_t i = 0; i < sizeof(cme_texts) / sizeof(cme_texts[0]); i++)
                                if (cme_texts[i].code == m->err)
                                        t = cme_texts[i].text;
                        reply_resultf(m, "+CME ERROR: %s", t);
                } else
                        reply_resultf(m, "+CME ERROR: %d", m->err);
                break;
        case SIM_RES_CMS:
                /* 27.005 3.2.5: +CMS ERROR is the final result of SMS commands
                 * whatever +CMEE says; we always give the numeric form. */
                reply_resultf(m, "+CMS ERROR: %d", m->err);
                break;
        case SIM_RES_PROMPT:
        case SIM_RES_NONE:
                break;
        }
}

bool sim_is_final_result(const char *line) {
        static const char *const finals[] = {"OK",        "ERROR",       "NO CARRIER",   "BUSY",
                                             "NO ANSWER", "NO DIALTONE", "NO DIAL TONE", "CONNECT"};

        for (size_t i = 0; i < sizeof(finals) / sizeof(finals[0]); i++)
                if (strcmp(line, finals[i]) == 0)
                        return true;
        return startswith(line, "+CME ERROR:") || startswith(line, "+CMS ERROR:") ||
               startswith(line, "CONNECT ");
}

/* A URC spliced into the next reply: before it, or after its first line
 * (a URC in the middle of a response, field case C16). */
static void apply_splice(SimModem *m) {
        _cleanup_free_ char *s = m->splice, *old = NULL;
        size_t at = 0, n;
        char *end;

        m->splice = NULL;
        if (!s)
                return;
        n = strlen(s);
        if (m->splice_inside && m->reply_len > 2 && (end = strstr(m->reply + 2, "\r\n")))
                at = (size_t)(end - m->reply) + 2;
        old = m->reply;
        m->reply = malloc(m->reply_len + n + 1);
        if (!m->reply) {
                m->reply = TAKE_PTR(old);
                return;
        }
        memcpy(m->reply, old, at);
        memcpy(m->reply + at, s, n);
        memcpy(m->reply + at + n, old + at, m->reply_len - at + 1);
        m->reply_len += n;
        m->reply_alloc = m->reply_len + 1;
}

void sim_modem_splice_urc(SimModem *m, const char *line, bool inside) {
        char *s;

        if (asprintf(&s, "\r\n%s\r\n", line) < 0)
                return;
        free(m->splice);
        m->splice = s;
        m->splice_inside = inside;
}

void sim_reply_flush(SimModem *m) {
        if (m->reply_len == 0)
                return;
        apply_splice(m);
        if (!m->profile->silent)
                m->ops.output(m->userdata, SIM_OUT_REPLY, m->reply, m->reply_len);
        m->reply_len = 0;
        m->reply[0] = '\0';
        m->reply_in_info = false;
}

void sim_emit_urc(SimModem *m, const char *line) {
        _cleanup_free_ char *s = NULL;
        size_t n = strlen(line);

        if (m->profile->silent)
                return;
        s = malloc(n + 5);
        if (!s)
                return;
        memcpy(s, "\r\n", 2);
        memcpy(s + 2, line, n);
        memcpy(s + 2 + n, "\r\n", 3);
        m->ops.output(m->userdata, SIM_OUT_URC, s, n + 4);
}

void sim_emit_urcf(SimModem *m, const char *fmt, ...) {
        char buf[1024];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        sim_emit_urc(m, buf);
}

int64_t sim_now(SimModem *m) {
        if (m->ops.now)
                return m->ops.now(m->userdata);
        return (int64_t)time(NULL);
}

/* ---- argument parsing ------------------------------------------------ */

int sim_args_parse(const char *s, SimArgs *a) {
        size_t o = 0;
        bool in_quote = false;

        memset(a, 0, sizeof(*a));
        if (!s || !*s)
                return 0;
        a->v[0] = a->buf;
        a->n = 1;
        for (const char *p = s; *p; p++) {
                if (o + 2 >= sizeof(a->buf))
                        return -E2BIG;
                if (*p == '"') {
                        in_quote = !in_quote;
                        a->quoted[a->n - 1] = true;
                        continue;
                }
                if (*p == ',' && !in_quote) {
                        a->buf[o++] = '\0';
                        if (a->n >= SIM_ARGS_MAX)
                                return -E2BIG;
                        a->v[a->n++] = a->buf + o;
                        continue;
                }
                a->buf[o++] = *p;
        }
        if (in_quote)
                return -EINVAL;
        a->buf[o] = '\0';
        /* Trim blanks around unquoted fields. */
        for (size_t i = 0; i < a->n; i++) {
                char *v = a->v[i], *e;
                if (a->quoted[i])
                        continue;
                while (*v == ' ')
                        v++;
                e = v + strlen(v);
                while (e > v && e[-1] == ' ')
                        *--e = '\0';
                a->v[i] = v;
        }
        return (int)a->n;
}

bool sim_arg_int(const SimArgs *a, size_t i, long min, long max, long *ret) {
        char *end;
        long v;

        if (i >= a->n || !a->v[i][0])
                return false;
        errno = 0;
        v = strtol(a->v[i], &end, 10);
        if (errno || *end || v < min || v > max)
                return false;
        *ret = v;
        return true;
}

/* ---- lifecycle ------------------------------------------------------- */

static void power_on_defaults(SimModem *m) {
        m->echo = true;
        m->cmee = 1;
        m->sim_state = m->pin[0] ? SIM_STATE_PIN : SIM_STATE_READY;
        m->pin_tries = 3;
        m->puk_tries = 10;
        m->cfun = 1;
        m->creg_n = m->cgreg_n = m->cereg_n = 0;
        m->cops_format = 0;
        m->curc = true;
        m->line_len = 0;
        m->line_overflow = false;
        free(m->pending);
        m->pending = NULL;
        m->pending_len = 0;
}

int sim_modem_new(const SimProfile *profile, const char *pin, const SimModemOps *ops, void *userdata,
                  SimModem **ret) {
        SimModem *m;
        int r;

        if (!profile || !ops || !ops->output)
                return -EINVAL;
        if (pin && (strlen(pin) < 4 || strlen(pin) > 8 || strspn(pin, "0123456789") != strlen(pin)))
                return -EINVAL;
        m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        m->profile = profile;
        m->ops = *ops;
        m->userdata = userdata;
        if (pin)
                snprintf(m->pin, sizeof(m->pin), "%s", pin);
        m->rssi = 20;
        m->ber = 99;
        m->reg_stat = 1;
        snprintf(m->lac, sizeof(m->lac), "1A2B");
        snprintf(m->ci, sizeof(m->ci), "01C2D3E4");
        m->act = profile->has_eps ? 7 : 0;
        snprintf(m->operator_name, sizeof(m->operator_name), "SimNet");
        m->reply = calloc(1, 256);
        if (!m->reply) {
                free(m);
                return -ENOMEM;
        }
        m->reply_alloc = 256;
        power_on_defaults(m);
        r = sim_storage_init(&m->storage, profile->sm_total, profile->me_total, profile->sr_total);
        if (r < 0) {
                free(m->reply);
                free(m);
                return r;
        }
        sim_sms_init(m);
        sim_ussd_init(m);
        sim_call_init(m);
        *ret = m;
        return 0;
}

SimModem *sim_modem_free(SimModem *m) {
        if (!m)
                return NULL;
        sim_sms_done(m);
        sim_ussd_done(m);
        sim_call_done(m);
        sim_storage_done(&m->storage);
        for (size_t i = 0; i < m->n_log; i++)
                free(m->log[i]);
        free(m->log);
        free(m->pending);
        free(m->splice);
        free(m->reply);
        free(m->echo_buf);
        free(m);
        return NULL;
}

const SimProfile *sim_modem_get_profile(SimModem *m) {
        return m->profile;
}

void sim_modem_set_script(SimModem *m, SimScript *script) {
        m->script = script;
}

void sim_modem_power_cycle(SimModem *m) {
        power_on_defaults(m);
        sim_sms_power_cycle(m);
        sim_ussd_power_cycle(m);
        sim_call_power_cycle(m);
}

/* ---- log ------------------------------------------------------------- */

static void log_add(SimModem *m, const char *line, size_t len) {
        char *s;

        if (m->n_log == m->alloc_log) {
                size_t a = m->alloc_log ? m->alloc_log * 2 : 64;
                char **p = realloc(m->log, a * sizeof(char *));
                if (!p)
                        return;
                m->log = p;
                m->alloc_log = a;
        }
        s = strndup(line, len);
        if (s)
                m->log[m->n_log++] = s;
}

size_t sim_modem_log_count(SimModem *m) {
        return m->n_log;
}

const char *sim_modem_log_get(SimModem *m, size_t i) {
        return i < m->n_log ? m->log[i] : NULL;
}

void sim_modem_log_clear(SimModem *m) {
        for (size_t i = 0; i < m->n_log; i++)
                free(m->log[i]);
        m->n_log = 0;
}

/* ---- substitutions in profile strings -------------------------------- */

static void iccid_swapped(const char *iccid, char *out, size_t size) {
        size_t n = strlen(iccid), o = 0;

        for (size_t i = 0; i < n && o + 2 < size; i += 2) {
                out[o++] = i + 1 < n ? iccid[i + 1] : 'F';
                out[o++] = iccid[i];
        }
        out[o] = '\0';
}

static void expand(SimModem *m, const char *tmpl, char *out, size_t size) {
        size_t o = 0;
        char tmp[64];

        for (const char *p = tmpl; *p && o + 1 < size;) {
                const char *val = NULL;
                size_t skip = 0;

                if (*p == '{') {
                        if (strncmp(p, "{imei}", 6) == 0)
                                val = m->profile->imei, skip = 6;
                        else if (strncmp(p, "{imsi}", 6) == 0)
                                val = m->profile->imsi, skip = 6;
                        else if (strncmp(p, "{iccid}", 7) == 0)
                                val = m->profile->iccid, skip = 7;
                        else if (strncmp(p, "{iccid_swapped}", 15) == 0) {
                                iccid_swapped(m->profile->iccid, tmp, sizeof(tmp));
                                val = tmp, skip = 15;
                        } else if (strncmp(p, "{rssi}", 6) == 0) {
                                snprintf(tmp, sizeof(tmp), "%d", m->rssi);
                                val = tmp, skip = 6;
                        } else if (strncmp(p, "{ber}", 5) == 0) {
                                snprintf(tmp, sizeof(tmp), "%d", m->ber);
                                val = tmp, skip = 5;
                        }
                }
                if (val) {
                        size_t n = strlen(val);
                        if (o + n >= size)
                                break;
                        memcpy(out + o, val, n);
                        o += n;
                        p += skip;
                } else
                        out[o++] = *p++;
        }
        out[o] = '\0';
}

/* Emits each '\n'-separated line of tmpl as a reply line or URC. */
static void reply_lines(SimModem *m, const char *tmpl, bool urc) {
        char buf[2048];
        char *save = NULL;

        if (!tmpl || !*tmpl)
                return;
        expand(m, tmpl, buf, sizeof(buf));
        for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                if (urc)
                        sim_emit_urc(m, l);
                else
                        sim_reply_line(m, l);
        }
}

/* ---- SIM ------------------------------------------------------------- */

bool sim_ready(SimModem *m) {
        return m->sim_state == SIM_STATE_READY;
}

static SimResult sim_locked_error(SimModem *m) {
        m->err = m->sim_state == SIM_STATE_PUK ? 12 : 11;
        return SIM_RES_CME;
}

int sim_effective_stat(SimModem *m) {
        if (!sim_ready(m) || m->cfun != 1)
                return 0;
        return m->reg_stat;
}

static void emit_reg_urcs(SimModem *m) {
        static const char *const names[] = {"+CREG", "+CGREG", "+CEREG"};
        int modes[] = {m->creg_n, m->cgreg_n, m->profile->has_eps ? m->cereg_n : 0};
        int stat = sim_effective_stat(m);

        for (int i = 0; i < 3; i++) {
                if (modes[i] <= 0)
                        continue;
                if (modes[i] >= 2 && (stat == 1 || stat == 5)) {
                        if (m->profile->has_eps)
                                sim_emit_urcf(m, "%s: %d,\"%s\",\"%s\",%d", names[i], stat, m->lac, m->ci,
                                              m->act);
                        else
                                sim_emit_urcf(m, "%s: %d,\"%s\",\"%s\"", names[i], stat, m->lac, m->ci);
                } else
                        sim_emit_urcf(m, "%s: %d", names[i], stat);
        }
}

void sim_queue_pending_raw(SimModem *m, const char *data, size_t len, uint64_t delay_usec) {
        size_t alloc = m->pending_len + 1;

        if (len == 0 || m->profile->silent)
                return;
        if (buf_append(&m->pending, &m->pending_len, &alloc, data, len) < 0)
                return;
        if (m->ops.arm_pending)
                m->ops.arm_pending(m->userdata, delay_usec);
}

static void queue_pending(SimModem *m, const char *lines) {
        char buf[2048], *save = NULL;
        _cleanup_free_ char *framed = NULL;
        size_t len = 0, alloc = 0;

        if (!lines || !*lines)
                return;
        expand(m, lines, buf, sizeof(buf));
        for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                (void)buf_append(&framed, &len, &alloc, "\r\n", 2);
                (void)buf_append(&framed, &len, &alloc, l, strlen(l));
                (void)buf_append(&framed, &len, &alloc, "\r\n", 2);
        }
        sim_queue_pending_raw(m, framed, len, 200 * 1000);
}

void sim_modem_flush_pending(SimModem *m) {
        _cleanup_free_ char *p = m->pending;
        size_t len = m->pending_len;

        m->pending = NULL;
        m->pending_len = 0;
        if (!p || len == 0)
                return;
        m->ops.output(m->userdata, SIM_OUT_URC, p, len);
}

static SimResult cmd_cpin(SimModem *m, char form, const char *args) {
        SimArgs a;
        int na;

        if (form == '?') {
                switch (m->sim_state) {
                case SIM_STATE_READY:
                        sim_reply_line(m, "+CPIN: READY");
                        break;
                case SIM_STATE_PIN:
                        sim_reply_line(m, "+CPIN: SIM PIN");
                        break;
                case SIM_STATE_PUK:
                        sim_reply_line(m, "+CPIN: SIM PUK");
                        break;
                }
                return SIM_RES_OK;
        }
        if (form == 't')
                return SIM_RES_OK;
        if (form != '=')
                return SIM_RES_ERROR;
        na = sim_args_parse(args, &a);
        if (na < 1 || na > 2) {
                m->err = 50;
                return SIM_RES_CME;
        }
        switch (m->sim_state) {
        case SIM_STATE_READY:
                m->err = 3;
                return SIM_RES_CME;
        case SIM_STATE_PIN:
                if (strcmp(a.v[0], m->pin) != 0) {
                        if (--m->pin_tries <= 0)
                                m->sim_state = SIM_STATE_PUK;
                        m->err = 16;
                        return SIM_RES_CME;
                }
                break;
        case SIM_STATE_PUK:
                if (na != 2 || strlen(a.v[1]) < 4 || strlen(a.v[1]) > 8) {
                        m->err = 50;
                        return SIM_RES_CME;
                }
                if (strcmp(a.v[0], "12345678") != 0) {
                        if (m->puk_tries > 0)
                                m->puk_tries--;
                        m->err = 16;
                        return SIM_RES_CME;
                }
                snprintf(m->pin, sizeof(m->pin), "%s", a.v[1]);
                break;
        }
        m->sim_state = SIM_STATE_READY;
        m->pin_tries = 3;
        queue_pending(m, m->profile->pin_ready_urcs);
        /* Registration follows the SIM becoming ready. */
        emit_reg_urcs(m);
        return SIM_RES_OK;
}

/* ---- network --------------------------------------------------------- */

static SimResult cmd_reg(SimModem *m, const char *name, int *n, char form, const char *args) {
        SimArgs a;
        long v;
        int stat = sim_effective_stat(m);

        switch (form) {
        case '?':
                if (*n >= 2 && (stat == 1 || stat == 5)) {
                        if (m->profile->has_eps)
                                sim_reply_linef(m, "%s: %d,%d,\"%s\",\"%s\",%d", name, *n, stat, m->lac,
                                                m->ci, m->act);
                        else
                                sim_reply_linef(m, "%s: %d,%d,\"%s\",\"%s\"", name, *n, stat, m->lac, m->ci);
                } else
                        sim_reply_linef(m, "%s: %d,%d", name, *n, stat);
                return SIM_RES_OK;
        case 't':
                sim_reply_linef(m, "%s: (0-2)", name);
                return SIM_RES_OK;
        case '=':
                if (sim_args_parse(args, &a) < 1 || !sim_arg_int(&a, 0, 0, 2, &v)) {
                        m->err = 50;
                        return SIM_RES_CME;
                }
                *n = (int)v;
                return SIM_RES_OK;
        default:
                return SIM_RES_ERROR;
        }
}

static SimResult cmd_cops(SimModem *m, char form, const char *args) {
        SimArgs a;
        long mode, fmt;
        int stat = sim_effective_stat(m);

        switch (form) {
        case '?':
                if (stat != 1 && stat != 5) {
                        sim_reply_line(m, "+COPS: 0");
                        return SIM_RES_OK;
                }
                if (m->cops_format == 2)
                        sim_reply_linef(m, "+COPS: 0,2,\"00101\",%d", m->act);
                else
                        sim_reply_linef(m, "+COPS: 0,%d,\"%s\",%d", m->cops_format, m->operator_name,
                                        m->act);
                return SIM_RES_OK;
        case 't':
                if (!sim_ready(m))
                        return sim_locked_error(m);
                sim_reply_linef(m, "+COPS: (2,\"%s\",\"%s\",\"00101\",%d),,(0-4),(0-2)", m->operator_name,
                                m->operator_name, m->act);
                return SIM_RES_OK;
        case '=':
                if (sim_args_parse(args, &a) < 1 || !sim_arg_int(&a, 0, 0, 4, &mode)) {
                        m->err = 50;
                        return SIM_RES_CME;
                }
                if (a.n >= 2 && sim_arg_int(&a, 1, 0, 2, &fmt))
                        m->cops_format = (int)fmt;
                return SIM_RES_OK;
        default:
                return SIM_RES_ERROR;
        }
}

static SimResult cmd_cfun(SimModem *m, char form, const char *args) {
        SimArgs a;
        long v;

        switch (form) {
        case '?':
                sim_reply_linef(m, "+CFUN: %d", m->cfun);
                return SIM_RES_OK;
        case 't':
                sim_reply_line(m, "+CFUN: (0,1,4),(0-1)");
                return SIM_RES_OK;
        case '=':
                if (sim_args_parse(args, &a) < 1 || !sim_arg_int(&a, 0, 0, 4, &v) || v == 2 || v == 3) {
                        m->err = 50;
                        return SIM_RES_CME;
                }
                if (m->cfun != (int)v) {
                        m->cfun = (int)v;
                        emit_reg_urcs(m);
                }
                return SIM_RES_OK;
        default:
                return SIM_RES_ERROR;
        }
}

/* ---- dispatcher ------------------------------------------------------ */

/* Set commands that change nothing the simulator models: answered OK, and
 * the read form with the given line (or OK alone). */
static const struct {
        const char *name;
        const char *read;
} harmless[] = {
        {"+CLIR", "+CLIR: 0,2"},
        {"+CVHU", "+CVHU: 0"},
        {"+CCWA", "+CCWA: 0"},
        {"+CMER", "+CMER: 0,0,0,0,0"},
        {"+CGEREP", "+CGEREP: 0,0"},
        {"+CSCB", "+CSCB: 0,\"\",\"\""},
        {"+IFC", "+IFC: 0,0"},
        {"+IPR", "+IPR: 115200"},
        {"+ICF", "+ICF: 3,3"},
        {"+CTZR", "+CTZR: 0"},
        {"+CTZU", "+CTZU: 1"},
        {"+CREG", NULL},
        {"+CSSN", "+CSSN: 0,0"},
        {"+CMUT", "+CMUT: 0"},
        {"+CLVL", "+CLVL: 4"},
        {"+CSCS", NULL},
        {"+CPAS", NULL},
        {"+CGDCONT", NULL},
        {"+CGATT", "+CGATT: 1"},
        {"+CPOL", NULL},
        {"+CIND", NULL},
};

static SimResult extended(SimModem *m, const char *cmd) {
        char name[32];
        const char *p = cmd, *args = "";
        char form = 0;
        size_t n = 0;
        int r;
        SimResult res;

        /* Vendor table first: whole-command matches. */
        for (const SimVendorCmd *v = m->profile->vendor; v && v->cmd; v++)
                if (strcasecmp(v->cmd, cmd) == 0) {
                        if (startswith_no_case(cmd, "+CCID") || startswith_no_case(cmd, "+QCCID") ||
                            startswith_no_case(cmd, "^ICCID") || startswith_no_case(cmd, "+CICCID") ||
                            startswith_no_case(cmd, "!ICCID") || startswith_no_case(cmd, "#CCID") ||
                            startswith_no_case(cmd, "+ICCID") || startswith_no_case(cmd, "#CIMI")) {
                                if (!sim_ready(m))
                                        return sim_locked_error(m);
                        }
                        reply_lines(m, v->reply, false);
                        return SIM_RES_OK;
                }

        name[n++] = (char)toupper((unsigned char)*p++);
        while (*p && *p != '=' && *p != '?' && n + 1 < sizeof(name))
                name[n++] = (char)toupper((unsigned char)*p++);
        name[n] = '\0';
        if (*p == '?') {
                form = '?';
                p++;
        } else if (*p == '=') {
                p++;
                if (*p == '?') {
                        form = 't';
                        p++;
                } else {
                        form = '=';
                        args = p;
                        p += strlen(p);
                }
        }
        if (*p)
                return SIM_RES_ERROR;

        r = sim_sms_command(m, name, form, args, &res);
        if (r != -ENOENT)
                return res;
        r = sim_ussd_command(m, name, form, args, &res);
        if (r != -ENOENT)
                return res;
        r = sim_call_command(m, name, form, args, &res);
        if (r != -ENOENT)
                return res;

        if (streq(name, "+CGMI") || streq(name, "+GMI")) {
                if (form == 't')
                        return SIM_RES_OK;
                if (form)
                        return SIM_RES_ERROR;
                sim_reply_line(m, m->profile->manufacturer);
                return SIM_RES_OK;
        }
        if (streq(name, "+CGMM") || streq(name, "+GMM")) {
                if (form == 't')
                        return SIM_RES_OK;
                if (form)
                        return SIM_RES_ERROR;
                sim_reply_line(m, m->profile->model);
                return SIM_RES_OK;
        }
        if (streq(name, "+CGMR") || streq(name, "+GMR")) {
                if (form == 't')
                        return SIM_RES_OK;
                if (form)
                        return SIM_RES_ERROR;
                if (streq(name, "+CGMR"))
                        sim_reply_linef(m, "%s%s", m->profile->cgmr_prefix, m->profile->revision);
                else
                        sim_reply_line(m, m->profile->revision);
                return SIM_RES_OK;
        }
        if (streq(name, "+GCAP")) {
                if (form)
                        return form == 't' ? SIM_RES_OK : SIM_RES_ERROR;
                sim_reply_line(m, m->profile->gcap);
                return SIM_RES_OK;
        }
        if (streq(name, "+CGSN") || streq(name, "+GSN")) {
                if (form == 't')
                        return SIM_RES_OK;
                sim_reply_line(m, m->profile->imei);
                return SIM_RES_OK;
        }
        if (streq(name, "+CIMI")) {
                if (form == 't')
                        return SIM_RES_OK;
                if (form)
                        return SIM_RES_ERROR;
                if (!sim_ready(m))
                        return sim_locked_error(m);
                sim_reply_line(m, m->profile->imsi);
                return SIM_RES_OK;
        }
        if (streq(name, "+CNUM")) {
                if (form == 't')
                        return SIM_RES_OK;
                if (form)
                        return SIM_RES_ERROR;
                if (!sim_ready(m))
                        return sim_locked_error(m);
                sim_reply_line(m, "+CNUM: \"\",\"+15555550100\",145");
                return SIM_RES_OK;
        }
        if (streq(name, "+CPIN"))
                return cmd_cpin(m, form, args);
        if (streq(name, "+CMEE")) {
                SimArgs a;
                long v;

                if (form == '?') {
                        sim_reply_linef(m, "+CMEE: %d", m->cmee);
                        return SIM_RES_OK;
                }
                if (form == 't') {
                        sim_reply_line(m, "+CMEE: (0-2)");
                        return SIM_RES_OK;
                }
                if (form == 0) {
                        m->cmee = 0;
                        return SIM_RES_OK;
                }
                if (sim_args_parse(args, &a) != 1 || !sim_arg_int(&a, 0, 0, 2, &v))
                        return SIM_RES_ERROR;
                m->cmee = (int)v;
                return SIM_RES_OK;
        }
        if (streq(name, "+CSQ")) {
                if (form == 't') {
                        sim_reply_line(m, "+CSQ: (0-31,99),(0-7,99)");
                        return SIM_RES_OK;
                }
                if (form)
                        return SIM_RES_ERROR;
                sim_reply_linef(m, "+CSQ: %d,%d", m->rssi, m->ber);
                return SIM_RES_OK;
        }
        if (streq(name, "+CREG"))
                return cmd_reg(m, "+CREG", &m->creg_n, form, args);
        if (streq(name, "+CGREG"))
                return cmd_reg(m, "+CGREG", &m->cgreg_n, form, args);
        if (streq(name, "+CEREG") && m->profile->has_eps)
                return cmd_reg(m, "+CEREG", &m->cereg_n, form, args);
        if (streq(name, "+COPS"))
                return cmd_cops(m, form, args);
        if (streq(name, "+CFUN"))
                return cmd_cfun(m, form, args);
        if (streq(name, "+CPAS") && form == 0) {
                sim_reply_line(m, "+CPAS: 0");
                return SIM_RES_OK;
        }
        if (streq(name, "+CLCC") && form == 0)
                return SIM_RES_OK;
        if (streq(name, "+CHUP") && form == 0)
                return SIM_RES_OK;
        if (streq(name, "^CURC") && streq(m->profile->id, "huawei-me909")) {
                SimArgs a;
                long v;
                if (form == '=' && sim_args_parse(args, &a) >= 1 && sim_arg_int(&a, 0, 0, 2, &v)) {
                        m->curc = v != 0;
                        return SIM_RES_OK;
                }
                return SIM_RES_ERROR;
        }
        for (size_t i = 0; i < sizeof(harmless) / sizeof(harmless[0]); i++) {
                if (!streq(name, harmless[i].name))
                        continue;
                if (form == '?' && harmless[i].read)
                        sim_reply_line(m, harmless[i].read);
                if (form == '?' && !harmless[i].read)
                        break;
                return SIM_RES_OK;
        }

        if (m->profile->unknown_cme && m->cmee > 0) {
                m->err = 100;
                return SIM_RES_CME;
        }
        return SIM_RES_ERROR;
}

/* One basic (V.250 5.3) command starting at *p; advances *p. */
static SimResult basic(SimModem *m, const char **pp) {
        const char *p = *pp;
        char c = (char)toupper((unsigned char)*p++);
        long v = -1;

        if (c == '&') {
                char c2 = (char)toupper((unsigned char)*p);
                if (!c2)
                        return SIM_RES_ERROR;
                p++;
                while (isdigit((unsigned char)*p))
                        p++;
                *pp = p;
                return (c2 == 'F' || c2 == 'W' || c2 == 'C' || c2 == 'D' || c2 == 'K' || c2 == 'V')
                               ? SIM_RES_OK
                               : SIM_RES_ERROR;
        }
        if (c == 'D') {
                /* V.250 6.3.1: the rest of the line is the dial string. */
                *pp = p + strlen(p);
                return sim_call_dial(m, p);
        }
        if (c == 'S') {
                while (isdigit((unsigned char)*p))
                        p++;
                if (*p == '?') {
                        sim_reply_line(m, "000");
                        p++;
                } else if (*p == '=') {
                        p++;
                        while (isdigit((unsigned char)*p))
                                p++;
                } else
                        return SIM_RES_ERROR;
                *pp = p;
                return SIM_RES_OK;
        }
        if (isdigit((unsigned char)*p)) {
                v = 0;
                while (isdigit((unsigned char)*p) && v < 1000)
                        v = v * 10 + (*p++ - '0');
        }
        *pp = p;
        switch (c) {
        case 'E':
                if (v > 1)
                        return SIM_RES_ERROR;
                m->echo = v == 1;
                return SIM_RES_OK;
        case 'V':
                /* Only verbose result codes are simulated. */
                return v == 0 ? SIM_RES_ERROR : SIM_RES_OK;
        case 'Q':
                return v > 0 ? SIM_RES_ERROR : SIM_RES_OK;
        case 'Z':
                m->echo = true;
                m->cmee = 1;
                return SIM_RES_OK;
        case 'I':
                if (v > 0)
                        return SIM_RES_OK;
                reply_lines(m, m->profile->ati, false);
                return SIM_RES_OK;
        case 'X':
        case 'L':
        case 'M':
                return SIM_RES_OK;
        case 'H':
                return sim_call_hangup(m);
        case 'A':
                return sim_call_answer(m);
        default:
                return SIM_RES_ERROR;
        }
}

static void process_command_line(SimModem *m, const char *line) {
        const char *p = line;
        SimResult res = SIM_RES_OK;

        /* V.250 5.2.1: characters before the "AT" prefix are ignored. */
        while (*p && !isalpha((unsigned char)*p))
                p++;
        if (!*p)
                return;
        if (strncasecmp(p, "AT", 2) != 0)
                return;
        p += 2;

        if (m->pending)
                sim_modem_flush_pending(m);

        while (*p) {
                if (*p == ';' || *p == ' ') {
                        p++;
                        continue;
                }
                if (strchr("+^$#!%*", *p)) {
                        char cmd[SIM_LINE_MAX];
                        size_t n = 0;
                        bool q = false;

                        while (*p && (q || *p != ';') && n + 1 < sizeof(cmd)) {
                                if (*p == '"')
                                        q = !q;
                                cmd[n++] = *p++;
                        }
                        cmd[n] = '\0';
                        res = extended(m, cmd);
                } else
                        res = basic(m, &p);
                if (res != SIM_RES_OK)
                        break;
        }
        sim_reply_final(m, res);
        sim_reply_flush(m);
}

static void echo_flush(SimModem *m) {
        if (m->echo_len == 0)
                return;
        if (!m->profile->silent)
                m->ops.output(m->userdata, SIM_OUT_ECHO, m->echo_buf, m->echo_len);
        m->echo_len = 0;
}

static void line_done(SimModem *m) {
        echo_flush(m);
        log_add(m, m->line, m->line_len);
        if (m->line_overflow) {
                m->line_overflow = false;
                m->line_len = 0;
                sim_reply_final(m, SIM_RES_ERROR);
                sim_reply_flush(m);
                return;
        }
        m->line[m->line_len] = '\0';
        m->line_len = 0;
        if (m->script && sim_script_answer(m->script, m, m->line))
                return;
        process_command_line(m, m->line);
}

static void prompt_byte(SimModem *m, char c) {
        if (c == 0x1A) {
                _cleanup_free_ char *data = m->prompt_buf;
                size_t len = m->prompt_buf_len;

                echo_flush(m);
                m->prompt_buf = NULL;
                m->prompt_buf_len = 0;
                log_add(m, data ? data : "", len);
                if (m->script && sim_script_answer(m->script, m, data ? data : "")) {
                        m->prompt = SIM_PROMPT_NONE;
                        return;
                }
                sim_sms_prompt_done(m, data ? data : "", len);
                return;
        }
        if (c == 0x1B) {
                /* 27.005 3.5.1: ESC cancels the message. */
                echo_flush(m);
                free(m->prompt_buf);
                m->prompt_buf = NULL;
                m->prompt_buf_len = 0;
                m->prompt = SIM_PROMPT_NONE;
                sim_reply_final(m, SIM_RES_OK);
                sim_reply_flush(m);
                return;
        }
        if (c == '\r' || c == '\n') {
                if (m->prompt == SIM_PROMPT_CMGS_TEXT || m->prompt == SIM_PROMPT_CMGW_TEXT) {
                        if (c == '\n')
                                return;
                        echo_flush(m);
                        c = '\n';
                        /* 27.005 3.5.1: a new prompt for the next line of text */
                        m->ops.output(m->userdata, SIM_OUT_ECHO, "\r\n> ", 4);
                } else
                        return;
        }
        if (m->prompt_buf_len + 2 > SIM_PROMPT_MAX)
                return;
        {
                char *p = realloc(m->prompt_buf, m->prompt_buf_len + 2);
                if (!p)
                        return;
                m->prompt_buf = p;
                p[m->prompt_buf_len++] = c;
                p[m->prompt_buf_len] = '\0';
        }
}

void sim_modem_feed(SimModem *m, const char *data, size_t len) {
        for (size_t i = 0; i < len; i++) {
                char c = data[i];

                if (m->echo && !(m->prompt != SIM_PROMPT_NONE && (c == 0x1A || c == 0x1B)))
                        (void)buf_append(&m->echo_buf, &m->echo_len, &m->echo_alloc, &c, 1);
                if (m->prompt != SIM_PROMPT_NONE) {
                        prompt_byte(m, c);
                        continue;
                }
                if (c == '\r' || c == '\n') {
                        if (m->line_len > 0 || m->line_overflow)
                                line_done(m);
                        continue;
                }
                if (c == 0x08 || c == 0x7f) {
                        if (m->line_len > 0)
                                m->line_len--;
                        continue;
                }
                if (m->line_len + 1 >= sizeof(m->line)) {
                        m->line_overflow = true;
                        continue;
                }
                m->line[m->line_len++] = c;
        }
        echo_flush(m);
}

/* ---- control-side setters -------------------------------------------- */

void sim_modem_inject_urc(SimModem *m, const char *line) {
        sim_emit_urc(m, line);
}

void sim_modem_inject_raw(SimModem *m, const void *data, size_t len) {
        if (!m->profile->silent)
                m->ops.output(m->userdata, SIM_OUT_URC, data, len);
}

int sim_modem_set_csq(SimModem *m, int rssi, int ber) {
        if (!((rssi >= 0 && rssi <= 31) || rssi == 99) || !((ber >= 0 && ber <= 7) || ber == 99))
                return -EINVAL;
        m->rssi = rssi;
        m->ber = ber;
        if (m->profile->periodic_urcs && m->curc)
                sim_emit_urcf(m, "^RSSI: %d", rssi);
        return 0;
}

static bool valid_hex(const char *s, size_t max) {
        size_t n = strlen(s);
        return n > 0 && n <= max && strspn(s, "0123456789ABCDEFabcdef") == n;
}

int sim_modem_set_registration(SimModem *m, int stat, const char *lac, const char *ci, int act) {
        if (stat < 0 || (stat > 5 && stat != 10))
                return -EINVAL;
        if ((lac && !valid_hex(lac, 4)) || (ci && !valid_hex(ci, 8)) || act > 13)
                return -EINVAL;
        m->reg_stat = stat;
        if (lac)
                snprintf(m->lac, sizeof(m->lac), "%s", lac);
        if (ci)
                snprintf(m->ci, sizeof(m->ci), "%s", ci);
        if (act >= 0)
                m->act = act;
        emit_reg_urcs(m);
        return 0;
}

int sim_modem_set_operator(SimModem *m, const char *name) {
        size_t n = strlen(name);

        if (n == 0 || n >= sizeof(m->operator_name) || strpbrk(name, "\"\r\n"))
                return -EINVAL;
        memcpy(m->operator_name, name, n + 1);
        return 0;
}

void sim_modem_periodic(SimModem *m) {
        if (m->profile->periodic_urcs && m->curc)
                reply_lines(m, m->profile->periodic_urcs, true);
}
