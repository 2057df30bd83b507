/* Outgoing messages (queued before the first AT command, per-part TP-MR,
 * status reports per 3GPP TS 23.040 9.2.3.15 aggregated over the parts),
 * and reading/deleting any stored message. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-internal.h"
#include "util/cleanup.h"
#include "util/strutil.h"

StoreDeliveryStatus store_delivery_status_from_tp_st(uint8_t tp_st) {
        if (tp_st <= 0x1F)
                return STORE_DELIVERY_DELIVERED;
        if (tp_st <= 0x3F)
                return STORE_DELIVERY_PENDING;
        /* 0x40-0x5F permanent error, 0x60-0x7F temporary error with the SC
         * no longer trying, reserved values: all final failures. */
        return STORE_DELIVERY_FAILED;
}

static int outgoing_validate(const StoreOutgoing *o) {
        if (!o || !o->modem_key || !*o->modem_key || !o->number || !*o->number || !o->text)
                return -EINVAL;
        if (o->parts_total < 1 || o->parts_total > REASSEMBLY_MAX_PARTS)
                return -EINVAL;
        if (o->ref_bits != 0 && o->ref_bits != 8 && o->ref_bits != 16)
                return -EINVAL;
        if (!reassembly_encoding_to_string(o->encoding) || o->msg_class < -1 || o->msg_class > 3)
                return -EINVAL;
        if (!utf8_is_valid(o->text, strlen(o->text)) || !utf8_is_valid(o->number, strlen(o->number)))
                return -EINVAL;
        return 0;
}

static int outgoing_insert_in_tx(Store *s, const StoreOutgoing *o, uint64_t now, int64_t *ret_id) {
        sqlite3_stmt *st;
        int64_t id;
        int r;

        r = store_prepare(s, STMT_OUT_INSERT,
                          "INSERT INTO messages (modem_key, direction, state, number, text, smsc, class,"
                          " encoding, timestamp, parts_total, parts_received, reference, ref_bits,"
                          " delivery_report, validity, created, updated)"
                          " VALUES (?1, 'outgoing', 'queued', ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10, ?11,"
                          " ?12, ?7, ?7)",
                          &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, o->modem_key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, o->number, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, o->text, -1, SQLITE_TRANSIENT);
        store_bind_text(st, 4, o->smsc);
        sqlite3_bind_int(st, 5, o->msg_class);
        sqlite3_bind_text(st, 6, reassembly_encoding_to_string(o->encoding), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, (sqlite3_int64)now);
        sqlite3_bind_int(st, 8, (int)o->parts_total);
        sqlite3_bind_int(st, 9, o->reference);
        sqlite3_bind_int(st, 10, o->ref_bits);
        sqlite3_bind_int(st, 11, o->delivery_report);
        sqlite3_bind_int64(st, 12, o->validity_minutes);
        r = store_step_done(s, st);
        if (r < 0)
                return r;
        id = sqlite3_last_insert_rowid(s->db);

        for (unsigned seq = 1; seq <= o->parts_total; seq++) {
                r = store_prepare(s, STMT_OUT_PART_INSERT,
                                  "INSERT INTO message_parts (message_id, seq, status, pdu, encoding)"
                                  " VALUES (?1, ?2, 'queued', ?3, ?4)",
                                  &st);
                if (r < 0)
                        return r;
                sqlite3_bind_int64(st, 1, id);
                sqlite3_bind_int(st, 2, (int)seq);
                store_bind_text(st, 3, o->pdus ? o->pdus[seq - 1] : NULL);
                sqlite3_bind_text(st, 4, reassembly_encoding_to_string(o->encoding), -1, SQLITE_STATIC);
                r = store_step_done(s, st);
                if (r < 0)
                        return r;
        }
        *ret_id = id;
        return 0;
}

int store_sms_insert_outgoing_many(Store *s, const StoreOutgoing *o, size_t n, int64_t *ret_ids) {
        _cleanup_free_ int64_t *ids = NULL;
        uint64_t now;
        int r;

        if (!s || !ret_ids || (n > 0 && !o))
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                r = outgoing_validate(&o[i]);
                if (r < 0)
                        return r;
        }
        if (n == 0)
                return 0;
        ids = calloc(n, sizeof *ids);
        if (!ids)
                return -ENOMEM;
        now = store_now(s);
        r = store_tx_begin(s);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                r = outgoing_insert_in_tx(s, &o[i], now, &ids[i]);
                if (r < 0) {
                        store_tx_rollback(s);
                        return r;
                }
        }
        r = store_tx_commit(s);
        if (r < 0)
                return r;
        memcpy(ret_ids, ids, n * sizeof *ids);
        return 0;
}

int store_sms_insert_outgoing(Store *s, const StoreOutgoing *o, int64_t *ret_id) {
        if (!o)
                return -EINVAL;
        return store_sms_insert_outgoing_many(s, o, 1, ret_id);
}

static int sms_set_state(Store *s, int64_t id, StoreSmsState state, const char *reason) {
        sqlite3_stmt *st;
        int r;

        if (!s || !store_sms_state_to_string(state))
                return -EINVAL;
        r = store_prepare(s, STMT_SET_STATE,
                          "UPDATE messages SET state = ?2, state_reason = ?3, updated = ?4 WHERE id = ?1", &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, store_sms_state_to_string(state), -1, SQLITE_STATIC);
        store_bind_text(st, 3, reason);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)store_now(s));
        r = store_step_done(s, st);
        if (r < 0)
                return r;
        return sqlite3_changes(s->db) > 0 ? 0 : -ENOENT;
}

int store_sms_set_state(Store *s, int64_t id, StoreSmsState state, const char *reason) {
        int r;

        if (!s)
                return -EINVAL;
        r = store_sync_relaxed(s);
        if (r < 0)
                return r;
        r = sms_set_state(s, id, state, reason);
        store_sync_full(s);
        return r;
}

static int part_sent_in_tx(Store *s, int64_t id, unsigned seq, uint8_t mr, uint64_t now) {
        _cleanup_stmt_ sqlite3_stmt *q = NULL;
        sqlite3_stmt *st;
        int64_t sent, total;
        int r;

        r = store_prepare(s, STMT_PART_SENT,
                          "UPDATE message_parts SET mr = ?3, status = 'sent', sent_at = ?4"
                          " WHERE message_id = ?1 AND seq = ?2 AND status != 'conflict'"
                          " AND message_id IN (SELECT id FROM messages WHERE direction = 'outgoing')",
                          &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, (int)seq);
        sqlite3_bind_int(st, 3, mr);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
        r = store_step_done(s, st);
        if (r < 0)
                return r;
        if (sqlite3_changes(s->db) == 0)
                return -ENOENT;

        r = store_prepare(s, STMT_PART_SENT_COUNT,
                          "SELECT (SELECT count(*) FROM message_parts WHERE message_id = ?1"
                          "   AND mr IS NOT NULL AND status != 'conflict'), parts_total"
                          " FROM messages WHERE id = ?1",
                          &q);
        if (r < 0)
                return r;
        sqlite3_bind_int64(q, 1, id);
        r = sqlite3_step(q);
        if (r != SQLITE_ROW)
                return store_sqlite_errno(s->db, r);
        sent = sqlite3_column_int64(q, 0);
        total = sqlite3_column_int64(q, 1);
        sqlite3_reset(q);

        /* A single part's TP-MR is the message's reference. */
        r = store_prepare(s, STMT_MSG_SENT,
                          "UPDATE messages SET parts_received = ?2, updated = ?3,"
                          " reference = CASE WHEN parts_total = 1 THEN ?4 ELSE reference END,"
                          " state = CASE WHEN ?2 >= parts_total AND state IN ('queued', 'sending')"
                          "   THEN 'sent' ELSE state END"
                          " WHERE id = ?1",
                          &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, sent);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
        sqlite3_bind_int(st, 4, mr);
        r = store_step_done(s, st);
        if (r < 0)
                return r;
        return sent >= total ? 1 : 0;
}

static int sms_part_sent(Store *s, int64_t id, unsigned seq, uint8_t mr) {
        int r, k;

        if (!s || seq < 1 || seq > REASSEMBLY_MAX_PARTS)
                return -EINVAL;
        r = store_tx_begin(s);
        if (r < 0)
                return r;
        k = part_sent_in_tx(s, id, seq, mr, store_now(s));
        if (k < 0) {
                store_tx_rollback(s);
                return k;
        }
        r = store_tx_commit(s);
        return r < 0 ? r : k;
}

int store_sms_part_sent(Store *s, int64_t id, unsigned seq, uint8_t mr) {
        int r;

        if (!s)
                return -EINVAL;
        r = store_sync_relaxed(s);
        if (r < 0)
                return r;
        r = sms_part_sent(s, id, seq, mr);
        store_sync_full(s);
        return r;
}

/* Digits only, so "+1 555-555-0123" and "+15555550123" compare equal. */
static size_t digits_of(const char *s, char *out, size_t size) {
        size_t n = 0;
        for (; s && *s && n + 1 < size; s++)
                if (*s >= '0' && *s <= '9')
                        out[n++] = *s;
        out[n] = '\0';
        return n;
}

static bool numbers_match(const char *a, const char *b) {
        char da[64], db[64];
        size_t na = digits_of(a, da, sizeof da), nb = digits_of(b, db, sizeof db);

        if (na == 0 || nb == 0)
                return a && b && streq(a, b); /* alphanumeric: exact */
        if (na == nb)
                return streq(da, db);
        if (na < 7 || nb < 7)
                return false;
        /* National form in the report, international in the message (or
         * the reverse): the shorter must be a suffix of the longer. */
        return na < nb ? streq(db + nb - na, da) : streq(da + na - nb, db);
}

int store_sms_find_by_mr(Store *s, const char *modem_key, uint8_t mr, const char *recipient,
                         uint64_t window, int64_t *ret_id, unsigned *ret_seq) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        uint64_t now;
        int r;

        if (!s || !modem_key || !ret_id)
                return -EINVAL;
        now = store_now(s);
        r = store_prepare(s, STMT_FIND_MR,
                          "SELECT p.message_id, p.seq, m.number FROM message_parts p"
                          " JOIN messages m ON m.id = p.message_id"
                          " WHERE p.mr = ?1 AND p.sent_at >= ?2 AND m.modem_key = ?3"
                          " AND m.direction = 'outgoing' AND p.status != 'conflict'"
                          " ORDER BY p.sent_at DESC, p.id DESC",
                          &st);
        if (r < 0)
                return r;
        sqlite3_bind_int(st, 1, mr);
        sqlite3_bind_int64(st, 2, now >= window ? (sqlite3_int64)(now - window) : -1);
        sqlite3_bind_text(st, 3, modem_key, -1, SQLITE_TRANSIENT);
        while ((r = sqlite3_step(st)) == SQLITE_ROW) {
                const char *number = (const char *)sqlite3_column_text(st, 2);
                if (recipient && *recipient && !numbers_match(number, recipient))
                        continue;
                *ret_id = sqlite3_column_int64(st, 0);
                if (ret_seq)
                        *ret_seq = (unsigned)sqlite3_column_int(st, 1);
                return 0;
        }
        return r == SQLITE_DONE ? -ENOENT : store_sqlite_errno(s->db, r);
}

static int delivery_in_tx(Store *s, int64_t id, unsigned seq, uint8_t tp_st, uint64_t discharge, uint64_t now,
                          StoreSmsState *ret_state) {
        _cleanup_stmt_ sqlite3_stmt *q = NULL;
        StoreDeliveryStatus d = store_delivery_status_from_tp_st(tp_st);
        sqlite3_stmt *st;
        int64_t total, delivered, failed;
        int r;

        /* A final answer for a part (delivered/failed) is never undone by a
         * late "still trying" report. */
        r = store_prepare(s, STMT_DELIVERY_PART,
                          "UPDATE message_parts SET"
                          " tp_st = CASE WHEN status IN ('delivered', 'failed') THEN tp_st ELSE ?3 END,"
                          " status = CASE WHEN status IN ('delivered', 'failed') THEN status ELSE ?4 END"
                          " WHERE message_id = ?1 AND seq = ?2 AND status != 'conflict'"
                          " AND message_id IN (SELECT id FROM messages WHERE direction = 'outgoing')",
                          &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, (int)seq);
        sqlite3_bind_int(st, 3, tp_st);
        sqlite3_bind_text(st, 4, store_delivery_status_to_string(d), -1, SQLITE_STATIC);
        r = store_step_done(s, st);
        if (r < 0)
                return r;
        if (sqlite3_changes(s->db) == 0)
                return -ENOENT;

        r = store_prepare(s, STMT_DELIVERY_AGG,
                          "SELECT count(*), sum(status = 'delivered'), sum(status = 'failed')"
                          " FROM message_parts WHERE message_id = ?1 AND status != 'conflict'",
                          &q);
        if (r < 0)
                return r;
        sqlite3_bind_int64(q, 1, id);
        r = sqlite3_step(q);
        if (r != SQLITE_ROW)
                return store_sqlite_errno(s->db, r);
        total = sqlite3_column_int64(q, 0);
        delivered = sqlite3_column_int64(q, 1);
        failed = sqlite3_column_int64(q, 2);
        sqlite3_reset(q);

        /* Every part delivered proves the message went out, even one an
         * interrupted run had marked failed. */
        if (failed > 0)
                d = STORE_DELIVERY_FAILED;
        else if (delivered == total)
                d = STORE_DELIVERY_DELIVERED;
        else
                d = STORE_DELIVERY_PENDING;

        r = store_prepare(s, STMT_DELIVERY_MSG,
                          "UPDATE messages SET delivery_status = ?2, updated = ?3,"
                          " discharge_time = CASE WHEN ?4 > 0 THEN ?4 ELSE discharge_time END,"
                          " state = CASE ?2 WHEN 'failed' THEN 'failed' WHEN 'delivered' THEN 'delivered'"
                          "   ELSE state END,"
                          " state_reason = CASE ?2 WHEN 'failed' THEN 'delivery-failed'"
                          "   WHEN 'delivered' THEN NULL ELSE state_reason END"
                          " WHERE id = ?1",
                          &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, store_delivery_status_to_string(d), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)discharge);
        r = store_step_done(s, st);
        if (r < 0)
                return r;
        if (ret_state) {
                _cleanup_store_sms_ StoreSms *m = NULL;
                r = store_sms_get(s, id, &m);
                if (r < 0)
                        return r;
                *ret_state = m->state;
        }
        return 0;
}

static int sms_delivery(Store *s, int64_t id, unsigned seq, uint8_t tp_st, uint64_t discharge,
                        StoreSmsState *ret_state) {
        StoreSmsState state = _STORE_SMS_STATE_INVALID;
        int r;

        if (!s || seq < 1 || seq > REASSEMBLY_MAX_PARTS)
                return -EINVAL;
        r = store_tx_begin(s);
        if (r < 0)
                return r;
        r = delivery_in_tx(s, id, seq, tp_st, discharge, store_now(s), ret_state ? &state : NULL);
        if (r < 0) {
                store_tx_rollback(s);
                return r;
        }
        r = store_tx_commit(s);
        if (r < 0)
                return r;
        if (ret_state)
                *ret_state = state;
        return 0;
}

int store_sms_delivery(Store *s, int64_t id, unsigned seq, uint8_t tp_st, uint64_t discharge,
                       StoreSmsState *ret_state) {
        int r;

        if (!s)
                return -EINVAL;
        r = store_sync_relaxed(s);
        if (r < 0)
                return r;
        r = sms_delivery(s, id, seq, tp_st, discharge, ret_state);
        store_sync_full(s);
        return r;
}

static int report_orphan(Store *s, const char *modem_key, uint8_t mr, const char *recipient, uint8_t tp_st,
                         const char *pdu_hex);

static int status_report(Store *s, const char *modem_key, uint8_t mr, const char *recipient, uint8_t tp_st,
                         uint64_t discharge, const char *pdu_hex, uint64_t window, int64_t *ret_id,
                         StoreSmsState *ret_state) {
        StoreSmsState state = _STORE_SMS_STATE_INVALID;
        int64_t id = 0;
        unsigned seq = 0;
        int r;

        if (!s || !modem_key || !*modem_key)
                return -EINVAL;
        r = store_tx_begin(s);
        if (r < 0)
                return r;
        r = store_sms_find_by_mr(s, modem_key, mr, recipient, window, &id, &seq);
        if (r >= 0)
                r = delivery_in_tx(s, id, seq, tp_st, discharge, store_now(s), &state);
        else if (r == -ENOENT) {
                id = 0;
                r = report_orphan(s, modem_key, mr, recipient, tp_st, pdu_hex);
        }
        if (r < 0) {
                store_tx_rollback(s);
                return r;
        }
        r = store_tx_commit(s);
        if (r < 0)
                return r;
        if (ret_id)
                *ret_id = id;
        if (ret_state)
                *ret_state = state;
        return 0;
}

int store_status_report(Store *s, const char *modem_key, uint8_t mr, const char *recipient, uint8_t tp_st,
                        uint64_t discharge, const char *pdu_hex, uint64_t window, int64_t *ret_id,
                        StoreSmsState *ret_state) {
        int r;

        if (!s)
                return -EINVAL;
        r = store_sync_relaxed(s);
        if (r < 0)
                return r;
        r = status_report(s, modem_key, mr, recipient, tp_st, discharge, pdu_hex, window, ret_id, ret_state);
        store_sync_full(s);
        return r;
}

static int report_orphan(Store *s, const char *modem_key, uint8_t mr, const char *recipient, uint8_t tp_st,
                         const char *pdu_hex) {
        sqlite3_stmt *st;
        int r;

        if (!s || !modem_key)
                return -EINVAL;
        r = store_prepare(s, STMT_ORPHAN_INSERT,
                          "INSERT INTO orphan_reports (modem_key, mr, recipient, tp_st, pdu, received_at)"
                          " SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE ?5 IS NULL OR NOT EXISTS"
                          " (SELECT 1 FROM orphan_reports WHERE modem_key = ?1 AND pdu = ?5)",
                          &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, modem_key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 2, mr);
        store_bind_text(st, 3, recipient);
        sqlite3_bind_int(st, 4, tp_st);
        store_bind_text(st, 5, pdu_hex);
        sqlite3_bind_int64(st, 6, (sqlite3_int64)store_now(s));
        return store_step_done(s, st);
}

int store_report_orphan(Store *s, const char *modem_key, uint8_t mr, const char *recipient, uint8_t tp_st,
                        const char *pdu_hex) {
        int r;

        if (!s)
                return -EINVAL;
        r = store_sync_relaxed(s);
        if (r < 0)
                return r;
        r = report_orphan(s, modem_key, mr, recipient, tp_st, pdu_hex);
        store_sync_full(s);
        return r;
}

int store_interrupted_sends_fail(Store *s, unsigned *ret_count) {
        sqlite3_stmt *st;
        int r;

        if (!s)
                return -EINVAL;
        r = store_prepare(s, STMT_INTERRUPTED,
                          "UPDATE messages SET state = 'failed', state_reason = 'interrupted', updated = ?1"
                          " WHERE direction = 'outgoing' AND state IN ('queued', 'sending')",
                          &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)store_now(s));
        r = store_step_done(s, st);
        if (r < 0)
                return r;
        if (ret_count)
                *ret_count = (unsigned)sqlite3_changes(s->db);
        return 0;
}

/* ---- reading ---- */

#define MESSAGE_COLUMNS                                                                            \
        "id, modem_key, direction, state, state_reason, number, text, smsc, class, encoding,"      \
        " timestamp, discharge_time, parts_total, parts_received, reference, ref_bits,"            \
        " delivery_status, delivery_report, validity, conflicts, created"

static void sms_clear(StoreSms *m) {
        free(m->modem_key);
        free(m->state_reason);
        free(m->number);
        free(m->text);
        free(m->smsc);
        for (size_t i = 0; i < m->n_parts; i++) {
                free(m->parts[i].status);
                free(m->parts[i].storage);
                free(m->parts[i].decode_error);
                free(m->parts[i].pdu_hex);
        }
        free(m->parts);
}

StoreSms *store_sms_free(StoreSms *m) {
        if (!m)
                return NULL;
        sms_clear(m);
        free(m);
        return NULL;
}

void store_sms_array_free(StoreSms *a, size_t n) {
        if (!a)
                return;
        for (size_t i = 0; i < n; i++)
                sms_clear(&a[i]);
        free(a);
}

static int read_message(sqlite3_stmt *st, StoreSms *m) {
        int r = 0;

        *m = (StoreSms){};
        m->id = sqlite3_column_int64(st, 0);
        m->direction = store_direction_from_string((const char *)sqlite3_column_text(st, 2));
        m->state = store_sms_state_from_string((const char *)sqlite3_column_text(st, 3));
        m->msg_class = sqlite3_column_int(st, 8);
        m->encoding = reassembly_encoding_from_string((const char *)sqlite3_column_text(st, 9));
        m->timestamp = (uint64_t)sqlite3_column_int64(st, 10);
        m->discharge_time = (uint64_t)sqlite3_column_int64(st, 11);
        m->parts_total = (unsigned)sqlite3_column_int(st, 12);
        m->parts_received = (unsigned)sqlite3_column_int(st, 13);
        m->reference = (uint32_t)sqlite3_column_int64(st, 14);
        m->ref_bits = (unsigned)sqlite3_column_int(st, 15);
        m->delivery_status = store_delivery_status_from_string((const char *)sqlite3_column_text(st, 16));
        m->delivery_report = sqlite3_column_int(st, 17);
        m->validity_minutes = (uint32_t)sqlite3_column_int64(st, 18);
        m->conflicts = (unsigned)sqlite3_column_int(st, 19);
        m->created = (uint64_t)sqlite3_column_int64(st, 20);
        if (r >= 0)
                r = store_column_strdup(st, 1, &m->modem_key);
        if (r >= 0)
                r = store_column_strdup(st, 4, &m->state_reason);
        if (r >= 0)
                r = store_column_strdup(st, 5, &m->number);
        if (r >= 0)
                r = store_column_strdup(st, 6, &m->text);
        if (r >= 0)
                r = store_column_strdup(st, 7, &m->smsc);
        if (r < 0) {
                sms_clear(m);
                *m = (StoreSms){};
        }
        return r;
}

int store_sms_list(Store *s, const char *modem_key, StoreSms **ret, size_t *ret_n) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        StoreSms *a = NULL;
        size_t n = 0, cap = 0;
        int r;

        if (!s || !ret || !ret_n)
                return -EINVAL;
        if (modem_key)
                r = store_prepare(s, STMT_LIST_MODEM,
                                  "SELECT " MESSAGE_COLUMNS " FROM messages"
                                  " WHERE state != 'receiving' AND modem_key = ?1 ORDER BY id",
                                  &st);
        else
                r = store_prepare(s, STMT_LIST_ALL,
                                  "SELECT " MESSAGE_COLUMNS " FROM messages WHERE state != 'receiving' ORDER BY id",
                                  &st);
        if (r < 0)
                return r;
        if (modem_key)
                sqlite3_bind_text(st, 1, modem_key, -1, SQLITE_TRANSIENT);
        while ((r = sqlite3_step(st)) == SQLITE_ROW) {
                if (n == cap) {
                        size_t c = cap ? cap * 2 : 16;
                        StoreSms *p = realloc(a, c * sizeof *a);
                        if (!p) {
                                store_sms_array_free(a, n);
                                return -ENOMEM;
                        }
                        a = p;
                        cap = c;
                }
                r = read_message(st, &a[n]);
                if (r < 0) {
                        store_sms_array_free(a, n);
                        return r;
                }
                n++;
        }
        if (r != SQLITE_DONE) {
                store_sms_array_free(a, n);
                return store_sqlite_errno(s->db, r);
        }
        *ret = a;
        *ret_n = n;
        return 0;
}

static int read_parts(Store *s, StoreSms *m) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        size_t cap = 0;
        int r;

        r = store_prepare(s, STMT_GET_PARTS,
                          "SELECT seq, mr, status, tp_st, storage, storage_index, decode_failed, decode_error,"
                          " pdu FROM message_parts WHERE message_id = ?1 ORDER BY seq, id",
                          &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, m->id);
        while ((r = sqlite3_step(st)) == SQLITE_ROW) {
                StoreSmsPart *p;
                if (m->n_parts == cap) {
                        size_t c = cap ? cap * 2 : 4;
                        StoreSmsPart *a = realloc(m->parts, c * sizeof *a);
                        if (!a)
                                return -ENOMEM;
                        m->parts = a;
                        cap = c;
                }
                p = &m->parts[m->n_parts++];
                *p = (StoreSmsPart){
                        .seq = (unsigned)sqlite3_column_int(st, 0),
                        .mr = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 1),
                        .tp_st = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 3),
                        .index = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 5),
                        .decode_failed = sqlite3_column_int(st, 6),
                };
                if ((r = store_column_strdup(st, 2, &p->status)) < 0 ||
                    (r = store_column_strdup(st, 4, &p->storage)) < 0 ||
                    (r = store_column_strdup(st, 7, &p->decode_error)) < 0 ||
                    (r = store_column_strdup(st, 8, &p->pdu_hex)) < 0)
                        return r;
        }
        return r == SQLITE_DONE ? 0 : store_sqlite_errno(s->db, r);
}

int store_sms_get(Store *s, int64_t id, StoreSms **ret) {
        _cleanup_store_sms_ StoreSms *m = NULL;
        sqlite3_stmt *st;
        int r;

        if (!s || !ret)
                return -EINVAL;
        r = store_prepare(s, STMT_GET, "SELECT " MESSAGE_COLUMNS " FROM messages WHERE id = ?1", &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        r = sqlite3_step(st);
        if (r != SQLITE_ROW) {
                sqlite3_reset(st);
                return r == SQLITE_DONE ? -ENOENT : store_sqlite_errno(s->db, r);
        }
        m = calloc(1, sizeof *m);
        if (!m) {
                sqlite3_reset(st);
                return -ENOMEM;
        }
        r = read_message(st, m);
        sqlite3_reset(st);
        if (r < 0)
                return r;
        r = read_parts(s, m);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

int store_sms_delete(Store *s, int64_t id) {
        sqlite3_stmt *st;
        int r;

        if (!s)
                return -EINVAL;
        r = store_prepare(s, STMT_DELETE, "DELETE FROM messages WHERE id = ?1", &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        r = store_step_done(s, st);
        if (r < 0)
                return r;
        return sqlite3_changes(s->db) > 0 ? 0 : -ENOENT;
}
