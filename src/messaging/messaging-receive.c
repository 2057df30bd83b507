/* Receiving: +CMTI/+CDSI indications (27.005 3.4.1) become read jobs,
 * the storage sweep lists everything with AT+CMGL=4 (PDU mode, "all"),
 * +CMT delivers a PDU directly (acknowledged with AT+CNMA when +CSMS
 * service 1 asks for it).  Every part is decoded and committed to the
 * store before AT+CMGD frees its slot; a part that cannot be decoded is
 * stored raw and flagged, then freed too.  A failed commit keeps the slot:
 * the next sweep reads it again. */
#include "messaging/messaging-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at/at-result.h"
#include "at/at-tokenizer.h"
#include "reassembly/reassembly.h"
#include "sms/sms-pdu.h"
#include "util/log.h"
#include "util/strutil.h"

#define SWEEP_TIMEOUT (120 * USEC_PER_SEC)
#define READ_TIMEOUT (10 * USEC_PER_SEC)
/* A PDU line is at most a tokenizer line: keep all of it, raw. */
#define RAW_HEX_MAX AT_TOKENIZER_LINE_MAX

static bool is_hex(const char *s) {
        if (!*s)
                return false;
        for (; *s; s++)
                if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
                        return false;
        return true;
}

static ReassemblyEncoding encoding_of(SmsEncoding e) {
        switch (e) {
        case SMS_ENCODING_UCS2:
                return REASSEMBLY_ENCODING_UCS2;
        case SMS_ENCODING_8BIT:
                return REASSEMBLY_ENCODING_8BIT;
        default:
                return REASSEMBLY_ENCODING_GSM7;
        }
}

static void announce(Messaging *m, const StorePartOutcome *o) {
        if (o->evicted_id > 0 && m->cb.added)
                m->cb.added(m, o->evicted_id, true, m->cb.userdata);
        if ((o->result == STORE_PART_NEW_MESSAGE || o->result == STORE_PART_COMPLETED) && m->cb.added)
                m->cb.added(m, o->message_id, true, m->cb.userdata);
}

int messaging_handle_pdu(Messaging *m, const char *mem, int index, const char *pdu) {
        SmsPart part;
        StorePartOutcome outcome = {};
        ReassemblyPart rp = {
                .modem_key = m->modem_key,
                .total = 1,
                .seq = 1,
                .msg_class = -1,
                .storage = mem,
                .index = index,
        };
        char raw[2 * RAW_HEX_MAX + 1];
        const char *reason = NULL;
        uint64_t ts = 0;
        int r;

        if (m->n_pending > 0)
                messaging_pending_retry(m); /* a freed slot must be forgotten before this part is checked */
        r = sms_pdu_decode_hex(pdu, strlen(pdu), true, &part, &reason);
        if (r >= 0 || r == -EOPNOTSUPP) {
                if (part.type == SMS_TYPE_STATUS_REPORT) {
                        r = messaging_apply_report(m, &part, pdu);
                        return r < 0 ? r : 1;
                }
                if (part.type == SMS_TYPE_SUBMIT)
                        return 0; /* an outgoing message someone saved on the SIM: not ours to delete */

                rp.sender = part.address.number[0] ? part.address.number : "unknown";
                if (part.udh.concat.present && part.udh.concat.total > 1) {
                        rp.ref = part.udh.concat.ref;
                        rp.ref_bits = part.udh.concat.ref_bits;
                        rp.total = part.udh.concat.total;
                        rp.seq = part.udh.concat.seq;
                }
                rp.encoding = encoding_of(part.dcs.encoding);
                rp.msg_class = part.dcs.msg_class;
                rp.smsc = part.smsc.number[0] ? part.smsc.number : NULL;
                if (sms_time_to_epoch_usec(&part.scts, &ts) >= 0)
                        rp.timestamp = ts;
                if (r == -EOPNOTSUPP) {
                        rp.decode_failed = true;
                        rp.decode_error = "unsupported encoding (compressed or national language table)";
                } else {
                        rp.text = part.text;
                        if (rp.encoding == REASSEMBLY_ENCODING_UCS2) {
                                rp.ud = part.payload;
                                rp.ud_size = part.payload_len & ~(size_t)1;
                        }
                }
        } else {
                /* Undecodable: keep it raw and flagged, free the slot. */
                rp.sender = "unknown";
                rp.encoding = REASSEMBLY_ENCODING_8BIT;
                rp.decode_failed = true;
                rp.decode_error = reason ? reason : "malformed PDU";
        }

        if (is_hex(pdu))
                rp.pdu_hex = pdu;
        else {
                size_t n = strlen(pdu);
                if (n > RAW_HEX_MAX)
                        n = RAW_HEX_MAX;
                if (hex_encode((const uint8_t *)pdu, n, raw, sizeof(raw)) < 0 || !raw[0])
                        strcpy(raw, "00");
                rp.pdu_hex = raw;
        }

        r = store_part_received(m->store, &rp, &outcome);
        if (r < 0)
                return log_error_errno(r, "cannot store a received SMS part (left on the modem): %m");
        log_debug("SMS part %u/%u from %s stored: %s", rp.seq, rp.total, PII_NUMBER(rp.sender),
                  store_part_result_to_string(outcome.result));
        announce(m, &outcome);
        return 1;
}

/* ---- one slot ------------------------------------------------------- */

/* The modem confirmed the slot is free: an identical PDU arriving there
 * later is a new message (see store_slot_freed()). */
static void slot_freed(Messaging *m, const char *mem, unsigned index, const char *pdu) {
        struct PendingWrite w = { .kind = PENDING_SLOT_FREED, .index = index, .pdu = (char *)pdu };
        int r;

        if (!pdu)
                return;
        r = store_slot_freed(m->store, m->modem_key, pdu, mem, (int)index);
        if (r >= 0)
                return;
        /* Kept, an identical message arriving in this slot would be taken
         * for a re-read: try again before the next part and on the tick. */
        log_warning_errno(r, "SMS slot %s %u: cannot update the store; retried: %m", mem, index);
        snprintf(w.mem, sizeof(w.mem), "%s", mem);
        messaging_pending_add(m, &w);
}

static void on_cmgd(AtChat *chat, const AtResponse *resp, void *userdata) {
        Messaging *m = userdata;
        Job *j = m->head;

        if (resp->final == AT_FINAL_CANCELLED || m->freeing)
                return;
        if (resp->final != AT_FINAL_OK)
                log_warning("AT+CMGD failed (%s); the part is stored and will be recognised as a duplicate",
                            at_final_to_string(resp->final));
        else if (j)
                slot_freed(m, j->mem, j->index, j->read_pdu);
        messaging_job_done(m);
}

static void on_cmgf_restored(AtChat *chat, const AtResponse *resp, void *userdata) {
        Messaging *m = userdata;

        if (resp->final == AT_FINAL_CANCELLED || m->freeing)
                return;
        if (resp->final == AT_FINAL_OK)
                (void)messaging_sweep(m); /* read what was left, in PDU mode this time */
        else
                log_warning("AT+CMGF=0 failed (%s): received messages stay on the modem",
                            at_final_to_string(resp->final));
        messaging_job_done(m);
}

/* "+CMGR: \"REC UNREAD\",...": a text-mode header (27.005 3.4.3), stat
 * quoted, where PDU mode has a number.  Someone switched the modem to text
 * mode behind our back (a raw AT+CMGF=1 through Command()). */
static bool text_mode_header(const AtResponse *resp) {
        for (size_t i = 0; i < resp->n_lines; i++)
                if (resp->lines[i] && startswith(resp->lines[i], "+CMGR: \""))
                        return true;
        return false;
}

static void on_cmgr(AtChat *chat, const AtResponse *resp, void *userdata) {
        Messaging *m = userdata;
        Job *j = m->head;
        char cmd[32];
        int r = 0;

        if (resp->final == AT_FINAL_CANCELLED || m->freeing || !j)
                return;
        if (resp->final == AT_FINAL_OK && text_mode_header(resp)) {
                /* Not a PDU: storing it would lose the sender, deleting it the
                 * message.  Leave it, go back to PDU mode, sweep. */
                log_warning("the modem answered AT+CMGR in text mode (AT+CMGF=1 sent by hand?): message "
                            "left in %s, switching back to PDU mode",
                            j->mem);
                if (messaging_at(m, "AT+CMGF=0", NULL, 0, NULL, 0, on_cmgf_restored) < 0)
                        messaging_job_done(m);
                return;
        }
        if (resp->final == AT_FINAL_OK) {
                for (size_t i = 0; i < resp->n_lines; i++)
                        if (resp->pdus && resp->pdus[i]) {
                                r = messaging_handle_pdu(m, j->mem, (int)j->index, resp->pdus[i]);
                                if (r > 0 && is_hex(resp->pdus[i]))
                                        j->read_pdu = strdup(resp->pdus[i]);
                                break;
                        }
        } else if (!(resp->final == AT_FINAL_CMS_ERROR && resp->code == 321)) {
                log_warning("AT+CMGR on %s failed (%s)", j->mem, at_final_to_string(resp->final));
                m->sweep_again = true; /* the message is still on the modem */
        }
        if (resp->final == AT_FINAL_CMS_ERROR && resp->code == 322)
                (void)messaging_sweep(m); /* memory full: drain it */

        if (r < 0)
                m->sweep_again = true; /* not stored (disk full?): still on the modem, read it again */
        if (r <= 0) {
                messaging_job_done(m);
                return;
        }
        snprintf(cmd, sizeof(cmd), "AT+CMGD=%u", j->index);
        if (messaging_at(m, cmd, NULL, 0, NULL, 0, on_cmgd) < 0)
                messaging_job_done(m);
}

static void read_cmgr(Messaging *m, Job *j) {
        char cmd[32];

        snprintf(cmd, sizeof(cmd), "AT+CMGR=%u", j->index);
        if (messaging_at(m, cmd, AT_PREFIXES("+CMGR:"), AT_COMMAND_EXPECT_PDU, NULL, READ_TIMEOUT, on_cmgr) < 0)
                messaging_job_done(m);
}

void messaging_read_run(Messaging *m, Job *j) {
        messaging_select_mem(m, j, read_cmgr);
}

void messaging_on_cmti(AtChat *chat, const char *line, const char *pdu, void *userdata) {
        Messaging *m = userdata;
        AtMessageIndication ind;
        Job *j;

        if (at_parse_cmti(line, &ind) < 0) {
                /* Unparsable: list everything rather than lose it. */
                log_warning("unparsable new-message indication, sweeping the storage");
                (void)messaging_sweep(m);
                return;
        }
        j = calloc(1, sizeof(*j));
        if (!j) {
                (void)messaging_sweep(m);
                return;
        }
        j->type = JOB_READ;
        snprintf(j->mem, sizeof(j->mem), "%s", ind.mem[0] ? ind.mem : m->storages[0]);
        j->index = ind.index;
        (void)messaging_job_enqueue(m, j);
}

/* ---- the sweep ------------------------------------------------------ */

static void sweep_delete_next(Messaging *m, Job *j);

static void on_sweep_cmgd(AtChat *chat, const AtResponse *resp, void *userdata) {
        Messaging *m = userdata;
        Job *j = m->head;

        if (resp->final == AT_FINAL_CANCELLED || m->freeing || !j)
                return;
        if (resp->final != AT_FINAL_OK)
                log_warning("AT+CMGD failed (%s) during the sweep", at_final_to_string(resp->final));
        else if (j->del_pos > 0 && j->del_pdu)
                slot_freed(m, j->mem, j->del[j->del_pos - 1], j->del_pdu[j->del_pos - 1]);
        if (resp->final == AT_FINAL_GONE) {
                messaging_job_done(m);
                return;
        }
        sweep_delete_next(m, j);
}

static void sweep_delete_next(Messaging *m, Job *j) {
        char cmd[32];

        if (j->del_pos >= j->n_del) {
                messaging_job_done(m);
                return;
        }
        snprintf(cmd, sizeof(cmd), "AT+CMGD=%u", j->del[j->del_pos++]);
        if (messaging_at(m, cmd, NULL, 0, NULL, 0, on_sweep_cmgd) < 0)
                messaging_job_done(m);
}

static void on_cmgl(AtChat *chat, const AtResponse *resp, void *userdata) {
        Messaging *m = userdata;
        Job *j = m->head;

        if (resp->final == AT_FINAL_CANCELLED || m->freeing || !j)
                return;
        if (resp->final != AT_FINAL_OK) {
                log_warning("AT+CMGL=4 on %s failed (%s)", j->mem, at_final_to_string(resp->final));
                m->sweep_again = true;
                messaging_job_done(m);
                return;
        }
        if (resp->n_lines > 0) {
                j->del = calloc(resp->n_lines, sizeof(unsigned));
                j->del_pdu = calloc(resp->n_lines, sizeof(char *));
                if (!j->del || !j->del_pdu) {
                        messaging_job_done(m);
                        return;
                }
        }
        for (size_t i = 0; i < resp->n_lines; i++) {
                const char *v = at_result_after_prefix(resp->lines[i], "+CMGL:");
                uint32_t idx;
                char num[16];
                size_t n;
                int r;

                if (!v || !resp->pdus || !resp->pdus[i])
                        continue;
                n = strcspn(v, ",");
                if (n == 0 || n >= sizeof(num))
                        continue;
                memcpy(num, v, n);
                num[n] = '\0';
                if (safe_atou32(num, &idx) < 0)
                        continue;
                r = messaging_handle_pdu(m, j->mem, (int)idx, resp->pdus[i]);
                if (r < 0) {
                        m->sweep_again = true; /* the store failed: keep the rest on the modem, sweep again */
                        break;
                }
                if (r > 0) {
                        j->del_pdu[j->n_del] = is_hex(resp->pdus[i]) ? strdup(resp->pdus[i]) : NULL;
                        j->del[j->n_del++] = idx;
                }
        }
        if (j->n_del > 0)
                log_debug("sweep of %s: %zu part(s) stored", j->mem, j->n_del);
        sweep_delete_next(m, j);
}

static void sweep_list(Messaging *m, Job *j) {
        if (messaging_at(m, "AT+CMGL=4", AT_PREFIXES("+CMGL:"), AT_COMMAND_EXPECT_PDU, NULL, SWEEP_TIMEOUT,
                         on_cmgl) < 0)
                messaging_job_done(m);
}

void messaging_sweep_run(Messaging *m, Job *j) {
        messaging_select_mem(m, j, sweep_list);
}

/* ---- direct delivery ------------------------------------------------ */

static void on_cnma(AtChat *chat, const AtResponse *resp, void *userdata) {
        if (resp->final != AT_FINAL_OK && resp->final != AT_FINAL_CANCELLED)
                log_debug("AT+CNMA: %s", at_final_to_string(resp->final));
}

void messaging_on_cmt(AtChat *chat, const char *line, const char *pdu, void *userdata) {
        Messaging *m = userdata;
        int r;

        if (!pdu) {
                log_warning("+CMT without a PDU line, ignored");
                return;
        }
        r = messaging_handle_pdu(m, NULL, -1, pdu);
        /* Not acknowledged when it could not be stored: the network
         * delivers it again. */
        if (r >= 0 && m->cnma)
                (void)at_chat_send_simple(m->chat, "AT+CNMA", NULL, 0, m, on_cnma, m);
}
