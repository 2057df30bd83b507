/* Status reports (3GPP TS 23.040 9.2.2.3 SMS-STATUS-REPORT): routed
 * directly as "+CDS: <length>" + PDU line, or stored and indicated with
 * +CDSI (read like any stored message, see messaging-receive.c).  A report
 * is matched to the sent part by TP-MR and recipient within a time window;
 * the store aggregates the parts (delivered when every part is, failed as
 * soon as one failed permanently).  A report that matches nothing is kept
 * as an orphan, never dropped. */
#include "messaging/messaging-internal.h"

#include <errno.h>
#include <string.h>

#include "sms/sms-pdu.h"
#include "util/log.h"

int messaging_apply_report(Messaging *m, const SmsPart *part, const char *pdu_hex) {
        StoreSmsState state;
        uint64_t discharge = 0;
        int64_t id;
        unsigned seq;
        int r;

        r = store_sms_find_by_mr(m->store, m->modem_key, part->mr, part->address.number, m->report_window, &id,
                                 &seq);
        if (r == -ENOENT) {
                log_info("status report for an unknown message reference %u, kept as an orphan", part->mr);
                r = store_report_orphan(m->store, m->modem_key, part->mr, part->address.number, part->status,
                                        pdu_hex);
                return r < 0 ? log_error_errno(r, "cannot store a status report: %m") : 0;
        }
        if (r < 0)
                return log_error_errno(r, "cannot look up a status report's message: %m");
        (void)sms_time_to_epoch_usec(&part->discharge, &discharge);
        r = store_sms_delivery(m->store, id, seq, part->status, discharge, &state);
        if (r < 0)
                return log_error_errno(r, "cannot store a status report: %m");
        log_debug("SMS %lld part %u: status report TP-ST 0x%02x (%s), message %s", (long long)id, seq,
                  part->status, sms_status_category_to_string(part->status_category),
                  store_sms_state_to_string(state));
        if (m->cb.changed)
                m->cb.changed(m, id, m->cb.userdata);
        return 0;
}

static void on_cnma(AtChat *chat, const AtResponse *resp, void *userdata) {
}

void messaging_on_cds(AtChat *chat, const char *line, const char *pdu, void *userdata) {
        Messaging *m = userdata;
        const char *reason = NULL;
        SmsPart part;
        int r;

        if (!pdu) {
                log_warning("+CDS without a PDU line, ignored");
                return;
        }
        r = sms_pdu_decode_hex(pdu, strlen(pdu), true, &part, &reason);
        if (r < 0 || part.type != SMS_TYPE_STATUS_REPORT) {
                /* Some modems omit the SMSC octet in +CDS. */
                r = sms_pdu_decode_hex(pdu, strlen(pdu), false, &part, &reason);
                if (r < 0 || part.type != SMS_TYPE_STATUS_REPORT) {
                        log_warning("undecodable status report (%s), ignored", reason ? reason : "not a report");
                        return;
                }
        }
        r = messaging_apply_report(m, &part, pdu);
        if (r >= 0 && m->cnma)
                (void)at_chat_send_simple(m->chat, "AT+CNMA", NULL, 0, m, on_cnma, m);
}
