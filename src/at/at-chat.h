/* The AT command engine (after oFono's gatchat): one command in flight,
 * each with a timeout, the response prefixes it expects and an owner; all
 * other lines are unsolicited results dispatched to URC handlers by prefix,
 * also in the middle of a response.  Two-line URCs (+CMT/+CDS header then
 * a PDU line) reach their handler as one call.
 *
 * The engine core is I/O-free: bytes go in through at_chat_feed(), bytes
 * come out through the write function, and time comes from a Clock with
 * at_chat_next_deadline()/at_chat_process_timeouts().  at-channel.h binds a
 * chat to a tty fd on an sd-event loop; tests drive the core by hand.
 *
 * This header is the contract the rest of the daemon is written against. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/clock.h"

typedef struct AtChat AtChat;

/* How a command ended.  AT_FINAL_TIMEOUT, AT_FINAL_CANCELLED and
 * AT_FINAL_GONE are produced locally, never read from the modem. */
typedef enum AtFinal {
        AT_FINAL_OK,
        AT_FINAL_ERROR,
        AT_FINAL_CME_ERROR,   /* code in AtResponse.code */
        AT_FINAL_CMS_ERROR,   /* code in AtResponse.code */
        AT_FINAL_NO_CARRIER,
        AT_FINAL_BUSY,
        AT_FINAL_NO_ANSWER,
        AT_FINAL_NO_DIALTONE, /* "NO DIALTONE" and "NO DIAL TONE" */
        AT_FINAL_CONNECT,
        AT_FINAL_TIMEOUT,
        AT_FINAL_CANCELLED,   /* owner went away or at_chat_cancel() */
        AT_FINAL_GONE,        /* channel hung up / EIO (unplug) */
        _AT_FINAL_MAX,
} AtFinal;

const char *at_final_to_string(AtFinal f);
/* Maps a final result to -errno: OK -> 0, TIMEOUT -> -ETIMEDOUT,
 * GONE -> -ENODEV, CANCELLED -> -ECANCELED, everything else -> -EIO. */
int at_final_to_errno(AtFinal f);

typedef struct AtResponse {
        AtFinal final;
        int code;                  /* +CME/+CMS numeric code, -1 if none or textual */
        const char *const *lines;  /* information lines (final line excluded) */
        size_t n_lines;
        /* For commands sent with AT_COMMAND_EXPECT_PDU (+CMGR/+CMGL): the
         * line after each header line is a PDU; pdus[i] belongs to lines[i],
         * NULL where none. */
        const char *const *pdus;
} AtResponse;

typedef void (*AtResponseFunc)(AtChat *chat, const AtResponse *resp, void *userdata);
/* line: the URC line without CR/LF.  pdu: the second line for two-line
 * URCs registered with expect_pdu, otherwise NULL. */
typedef void (*AtUrcFunc)(AtChat *chat, const char *line, const char *pdu, void *userdata);
/* Called once when the channel is gone (HUP/EIO/EOF); error is -errno. */
typedef void (*AtDisconnectFunc)(AtChat *chat, int error, void *userdata);
/* The core's way out: write all of buf or return -errno. */
typedef int (*AtWriteFunc)(const void *buf, size_t len, void *userdata);

typedef enum AtCommandFlags {
        AT_COMMAND_DEFAULT = 0,
        AT_COMMAND_EXPECT_PDU = 1 << 0, /* +CMGR:/+CMGL: lines are followed by a PDU line */
        AT_COMMAND_NO_CR = 1 << 1,      /* do not append "\r" (raw payloads) */
} AtCommandFlags;

typedef struct AtCommand {
        const char *cmd;              /* "AT+CSQ" (CR appended by the engine) */
        const char *const *prefixes;  /* NULL-terminated, e.g. {"+CSQ:", NULL}; NULL = any
                                         non-final line that is not a registered URC is response */
        uint64_t timeout_usec;        /* 0 = engine default (5 s) */
        AtCommandFlags flags;
        /* For SMS submission: sent after the "> " prompt, followed by
         * Ctrl-Z (0x1A).  NULL for ordinary commands. */
        const char *payload;
        const void *owner;            /* cancel handle group; may be NULL */
        AtResponseFunc callback;      /* may be NULL */
        void *userdata;
} AtCommand;

int at_chat_new(const Clock *clock, AtWriteFunc write_fn, void *write_userdata, AtChat **ret);
AtChat *at_chat_ref(AtChat *chat);
AtChat *at_chat_unref(AtChat *chat);

/* Queues a command; returns a positive id or -errno (-ENODEV once gone,
 * -EINVAL for a command with CR/LF or a NUL in it). */
int64_t at_chat_send(AtChat *chat, const AtCommand *command);
/* Shorthand for the common case. */
int64_t at_chat_send_simple(AtChat *chat, const char *cmd, const char *const *prefixes,
                            uint64_t timeout_usec, const void *owner, AtResponseFunc cb,
                            void *userdata);

/* Cancel: the callback runs with AT_FINAL_CANCELLED (for a command in
 * flight, its reply is then swallowed when it arrives).  -ENOENT if unknown. */
int at_chat_cancel(AtChat *chat, int64_t id);

/* URC handlers, matched by line prefix (longest prefix wins; all handlers
 * of the same prefix are called in registration order). */
int64_t at_chat_register_urc(AtChat *chat, const char *prefix, bool expect_pdu, AtUrcFunc func,
                             void *userdata, const void *owner);
int at_chat_unregister_urc(AtChat *chat, int64_t id);

/* Cancels every command and unregisters every URC handler of owner.
 * Safe to call from inside any callback. */
void at_chat_cancel_owner(AtChat *chat, const void *owner);

void at_chat_set_disconnect_func(AtChat *chat, AtDisconnectFunc func, void *userdata);

/* Feeds bytes read from the modem. */
void at_chat_feed(AtChat *chat, const void *buf, size_t len);
/* The channel is gone: every queued command fails with AT_FINAL_GONE, the
 * disconnect func runs once, later sends return -ENODEV. */
void at_chat_hangup(AtChat *chat, int error);
bool at_chat_is_gone(AtChat *chat);

/* Monotonic deadline of the earliest timer, USEC_INFINITY if none. */
uint64_t at_chat_next_deadline(AtChat *chat);
/* Fires timeouts that are due at clock_now(). */
void at_chat_process_timeouts(AtChat *chat);

/* Name used in the debug trace ("ttyUSB2"). */
int at_chat_set_debug_name(AtChat *chat, const char *name);

/* Number of commands queued or in flight (for tests and Busy answers).
 * A timed-out or cancelled command still draining is not counted. */
size_t at_chat_pending(AtChat *chat);

/* Called whenever at_chat_next_deadline() may have changed (a command was
 * written, finished or timed out): the channel re-arms its timer here. */
typedef void (*AtDeadlineFunc)(AtChat *chat, void *userdata);
void at_chat_set_deadline_func(AtChat *chat, AtDeadlineFunc func, void *userdata);

/* Timing rules (see at-chat.c for the full routing rules):
 *  - the default timeout is 5 s, measured from the write of the command;
 *    for SMS submission it restarts when the payload is written;
 *    unsolicited traffic never extends it;
 *  - after a timeout the command keeps the slot as a "zombie" for 1 s (or
 *    until its late final result arrives, swallowed with its lines) before
 *    the next command is written; a cancelled command in flight drains the
 *    same way until its final result or its original deadline;
 *  - at_chat_unref() dropping the last reference frees queued commands
 *    without calling them back: cancel owners first. */
