/* Received parts: duplicate detection, pending multipart groups and their
 * completion or expiry, each decision in one transaction with the part it
 * concerns.
 *
 * A pending group is a messages row in state 'receiving' (unique per
 * modem + sender + reference + width + total, see the partial index
 * messages_pending_group); its parts are message_parts rows.  The
 * reassembly module joins them (3GPP TS 23.040 9.2.3.24.1/.8).
 *
 * Duplicates: every stored PDU leaves a fingerprint (SHA-256 of the PDU hex,
 * per modem) in part_seen.  The same PDU read again — a slot re-read after
 * kill -9 between the commit and AT+CMGD, or an SMSC retransmission, which
 * carries the same SCTS — is a duplicate; a resend with new content or a new
 * timestamp is not.  A single-part message read from a storage slot is
 * fingerprinted with its slot too: two real messages with the same sender,
 * text and second (TP-SCTS has a one-second resolution: "OK" twice from an
 * alarm panel) sit in two slots and are both kept, while a slot read again
 * is still recognised.  Parts of a multipart message and +CMT deliveries
 * (no slot) are fingerprinted by content alone.  Inside a pending group a part with the same sequence
 * number and the same content is a duplicate too, and one with different
 * content is a conflict: kept, counted, never joined.  A part that arrives
 * after its group was completed or expired starts a new group (which will
 * expire as partial): a late part is shown, never dropped. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-internal.h"
#include "store/store-migrate.h"
#include "util/log.h"

#define MESSAGE_COLUMNS_INSERT                                                                     \
        "INSERT INTO messages (modem_key, direction, state, number, text, smsc, class, encoding,"  \
        " timestamp, parts_total, parts_received, reference, ref_bits, created, updated, boot_id,"\
        " created_mono)"                                                                           \
        " VALUES (?1, 'incoming', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14, ?15)"

static int insert_message(Store *s, const ReassemblyPart *p, StoreSmsState state, const char *text,
                          unsigned received, uint64_t now, int64_t *ret_id) {
        sqlite3_stmt *st;
        int r = store_prepare(s, STMT_IN_INSERT, MESSAGE_COLUMNS_INSERT, &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, p->modem_key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, store_sms_state_to_string(state), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, p->sender, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, text ? text : "", -1, SQLITE_TRANSIENT);
        store_bind_text(st, 5, p->smsc);
        sqlite3_bind_int(st, 6, p->msg_class);
        sqlite3_bind_text(st, 7, reassembly_encoding_to_string(p->encoding), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)p->timestamp);
        sqlite3_bind_int(st, 9, p->total);
        sqlite3_bind_int(st, 10, (int)received);
        sqlite3_bind_int(st, 11, p->ref);
        sqlite3_bind_int(st, 12, p->ref_bits);
        sqlite3_bind_int64(st, 13, (sqlite3_int64)now);
        store_bind_text(st, 14, s->boot_id[0] ? s->boot_id : NULL);
        sqlite3_bind_int64(st, 15, (sqlite3_int64)clock_now(s->clock));
        r = store_step_done(s, st);
        if (r < 0)
                return r;
        *ret_id = sqlite3_last_insert_rowid(s->db);
        return 0;
}

static int insert_part(Store *s, int64_t message_id, const ReassemblyPart *p, const char *status,
                       uint64_t now) {
        sqlite3_stmt *st;
        int r = store_prepare(s, STMT_IN_PART_INSERT,
                              "INSERT INTO message_parts (message_id, seq, status, pdu, text, ud, encoding,"
                              " timestamp, storage, storage_index, decode_failed, decode_error, received_at)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                              &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, message_id);
        sqlite3_bind_int(st, 2, p->seq);
        sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, p->pdu_hex, -1, SQLITE_TRANSIENT);
        store_bind_text(st, 5, p->decode_failed ? NULL : p->text);
        if (!p->decode_failed && p->ud_size > 0)
                sqlite3_bind_blob(st, 6, p->ud, (int)p->ud_size, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 7, reassembly_encoding_to_string(p->encoding), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)p->timestamp);
        store_bind_text(st, 9, p->storage);
        sqlite3_bind_int(st, 10, p->index);
        sqlite3_bind_int(st, 11, p->decode_failed);
        store_bind_text(st, 12, p->decode_failed ? (p->decode_error ? p->decode_error : "undecodable") : NULL);
        sqlite3_bind_int64(st, 13, (sqlite3_int64)now);
        return store_step_done(s, st);
}

static int seen_put(Store *s, const char *modem_key, const char *fp, int64_t message_id, uint64_t now) {
        sqlite3_stmt *st;
        int r = store_prepare(s, STMT_SEEN_PUT,
                              "INSERT INTO part_seen (modem_key, hash, message_id, seen_at)"
                              " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                              &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, modem_key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, fp, -1, SQLITE_TRANSIENT);
        if (message_id > 0)
                sqlite3_bind_int64(st, 3, message_id);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
        return store_step_done(s, st);
}

/* 1 and *ret_message_id when seen, 0 when not. */
static int seen_get(Store *s, const char *modem_key, const char *fp, int64_t *ret_message_id) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, STMT_SEEN_GET,
                              "SELECT message_id FROM part_seen WHERE modem_key = ?1 AND hash = ?2", &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, modem_key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, fp, -1, SQLITE_TRANSIENT);
        r = sqlite3_step(st);
        if (r == SQLITE_DONE)
                return 0;
        if (r != SQLITE_ROW)
                return store_sqlite_errno(s->db, r);
        *ret_message_id = sqlite3_column_int64(st, 0);
        return 1;
}

static int modem_touch(Store *s, const char *modem_key, uint64_t now) {
        sqlite3_stmt *st;
        int r = store_prepare(s, STMT_MODEM_SEEN,
                              "INSERT INTO modems (key, first_seen, last_seen) VALUES (?1, ?2, ?2)"
                              " ON CONFLICT (key) DO UPDATE SET last_seen = excluded.last_seen",
                              &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, modem_key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
        return store_step_done(s, st);
}

static int group_find(Store *s, const ReassemblyPart *p, int64_t *ret_id) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, STMT_GROUP_FIND,
                              "SELECT id FROM messages WHERE state = 'receiving' AND modem_key = ?1"
                              " AND number = ?2 AND reference = ?3 AND ref_bits = ?4 AND parts_total = ?5",
                              &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, p->modem_key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, p->sender, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 3, p->ref);
        sqlite3_bind_int(st, 4, p->ref_bits);
        sqlite3_bind_int(st, 5, p->total);
        r = sqlite3_step(st);
        if (r == SQLITE_DONE) {
                *ret_id = 0;
                return 0;
        }
        if (r != SQLITE_ROW)
                return store_sqlite_errno(s->db, r);
        *ret_id = sqlite3_column_int64(st, 0);
        return 1;
}

/* Rebuilds the pieces of a group from its accepted parts and joins them;
 * the message becomes `state` (received or partial). */
static int group_finish(Store *s, int64_t id, StoreSmsState state, uint64_t now) {
        _cleanup_free_ ReassemblyPiece *pieces = NULL;
        _cleanup_free_ char *text = NULL;
        char **texts = NULL;
        uint8_t **uds = NULL;
        size_t n = 0;
        unsigned total = 0, received = 0;
        sqlite3_stmt *st;
        int r;

        r = store_prepare(s, STMT_GROUP_PARTS,
                          "SELECT p.seq, p.encoding, p.text, p.ud, p.decode_failed, m.parts_total"
                          " FROM messages m JOIN message_parts p ON p.message_id = m.id"
                          " WHERE m.id = ?1 AND p.status = 'received' ORDER BY p.seq",
                          &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);

        pieces = calloc(REASSEMBLY_MAX_PARTS, sizeof *pieces);
        texts = calloc(REASSEMBLY_MAX_PARTS + 1, sizeof *texts);
        uds = calloc(REASSEMBLY_MAX_PARTS, sizeof *uds);
        if (!pieces || !texts || !uds) {
                r = -ENOMEM;
                goto finish;
        }
        while ((r = sqlite3_step(st)) == SQLITE_ROW && n < REASSEMBLY_MAX_PARTS) {
                ReassemblyPiece *pc = &pieces[n];
                int bytes = sqlite3_column_bytes(st, 3);

                pc->seq = (uint8_t)sqlite3_column_int(st, 0);
                pc->encoding = reassembly_encoding_from_string((const char *)sqlite3_column_text(st, 1));
                total = (unsigned)sqlite3_column_int(st, 5);
                if (!sqlite3_column_int(st, 4)) {
                        r = store_column_strdup(st, 2, &texts[n]);
                        if (r < 0)
                                goto finish;
                        if (!texts[n] && !(texts[n] = strdup(""))) {
                                r = -ENOMEM;
                                goto finish;
                        }
                        pc->text = texts[n];
                        if (bytes > 0) {
                                uds[n] = malloc((size_t)bytes);
                                if (!uds[n]) {
                                        r = -ENOMEM;
                                        goto finish;
                                }
                                memcpy(uds[n], sqlite3_column_blob(st, 3), (size_t)bytes);
                                pc->ud = uds[n];
                                pc->ud_size = (size_t)bytes;
                        }
                }
                n++;
        }
        sqlite3_reset(st);
        if (r != SQLITE_ROW && r != SQLITE_DONE) {
                r = store_sqlite_errno(s->db, r);
                goto finish;
        }
        if (n == 0) {
                r = -ENOENT;
                goto finish;
        }
        r = reassembly_join(pieces, n, total, &text, &received);
        if (r < 0)
                goto finish;

        r = store_prepare(s, STMT_GROUP_FINISH,
                          "UPDATE messages SET state = ?2, text = ?3, parts_received = ?4, updated = ?5,"
                          " timestamp = COALESCE((SELECT timestamp FROM message_parts WHERE message_id = ?1"
                          "   AND status = 'received' ORDER BY seq LIMIT 1), timestamp)"
                          " WHERE id = ?1",
                          &st);
        if (r < 0)
                goto finish;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, store_sms_state_to_string(state), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, (int)received);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)now);
        r = store_step_done(s, st);
finish:
        if (s->stmts[STMT_GROUP_PARTS])
                sqlite3_reset(s->stmts[STMT_GROUP_PARTS]);
        for (size_t i = 0; i < REASSEMBLY_MAX_PARTS; i++) {
                if (uds)
                        free(uds[i]);
                if (texts)
                        free(texts[i]);
        }
        free(uds);
        free(texts);
        return r;
}

/* Makes room for one more pending group of this modem by expiring the
 * oldest ones to `partial`.  *ret_evicted gets the (last) one expired. */
static int group_make_room(Store *s, const char *modem_key, uint64_t now, int64_t *ret_evicted) {
        for (;;) {
                _cleanup_stmt_ sqlite3_stmt *st = NULL;
                int64_t count, oldest;
                int r;

                r = store_prepare(s, STMT_GROUP_OLDEST,
                                  "SELECT count(*), (SELECT id FROM messages WHERE state = 'receiving'"
                                  "   AND modem_key = ?1 ORDER BY created, id LIMIT 1)"
                                  " FROM messages WHERE state = 'receiving' AND modem_key = ?1",
                                  &st);
                if (r < 0)
                        return r;
                sqlite3_bind_text(st, 1, modem_key, -1, SQLITE_TRANSIENT);
                r = sqlite3_step(st);
                if (r != SQLITE_ROW)
                        return store_sqlite_errno(s->db, r);
                count = sqlite3_column_int64(st, 0);
                oldest = sqlite3_column_int64(st, 1);
                sqlite3_reset(st);
                if (count < (int64_t)s->max_pending_groups)
                        return 0;
                r = group_finish(s, oldest, STORE_SMS_PARTIAL, now);
                if (r < 0)
                        return r;
                log_debug("store: pending group %" PRId64 " expired early to make room", oldest);
                *ret_evicted = oldest;
        }
}

/* Loads the accepted part with this seq into a ReassemblyPart view for the
 * content comparison; strings are copied into ret_text, ret_ud, ret_pdu. */
static int group_part_by_seq(Store *s, int64_t id, const ReassemblyPart *like, ReassemblyPart *ret,
                             char **ret_text, uint8_t **ret_ud, char **ret_pdu) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, STMT_GROUP_PART_BY_SEQ,
                              "SELECT encoding, text, ud, decode_failed, pdu FROM message_parts"
                              " WHERE message_id = ?1 AND seq = ?2 AND status = 'received'",
                              &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, like->seq);
        r = sqlite3_step(st);
        if (r == SQLITE_DONE)
                return 0;
        if (r != SQLITE_ROW)
                return store_sqlite_errno(s->db, r);

        *ret = *like;
        ret->encoding = reassembly_encoding_from_string((const char *)sqlite3_column_text(st, 0));
        ret->decode_failed = sqlite3_column_int(st, 3);
        r = store_column_strdup(st, 1, ret_text);
        if (r >= 0)
                r = store_column_strdup(st, 4, ret_pdu);
        if (r < 0)
                return r;
        ret->text = *ret_text ? *ret_text : "";
        ret->pdu_hex = *ret_pdu ? *ret_pdu : "";
        ret->ud = NULL;
        ret->ud_size = 0;
        if (sqlite3_column_bytes(st, 2) > 0) {
                size_t n = (size_t)sqlite3_column_bytes(st, 2);
                *ret_ud = malloc(n);
                if (!*ret_ud)
                        return -ENOMEM;
                memcpy(*ret_ud, sqlite3_column_blob(st, 2), n);
                ret->ud = *ret_ud;
                ret->ud_size = n;
        }
        return 1;
}

static int count_inc(Store *s, StoreStmt id, const char *sql, int64_t message_id, uint64_t now) {
        sqlite3_stmt *st;
        int r = store_prepare(s, id, sql, &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, message_id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
        return store_step_done(s, st);
}

static int received_in_tx(Store *s, const ReassemblyPart *p, const char *fp, uint64_t now,
                          StorePartOutcome *out) {
        int64_t id = 0;
        int r;

        r = seen_get(s, p->modem_key, fp, &id);
        if (r < 0)
                return r;
        if (r > 0) {
                *out = (StorePartOutcome){.result = STORE_PART_DUPLICATE, .message_id = id};
                return 0;
        }
        r = modem_touch(s, p->modem_key, now);
        if (r < 0)
                return r;

        if (p->total == 1) {
                _cleanup_free_ char *text = NULL;
                ReassemblyPiece pc = reassembly_piece_from_part(p);

                r = reassembly_join(&pc, 1, 1, &text, NULL);
                if (r >= 0)
                        r = insert_message(s, p, STORE_SMS_RECEIVED, text, 1, now, &id);
                if (r >= 0)
                        r = insert_part(s, id, p, "received", now);
                if (r >= 0)
                        r = seen_put(s, p->modem_key, fp, id, now);
                if (r < 0)
                        return r;
                *out = (StorePartOutcome){.result = STORE_PART_NEW_MESSAGE, .message_id = id};
                return 0;
        }

        r = group_find(s, p, &id);
        if (r < 0)
                return r;
        if (r == 0) {
                int64_t evicted = 0;

                r = group_make_room(s, p->modem_key, now, &evicted);
                if (r < 0)
                        return r;
                r = insert_message(s, p, STORE_SMS_RECEIVING, "", 0, now, &id);
                if (r < 0)
                        return r;
                out->evicted_id = evicted;
        } else {
                _cleanup_free_ char *text = NULL, *pdu = NULL;
                _cleanup_free_ uint8_t *ud = NULL;
                ReassemblyPart have;

                r = group_part_by_seq(s, id, p, &have, &text, &ud, &pdu);
                if (r < 0)
                        return r;
                if (r > 0) {
                        if (reassembly_same_content(&have, p)) {
                                r = seen_put(s, p->modem_key, fp, id, now);
                                out->result = STORE_PART_DUPLICATE;
                        } else {
                                r = insert_part(s, id, p, "conflict", now);
                                if (r >= 0)
                                        r = count_inc(s, STMT_GROUP_CONFLICT_INC,
                                                      "UPDATE messages SET conflicts = conflicts + 1,"
                                                      " updated = ?2 WHERE id = ?1",
                                                      id, now);
                                if (r >= 0)
                                        r = seen_put(s, p->modem_key, fp, id, now);
                                out->result = STORE_PART_CONFLICT;
                        }
                        out->message_id = id;
                        return r;
                }
        }

        r = insert_part(s, id, p, "received", now);
        if (r >= 0)
                r = seen_put(s, p->modem_key, fp, id, now);
        if (r >= 0)
                r = count_inc(s, STMT_GROUP_RECEIVED_INC,
                              "UPDATE messages SET parts_received = parts_received + 1, updated = ?2"
                              " WHERE id = ?1",
                              id, now);
        if (r < 0)
                return r;
        out->message_id = id;

        {
                _cleanup_stmt_ sqlite3_stmt *st = NULL;
                r = store_prepare(s, STMT_GROUP_COUNT,
                                  "SELECT parts_received >= parts_total FROM messages WHERE id = ?1", &st);
                if (r < 0)
                        return r;
                sqlite3_bind_int64(st, 1, id);
                r = sqlite3_step(st);
                if (r != SQLITE_ROW)
                        return store_sqlite_errno(s->db, r);
                r = sqlite3_column_int(st, 0);
        }
        if (!r) {
                out->result = STORE_PART_ADDED;
                return 0;
        }
        out->result = STORE_PART_COMPLETED;
        return group_finish(s, id, STORE_SMS_RECEIVED, now);
}

int store_parts_received(Store *s, const ReassemblyPart *parts, size_t n, StorePartOutcome *ret) {
        _cleanup_free_ StorePartOutcome *out = NULL;
        uint64_t now;
        int r;

        if (!s || !ret || (n > 0 && !parts))
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                r = reassembly_part_validate(&parts[i]);
                if (r < 0)
                        return r;
        }
        if (n == 0)
                return 0;
        out = calloc(n, sizeof *out);
        if (!out)
                return -ENOMEM;
        now = store_now(s);

        r = store_tx_begin(s);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                char fp[65];

                store_part_fingerprint(parts[i].pdu_hex, parts[i].total, parts[i].storage, parts[i].index, fp);
                r = received_in_tx(s, &parts[i], fp, now, &out[i]);
                if (r < 0) {
                        store_tx_rollback(s);
                        return r;
                }
        }
        r = store_tx_commit(s);
        if (r < 0)
                return r;
        memcpy(ret, out, n * sizeof *out);
        return 0;
}

int store_part_received(Store *s, const ReassemblyPart *part, StorePartOutcome *ret) {
        if (!part)
                return -EINVAL;
        return store_parts_received(s, part, 1, ret);
}

int store_groups_expire(Store *s, uint64_t now, uint64_t max_age, int64_t **ret_ids, size_t *ret_n) {
        _cleanup_free_ int64_t *ids = NULL;
        size_t n = 0, cap = 0;
        uint64_t mono;
        sqlite3_stmt *st;
        int r;

        if (!s || !ret_ids || !ret_n)
                return -EINVAL;
        r = store_tx_begin(s);
        if (r < 0)
                return r;
        r = store_prepare(s, STMT_GROUP_EXPIRED,
                          "SELECT id FROM messages WHERE state = 'receiving' AND CASE"
                          " WHEN ?2 IS NOT NULL AND boot_id = ?2 AND created_mono IS NOT NULL"
                          "   THEN created_mono <= ?3"
                          " ELSE created <= ?1 END"
                          " ORDER BY created, id",
                          &st);
        if (r < 0)
                goto fail;
        mono = clock_now(s->clock);
        sqlite3_bind_int64(st, 1, now >= max_age ? (sqlite3_int64)(now - max_age) : -1);
        store_bind_text(st, 2, s->boot_id[0] ? s->boot_id : NULL);
        sqlite3_bind_int64(st, 3, mono >= max_age ? (sqlite3_int64)(mono - max_age) : -1);
        while ((r = sqlite3_step(st)) == SQLITE_ROW) {
                if (n == cap) {
                        size_t c = cap ? cap * 2 : 8;
                        int64_t *p = realloc(ids, c * sizeof *ids);
                        if (!p) {
                                sqlite3_reset(st);
                                r = -ENOMEM;
                                goto fail;
                        }
                        ids = p;
                        cap = c;
                }
                ids[n++] = sqlite3_column_int64(st, 0);
        }
        sqlite3_reset(st);
        if (r != SQLITE_DONE) {
                r = store_sqlite_errno(s->db, r);
                goto fail;
        }
        for (size_t i = 0; i < n; i++) {
                r = group_finish(s, ids[i], STORE_SMS_PARTIAL, store_now(s));
                if (r < 0)
                        goto fail;
        }
        r = store_tx_commit(s);
        if (r < 0)
                return r;
        *ret_ids = TAKE_PTR(ids);
        *ret_n = n;
        return 0;
fail:
        store_tx_rollback(s);
        return r;
}

int store_slot_freed(Store *s, const char *modem_key, const char *pdu_hex, const char *storage, int index) {
        sqlite3_stmt *st;
        char fp[65];
        int r;

        if (!s || !modem_key || !pdu_hex || !storage || index < 0)
                return -EINVAL;
        store_part_fingerprint(pdu_hex, 1, storage, index, fp);
        r = store_prepare(s, STMT_SEEN_FORGET, "DELETE FROM part_seen WHERE modem_key = ?1 AND hash = ?2", &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, modem_key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, fp, -1, SQLITE_TRANSIENT);
        /* No fsync of its own: lost in a power cut, the fingerprint only
         * stays, as before this call; the next commit makes it durable. */
        r = store_sync_relaxed(s);
        if (r < 0) {
                sqlite3_reset(st);
                return r;
        }
        r = store_step_done(s, st);
        if (r >= 0)
                r = sqlite3_changes(s->db) > 0;
        store_sync_full(s);
        return r;
}

int store_seen_prune(Store *s, uint64_t now) {
        sqlite3_stmt *st;
        int r;

        r = store_prepare(s, STMT_SEEN_PRUNE, "DELETE FROM part_seen WHERE seen_at < ?1", &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, now >= s->seen_window ? (sqlite3_int64)(now - s->seen_window) : -1);
        r = store_step_done(s, st);
        if (r < 0)
                return r;
        return sqlite3_changes(s->db);
}
