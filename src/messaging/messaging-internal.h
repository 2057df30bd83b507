/* Internals shared by the messaging-*.c files: the Messaging object and
 * its job queue.  Not a public API. */
#pragma once

#include "messaging/messaging.h"
#include "at/at-seq.h"
#include "sms/sms-encode.h"

typedef enum JobType {
        JOB_SWEEP, /* AT+CPMS=<mem>, AT+CMGL=4, store all, AT+CMGD each */
        JOB_READ,  /* AT+CPMS=<mem> if needed, AT+CMGR=<index>, store, AT+CMGD */
        JOB_SEND,  /* AT+CMGS per part */
        _JOB_TYPE_MAX,
} JobType;

typedef struct Job {
        struct Job *next;
        JobType type;
        char mem[4];
        unsigned index;
        /* JOB_SEND */
        int64_t sms_id;
        SmsSubmit *submit;
        size_t part;
        char *number; /* text mode only */
        char *text;
        /* JOB_SWEEP: slots to free once their parts are stored */
        unsigned *del;
        char **del_pdu; /* the PDU each held (hex), for store_slot_freed() */
        size_t n_del, del_pos;
        /* JOB_READ: the PDU the slot held, once stored */
        char *read_pdu;
} Job;

struct Messaging {
        AtChat *chat;
        sd_event *event;
        Store *store;
        const Clock *clock;
        MessagingCallbacks cb;

        char *modem_key;
        bool text_mode;
        char *cnmi;
        MessagingReportRoute report_route;
        char storages[4][4];
        size_t n_storages;
        uint64_t group_max_age;
        uint64_t report_window;
        uint64_t send_timeout;

        Job *head, *tail; /* head is running when running is true */
        bool running;
        bool freeing;
        bool started;
        bool setup_done;
        bool cnma;        /* +CSMS service 1: +CMT/+CDS must be acknowledged */
        char cur_mem[4];  /* read memory as last set by us, "" unknown */
        unsigned sweeps_queued;
        bool sweep_again; /* a sweep or read failed (lost reply, busy): sweep on the next tick */
        bool send_stalled; /* the store could not record "sending": the send at the head waits for the next tick */
        /* Store writes that follow what the modem already did, refused by
         * the store (disk full): written again before the next received
         * part and on each tick, until the store takes them. */
        struct PendingWrite {
                enum { PENDING_PART_SENT, PENDING_SLOT_FREED } kind;
                int64_t sms_id; /* PART_SENT: the part (seq) took TP-MR mr */
                unsigned seq;
                uint8_t mr;
                char mem[4]; /* SLOT_FREED: the modem confirmed mem/index free */
                unsigned index;
                char *pdu;
        } *pending;
        size_t n_pending;

        void (*mem_next)(Messaging *m, Job *j); /* after the AT+CPMS in flight */
        AtSeqStep setup[3];
        char cnmi_cmd[64];

        sd_event_source *expire_timer;
        sd_event_source *kick; /* defer: run the next job outside callbacks */
};

/* messaging.c */
int messaging_job_enqueue(Messaging *m, Job *j);
void messaging_job_done(Messaging *m);
Job *messaging_job_free(Job *j);
/* Sends a command owned by m with m as userdata. */
int64_t messaging_at(Messaging *m, const char *cmd, const char *const *prefixes, AtCommandFlags flags,
                     const char *payload, uint64_t timeout, AtResponseFunc cb);
/* Switches the read memory to j->mem if needed, then calls next. */
void messaging_select_mem(Messaging *m, Job *j, void (*next)(Messaging *m, Job *j));

/* Queues w (its pdu is copied) for messaging_pending_retry(). */
void messaging_pending_add(Messaging *m, const struct PendingWrite *w);
/* Writes what was queued; keeps what the store still refuses. */
void messaging_pending_retry(Messaging *m);
/* messaging-send.c: notifies the bus of a changed message. */
void messaging_notify(Messaging *m, int64_t id);

/* messaging-receive.c */
void messaging_read_run(Messaging *m, Job *j);
void messaging_sweep_run(Messaging *m, Job *j);
void messaging_on_cmti(AtChat *chat, const char *line, const char *pdu, void *userdata);
void messaging_on_cmt(AtChat *chat, const char *line, const char *pdu, void *userdata);
void messaging_on_memfull(AtChat *chat, const char *line, const char *pdu, void *userdata);
/* Decodes, stores and (for reports) applies one PDU read from storage
 * (mem/index) or delivered directly (mem NULL, index -1).  Returns 1 when
 * the slot may be freed, 0 when it must stay (not ours: a stored
 * SMS-SUBMIT), -errno when storing failed (keep the slot). */
int messaging_handle_pdu(Messaging *m, const char *mem, int index, const char *pdu);

/* messaging-send.c */
void messaging_send_run(Messaging *m, Job *j);
/* Fails a queued/running send (reason) and tells the owner. */
void messaging_send_fail(Messaging *m, Job *j, const char *reason);

/* messaging-report.c */
void messaging_on_cds(AtChat *chat, const char *line, const char *pdu, void *userdata);
/* Applies a decoded status report; raw hex kept for an orphan. */
int messaging_apply_report(Messaging *m, const SmsPart *part, const char *pdu_hex);
