/* Control-socket commands of the simulated SMS network ("sms ...",
 * "net ..."): deliveries built with the simulator's own encoder, bursts,
 * storage full, the record of what the host sent, status reports. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim-pdu.h"
#include "sim-sms-private.h"
#include "sim-sms.h"

/* ---- control commands ------------------------------------------------ */

static void print_escaped(FILE *out, const char *s, size_t len) {
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '\\')
                        fputs("\\\\", out);
                else if (s[i] == '\n')
                        fputs("\\n", out);
                else if (s[i] == '\r')
                        fputs("\\r", out);
                else
                        fputc(s[i], out);
        }
}

typedef struct DeliverOpts {
        bool ucs2, ref16, have_ref, raw;
        unsigned parts, ref, dup;
        int msg_class;
        const char *order;
        SimMem mem;
        SimDeliverMode mode;
        const char *smsc;
        const char *sender;
} DeliverOpts;

static int parse_opts(SimModem *m, const char *const *w, size_t n, size_t *i, DeliverOpts *o,
                      const char **ret_err) {
        char *end;

        o->msg_class = -1;
        o->mem = m->mem[2];
        o->mode = SIM_DELIVER_CNMI;
        o->smsc = SIM_SMSC;
        for (; *i < n; (*i)++) {
                const char *a = w[*i], *v = *i + 1 < n ? w[*i + 1] : NULL;

                if (!startswith(a, "--"))
                        return 0;
                if (streq(a, "--ucs2"))
                        o->ucs2 = true;
                else if (streq(a, "--ref16"))
                        o->ref16 = true;
                else if (streq(a, "--raw"))
                        o->raw = true;
                else if (v && (streq(a, "--parts") || streq(a, "--ref") || streq(a, "--class") ||
                               streq(a, "--dup"))) {
                        unsigned long x = strtoul(v, &end, 0);
                        if (*end || !*v || x > 65535) {
                                *ret_err = "bad number";
                                return -EINVAL;
                        }
                        if (streq(a, "--parts"))
                                o->parts = (unsigned)x;
                        else if (streq(a, "--ref")) {
                                o->ref = (unsigned)x;
                                o->have_ref = true;
                        } else if (streq(a, "--dup"))
                                o->dup = (unsigned)x;
                        else
                                o->msg_class = x <= 3 ? (int)x : -1;
                        (*i)++;
                } else if (v && streq(a, "--mem")) {
                        o->mem = sim_mem_from_string(v);
                        if (o->mem == SIM_MEM_INVALID || o->mem == SIM_MEM_SR) {
                                *ret_err = "bad memory";
                                return -EINVAL;
                        }
                        (*i)++;
                } else if (v && streq(a, "--mode")) {
                        if (streq(v, "cmti"))
                                o->mode = SIM_DELIVER_CMTI;
                        else if (streq(v, "cmt"))
                                o->mode = SIM_DELIVER_CMT;
                        else {
                                *ret_err = "mode is cmti or cmt";
                                return -EINVAL;
                        }
                        (*i)++;
                } else if (v && streq(a, "--order")) {
                        o->order = v;
                        (*i)++;
                } else if (v && streq(a, "--smsc")) {
                        o->smsc = v;
                        (*i)++;
                } else if (v && streq(a, "--from")) {
                        o->sender = v;
                        (*i)++;
                } else {
                        *ret_err = "unknown option";
                        return -EINVAL;
                }
        }
        return 0;
}

static unsigned next_ref = 1;

/* Splits text into DELIVER PDUs per the options; returns the count. */
static int build_parts(const char *sender, const char *text, const DeliverOpts *o, int64_t now,
                       char (*pdus)[400], size_t max, const char **ret_err) {
        uint8_t units[SIM_PROMPT_MAX * 2];
        size_t n_units = 0, unit = 1, per, total;
        size_t bounds[256];
        SimAlphabet alpha = SIM_ALPHABET_GSM7;
        unsigned ref;
        int r = -EINVAL;

        if (!o->ucs2)
                r = sim_gsm7_from_utf8(text, strlen(text), units, sizeof(units), &n_units);
        if (r < 0) {
                r = sim_ucs2_from_utf8(text, strlen(text), units, sizeof(units), &n_units);
                if (r < 0) {
                        *ret_err = "text is not valid UTF-8 or too long";
                        return r;
                }
                alpha = SIM_ALPHABET_UCS2;
                unit = 2;
        }
        /* Part boundaries in bytes of units[]. */
        if (o->parts > 0) {
                size_t count = n_units / unit;
                if (o->parts > 255 || o->parts > max || (count == 0 && o->parts > 1)) {
                        *ret_err = "bad --parts";
                        return -EINVAL;
                }
                total = o->parts;
                for (size_t k = 0; k <= total; k++)
                        bounds[k] = (count * k / total) * unit;
                /* never leave an escape as the last septet of a part */
                for (size_t k = 1; k < total && alpha == SIM_ALPHABET_GSM7; k++)
                        if (bounds[k] > 0 && units[bounds[k] - 1] == 0x1B)
                                bounds[k]++;
        } else {
                size_t single = alpha == SIM_ALPHABET_GSM7 ? 160 : 140;
                per = alpha == SIM_ALPHABET_GSM7 ? (o->ref16 ? 152 : 153) : (o->ref16 ? 132 : 134);
                if (n_units <= single && !o->have_ref)
                        total = 1;
                else {
                        size_t pos = 0;
                        total = 0;
                        bounds[0] = 0;
                        while (pos < n_units || total == 0) {
                                size_t end = pos + per < n_units ? pos + per : n_units;
                                if (alpha == SIM_ALPHABET_GSM7 && end < n_units && units[end - 1] == 0x1B)
                                        end--;
                                if (alpha == SIM_ALPHABET_UCS2 && end < n_units &&
                                    (units[end - 2] & 0xFC) == 0xD8)
                                        end -= 2;
                                if (total + 1 > 255 || total + 1 > max) {
                                        *ret_err = "text too long";
                                        return -EMSGSIZE;
                                }
                                bounds[++total] = end;
                                pos = end;
                        }
                }
                if (total == 1) {
                        bounds[0] = 0;
                        bounds[1] = n_units;
                }
        }
        ref = o->have_ref ? o->ref : (o->ref16 ? (next_ref++ & 0xFFFF) : (next_ref++ & 0xFF));
        for (size_t k = 0; k < total; k++) {
                bool concat = total > 1 || o->have_ref || o->parts > 0;
                int len = sim_pdu_encode_deliver(&(SimDeliverSpec){.smsc = o->smsc,
                                                                   .sender = sender,
                                                                   .alphabet = alpha,
                                                                   .ud = units + bounds[k],
                                                                   .ud_len = bounds[k + 1] - bounds[k],
                                                                   .concat = concat,
                                                                   .ref = ref,
                                                                   .ref_bits = o->ref16 ? 16 : 8,
                                                                   .total = (unsigned)total,
                                                                   .seq = (unsigned)k + 1,
                                                                   .time = now,
                                                                   .msg_class = o->msg_class},
                                                 pdus[k], sizeof(pdus[k]));
                if (len < 0) {
                        *ret_err = len == -EINVAL ? "bad sender" : "part too long";
                        return len;
                }
        }
        return (int)total;
}

/* Fills order[] (0-based part numbers) from "reverse", "shuffle" or
 * "3,1,2"; returns the count (parts may be omitted or repeated). */
static int parse_order(const char *spec, size_t total, size_t *order, size_t max) {
        size_t n = 0;

        if (!spec) {
                for (size_t k = 0; k < total; k++)
                        order[n++] = k;
                return (int)n;
        }
        if (streq(spec, "reverse")) {
                for (size_t k = 0; k < total; k++)
                        order[n++] = total - 1 - k;
                return (int)n;
        }
        if (streq(spec, "shuffle")) {
                /* deterministic: odd positions first, then even */
                for (size_t k = 1; k < total; k += 2)
                        order[n++] = k;
                for (size_t k = 0; k < total; k += 2)
                        order[n++] = k;
                return (int)n;
        }
        for (const char *p = spec; *p && n < max;) {
                char *end;
                unsigned long v = strtoul(p, &end, 10);
                if (end == p || v < 1 || v > total)
                        return -EINVAL;
                order[n++] = v - 1;
                p = *end == ',' ? end + 1 : end;
                if (*end && *end != ',')
                        return -EINVAL;
        }
        return (int)n;
}

static int ctl_deliver(SimModem *m, const char *const *w, size_t n, FILE *out, bool encode_only,
                       const char **ret_err) {
        static char pdus[255][400];
        size_t order[512];
        DeliverOpts o = {0};
        _cleanup_free_ char *text = NULL, *ind = NULL;
        size_t tl = 0, ind_len = 0, i = 2;
        const char *sender;
        int total, count, r;

        if (n < 3) {
                *ret_err = "usage: sms deliver <sender> <text> [options]";
                return -EINVAL;
        }
        sender = w[2];
        /* text: every word until the first option, joined by blanks */
        for (i = 3; i < n && !startswith(w[i], "--"); i++) {
                if (tl)
                        sim_sms_append(&text, &tl, " ", 1);
                sim_sms_append(&text, &tl, w[i], strlen(w[i]));
        }
        if (!text)
                text = strdup("");
        if (!text)
                return -ENOMEM;
        r = parse_opts(m, w, n, &i, &o, ret_err);
        if (r < 0)
                return r;
        if (i < n) {
                *ret_err = "text must come before the options (quote it)";
                return -EINVAL;
        }
        total = build_parts(sender, text, &o, sim_now(m), pdus, 255, ret_err);
        if (total < 0)
                return total;
        if (encode_only) {
                for (int k = 0; k < total; k++)
                        fprintf(out, "%s\n", pdus[k]);
                return 0;
        }
        count = parse_order(o.order, (size_t)total, order, 510);
        if (count < 0) {
                *ret_err = "bad --order";
                return -EINVAL;
        }
        if (o.dup >= 1 && o.dup <= (unsigned)total)
                order[count++] = o.dup - 1;
        for (int k = 0; k < count; k++)
                (void)sim_sms_deliver_one(m, pdus[order[k]], o.mode, o.mem, &ind, &ind_len, out);
        sim_sms_flush_indications(m, ind, ind_len);
        return 0;
}

static int ctl_inject_pdu(SimModem *m, const char *const *w, size_t n, FILE *out, const char **ret_err) {
        DeliverOpts o = {0};
        _cleanup_free_ char *ind = NULL, *hex = NULL;
        size_t ind_len = 0, i = 3;
        SimPdu p;
        int r;

        if (n < 3) {
                *ret_err = "usage: sms inject-pdu <hex> [--mode cmti|cmt] [--mem M] [--raw]";
                return -EINVAL;
        }
        r = parse_opts(m, w, n, &i, &o, ret_err);
        if (r < 0)
                return r;
        hex = strdup(w[2]);
        if (!hex)
                return -ENOMEM;
        for (char *c = hex; *c; c++)
                *c = (char)toupper((unsigned char)*c);
        r = sim_pdu_decode(hex, true, false, &p);
        if (r == -EINVAL || strlen(hex) < 4 || strspn(hex, "0123456789ABCDEF") != strlen(hex)) {
                *ret_err = "bad hex";
                return -EINVAL;
        }
        if (r < 0 && !o.raw) {
                *ret_err = "not a valid SMS-DELIVER (use --raw to inject it anyway)";
                return -EINVAL;
        }
        if (r >= 0 && p.type == SIM_PDU_STATUS_REPORT) {
                /* Route a status report as the network would. */
                char framed[512];
                int k;
                if (m->cnmi[3] == 2) {
                        unsigned slot;
                        if (sim_storage_add(&m->storage, SIM_MEM_SR, SIM_STAT_REC_UNREAD, hex, &slot) < 0) {
                                *ret_err = "SR storage full";
                                return -ENOSPC;
                        }
                        k = snprintf(framed, sizeof(framed), "\r\n+CDSI: \"SR\",%u\r\n",
                                     slot + sim_sms_index_base(m));
                        fprintf(out, "SR %u\n", slot + sim_sms_index_base(m));
                } else {
                        unsigned smsc = (unsigned)strtoul((char[]){hex[0], hex[1], 0}, NULL, 16);
                        k = snprintf(framed, sizeof(framed), "\r\n+CDS: %zu\r\n%s\r\n",
                                     strlen(hex) / 2 - smsc - 1, hex);
                }
                if (k > 0 && (size_t)k < sizeof(framed))
                        sim_sms_indicate(m, framed, (size_t)k);
                return 0;
        }
        (void)sim_sms_deliver_one(m, hex, o.mode, o.mem, &ind, &ind_len, out);
        sim_sms_flush_indications(m, ind, ind_len);
        return 0;
}

static int ctl_burst(SimModem *m, const char *const *w, size_t n, FILE *out, const char **ret_err) {
        DeliverOpts o = {0};
        _cleanup_free_ char *ind = NULL;
        size_t ind_len = 0, i = 3;
        unsigned long count;
        unsigned stored = 0, queued = 0;
        char *end;
        int r;

        if (n < 3 || (count = strtoul(w[2], &end, 10), *end) || count == 0 || count > 100000) {
                *ret_err = "usage: sms burst <n> [--from SENDER] [--mode cmti|cmt] [--mem M]";
                return -EINVAL;
        }
        r = parse_opts(m, w, n, &i, &o, ret_err);
        if (r < 0)
                return r;
        for (unsigned long k = 0; k < count; k++) {
                char text[64], pdus[1][400];
                DeliverOpts single = o;

                single.parts = 0;
                single.have_ref = false;
                snprintf(text, sizeof(text), "Burst message %lu of %lu", k + 1, count);
                if (build_parts(o.sender ? o.sender : "+15555550123", text, &single, sim_now(m), pdus, 1,
                                ret_err) < 0)
                        return -EINVAL;
                r = sim_sms_deliver_one(m, pdus[0], o.mode, o.mem, &ind, &ind_len, NULL);
                if (r == -ENOSPC)
                        queued++;
                else if (r >= 0)
                        stored++;
        }
        /* All indications in one write: no gap between them. */
        sim_sms_flush_indications(m, ind, ind_len);
        fprintf(out, "stored %u\n", stored);
        if (queued)
                fprintf(out, "queued %u\n", queued);
        return 0;
}

static void print_sent_joined(SimModem *m, FILE *out) {
        bool *done = calloc(m->n_sent ? m->n_sent : 1, sizeof(bool));

        if (!done)
                return;
        for (size_t i = 0; i < m->n_sent; i++) {
                SimPdu p, q;
                uint8_t joined[255 * 140];
                size_t jl = 0, got = 0;
                char text[255 * 160 * 3];
                size_t tl = 0;

                if (done[i] || sim_pdu_decode(m->sent[i].hex, true, true, &p) < 0 ||
                    p.type != SIM_PDU_SUBMIT)
                        continue;
                done[i] = true;
                if (!p.has_concat) {
                        fprintf(out, "%s|", p.number);
                        print_escaped(out, p.text, p.text_len);
                        fputc('\n', out);
                        continue;
                }
                for (unsigned seq = 1; seq <= p.concat_total; seq++)
                        for (size_t k = i; k < m->n_sent; k++) {
                                if ((k != i && done[k]) ||
                                    sim_pdu_decode(m->sent[k].hex, true, true, &q) < 0 || !q.has_concat ||
                                    q.concat_ref != p.concat_ref || q.concat_bits != p.concat_bits ||
                                    q.concat_total != p.concat_total || q.concat_seq != seq ||
                                    strcmp(q.number, p.number) != 0)
                                        continue;
                                done[k] = true;
                                memcpy(joined + jl, q.ud, q.ud_len);
                                jl += q.ud_len;
                                got++;
                                break;
                        }
                if (p.alphabet == SIM_ALPHABET_UCS2)
                        (void)sim_ucs2_to_utf8(joined, jl, text, sizeof(text), &tl);
                else if (p.alphabet == SIM_ALPHABET_GSM7)
                        (void)sim_gsm7_to_utf8(joined, jl, text, sizeof(text), &tl);
                else {
                        for (size_t k = 0; k < jl && 2 * k + 2 < sizeof(text); k++)
                                snprintf(text + 2 * k, 3, "%02X", joined[k]);
                        tl = 2 * jl;
                }
                fprintf(out, "%s|", p.number);
                print_escaped(out, text, tl);
                if (got != p.concat_total)
                        fprintf(out, "|incomplete %zu/%u", got, p.concat_total);
                fputc('\n', out);
        }
        free(done);
}

static const char sms_help[] =
        "sms deliver <sender> <text> [--ucs2] [--parts N] [--ref R] [--ref16] [--order "
        "reverse|shuffle|3,1,2]\n"
        "            [--dup SEQ] [--class C] [--mem SM|ME] [--mode cmti|cmt] [--smsc NUM]\n"
        "sms encode <sender> <text> [same options]   print the DELIVER PDUs, deliver nothing\n"
        "sms inject-pdu <hex> [--mode cmti|cmt] [--mem M] [--raw]\n"
        "sms burst <n> [--from SENDER] [--mode cmti|cmt] [--mem M]\n"
        "sms storage-full [on|off]\n"
        "sms sent [clear] | sms sent joined\n"
        "sms count [SM|ME|SR] | sms list [SM|ME|SR] | sms clear [SM|ME|SR]\n"
        "sms report <mr> <status> [--to NUMBER]\n"
        "sms capacity <SM|ME|SR> <n>\n"
        "sms busy [on|off] [code]         storage commands answer +CMS ERROR: code (500)\n"
        "net report on|off|fail [status]\n";

int sim_sms_control(SimModem *m, const char *line, const char *const *w, size_t n, FILE *out,
                    const char **ret_err) {
        if (streq(w[0], "net")) {
                if (n >= 3 && streq(w[1], "report")) {
                        if (streq(w[2], "on"))
                                m->net_report = 1;
                        else if (streq(w[2], "off"))
                                m->net_report = 0;
                        else if (streq(w[2], "fail")) {
                                unsigned long st = n >= 4 ? strtoul(w[3], NULL, 0) : 0x46;
                                if (st > 0xFF) {
                                        *ret_err = "bad status";
                                        return -EINVAL;
                                }
                                m->net_report = 2;
                                m->net_fail_status = (uint8_t)st;
                        } else {
                                *ret_err = "usage: net report on|off|fail [status]";
                                return -EINVAL;
                        }
                        return 0;
                }
                *ret_err = "usage: net report on|off|fail [status]";
                return -EINVAL;
        }
        if (n < 2 || streq(w[1], "help")) {
                fputs(sms_help, out);
                return 0;
        }
        if (streq(w[1], "deliver"))
                return ctl_deliver(m, w, n, out, false, ret_err);
        if (streq(w[1], "encode"))
                return ctl_deliver(m, w, n, out, true, ret_err);
        if (streq(w[1], "inject-pdu"))
                return ctl_inject_pdu(m, w, n, out, ret_err);
        if (streq(w[1], "burst"))
                return ctl_burst(m, w, n, out, ret_err);
        if (streq(w[1], "capacity")) {
                SimMem mem = n == 4 ? sim_mem_from_string(w[2]) : SIM_MEM_INVALID;
                char *end;
                unsigned long v = n == 4 ? strtoul(w[3], &end, 10) : 0;
                int r;

                if (mem == SIM_MEM_INVALID || *end || v == 0) {
                        *ret_err = "usage: sms capacity <SM|ME|SR> <n>";
                        return -EINVAL;
                }
                r = sim_storage_resize(&m->storage, mem, (unsigned)v);
                if (r < 0) {
                        *ret_err = r == -EBUSY ? "messages stored beyond the new size" : "bad size";
                        return r;
                }
                sim_sms_retry_network_queue(m);
                return 0;
        }
        if (streq(w[1], "busy")) {
                bool on = n < 3 || streq(w[2], "on");
                unsigned long code = n >= 4 ? strtoul(w[3], NULL, 10) : 500;

                if ((n >= 3 && !streq(w[2], "on") && !streq(w[2], "off")) || code < 300 || code > 549) {
                        *ret_err = "usage: sms busy [on|off] [code]";
                        return -EINVAL;
                }
                m->sms_busy = on ? (int)code : 0;
                return 0;
        }
        if (streq(w[1], "storage-full")) {
                bool on = n < 3 || streq(w[2], "on");
                if (n >= 3 && !streq(w[2], "on") && !streq(w[2], "off")) {
                        *ret_err = "usage: sms storage-full [on|off]";
                        return -EINVAL;
                }
                m->storage_full = on;
                if (!on)
                        sim_sms_retry_network_queue(m);
                return 0;
        }
        if (streq(w[1], "sent")) {
                if (n >= 3 && streq(w[2], "clear")) {
                        for (size_t i = 0; i < m->n_sent; i++) {
                                free(m->sent[i].hex);
                                free(m->sent[i].text_mode_number);
                        }
                        m->n_sent = 0;
                        return 0;
                }
                if (n >= 3 && streq(w[2], "joined")) {
                        print_sent_joined(m, out);
                        return 0;
                }
                for (size_t i = 0; i < m->n_sent; i++) {
                        SimPdu p;
                        fprintf(out, "%s ", m->sent[i].hex);
                        if (sim_pdu_decode(m->sent[i].hex, true, true, &p) < 0)
                                fprintf(out, "?|?\n");
                        else {
                                fprintf(out, "%s|", p.number);
                                print_escaped(out, p.text, p.text_len);
                                fputc('\n', out);
                        }
                }
                return 0;
        }
        if (streq(w[1], "count") || streq(w[1], "list") || streq(w[1], "clear")) {
                SimMem only = SIM_MEM_INVALID;
                unsigned total = 0;

                if (n >= 3) {
                        only = sim_mem_from_string(w[2]);
                        if (only == SIM_MEM_INVALID) {
                                *ret_err = "bad memory";
                                return -EINVAL;
                        }
                }
                for (int mem = 0; mem < _SIM_MEM_MAX; mem++) {
                        if (only != SIM_MEM_INVALID && mem != (int)only)
                                continue;
                        for (unsigned k = 0; k < m->storage.total[mem]; k++) {
                                SimSlot *s = &m->storage.slots[mem][k];
                                if (!s->used)
                                        continue;
                                total++;
                                if (streq(w[1], "list"))
                                        fprintf(out, "%s %u %d %s\n", sim_mem_to_string((SimMem)mem),
                                                k + sim_sms_index_base(m), s->stat, s->hex);
                                else if (streq(w[1], "clear"))
                                        (void)sim_storage_delete(&m->storage, (SimMem)mem, k);
                        }
                }
                if (streq(w[1], "count"))
                        fprintf(out, "%u\n", total);
                return 0;
        }
        if (streq(w[1], "report")) {
                unsigned long mr, st;
                char *e1, *e2;
                const char *to = NULL;
                uint8_t toa = 0x91;
                int r;

                if (n < 4 || (mr = strtoul(w[2], &e1, 0), *e1) || mr > 255 ||
                    (st = strtoul(w[3], &e2, 0), *e2) || st > 255) {
                        *ret_err = "usage: sms report <mr> <status> [--to NUMBER]";
                        return -EINVAL;
                }
                if (n >= 6 && streq(w[4], "--to"))
                        to = w[5];
                if (!to) {
                        /* the most recent message sent with that reference */
                        for (size_t i = m->n_sent; i-- > 0;) {
                                static SimPdu p;
                                if (m->sent[i].mr == mr &&
                                    sim_pdu_decode(m->sent[i].hex, true, true, &p) >= 0) {
                                        to = p.number;
                                        toa = p.toa;
                                        break;
                                }
                        }
                }
                if (!to)
                        to = "+15555550199";
                else if (to[0] != '+')
                        toa = 0x81;
                r = sim_sms_status_report(m, (uint8_t)mr, to, toa, (uint8_t)st, false);
                if (r < 0) {
                        *ret_err = r == -ENOSPC ? "SR storage full" : "cannot build the report";
                        return r;
                }
                if (r == 0)
                        fprintf(out, "not routed (+CNMI ds=0)\n");
                return 0;
        }
        *ret_err = "unknown sms command (sms help)";
        return -EINVAL;
}
