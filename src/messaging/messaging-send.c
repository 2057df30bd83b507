/* Sending (3GPP TS 27.005 3.5.1 +CMGS in PDU mode): the text is checked,
 * encoded by the codec (GSM 7-bit when it fits, else UCS-2; concatenated
 * with an 8-bit reference per destination), stored `queued` with every
 * part's PDU, and only then queued for the modem.  Each part is
 * AT+CMGS=<length>, the "> " prompt, the PDU and Ctrl-Z; the +CMGS: <mr>
 * is recorded per part.  One message at a time per modem (the job FIFO),
 * so no other command of ours lands between a prompt and its PDU.
 *
 * Text mode (a profile without PDU mode): single part, plain ASCII that is
 * the same in GSM 7-bit and IRA only; anything else is refused, never
 * mangled. */
#include "messaging/messaging-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at/at-result.h"
#include "messaging/messaging-validate.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strutil.h"

static ReassemblyEncoding encoding_of(SmsEncoding e) {
        return e == SMS_ENCODING_UCS2 ? REASSEMBLY_ENCODING_UCS2
             : e == SMS_ENCODING_8BIT ? REASSEMBLY_ENCODING_8BIT
                                      : REASSEMBLY_ENCODING_GSM7;
}

/* Characters whose code differs between GSM 7-bit and IRA/ASCII, or that
 * end the text-mode payload. */
static bool text_mode_safe(const char *text) {
        for (const char *p = text; *p; p++) {
                unsigned char c = (unsigned char)*p;
                if (c < 0x20 || c > 0x7E || strchr("@$_`[]{}\\^~|", c))
                        return false;
        }
        return strlen(text) <= 160;
}

void messaging_notify(Messaging *m, int64_t id) {
        if (m->cb.changed)
                m->cb.changed(m, id, m->cb.userdata);
}

void messaging_send_fail(Messaging *m, Job *j, const char *reason) {
        int r = store_sms_set_state(m->store, j->sms_id, STORE_SMS_FAILED, reason);
        if (r < 0)
                log_error_errno(r, "SMS %lld: cannot record the failure: %m", (long long)j->sms_id);
        else
                log_info("SMS %lld: sending failed (%s)", (long long)j->sms_id, reason);
        messaging_notify(m, j->sms_id);
}

static const char *failure_reason(const AtResponse *resp) {
        switch (resp->final) {
        case AT_FINAL_CMS_ERROR:
                return resp->code >= 0 ? messaging_cms_error_to_reason(resp->code) : "rejected";
        case AT_FINAL_TIMEOUT:
                return "timeout";
        case AT_FINAL_GONE:
                return "modem-gone";
        default:
                return "rejected";
        }
}

static void send_part(Messaging *m, Job *j);

static void on_cmgs(AtChat *chat, const AtResponse *resp, void *userdata) {
        Messaging *m = userdata;
        Job *j = m->head;
        unsigned mr = 0;
        bool found = false;
        int r;

        if (resp->final == AT_FINAL_CANCELLED || m->freeing || !j)
                return;
        if (resp->final != AT_FINAL_OK) {
                messaging_send_fail(m, j, failure_reason(resp));
                messaging_job_done(m);
                if (resp->final == AT_FINAL_CMS_ERROR && resp->code == 322)
                        (void)messaging_sweep(m); /* memory full: drain it */
                return;
        }
        for (size_t i = 0; i < resp->n_lines && !found; i++)
                found = at_parse_cmgs(resp->lines[i], &mr) >= 0;
        if (!found) {
                /* OK without a reference: we cannot tell it was sent. */
                messaging_send_fail(m, j, "no-message-reference");
                messaging_job_done(m);
                return;
        }
        r = store_sms_part_sent(m->store, j->sms_id, (unsigned)j->part + 1, (uint8_t)mr);
        if (r < 0) {
                /* The modem took it: the record must follow, or the message
                 * stays "sending" (and "interrupted" after a restart). */
                log_error_errno(r, "SMS %lld: cannot record part %zu as sent (retried on the next tick): %m",
                                (long long)j->sms_id, j->part + 1);
                messaging_pending_add(m, &(struct PendingWrite){ .kind = PENDING_PART_SENT, .sms_id = j->sms_id,
                                                                 .seq = (unsigned)j->part + 1, .mr = (uint8_t)mr });
        }
        j->part++;
        messaging_notify(m, j->sms_id);
        if (j->part >= (j->submit ? j->submit->n_parts : 1)) {
                log_debug("SMS %lld sent", (long long)j->sms_id);
                messaging_job_done(m);
                return;
        }
        send_part(m, j);
}

static void send_part(Messaging *m, Job *j) {
        _cleanup_free_ char *cmd = NULL;
        const char *payload;
        int64_t id;

        if (j->submit) {
                const SmsSubmitPart *p = &j->submit->parts[j->part];
                if (asprintf(&cmd, "AT+CMGS=%zu", p->tpdu_len) < 0)
                        cmd = NULL;
                payload = p->hex;
        } else {
                if (asprintf(&cmd, "AT+CMGS=\"%s\"", j->number) < 0)
                        cmd = NULL;
                payload = j->text;
        }
        if (!cmd) {
                messaging_send_fail(m, j, "out-of-memory");
                messaging_job_done(m);
                return;
        }
        id = messaging_at(m, cmd, AT_PREFIXES("+CMGS:"), 0, payload, m->send_timeout, on_cmgs);
        if (id < 0) {
                messaging_send_fail(m, j, id == -ENODEV ? "modem-gone" : "rejected");
                messaging_job_done(m);
        }
}

void messaging_send_run(Messaging *m, Job *j) {
        int r = store_sms_set_state(m->store, j->sms_id, STORE_SMS_SENDING, NULL);
        if (r == -ENOENT) {
                messaging_job_done(m); /* deleted meanwhile */
                return;
        }
        if (r < 0) {
                /* Not sent while the store cannot follow (disk full): the
                 * queue waits, the next tick tries again. */
                log_error_errno(r, "SMS %lld: cannot record the sending state; sending again on the next tick: %m",
                                (long long)j->sms_id);
                m->running = false;
                m->send_stalled = true;
                return;
        }
        messaging_notify(m, j->sms_id);
        send_part(m, j);
}

/* The SMSC address field ("00" or a length octet and that many octets) in
 * front of the TPDU: the store keeps the TPDU only. */
static const char *skip_sca(const char *hex) {
        unsigned len;

        if (strlen(hex) < 2 || sscanf(hex, "%2x", &len) != 1 || strlen(hex) < 2 + 2 * (size_t)len)
                return hex;
        return hex + 2 + 2 * len;
}

int messaging_send(Messaging *m, const char *number, const char *text, const MessagingSendOptions *opts,
                   int64_t *ret_id, const char **ret_reason) {
        static const MessagingSendOptions defaults = MESSAGING_SEND_OPTIONS_INIT;
        _cleanup_(sms_submit_freep) SmsSubmit *submit = NULL;
        _cleanup_free_ const char **pdus = NULL;
        const char *reason = NULL;
        uint16_t ref = 0;
        size_t n_parts = 1;
        SmsEncoding enc = SMS_ENCODING_GSM7;
        int64_t id;
        Job *j;
        int r;

        if (!m || !ret_id)
                return -EINVAL;
        if (!opts)
                opts = &defaults;
        if (m->freeing)
                return -ENODEV;
        r = messaging_validate_number(number, &reason);
        if (r >= 0)
                r = messaging_validate_text(text, &n_parts, &reason);
        if (r >= 0 && opts->validity_minutes)
                r = messaging_validate_validity(opts->validity_minutes, &reason);
        if (r >= 0 && opts->msg_class >= 0)
                r = messaging_validate_class((uint32_t)opts->msg_class, &reason);
        if (r >= 0 && opts->smsc && *opts->smsc)
                r = messaging_validate_number(opts->smsc, &reason);
        if (r < 0) {
                if (ret_reason)
                        *ret_reason = reason;
                return r;
        }
        if (opts->delivery_report && m->report_route == MESSAGING_REPORT_NONE) {
                if (ret_reason)
                        *ret_reason = "this modem cannot deliver status reports";
                return -EOPNOTSUPP;
        }

        if (m->text_mode) {
                if (!text_mode_safe(text) || (opts->smsc && *opts->smsc) || opts->msg_class >= 0 ||
                    opts->validity_minutes) {
                        if (ret_reason)
                                *ret_reason = "this modem has text mode only: one part of plain ASCII, no options";
                        return -EOPNOTSUPP;
                }
                n_parts = 1;
        } else {
                SmsSubmitOptions so = {
                        .encoding = SMS_CHOOSE_AUTO,
                        .status_report = opts->delivery_report,
                        .validity_minutes = opts->validity_minutes,
                        .has_class = opts->msg_class >= 0,
                        .msg_class = (uint8_t)(opts->msg_class >= 0 ? opts->msg_class : 0),
                        .smsc = opts->smsc,
                };

                if (n_parts > 1) {
                        r = store_next_concat_ref(m->store, m->modem_key, number, 8, &ref);
                        if (r < 0)
                                return r;
                        so.concat_ref = ref;
                }
                r = sms_encode_submit(number, text, strlen(text), &so, &submit);
                if (r < 0) {
                        if (ret_reason)
                                *ret_reason = "the text cannot be encoded";
                        return r == -ENOMEM ? r : -EINVAL;
                }
                n_parts = submit->n_parts;
                enc = submit->encoding;
                pdus = calloc(n_parts, sizeof(char *));
                if (!pdus)
                        return -ENOMEM;
                for (size_t i = 0; i < n_parts; i++)
                        pdus[i] = skip_sca(submit->parts[i].hex);
        }

        StoreOutgoing o = {
                .modem_key = m->modem_key,
                .number = number,
                .text = text,
                .encoding = encoding_of(enc),
                .parts_total = (unsigned)n_parts,
                .reference = ref,
                .ref_bits = n_parts > 1 ? 8 : 0,
                .smsc = opts->smsc && *opts->smsc ? opts->smsc : NULL,
                .msg_class = opts->msg_class,
                .validity_minutes = opts->validity_minutes,
                .delivery_report = opts->delivery_report,
                .pdus = pdus,
        };
        r = store_sms_insert_outgoing(m->store, &o, &id);
        if (r < 0)
                return r;

        j = calloc(1, sizeof(*j));
        if (!j)
                goto oom;
        j->type = JOB_SEND;
        j->sms_id = id;
        if (submit)
                j->submit = TAKE_PTR(submit);
        else if (!(j->number = strdup(number)) || !(j->text = strdup(text))) {
                messaging_job_free(j);
                goto oom;
        }
        r = messaging_job_enqueue(m, j);
        if (r < 0) {
                (void)store_sms_set_state(m->store, id, STORE_SMS_FAILED, "modem-gone");
                return r;
        }
        *ret_id = id;
        return 0;
oom:
        (void)store_sms_set_state(m->store, id, STORE_SMS_FAILED, "out-of-memory");
        return -ENOMEM;
}
