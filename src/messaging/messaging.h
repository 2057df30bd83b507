/* The SMS service of one modem (issue #5): sending (PDU mode AT+CMGS with
 * the "> " prompt, one message at a time), receiving (+CMTI store-and-
 * notify and +CMT direct delivery, a sweep of the modem's storage on
 * start), status reports (+CDS and +CDSI) and group expiry.  It sits
 * between the AT engine (src/at) and the store (src/store): every received
 * part is committed to SQLite before AT+CMGD frees its slot, and an
 * outgoing message is stored `queued` before the first AT command.
 *
 * Domain code: no bus headers.  The owner (the bus adapter) learns about
 * new and changed messages through two callbacks and reads them back from
 * the store.
 *
 * All modem work runs as jobs in one FIFO per modem, one job at a time: a
 * job may switch the read memory (AT+CPMS), and no other job of ours can
 * slip an AT+CMGR/AT+CMGD between that switch and its use (field case
 * C19).  Indications that arrive while a job runs are queued, never
 * dropped (the 200-+CMTI burst). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "at/at-chat.h"
#include "store/store.h"
#include "util/clock.h"

typedef struct Messaging Messaging;

/* How status reports reach us (27.005 3.4.1 <ds>), from the profile. */
typedef enum MessagingReportRoute {
        MESSAGING_REPORT_CDS,  /* +CDS: <length> + PDU line (default) */
        MESSAGING_REPORT_CDSI, /* +CDSI: <mem>,<index>: read from storage */
        MESSAGING_REPORT_NONE, /* the modem cannot: requests are refused */
} MessagingReportRoute;

typedef struct MessagingConfig {
        /* SHA-256 hex of the IMEI (store key); required. */
        const char *modem_key;
        /* PDU mode (default).  false only when the profile says the modem
         * has no PDU mode: then text mode, GSM-representable text only. */
        bool text_mode;
        /* AT+CNMI parameters, NULL = "2,1,0,1,0" (store and notify +CMTI,
         * status reports routed as +CDS).  A profile with +CDSI reports
         * gives "2,1,0,2,0". */
        const char *cnmi;
        MessagingReportRoute report_route;
        /* Storages to sweep, comma separated ("SM,ME"); NULL = "SM". */
        const char *storages;
        /* Incoming multipart groups older than this are published as
         * `partial` (0 = STORE_DEFAULT_GROUP_MAX_AGE); checked every
         * max_age/4 (at most every minute, at least every 50 ms). */
        uint64_t group_max_age_usec;
        /* A status report matches a part sent at most this long ago
         * (0 = 7 days). */
        uint64_t report_window_usec;
        /* Timeout for one AT+CMGS (0 = 60 s). */
        uint64_t send_timeout_usec;
} MessagingConfig;

typedef struct MessagingCallbacks {
        /* A message became visible: a received one is complete (or expired
         * to `partial`), exactly once per message. */
        void (*added)(Messaging *m, int64_t sms_id, bool incoming, void *userdata);
        /* An outgoing message's state, parts or delivery status changed. */
        void (*changed)(Messaging *m, int64_t sms_id, void *userdata);
        void *userdata;
} MessagingCallbacks;

typedef struct MessagingSendOptions {
        bool delivery_report;
        uint32_t validity_minutes; /* 0: network default */
        const char *smsc;          /* NULL: the SIM's */
        int msg_class;             /* -1: none, else 0..3 */
} MessagingSendOptions;

#define MESSAGING_SEND_OPTIONS_INIT { .msg_class = -1 }

/* chat, event, store and clock are borrowed and must outlive m (clock may
 * be NULL: the system clock).  Nothing is sent before messaging_start(). */
int messaging_new(AtChat *chat, sd_event *event, Store *store, const Clock *clock, const MessagingConfig *config,
                  const MessagingCallbacks *callbacks, Messaging **ret);
/* Cancels everything; messages still queued or sending become `failed`
 * with reason "modem-gone" (changed is not called any more). */
Messaging *messaging_free(Messaging *m);
static inline void messaging_freep(Messaging **m) {
        if (*m)
                messaging_free(*m);
}

/* Configures the modem (AT+CMGF, AT+CSMS?, AT+CNMI, URC handlers) and
 * sweeps its storages for what arrived while nobody listened. */
int messaging_start(Messaging *m);
/* Sweeps every storage again (after a re-enumeration or "memory full"). */
int messaging_sweep(Messaging *m);

/* Validates (see messaging-validate.h), stores the message `queued` and
 * queues it.  -EINVAL with *ret_reason (a constant without personal data)
 * on bad input, -EOPNOTSUPP (text mode and the text is not GSM 7-bit, or a
 * report requested where the modem has none), store errors. */
int messaging_send(Messaging *m, const char *number, const char *text, const MessagingSendOptions *opts,
                   int64_t *ret_id, const char **ret_reason);

/* Sweeps the storages again if a sweep or read failed since the last call
 * (a lost reply, "+CMS ERROR" while the SMS service was busy): messages
 * must not wait on the modem for the next indication.  Run by the timer;
 * returns 1 when a sweep was queued. */
int messaging_retry_sweep(Messaging *m);

/* Publishes expired pending groups now (also run by the timer). */
int messaging_expire_groups(Messaging *m);

/* What the timer does on each tick (every --sms-group-max-age / 4, at most
 * a minute): writes the sent-part records the store refused, resumes a
 * send that waited for the store, sweeps again after a failure, expires
 * pending groups. */
void messaging_tick(Messaging *m);

const char *messaging_get_modem_key(Messaging *m);
/* Jobs queued or running (tests). */
size_t messaging_pending_jobs(Messaging *m);

/* The StateReason of a failed send for a +CMS ERROR code (27.005 3.2.5
 * and 24.011 E.2 cause values), e.g. 331 -> "no-network-service". */
const char *messaging_cms_error_to_reason(int code);
