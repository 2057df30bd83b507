/* USSD of the simulated modem, see sim-ussd.h. */
#include "sim-ussd.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim-modem-private.h"
#include "sim-pdu.h"

#define USSD_REPLY_DELAY_USEC (300 * 1000)
#define USSD_DEFAULT_REPLY "Your balance is 10.00 EUR"

typedef struct SimUssdReply {
        char *text; /* NULL: no answer at all (network timeout) */
        int mode;   /* +CUSD <m>: 0 done, 1 more, 2 ended by network, 4 not supported */
        bool ucs2;
} SimUssdReply;

struct SimUssd {
        int n;
        bool active;
        SimUssdReply *replies;
        size_t n_replies;
        char **sent;
        size_t n_sent;
};

static void reply_free(SimUssdReply *r) {
        free(r->text);
}

void sim_ussd_init(SimModem *m) {
        m->ussd = calloc(1, sizeof(SimUssd));
}

void sim_ussd_power_cycle(SimModem *m) {
        if (!m->ussd)
                return;
        m->ussd->n = 0;
        m->ussd->active = false;
}

void sim_ussd_done(SimModem *m) {
        SimUssd *u = m->ussd;

        if (!u)
                return;
        for (size_t i = 0; i < u->n_replies; i++)
                reply_free(&u->replies[i]);
        free(u->replies);
        for (size_t i = 0; i < u->n_sent; i++)
                free(u->sent[i]);
        free(u->sent);
        free(u);
        m->ussd = NULL;
}

static bool hex_to_bytes(const char *hex, uint8_t *out, size_t size, size_t *ret_n) {
        size_t n = strlen(hex);

        if (n % 2 || n / 2 > size)
                return false;
        for (size_t i = 0; i < n; i += 2) {
                char b[3] = {hex[i], hex[i + 1], 0};
                char *end;
                out[i / 2] = (uint8_t)strtoul(b, &end, 16);
                if (*end || !isxdigit((unsigned char)hex[i]))
                        return false;
        }
        *ret_n = n / 2;
        return true;
}

static void bytes_to_hex(const uint8_t *in, size_t n, char *out, size_t size) {
        size_t o = 0;

        for (size_t i = 0; i < n && o + 3 <= size; i++, o += 2)
                snprintf(out + o, 3, "%02X", in[i]);
        out[o] = '\0';
}

static bool packed(SimModem *m) {
        return m->profile->ussd_packed;
}

/* The request string as the host wrote it -> UTF-8. */
static int decode_request(SimModem *m, const char *str, char *out, size_t size) {
        uint8_t bytes[256], septets[300];
        size_t n, len;

        if (packed(m)) {
                if (!hex_to_bytes(str, bytes, sizeof(bytes), &n))
                        return -EINVAL;
                n = sim_gsm7_unpack(bytes, n, septets, sizeof(septets));
                /* 23.038 6.1.2.3.1: a CR filling the last 7 bits is padding */
                if (n > 0 && n % 8 == 0 && septets[n - 1] == 0x0D)
                        n--;
                return sim_gsm7_to_utf8(septets, n, out, size, &len);
        }
        if (strcasecmp(m->cscs, "UCS2") == 0) {
                if (!hex_to_bytes(str, bytes, sizeof(bytes), &n))
                        return -EINVAL;
                return sim_ucs2_to_utf8(bytes, n, out, size, &len);
        }
        snprintf(out, size, "%s", str);
        return 0;
}

/* Frames "+CUSD: <m>[,"<str>",<dcs>]" for a reply text. */
static int encode_reply(SimModem *m, const SimUssdReply *r, char *out, size_t size) {
        uint8_t units[400], bytes[400];
        char hex[801];
        size_t n;

        if (!r->text)
                return snprintf(out, size, "\r\n+CUSD: %d\r\n", r->mode);
        if (r->ucs2 || (!packed(m) && strcasecmp(m->cscs, "UCS2") == 0)) {
                if (sim_ucs2_from_utf8(r->text, strlen(r->text), units, sizeof(units), &n) < 0)
                        return -EINVAL;
                bytes_to_hex(units, n, hex, sizeof(hex));
                return snprintf(out, size, "\r\n+CUSD: %d,\"%s\",%d\r\n", r->mode, hex, r->ucs2 ? 72 : 15);
        }
        if (packed(m)) {
                if (sim_gsm7_from_utf8(r->text, strlen(r->text), units, sizeof(units) - 1, &n) < 0)
                        return -EINVAL;
                if (n % 8 == 7)
                        units[n++] = 0x0D;
                n = sim_gsm7_pack(units, n, bytes, sizeof(bytes));
                bytes_to_hex(bytes, n, hex, sizeof(hex));
                return snprintf(out, size, "\r\n+CUSD: %d,\"%s\",15\r\n", r->mode, hex);
        }
        return snprintf(out, size, "\r\n+CUSD: %d,\"%s\",15\r\n", r->mode, r->text);
}

static void answer(SimModem *m, bool later) {
        SimUssd *u = m->ussd;
        SimUssdReply def = {.text = (char *)USSD_DEFAULT_REPLY, .mode = 0};
        bool queued = u->n_replies > 0;
        SimUssdReply r = queued ? u->replies[0] : def;
        char framed[1024];
        int len;

        if (queued) {
                memmove(u->replies, u->replies + 1, (u->n_replies - 1) * sizeof(SimUssdReply));
                u->n_replies--;
        }
        u->active = r.text && r.mode == 1;
        if (r.text || r.mode != 5) {
                len = encode_reply(m, &r, framed, sizeof(framed));
                if (len > 0 && (size_t)len < sizeof(framed) && u->n != 0) {
                        if (later)
                                sim_queue_pending_raw(m, framed, (size_t)len, USSD_REPLY_DELAY_USEC);
                        else
                                m->ops.output(m->userdata, SIM_OUT_URC, framed, (size_t)len);
                }
        }
        if (queued)
                free(r.text);
}

int sim_ussd_command(SimModem *m, const char *name, char form, const char *args, SimResult *ret) {
        SimUssd *u = m->ussd;
        SimArgs a;
        long n, dcs = 15;
        char text[512], **p;

        if (!streq(name, "+CUSD"))
                return -ENOENT;
        if (!u) {
                *ret = SIM_RES_ERROR;
                return 0;
        }
        *ret = SIM_RES_OK;
        if (form == '?') {
                sim_reply_linef(m, "+CUSD: %d", u->n);
                return 0;
        }
        if (form == 't') {
                sim_reply_line(m, "+CUSD: (0-2)");
                return 0;
        }
        if (form == 0) {
                u->n = 0;
                return 0;
        }
        if (sim_args_parse(args, &a) < 1 || a.n > 3 || !sim_arg_int(&a, 0, 0, 2, &n) ||
            (a.n == 3 && !sim_arg_int(&a, 2, 0, 255, &dcs))) {
                m->err = 50;
                *ret = SIM_RES_CME;
                return 0;
        }
        if (n == 2) {
                u->active = false;
                return 0;
        }
        u->n = (int)n;
        if (a.n < 2)
                return 0;
        if (!sim_ready(m)) {
                m->err = m->sim_state == SIM_STATE_PUK ? 12 : 11;
                *ret = SIM_RES_CME;
                return 0;
        }
        if (sim_effective_stat(m) != 1 && sim_effective_stat(m) != 5) {
                m->err = 30;
                *ret = SIM_RES_CME;
                return 0;
        }
        if (decode_request(m, a.v[1], text, sizeof(text)) < 0) {
                m->err = 50;
                *ret = SIM_RES_CME;
                return 0;
        }
        p = realloc(u->sent, (u->n_sent + 1) * sizeof(char *));
        if (p) {
                u->sent = p;
                u->sent[u->n_sent] = strdup(text);
                if (u->sent[u->n_sent])
                        u->n_sent++;
        }
        answer(m, true);
        return 0;
}

int sim_ussd_control(SimModem *m, const char *const *w, size_t n, FILE *out, const char **ret_err) {
        SimUssd *u = m->ussd;
        SimUssdReply r = {.mode = 0};
        size_t i;

        if (!u)
                return -ENOMEM;
        if (n >= 2 && streq(w[1], "sent")) {
                if (n >= 3 && streq(w[2], "clear")) {
                        for (size_t k = 0; k < u->n_sent; k++)
                                free(u->sent[k]);
                        u->n_sent = 0;
                        return 0;
                }
                for (size_t k = 0; k < u->n_sent; k++)
                        fprintf(out, "%s\n", u->sent[k]);
                return 0;
        }
        if (n >= 2 && streq(w[1], "clear")) {
                for (size_t k = 0; k < u->n_replies; k++)
                        reply_free(&u->replies[k]);
                u->n_replies = 0;
                return 0;
        }
        if (n < 3 || (!streq(w[1], "reply") && !streq(w[1], "network"))) {
                *ret_err =
                        "usage: ussd reply|network <text> [--more] [--ucs2] | ussd reply --none|--error | "
                        "ussd sent [clear] | ussd clear";
                return -EINVAL;
        }
        for (i = 2; i < n; i++) {
                if (streq(w[i], "--more"))
                        r.mode = 1;
                else if (streq(w[i], "--ucs2"))
                        r.ucs2 = true;
                else if (streq(w[i], "--none"))
                        r.mode = 5;
                else if (streq(w[i], "--error"))
                        r.mode = 4;
                else if (startswith(w[i], "--")) {
                        *ret_err = "unknown option";
                        return -EINVAL;
                } else if (!r.text) {
                        r.text = strdup(w[i]);
                        if (!r.text)
                                return -ENOMEM;
                } else {
                        free(r.text);
                        *ret_err = "quote the text";
                        return -EINVAL;
                }
        }
        if ((r.mode == 4 || r.mode == 5) && r.text) {
                free(r.text);
                *ret_err = "--none/--error take no text";
                return -EINVAL;
        }
        if (!r.text && r.mode != 4 && r.mode != 5) {
                *ret_err = "missing text";
                return -EINVAL;
        }
        if (streq(w[1], "network")) {
                char framed[1024];
                int len;

                if (r.mode == 4 || r.mode == 5) {
                        *ret_err = "a network request needs text";
                        return -EINVAL;
                }
                len = encode_reply(m, &r, framed, sizeof(framed));
                free(r.text);
                if (len < 0 || (size_t)len >= sizeof(framed)) {
                        *ret_err = "text cannot be encoded";
                        return -EINVAL;
                }
                if (u->n == 0) {
                        fprintf(out, "not presented (+CUSD n=0)\n");
                        return 0;
                }
                u->active = r.mode == 1;
                if (!m->profile->silent)
                        m->ops.output(m->userdata, SIM_OUT_URC, framed, (size_t)len);
                return 0;
        }
        {
                SimUssdReply *p = realloc(u->replies, (u->n_replies + 1) * sizeof(SimUssdReply));
                if (!p) {
                        free(r.text);
                        return -ENOMEM;
                }
                u->replies = p;
                u->replies[u->n_replies++] = r;
        }
        return 0;
}
