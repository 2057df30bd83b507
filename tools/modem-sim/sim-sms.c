/* SMS in the simulated modem: the 3GPP TS 27.005 commands (storage,
 * PDU and text mode, +CNMI routing, sending with the "> " prompt) and the
 * simulated network behind them (deliveries, status reports, storage
 * full), driven from the control socket.  PDUs are decoded and built with
 * the simulator's own codec (sim-pdu.c), never with src/sms. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim-pdu.h"
#include "sim-sms-private.h"
#include "sim-sms.h"

#define SIM_REPORT_DELAY_USEC (200 * 1000)

/* 27.005 3.2.5 <err> values used here. */
enum {
        CMS_NOT_ALLOWED = 302,
        CMS_NOT_SUPPORTED = 303,
        CMS_INVALID_PDU = 304,
        CMS_INVALID_TEXT = 305,
        CMS_SIM_PIN = 311,
        CMS_INVALID_INDEX = 321,
        CMS_MEMORY_FULL = 322,
        CMS_NO_NETWORK = 331,
        CMS_NO_CNMA = 340,
};

static void cnmi_default(SimModem *m) {
        int v[5] = {0};

        if (sscanf(m->profile->cnmi_default ? m->profile->cnmi_default : "", "%d,%d,%d,%d,%d", &v[0], &v[1],
                   &v[2], &v[3], &v[4]) != 5)
                memset(v, 0, sizeof(v));
        memcpy(m->cnmi, v, sizeof(v));
}

static void sms_defaults(SimModem *m) {
        m->cmgf = 0;
        snprintf(m->cscs, sizeof(m->cscs), "IRA");
        cnmi_default(m);
        m->mem[0] = m->mem[1] = m->mem[2] = SIM_MEM_SM;
        m->csms = 0;
        m->csdh = false;
        m->csmp_fo = 17;
        m->csmp_vp = 167;
        m->csmp_pid = 0;
        m->csmp_dcs = 0;
        m->cnma_expected = false;
        m->prompt = SIM_PROMPT_NONE;
        free(m->prompt_buf);
        m->prompt_buf = NULL;
        m->prompt_buf_len = 0;
        free(m->buffered_ind);
        m->buffered_ind = NULL;
}

void sim_sms_init(SimModem *m) {
        sms_defaults(m);
}

void sim_sms_power_cycle(SimModem *m) {
        sms_defaults(m);
}

void sim_sms_done(SimModem *m) {
        for (size_t i = 0; i < m->n_sent; i++) {
                free(m->sent[i].hex);
                free(m->sent[i].text_mode_number);
        }
        free(m->sent);
        for (size_t i = 0; i < m->n_network_queue; i++)
                free(m->network_queue[i]);
        free(m->network_queue);
        free(m->prompt_buf);
        free(m->buffered_ind);
}

/* ---- helpers --------------------------------------------------------- */

static SimResult cms(SimModem *m, int code) {
        m->err = code;
        return SIM_RES_CMS;
}

void sim_sms_append(char **buf, size_t *len, const char *data, size_t n) {
        char *p = realloc(*buf, *len + n + 1);

        if (!p)
                return;
        memcpy(p + *len, data, n);
        *len += n;
        p[*len] = '\0';
        *buf = p;
}

/* Sends a framed indication, or holds it while +CNMI <mode> is 0. */
void sim_sms_indicate(SimModem *m, const char *framed, size_t len) {
        if (m->cnmi[0] == 0) {
                size_t cur = m->buffered_ind ? strlen(m->buffered_ind) : 0;
                sim_sms_append(&m->buffered_ind, &cur, framed, len);
                return;
        }
        m->ops.output(m->userdata, SIM_OUT_URC, framed, len);
}

unsigned sim_sms_index_base(SimModem *m) {
        return m->profile->index_base;
}

static bool parse_index(SimModem *m, const char *s, SimMem mem, unsigned *ret) {
        char *end;
        long v;

        if (!s || !*s)
                return false;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || *end || v < (long)sim_sms_index_base(m) ||
            v - (long)sim_sms_index_base(m) >= (long)m->storage.total[mem])
                return false;
        *ret = (unsigned)(v - (long)sim_sms_index_base(m));
        return true;
}

/* 27.005 text-mode rendering of a decoded message's data. */
static void text_data(SimModem *m, const SimPdu *p, char *out, size_t size) {
        if (p->alphabet != SIM_ALPHABET_GSM7 || p->udhi || strcasecmp(m->cscs, "UCS2") == 0) {
                /* hex of the TP-UD octets (C07), or of UCS2 when +CSCS="UCS2" */
                uint8_t u[400];
                size_t n = 0, o = 0;

                if (p->alphabet == SIM_ALPHABET_GSM7 && strcasecmp(m->cscs, "UCS2") == 0)
                        (void)sim_ucs2_from_utf8(p->text, p->text_len, u, sizeof(u), &n);
                else {
                        n = p->ud_len < sizeof(u) ? p->ud_len : sizeof(u);
                        memcpy(u, p->ud, n);
                }
                for (size_t k = 0; k < n && o + 3 < size; k++, o += 2)
                        snprintf(out + o, 3, "%02X", u[k]);
                out[o] = '\0';
                return;
        }
        snprintf(out, size, "%s", p->text);
}

static unsigned toa_of(const char *number) {
        return number[0] == '+' ? 145 : 129;
}

/* ---- listing and reading --------------------------------------------- */

static void list_slot(SimModem *m, SimMem mem, unsigned k, bool cmgr) {
        SimSlot *s = &m->storage.slots[mem][k];
        const char *prefix = cmgr ? "+CMGR: " : "+CMGL: ";
        char idx[16] = "";
        SimPdu p;

        if (!cmgr)
                snprintf(idx, sizeof(idx), "%u,", k + sim_sms_index_base(m));
        if (m->cmgf == 0) {
                sim_reply_linef(m, "%s%s%d,,%u", prefix, idx, s->stat, s->tpdu_len);
                sim_reply_line(m, s->hex);
        } else if (sim_pdu_decode(s->hex, true, s->stat <= SIM_STAT_REC_READ ? false : true, &p) < 0) {
                /* Undecodable in text mode: show the header we can. */
                sim_reply_linef(m, "%s%s\"%s\",\"\",,", prefix, idx, sim_stat_to_string(s->stat));
                sim_reply_line(m, "");
        } else if (p.type == SIM_PDU_STATUS_REPORT) {
                sim_reply_linef(m, "%s%s\"%s\",%u,%u,\"%s\",%u,\"%s\",\"%s\",%u", prefix, idx,
                                sim_stat_to_string(s->stat), p.fo, p.mr, p.number, p.toa, p.scts, p.dt,
                                p.st);
        } else {
                char data[SIM_TEXT_MAX * 2];

                text_data(m, &p, data, sizeof(data));
                if (p.type == SIM_PDU_SUBMIT)
                        sim_reply_linef(m, "%s%s\"%s\",\"%s\",", prefix, idx, sim_stat_to_string(s->stat),
                                        p.number);
                else if (cmgr && m->csdh)
                        sim_reply_linef(m, "%s\"%s\",\"%s\",,\"%s\",%u,%u,%u,%u,\"%s\",%u,%zu", prefix,
                                        sim_stat_to_string(s->stat), p.number, p.scts, p.toa, p.fo, p.pid,
                                        p.dcs, p.smsc, toa_of(p.smsc), p.ud_len);
                else if (m->csdh)
                        sim_reply_linef(m, "%s%s\"%s\",\"%s\",,\"%s\",%u,%zu", prefix, idx,
                                        sim_stat_to_string(s->stat), p.number, p.scts, p.toa, p.ud_len);
                else
                        sim_reply_linef(m, "%s%s\"%s\",\"%s\",,\"%s\"", prefix, idx,
                                        sim_stat_to_string(s->stat), p.number, p.scts);
                sim_reply_line(m, data);
        }
        if (s->stat == SIM_STAT_REC_UNREAD)
                s->stat = SIM_STAT_REC_READ;
}

static SimResult cmd_cmgl(SimModem *m, char form, const char *args) {
        SimMem mem = m->mem[0];
        SimArgs a;
        int stat = SIM_STAT_REC_UNREAD;

        if (form == 't') {
                if (m->cmgf == 0)
                        sim_reply_line(m, "+CMGL: (0-4)");
                else
                        sim_reply_line(
                                m,
                                "+CMGL: (\"REC UNREAD\",\"REC READ\",\"STO UNSENT\",\"STO SENT\",\"ALL\")");
                return SIM_RES_OK;
        }
        if (form == '?')
                return SIM_RES_ERROR;
        if (form == '=') {
                long v;
                if (sim_args_parse(args, &a) != 1)
                        return cms(m, CMS_NOT_ALLOWED);
                if (m->cmgf == 0) {
                        if (a.quoted[0] || !sim_arg_int(&a, 0, 0, 4, &v))
                                return cms(m, CMS_NOT_ALLOWED);
                        stat = (int)v;
                } else {
                        stat = sim_stat_from_string(a.v[0]);
                        if (stat < 0)
                                return cms(m, CMS_NOT_ALLOWED);
                }
        }
        for (unsigned k = 0; k < m->storage.total[mem]; k++) {
                SimSlot *s = &m->storage.slots[mem][k];
                if (!s->used || (stat != SIM_STAT_ALL && (int)s->stat != stat))
                        continue;
                list_slot(m, mem, k, false);
        }
        return SIM_RES_OK;
}

static SimResult cmd_cmgr(SimModem *m, char form, const char *args) {
        SimArgs a;
        unsigned k;

        if (form == 't')
                return SIM_RES_OK;
        if (form != '=' || sim_args_parse(args, &a) != 1)
                return cms(m, CMS_NOT_ALLOWED);
        if (!parse_index(m, a.v[0], m->mem[0], &k))
                return cms(m, CMS_INVALID_INDEX);
        /* An empty slot answers a bare OK (field case C19). */
        if (sim_storage_get(&m->storage, m->mem[0], k))
                list_slot(m, m->mem[0], k, true);
        return SIM_RES_OK;
}

static SimResult cmd_cmgd(SimModem *m, char form, const char *args) {
        SimArgs a;
        unsigned k = 0;
        long flag = 0;

        if (form == 't') {
                sim_reply_linef(m, "+CMGD: (%u-%u),(0-4)", sim_sms_index_base(m),
                                m->storage.total[m->mem[0]] - 1 + sim_sms_index_base(m));
                return SIM_RES_OK;
        }
        if (form != '=' || sim_args_parse(args, &a) < 1 || a.n > 2)
                return cms(m, CMS_NOT_ALLOWED);
        if (a.n == 2 && !sim_arg_int(&a, 1, 0, 4, &flag))
                return cms(m, CMS_NOT_ALLOWED);
        if (flag == 0) {
                if (!parse_index(m, a.v[0], m->mem[0], &k))
                        return cms(m, CMS_INVALID_INDEX);
                (void)sim_storage_delete(&m->storage, m->mem[0], k);
        } else
                (void)sim_storage_delete_flag(&m->storage, m->mem[0], (int)flag);
        sim_sms_retry_network_queue(m);
        return SIM_RES_OK;
}

static SimResult cmd_cpms(SimModem *m, char form, const char *args) {
        SimArgs a;
        SimMem mems[3];

        if (form == 't') {
                sim_reply_line(m, "+CPMS: (\"SM\",\"ME\",\"SR\"),(\"SM\",\"ME\",\"SR\"),(\"SM\",\"ME\")");
                return SIM_RES_OK;
        }
        if (form == '?') {
                sim_reply_linef(m, "+CPMS: \"%s\",%u,%u,\"%s\",%u,%u,\"%s\",%u,%u",
                                sim_mem_to_string(m->mem[0]), sim_storage_used(&m->storage, m->mem[0]),
                                m->storage.total[m->mem[0]], sim_mem_to_string(m->mem[1]),
                                sim_storage_used(&m->storage, m->mem[1]), m->storage.total[m->mem[1]],
                                sim_mem_to_string(m->mem[2]), sim_storage_used(&m->storage, m->mem[2]),
                                m->storage.total[m->mem[2]]);
                return SIM_RES_OK;
        }
        if (form != '=' || sim_args_parse(args, &a) < 1 || a.n > 3)
                return cms(m, CMS_NOT_ALLOWED);
        memcpy(mems, m->mem, sizeof(mems));
        for (size_t i = 0; i < a.n; i++) {
                SimMem mem = sim_mem_from_string(a.v[i]);
                if (mem == SIM_MEM_INVALID || (i == 2 && mem == SIM_MEM_SR))
                        return cms(m, CMS_NOT_ALLOWED);
                mems[i] = mem;
        }
        memcpy(m->mem, mems, sizeof(mems));
        sim_reply_linef(m, "+CPMS: %u,%u,%u,%u,%u,%u", sim_storage_used(&m->storage, mems[0]),
                        m->storage.total[mems[0]], sim_storage_used(&m->storage, mems[1]),
                        m->storage.total[mems[1]], sim_storage_used(&m->storage, mems[2]),
                        m->storage.total[mems[2]]);
        return SIM_RES_OK;
}

static SimResult cmd_cnmi(SimModem *m, char form, const char *args) {
        static const long max[5] = {3, 3, 3, 2, 1};
        SimArgs a;
        int v[5];

        if (form == 't') {
                sim_reply_line(m, "+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)");
                return SIM_RES_OK;
        }
        if (form == '?') {
                sim_reply_linef(m, "+CNMI: %d,%d,%d,%d,%d", m->cnmi[0], m->cnmi[1], m->cnmi[2], m->cnmi[3],
                                m->cnmi[4]);
                return SIM_RES_OK;
        }
        if (form != '=' || sim_args_parse(args, &a) < 1 || a.n > 5)
                return cms(m, CMS_NOT_ALLOWED);
        memcpy(v, m->cnmi, sizeof(v));
        for (size_t i = 0; i < a.n; i++) {
                long x;
                if (!a.v[i][0])
                        continue;
                if (!sim_arg_int(&a, i, 0, max[i], &x))
                        return cms(m, CMS_NOT_SUPPORTED);
                v[i] = (int)x;
        }
        memcpy(m->cnmi, v, sizeof(v));
        if (m->cnmi[0] != 0 && m->buffered_ind) {
                /* 27.005 3.4.1 <bfr>: 0 flushes the held indications, 1 clears them. */
                if (m->cnmi[4] == 0)
                        sim_queue_pending_raw(m, m->buffered_ind, strlen(m->buffered_ind), 1);
                free(m->buffered_ind);
                m->buffered_ind = NULL;
        }
        return SIM_RES_OK;
}

static SimResult cmd_cmgs_cmgw(SimModem *m, bool write, char form, const char *args) {
        SimArgs a;
        long v;

        if (form == 't')
                return SIM_RES_OK;
        if (form != '=' || sim_args_parse(args, &a) < 1)
                return cms(m, CMS_NOT_ALLOWED);
        if (!write && sim_effective_stat(m) != 1 && sim_effective_stat(m) != 5)
                return cms(m, CMS_NO_NETWORK);
        if (m->cmgf == 0) {
                if (a.quoted[0] || !sim_arg_int(&a, 0, 7, 175, &v))
                        return cms(m, CMS_INVALID_PDU);
                m->prompt = write ? SIM_PROMPT_CMGW_PDU : SIM_PROMPT_CMGS_PDU;
                m->prompt_len = (unsigned)v;
        } else {
                const char *num = a.v[0];
                if (!*num || strlen(num) >= sizeof(m->prompt_number) ||
                    strspn(num[0] == '+' ? num + 1 : num, "0123456789") !=
                            strlen(num[0] == '+' ? num + 1 : num))
                        return cms(m, CMS_INVALID_TEXT);
                snprintf(m->prompt_number, sizeof(m->prompt_number), "%s", num);
                m->prompt = write ? SIM_PROMPT_CMGW_TEXT : SIM_PROMPT_CMGS_TEXT;
                m->prompt_len = 0;
        }
        m->prompt_toa = 0;
        if (write && a.n >= 2 && m->cmgf == 0 && sim_arg_int(&a, 1, 0, 3, &v))
                m->prompt_toa = (int)v; /* <stat> for +CMGW in PDU mode */
        sim_reply_raw(m, "\r\n> ", 4);
        return SIM_RES_PROMPT;
}

static SimResult cmd_cnma(SimModem *m, char form, const char *args) {
        if (form == 't') {
                sim_reply_line(m, m->cmgf == 0 ? "+CNMA: (0-2)" : "");
                return SIM_RES_OK;
        }
        if (!m->cnma_expected)
                return cms(m, CMS_NO_CNMA);
        m->cnma_expected = false;
        return SIM_RES_OK;
}

int sim_sms_command(SimModem *m, const char *name, char form, const char *args, SimResult *ret) {
        SimArgs a;
        long v;

        if (streq(name, "+CMGF")) {
                if (form == '?')
                        sim_reply_linef(m, "+CMGF: %d", m->cmgf);
                else if (form == 't')
                        sim_reply_line(m, "+CMGF: (0,1)");
                else if (form == '=' && sim_args_parse(args, &a) == 1 && sim_arg_int(&a, 0, 0, 1, &v))
                        m->cmgf = (int)v;
                else if (form == 0)
                        m->cmgf = 0;
                else {
                        *ret = SIM_RES_ERROR;
                        return 0;
                }
                *ret = SIM_RES_OK;
                return 0;
        }
        if (streq(name, "+CSCS")) {
                *ret = SIM_RES_OK;
                if (form == '?')
                        sim_reply_linef(m, "+CSCS: \"%s\"", m->cscs);
                else if (form == 't')
                        sim_reply_line(m, "+CSCS: (\"IRA\",\"GSM\",\"UCS2\")");
                else if (form == '=' && sim_args_parse(args, &a) == 1 &&
                         (strcasecmp(a.v[0], "IRA") == 0 || strcasecmp(a.v[0], "GSM") == 0 ||
                          strcasecmp(a.v[0], "UCS2") == 0)) {
                        snprintf(m->cscs, sizeof(m->cscs), "%s", a.v[0]);
                        for (char *p = m->cscs; *p; p++)
                                *p = (char)toupper((unsigned char)*p);
                } else {
                        m->err = 4;
                        *ret = SIM_RES_CME;
                }
                return 0;
        }
        if (streq(name, "+CSDH")) {
                *ret = SIM_RES_OK;
                if (form == '?')
                        sim_reply_linef(m, "+CSDH: %d", m->csdh);
                else if (form == 't')
                        sim_reply_line(m, "+CSDH: (0,1)");
                else if (form == '=' && sim_args_parse(args, &a) == 1 && sim_arg_int(&a, 0, 0, 1, &v))
                        m->csdh = v;
                else if (form == 0)
                        m->csdh = false;
                else
                        *ret = SIM_RES_ERROR;
                return 0;
        }
        if (streq(name, "+CSMP")) {
                *ret = SIM_RES_OK;
                if (form == '?')
                        sim_reply_linef(m, "+CSMP: %d,%d,%d,%d", m->csmp_fo, m->csmp_vp, m->csmp_pid,
                                        m->csmp_dcs);
                else if (form == '=' && sim_args_parse(args, &a) >= 1) {
                        long x[4] = {m->csmp_fo, m->csmp_vp, m->csmp_pid, m->csmp_dcs};
                        for (size_t i = 0; i < a.n && i < 4; i++)
                                if (a.v[i][0] && !sim_arg_int(&a, i, 0, 255, &x[i]))
                                        *ret = SIM_RES_ERROR;
                        if (*ret == SIM_RES_OK) {
                                m->csmp_fo = (int)x[0];
                                m->csmp_vp = (int)x[1];
                                m->csmp_pid = (int)x[2];
                                m->csmp_dcs = (int)x[3];
                        }
                }
                return 0;
        }
        if (streq(name, "+CSMS")) {
                *ret = SIM_RES_OK;
                if (form == '?')
                        sim_reply_linef(m, "+CSMS: %d,1,1,1", m->csms);
                else if (form == 't')
                        sim_reply_line(m, "+CSMS: (0,1)");
                else if (form == '=' && sim_args_parse(args, &a) == 1 && sim_arg_int(&a, 0, 0, 1, &v)) {
                        m->csms = (int)v;
                        sim_reply_line(m, "+CSMS: 1,1,1");
                } else
                        *ret = cms(m, CMS_NOT_SUPPORTED);
                return 0;
        }
        if (streq(name, "+CSCA")) {
                *ret = SIM_RES_OK;
                if (form == '?')
                        sim_reply_line(m, "+CSCA: \"" SIM_SMSC "\",145");
                return 0;
        }
        if (streq(name, "+CMMS")) {
                *ret = SIM_RES_OK;
                if (form == '?')
                        sim_reply_line(m, "+CMMS: 0");
                return 0;
        }

        if (!streq(name, "+CMGL") && !streq(name, "+CMGR") && !streq(name, "+CMGD") &&
            !streq(name, "+CPMS") && !streq(name, "+CNMI") && !streq(name, "+CMGS") &&
            !streq(name, "+CMGW") && !streq(name, "+CNMA") && !streq(name, "+CMSS"))
                return -ENOENT;

        if (!sim_ready(m) && form != 't') {
                *ret = cms(m, CMS_SIM_PIN);
                return 0;
        }
        if (m->sms_busy && form != 't' && !streq(name, "+CNMA")) {
                /* SMS subsystem not ready yet (before Quectel's "+QIND: SMS DONE"). */
                *ret = cms(m, m->sms_busy);
                return 0;
        }
        if (streq(name, "+CMGL"))
                *ret = cmd_cmgl(m, form, args);
        else if (streq(name, "+CMGR"))
                *ret = cmd_cmgr(m, form, args);
        else if (streq(name, "+CMGD"))
                *ret = cmd_cmgd(m, form, args);
        else if (streq(name, "+CPMS"))
                *ret = cmd_cpms(m, form, args);
        else if (streq(name, "+CNMI"))
                *ret = cmd_cnmi(m, form, args);
        else if (streq(name, "+CMGS"))
                *ret = cmd_cmgs_cmgw(m, false, form, args);
        else if (streq(name, "+CMGW"))
                *ret = cmd_cmgs_cmgw(m, true, form, args);
        else if (streq(name, "+CNMA"))
                *ret = cmd_cnma(m, form, args);
        else {
                /* +CMSS=<index>: send a stored SMS-SUBMIT */
                unsigned k;
                SimSlot *s;
                SimPdu p;

                if (form != '=' || sim_args_parse(args, &a) < 1 || !parse_index(m, a.v[0], m->mem[1], &k))
                        *ret = cms(m, CMS_INVALID_INDEX);
                else if (!(s = sim_storage_get(&m->storage, m->mem[1], k)) ||
                         sim_pdu_decode(s->hex, true, true, &p) < 0)
                        *ret = cms(m, CMS_INVALID_INDEX);
                else {
                        uint8_t mr = m->next_mr++;
                        SimSent *n = realloc(m->sent, (m->n_sent + 1) * sizeof(SimSent));
                        if (n) {
                                m->sent = n;
                                m->sent[m->n_sent++] = (SimSent){.hex = strdup(s->hex), .mr = mr};
                        }
                        s->stat = SIM_STAT_STO_SENT;
                        sim_reply_linef(m, "+CMSS: %u", mr);
                        *ret = SIM_RES_OK;
                }
        }
        return 0;
}

/* ---- status reports -------------------------------------------------- */

/* Emits (after SIM_REPORT_DELAY_USEC) the status report for message mr
 * sent to recipient, routed per +CNMI <ds>. */
int sim_sms_status_report(SimModem *m, uint8_t mr, const char *recipient, uint8_t toa, uint8_t st,
                          bool later) {
        char hex[128], framed[512];
        int64_t now = sim_now(m);
        int len, n = 0;
        SimPdu p;

        len = sim_pdu_encode_status_report(SIM_SMSC, mr, recipient, toa, now, now + 2, st, hex, sizeof(hex));
        if (len < 0)
                return len;
        if (m->cnmi[3] == 1) {
                if (m->cmgf == 0)
                        n = snprintf(framed, sizeof(framed), "\r\n+CDS: %d\r\n%s\r\n", len, hex);
                else if (sim_pdu_decode(hex, true, false, &p) >= 0)
                        n = snprintf(framed, sizeof(framed),
                                     "\r\n+CDS: %u,%u,\"%s\",%u,\"%s\",\"%s\",%u\r\n", p.fo, p.mr, p.number,
                                     p.toa, p.scts, p.dt, p.st);
                if (m->csms == 1)
                        m->cnma_expected = true;
        } else if (m->cnmi[3] == 2) {
                unsigned slot;
                if (sim_storage_add(&m->storage, SIM_MEM_SR, SIM_STAT_REC_UNREAD, hex, &slot) < 0)
                        return -ENOSPC;
                n = snprintf(framed, sizeof(framed), "\r\n+CDSI: \"SR\",%u\r\n",
                             slot + sim_sms_index_base(m));
        } else
                return 0; /* <ds>=0: no report routed to the host */
        if (n <= 0 || (size_t)n >= sizeof(framed))
                return -ENOBUFS;
        if (m->cnmi[0] == 0)
                sim_sms_indicate(m, framed, (size_t)n);
        else if (later)
                sim_queue_pending_raw(m, framed, (size_t)n, SIM_REPORT_DELAY_USEC);
        else
                m->ops.output(m->userdata, SIM_OUT_URC, framed, (size_t)n);
        return 1;
}

static void record_sent(SimModem *m, const char *hex, const char *text_number, uint8_t mr) {
        SimSent *n = realloc(m->sent, (m->n_sent + 1) * sizeof(SimSent));

        if (!n)
                return;
        m->sent = n;
        m->sent[m->n_sent++] = (SimSent){
                .hex = strdup(hex),
                .text_mode_number = text_number ? strdup(text_number) : NULL,
                .mr = mr,
        };
}

static void after_send(SimModem *m, const SimPdu *p, uint8_t mr) {
        if (!p->srr || m->net_report == 0)
                return;
        (void)sim_sms_status_report(m, mr, p->number, p->toa, m->net_report == 1 ? 0x00 : m->net_fail_status,
                                    true);
}

static void finish(SimModem *m, SimResult r) {
        m->prompt = SIM_PROMPT_NONE;
        sim_reply_final(m, r);
        sim_reply_flush(m);
}

void sim_sms_prompt_done(SimModem *m, const char *data, size_t len) {
        SimPrompt kind = m->prompt;
        char hex[SIM_PROMPT_MAX];
        size_t n = 0;
        SimPdu p;

        if (kind == SIM_PROMPT_CMGS_PDU || kind == SIM_PROMPT_CMGW_PDU) {
                for (size_t i = 0; i < len && n + 1 < sizeof(hex); i++)
                        if (!isspace((unsigned char)data[i]))
                                hex[n++] = (char)toupper((unsigned char)data[i]);
                hex[n] = '\0';
                if (sim_pdu_decode(hex, true, true, &p) < 0) {
                        finish(m, cms(m, CMS_INVALID_PDU));
                        return;
                }
                /* <length> counts TPDU octets, the SMSC field excluded (27.005 3.5.1). */
                {
                        unsigned smsc_len = (unsigned)strtoul((char[]){hex[0], hex[1], 0}, NULL, 16);
                        if (m->prompt_len && n / 2 - smsc_len - 1 != m->prompt_len) {
                                finish(m, cms(m, CMS_INVALID_PDU));
                                return;
                        }
                }
                if (kind == SIM_PROMPT_CMGW_PDU) {
                        unsigned slot;
                        int stat = m->prompt_toa ? m->prompt_toa : SIM_STAT_STO_UNSENT;
                        if (m->storage_full ||
                            sim_storage_add(&m->storage, m->mem[1], (SimStat)stat, hex, &slot) < 0) {
                                finish(m, cms(m, CMS_MEMORY_FULL));
                                return;
                        }
                        sim_reply_linef(m, "+CMGW: %u", slot + sim_sms_index_base(m));
                        finish(m, SIM_RES_OK);
                        return;
                }
                if (p.type != SIM_PDU_SUBMIT) {
                        finish(m, cms(m, CMS_INVALID_PDU));
                        return;
                }
                {
                        uint8_t mr = m->next_mr++;
                        record_sent(m, hex, NULL, mr);
                        sim_reply_linef(m, "+CMGS: %u", mr);
                        finish(m, SIM_RES_OK);
                        after_send(m, &p, mr);
                }
                return;
        }

        /* Text mode: the text in the +CSCS character set. */
        {
                uint8_t ud[160];
                size_t ud_len = 0;
                SimAlphabet alpha = SIM_ALPHABET_GSM7;
                char out[400], text[SIM_PROMPT_MAX];
                int r;

                if (strcasecmp(m->cscs, "UCS2") == 0) {
                        /* hex of UCS2 */
                        if (len % 2 || len / 2 > sizeof(ud)) {
                                finish(m, cms(m, CMS_INVALID_TEXT));
                                return;
                        }
                        for (size_t i = 0; i < len; i += 2) {
                                char b[3] = {data[i], data[i + 1], 0};
                                char *end;
                                ud[i / 2] = (uint8_t)strtoul(b, &end, 16);
                                if (*end) {
                                        finish(m, cms(m, CMS_INVALID_TEXT));
                                        return;
                                }
                        }
                        ud_len = len / 2;
                        alpha = SIM_ALPHABET_UCS2;
                } else {
                        memcpy(text, data, len);
                        text[len] = '\0';
                        r = sim_gsm7_from_utf8(text, len, ud, 160, &ud_len);
                        if (r < 0) {
                                r = sim_ucs2_from_utf8(text, len, ud, 140, &ud_len);
                                alpha = SIM_ALPHABET_UCS2;
                        }
                        if (r < 0) {
                                finish(m, cms(m, CMS_INVALID_TEXT));
                                return;
                        }
                }
                r = sim_pdu_encode_submit(NULL, m->prompt_number, 0, (m->csmp_fo & 0x20) != 0, alpha, ud,
                                          ud_len, out, sizeof(out));
                if (r < 0 || sim_pdu_decode(out, true, true, &p) < 0) {
                        finish(m, cms(m, CMS_INVALID_TEXT));
                        return;
                }
                if (kind == SIM_PROMPT_CMGW_TEXT) {
                        unsigned slot;
                        if (m->storage_full ||
                            sim_storage_add(&m->storage, m->mem[1], SIM_STAT_STO_UNSENT, out, &slot) < 0) {
                                finish(m, cms(m, CMS_MEMORY_FULL));
                                return;
                        }
                        sim_reply_linef(m, "+CMGW: %u", slot + sim_sms_index_base(m));
                        finish(m, SIM_RES_OK);
                        return;
                }
                {
                        uint8_t mr = m->next_mr++;
                        record_sent(m, out, m->prompt_number, mr);
                        sim_reply_linef(m, "+CMGS: %u", mr);
                        finish(m, SIM_RES_OK);
                        after_send(m, &p, mr);
                }
        }
}

/* ---- the network side ------------------------------------------------ */

static void memory_full(SimModem *m, SimMem mem) {
        char line[128];

        if (!m->profile->memfull_urc || !*m->profile->memfull_urc)
                return;
        /* The profile string holds at most one "%s" for the memory name. */
        {
                const char *fmt = m->profile->memfull_urc, *pct = strstr(fmt, "%s");
                if (pct)
                        snprintf(line, sizeof(line), "%.*s%s%s", (int)(pct - fmt), fmt,
                                 sim_mem_to_string(mem), pct + 2);
                else
                        snprintf(line, sizeof(line), "%s", fmt);
        }
        sim_emit_urc(m, line);
}

static int queue_network(SimModem *m, const char *hex) {
        char **q = realloc(m->network_queue, (m->n_network_queue + 1) * sizeof(char *));

        if (!q)
                return -ENOMEM;
        m->network_queue = q;
        q[m->n_network_queue] = strdup(hex);
        if (!q[m->n_network_queue])
                return -ENOMEM;
        m->n_network_queue++;
        return 0;
}

/* Delivers one SMS-DELIVER PDU (hex with SMSC).  Stores it and/or builds
 * the indication into *ind (appended, framed).  Returns 1 stored, 0 routed
 * directly, -ENOSPC when storage is full (the network keeps it). */
int sim_sms_deliver_one(SimModem *m, const char *hex, SimDeliverMode mode, SimMem mem, char **ind,
                        size_t *ind_len, FILE *out) {
        char buf[600];
        unsigned slot;
        int n, r;

        if (mode == SIM_DELIVER_CNMI)
                mode = m->cnmi[1] == 2 ? SIM_DELIVER_CMT : SIM_DELIVER_CMTI;
        if (mode == SIM_DELIVER_CMT) {
                unsigned smsc = (unsigned)strtoul((char[]){hex[0], hex[1], 0}, NULL, 16);
                SimPdu p;

                if (m->cmgf == 0 || sim_pdu_decode(hex, true, false, &p) < 0)
                        n = snprintf(buf, sizeof(buf), "\r\n+CMT: ,%zu\r\n%s\r\n",
                                     strlen(hex) / 2 - smsc - 1, hex);
                else {
                        char data[SIM_TEXT_MAX * 2];
                        text_data(m, &p, data, sizeof(data));
                        if (m->csdh)
                                n = snprintf(buf, sizeof(buf),
                                             "\r\n+CMT: \"%s\",,\"%s\",%u,%u,%u,%u,\"%s\",%u,%zu\r\n%s\r\n",
                                             p.number, p.scts, p.toa, p.fo, p.pid, p.dcs, p.smsc,
                                             toa_of(p.smsc), p.ud_len, data);
                        else
                                n = snprintf(buf, sizeof(buf), "\r\n+CMT: \"%s\",,\"%s\"\r\n%s\r\n",
                                             p.number, p.scts, data);
                }
                if (n > 0 && (size_t)n < sizeof(buf))
                        sim_sms_append(ind, ind_len, buf, (size_t)n);
                if (m->csms == 1)
                        m->cnma_expected = true;
                if (out)
                        fprintf(out, "cmt\n");
                return 0;
        }
        if (m->storage_full)
                r = -ENOSPC;
        else
                r = sim_storage_add(&m->storage, mem, SIM_STAT_REC_UNREAD, hex, &slot);
        if (r == -ENOSPC) {
                memory_full(m, mem);
                (void)queue_network(m, hex);
                if (out)
                        fprintf(out, "queued\n");
                return r;
        }
        if (r < 0)
                return r;
        if (out)
                fprintf(out, "%s %u\n", sim_mem_to_string(mem), slot + sim_sms_index_base(m));
        if (m->cnmi[1] == 0 && mode == SIM_DELIVER_CNMI)
                return 1;
        n = snprintf(buf, sizeof(buf), "\r\n+CMTI: \"%s\",%u\r\n", sim_mem_to_string(mem),
                     slot + sim_sms_index_base(m));
        sim_sms_append(ind, ind_len, buf, (size_t)n);
        return 1;
}

void sim_sms_flush_indications(SimModem *m, char *ind, size_t len) {
        if (ind && len)
                sim_sms_indicate(m, ind, len);
}

void sim_sms_retry_network_queue(SimModem *m) {
        _cleanup_free_ char *ind = NULL;
        size_t ind_len = 0, done = 0;

        if (m->storage_full)
                return;
        while (done < m->n_network_queue) {
                char *hex = m->network_queue[done];
                unsigned slot;

                if (sim_storage_add(&m->storage, m->mem[2], SIM_STAT_REC_UNREAD, hex, &slot) < 0)
                        break;
                if (m->cnmi[1] != 0) {
                        char buf[64];
                        int n = snprintf(buf, sizeof(buf), "\r\n+CMTI: \"%s\",%u\r\n",
                                         sim_mem_to_string(m->mem[2]), slot + sim_sms_index_base(m));
                        sim_sms_append(&ind, &ind_len, buf, (size_t)n);
                }
                free(hex);
                done++;
        }
        if (done) {
                memmove(m->network_queue, m->network_queue + done,
                        (m->n_network_queue - done) * sizeof(char *));
                m->n_network_queue -= done;
                /* After the reply to the command that freed the space. */
                if (ind_len && m->cnmi[0] != 0)
                        sim_queue_pending_raw(m, ind, ind_len, 1);
                else
                        sim_sms_flush_indications(m, ind, ind_len);
        }
}
