/* The daemon's durable state: one SQLite database in WAL mode at
 * <state dir>/callstack.db.  Everything the daemon must not lose (received
 * parts, pending multipart groups, outgoing messages and their states)
 * goes through here, and nothing else in callstack talks to SQLite.
 *
 * Durability rule: a function that returns >= 0 after writing has committed
 * its transaction with synchronous=FULL, so the change survives kill -9 and
 * power loss.  Every multi-row decision (store a part + reassemble + expire
 * to make room) is one transaction.
 *
 * Errors at open are distinct so the daemon can refuse to run with a clear
 * message (store_error_message()):
 *   -EBADMSG          the file is not an SQLite database
 *   -EUCLEAN          the database fails its integrity check
 *   -EPROTONOSUPPORT  the schema is newer than this build understands
 *   -EROFS            the file or its directory is read-only
 *   -EACCES           permission denied
 *   -EPERM            the file is group/other accessible and cannot be fixed
 *   -ENOTDIR/-ENOENT  the state directory is missing
 * The store logs at debug level only; the caller logs the failure once. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reassembly/reassembly.h"
#include "util/clock.h"

#define STORE_DB_NAME "callstack.db"
#define STORE_DEFAULT_MAX_PENDING_GROUPS 64               /* per modem */
#define STORE_DEFAULT_GROUP_MAX_AGE (24 * 3600 * USEC_PER_SEC)
#define STORE_DEFAULT_SEEN_WINDOW (90 * 24 * 3600 * USEC_PER_SEC)

typedef struct Store Store;

typedef enum StoreDirection {
        STORE_DIRECTION_INCOMING,
        STORE_DIRECTION_OUTGOING,
        _STORE_DIRECTION_MAX,
        _STORE_DIRECTION_INVALID = -1,
} StoreDirection;

/* The org.callstack.SMS State values. */
typedef enum StoreSmsState {
        STORE_SMS_RECEIVING, /* a pending multipart group: never on the bus */
        STORE_SMS_RECEIVED,
        STORE_SMS_PARTIAL,
        STORE_SMS_QUEUED,
        STORE_SMS_SENDING,
        STORE_SMS_SENT,
        STORE_SMS_DELIVERED,
        STORE_SMS_FAILED,
        _STORE_SMS_STATE_MAX,
        _STORE_SMS_STATE_INVALID = -1,
} StoreSmsState;

const char *store_direction_to_string(StoreDirection d);
StoreDirection store_direction_from_string(const char *s);
const char *store_sms_state_to_string(StoreSmsState s);
StoreSmsState store_sms_state_from_string(const char *s);

/* Opens (creating if needed, mode 0600) <dir>/callstack.db, checks it
 * (PRAGMA quick_check) and migrates the schema forward.  The daemon then
 * calls store_interrupted_sends_fail() once.  A database file that is
 * group/other accessible is chmod()ed to 0600 when we own it, refused
 * (-EPERM) otherwise. */
int store_open(const char *dir, Store **ret);
Store *store_close(Store *s);
static inline void store_closep(Store **s) {
        if (*s)
                store_close(*s);
}
#define _cleanup_store_ __attribute__((cleanup(store_closep)))

/* A human sentence for the errors store_open() and friends return. */
const char *store_error_message(int error);

/* Defaults to clock_system(); the store uses the realtime reading for
 * created/first-seen stamps. The clock must outlive the store. */
void store_set_clock(Store *s, const Clock *clock);
/* Overrides the boot id read from /proc/sys/kernel/random/boot_id (tests
 * simulate a reboot with it). */
void store_set_boot_id(Store *s, const char *boot_id);
/* Pending multipart groups per modem before the oldest is expired early
 * (published as partial) to make room. Default 64; minimum 1. */
void store_set_max_pending_groups(Store *s, unsigned max);
/* How long part fingerprints are remembered for duplicate detection
 * (default 90 days). */
void store_set_seen_window(Store *s, uint64_t usec);
/* Schema version of the open database. */
int store_schema_version(Store *s);
/* Path of the database file (borrowed). */
const char *store_path(Store *s);

/* Records that a modem with this key (SHA-256 hex of the IMEI) is present. */
int store_modem_seen(Store *s, const char *modem_key);

/* ---- outgoing ---- */

typedef struct StoreOutgoing {
        const char *modem_key;
        const char *number;
        const char *text;
        ReassemblyEncoding encoding;
        unsigned parts_total;       /* 1..255 */
        uint16_t reference;         /* concatenation reference (0 for single) */
        uint8_t ref_bits;           /* 0 single, 8 or 16 */
        const char *smsc;           /* NULL: the SIM's */
        int msg_class;              /* -1 none */
        uint32_t validity_minutes;  /* 0: network default */
        bool delivery_report;
        const char *const *pdus;    /* optional, parts_total hex PDUs (without SCA) */
} StoreOutgoing;

/* Stores a message as `queued`, with one part row per part.  Call before the
 * first AT command. */
int store_sms_insert_outgoing(Store *s, const StoreOutgoing *o, int64_t *ret_id);
/* The same for n messages in one transaction (one fsync), for a burst of
 * Send calls answered together.  All or nothing; ret_ids[i] for o[i]. */
int store_sms_insert_outgoing_many(Store *s, const StoreOutgoing *o, size_t n, int64_t *ret_ids);
/* Sets state and reason (reason may be NULL).  -ENOENT if no such message. */
int store_sms_set_state(Store *s, int64_t id, StoreSmsState state, const char *reason);
/* Records +CMGS: <mr> for part seq (1-based).  When every part has been
 * sent the message becomes `sent` in the same transaction and 1 is
 * returned; otherwise 0.  -ENOENT no such message/part. */
int store_sms_part_sent(Store *s, int64_t id, unsigned seq, uint8_t mr);
/* Finds the outgoing part a status report is for: same modem, TP-MR, and
 * recipient (compared on digits; a national form matches the international
 * one by suffix of at least 7 digits), sent within window µs before now.
 * The most recent match wins.  -ENOENT when none. */
int store_sms_find_by_mr(Store *s, const char *modem_key, uint8_t mr, const char *recipient,
                         uint64_t window, int64_t *ret_id, unsigned *ret_seq);

typedef enum StoreDeliveryStatus {
        STORE_DELIVERY_NONE,      /* no report requested or none yet */
        STORE_DELIVERY_PENDING,   /* TP-ST 0x20-0x3F: SC still trying */
        STORE_DELIVERY_DELIVERED, /* TP-ST 0x00-0x1F */
        STORE_DELIVERY_FAILED,    /* TP-ST 0x40 and above */
        _STORE_DELIVERY_MAX,
        _STORE_DELIVERY_INVALID = -1,
} StoreDeliveryStatus;

const char *store_delivery_status_to_string(StoreDeliveryStatus d);
StoreDeliveryStatus store_delivery_status_from_string(const char *s);
StoreDeliveryStatus store_delivery_status_from_tp_st(uint8_t tp_st);

/* Applies a status report (TP-ST, 3GPP TS 23.040 9.2.3.15) to part seq of
 * message id, then aggregates: the message is `delivered` when every part
 * is, `failed` (reason "delivery-failed") as soon as one part failed
 * permanently, unchanged otherwise.  discharge is the report's
 * discharge time in µs (0 unknown).  *ret_state (optional) gets the
 * message state after the update.  Idempotent. */
int store_sms_delivery(Store *s, int64_t id, unsigned seq, uint8_t tp_st, uint64_t discharge,
                       StoreSmsState *ret_state);

/* A status report, whole, in one transaction: finds the part like
 * store_sms_find_by_mr() and applies it like store_sms_delivery(), or, when
 * nothing matches, keeps it as an orphan (store_report_orphan()).
 * *ret_id gets the message (0 for an orphan), *ret_state its state after.
 * Applying the same report twice (a +CDSI slot re-read) changes nothing. */
int store_status_report(Store *s, const char *modem_key, uint8_t mr, const char *recipient, uint8_t tp_st,
                        uint64_t discharge, const char *pdu_hex, uint64_t window, int64_t *ret_id,
                        StoreSmsState *ret_state);

/* A status report no sent part matched is kept for the operator (table
 * orphan_reports), never dropped; the same PDU twice is kept once. */
int store_report_orphan(Store *s, const char *modem_key, uint8_t mr, const char *recipient, uint8_t tp_st,
                        const char *pdu_hex);

/* At start, before any send: queued/sending -> failed, reason
 * "interrupted" (never resent blindly).  *ret_count (optional) gets how
 * many. */
int store_interrupted_sends_fail(Store *s, unsigned *ret_count);

/* ---- incoming ---- */

typedef enum StorePartResult {
        STORE_PART_NEW_MESSAGE, /* a single-part message, complete: announce message_id */
        STORE_PART_ADDED,       /* added to pending group message_id */
        STORE_PART_COMPLETED,   /* that part completed group message_id: announce it */
        STORE_PART_DUPLICATE,   /* seen before (same PDU, or same content for that seq) */
        STORE_PART_CONFLICT,    /* same seq, different content: kept aside, counted */
        _STORE_PART_RESULT_MAX,
} StorePartResult;

const char *store_part_result_to_string(StorePartResult r);

typedef struct StorePartOutcome {
        StorePartResult result;
        int64_t message_id;  /* message the part belongs/was matched to (0 if unknown) */
        int64_t evicted_id;  /* a pending group expired to `partial` to make room (announce it), or 0 */
} StorePartOutcome;

/* Stores one received part and applies reassembly, all in one
 * transaction.  Once this returns >= 0 the part may be deleted from the
 * modem (for every result, duplicates included).  -EINVAL for a part
 * reassembly_part_validate() refuses. */
int store_part_received(Store *s, const ReassemblyPart *part, StorePartOutcome *ret);
/* The same for n parts in ONE transaction (one fsync): for a burst (an
 * AT+CMGL sweep, queued +CMTI), commit the batch, then delete the slots.
 * Parts are applied in order, so later parts see earlier ones (a group can
 * complete inside the batch; ret[i] is part i's outcome).  All or nothing:
 * one invalid part is -EINVAL and nothing is stored (retry one by one). */
int store_parts_received(Store *s, const ReassemblyPart *parts, size_t n, StorePartOutcome *ret);

/* Expires pending groups whose first part arrived at least max_age µs
 * ago: each becomes a `partial` message with the gaps marked.  A group
 * created during this boot is aged on the store clock's monotonic reading
 * (immune to wall-clock jumps, e.g. the first NTP sync of a board without
 * RTC); one from an earlier boot on the wall clock, now (realtime µs).  *ret_ids (malloc()ed, may be NULL when *ret_n is 0) lists them
 * for announcing. */
int store_groups_expire(Store *s, uint64_t now, uint64_t max_age, int64_t **ret_ids, size_t *ret_n);

/* Forgets part fingerprints older than the seen window. Returns how many. */
int store_seen_prune(Store *s, uint64_t now);

/* The modem confirmed AT+CMGD of the slot storage/index that held
 * pdu_hex: a single-part message's slot fingerprint is forgotten, so an
 * identical PDU arriving later in that slot (a second "OK" from the same
 * sender in the same second) is a new message, not a re-read.  Content
 * fingerprints (multipart parts, +CMT) stay.  Returns 1 when one was
 * forgotten, 0 when there was none. */
int store_slot_freed(Store *s, const char *modem_key, const char *pdu_hex, const char *storage, int index);

/* ---- reading ---- */

typedef struct StoreSmsPart {
        unsigned seq;
        int mr;                  /* outgoing: TP-MR, -1 not sent yet */
        char *status;            /* incoming: received/conflict; outgoing: queued/sent/delivered/pending/failed */
        int tp_st;               /* last TP-ST, -1 none */
        char *storage;           /* incoming: where it was read from */
        int index;
        bool decode_failed;
        char *decode_error;
        char *pdu_hex;
} StoreSmsPart;

typedef struct StoreSms {
        int64_t id;
        char *modem_key;
        StoreDirection direction;
        StoreSmsState state;
        char *state_reason;      /* NULL if none */
        char *number;
        char *text;
        char *smsc;              /* NULL if unknown */
        int msg_class;           /* -1 none */
        ReassemblyEncoding encoding;
        uint64_t timestamp;      /* SCTS (incoming) / submission (outgoing), µs */
        uint64_t discharge_time; /* last status report's, µs, 0 none */
        unsigned parts_total;
        unsigned parts_received; /* incoming: parts present; outgoing: parts sent */
        uint32_t reference;      /* concat ref, or TP-MR of a single outgoing part */
        unsigned ref_bits;
        StoreDeliveryStatus delivery_status;
        bool delivery_report;
        uint32_t validity_minutes;
        unsigned conflicts;      /* conflicting duplicates kept aside */
        uint64_t created;        /* µs */
        StoreSmsPart *parts;     /* store_sms_get only; accepted and conflict parts by seq */
        size_t n_parts;
} StoreSms;

StoreSms *store_sms_free(StoreSms *m);
void store_sms_array_free(StoreSms *a, size_t n);
static inline void store_sms_freep(StoreSms **m) {
        if (*m)
                store_sms_free(*m);
}
#define _cleanup_store_sms_ __attribute__((cleanup(store_sms_freep)))

/* Every message of a modem (NULL: all) except pending groups, by id;
 * parts not filled. */
int store_sms_list(Store *s, const char *modem_key, StoreSms **ret, size_t *ret_n);
/* One message with its parts. -ENOENT if none. */
int store_sms_get(Store *s, int64_t id, StoreSms **ret);
/* Removes the message and its parts (fingerprints stay, as hashes, so a
 * copy still on the modem is not resurrected). -ENOENT if none. */
int store_sms_delete(Store *s, int64_t id);

/* ---- concatenation references (added by the SMS service, issue #5) ---- */

/* Next concatenation reference for multipart messages from this modem to
 * number, persisted so a restart does not reuse the last one (receivers
 * key groups on sender + reference).  8-bit references run 0..255, 16-bit
 * 0..65535; the first one is random.  The number is kept only as a
 * hash. */
int store_next_concat_ref(Store *s, const char *modem_key, const char *number, unsigned ref_bits,
                          uint16_t *ret_ref);
