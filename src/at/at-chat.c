/* The AT command engine: queue with one command in flight, timeouts,
 * response prefixes, URC dispatch, the SMS prompt flow and the debug
 * trace.  I/O-free; see at-chat.h for the contract.
 *
 * Line routing while a command is in flight:
 *   1. blank and control-only lines are skipped (the ESC echo of C28);
 *   2. a line equal to the command or its payload is echo, skipped;
 *   3. a final result code ends the command;
 *   4. a line matching one of the command's prefixes is a response line;
 *      with prefixes == NULL every line is, except lines of registered URC
 *      prefixes and "+XXX:"/"^XXX:" lines of another command than the one
 *      in flight (C35: "+QUSIM: 1" during AT+CMGF=0 is not its answer);
 *   5. anything else goes to the URC handlers (C16: ^RSSI mid-response).
 *
 * After a timeout (or a cancel of the command in flight) the command stays
 * in the slot as a "zombie": its callback has run, its late lines are
 * swallowed and the next command is not written until the zombie's final
 * result arrives or a guard passes (AT_CHAT_DRAIN_USEC after a timeout, the
 * original deadline after a cancel).  So a late "OK" is never taken as the
 * next command's answer, and a dead port costs one guard per timeout.
 *
 * Re-entrancy: every callback may send, cancel, unregister, hang up or
 * drop the last reference; the chat holds a reference around dispatch and
 * never touches a command after a callback unless it re-finds it. */
#include "at/at-chat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "at/at-result.h"
#include "at/at-tokenizer.h"
#include "at/at-trace.h"
#include "util/log.h"
#include "util/strutil.h"

static inline bool isalnum_ascii(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline char toupper_ascii(char c) {
        return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

#define AT_CHAT_DEFAULT_TIMEOUT_USEC (5 * USEC_PER_SEC)
#define AT_CHAT_DRAIN_USEC (1 * USEC_PER_SEC)
#define AT_CHAT_LINES_MAX 4096

typedef enum CmdState {
        CMD_QUEUED,
        CMD_SENT,
        CMD_WAIT_PROMPT,
        CMD_PAYLOAD_SENT,
} CmdState;

typedef struct Cmd {
        int64_t id;
        char *cmd;
        char **prefixes; /* NULL = any */
        char implied_prefix[32];
        uint64_t timeout_usec;
        AtCommandFlags flags;
        char *payload;
        const void *owner;
        AtResponseFunc callback;
        void *userdata;

        CmdState state;
        uint64_t deadline;
        bool zombie; /* callback already ran (timeout/cancel); draining */
        AtTraceContext trace_ctx;

        char **lines;
        char **pdus;
        size_t n_lines, n_alloc;

        struct Cmd *next;
} Cmd;

typedef struct Urc {
        int64_t id;
        char *prefix;
        size_t prefix_len;
        bool expect_pdu;
        AtUrcFunc func;
        void *userdata;
        const void *owner;
        bool removed;
        struct Urc *next;
} Urc;

typedef enum PduTarget {
        PDU_NONE,
        PDU_RESPONSE,
        PDU_URC,
} PduTarget;

struct AtChat {
        unsigned n_ref;
        const Clock *clock;
        AtWriteFunc write_fn;
        void *write_userdata;

        AtTokenizer tok;
        PduTarget pdu_target;
        int64_t pdu_cmd_id;
        char *held_urc; /* header of a two-line URC waiting for its PDU */

        Cmd *head, *tail;
        Urc *urcs;
        unsigned dispatching;
        int64_t next_id;

        bool gone;
        AtDisconnectFunc disconnect;
        void *disconnect_userdata;
        AtDeadlineFunc deadline_func;
        void *deadline_userdata;

        char *debug_name;
};

static void cmd_free(Cmd *c) {
        if (!c)
                return;
        free(c->cmd);
        strv_free(c->prefixes);
        free(c->payload);
        for (size_t i = 0; i < c->n_lines; i++) {
                free(c->lines[i]);
                free(c->pdus[i]);
        }
        free(c->lines);
        free(c->pdus);
        free(c);
}

static void urc_free(Urc *u) {
        if (!u)
                return;
        free(u->prefix);
        free(u);
}

static void trace(AtChat *chat, AtTraceDirection dir, const char *text, AtTraceContext ctx) {
        char buf[512];
        if (log_get_level() < LOG_LEVEL_DEBUG)
                return;
        log_debug("%s %s: %s", chat->debug_name ?: "at", dir == AT_TRACE_TX ? "TX" : "RX",
                  at_trace_redact(dir, text, ctx, buf, sizeof(buf)));
}

static void notify_deadline(AtChat *chat) {
        if (chat->deadline_func)
                chat->deadline_func(chat, chat->deadline_userdata);
}

int at_chat_new(const Clock *clock, AtWriteFunc write_fn, void *write_userdata, AtChat **ret) {
        AtChat *chat;

        if (!clock || !write_fn || !ret)
                return -EINVAL;
        chat = calloc(1, sizeof(*chat));
        if (!chat)
                return -ENOMEM;
        chat->n_ref = 1;
        chat->clock = clock;
        chat->write_fn = write_fn;
        chat->write_userdata = write_userdata;
        chat->next_id = 1;
        at_tokenizer_init(&chat->tok);
        *ret = chat;
        return 0;
}

AtChat *at_chat_ref(AtChat *chat) {
        if (chat)
                chat->n_ref++;
        return chat;
}

static void chat_free(AtChat *chat) {
        while (chat->head) {
                Cmd *c = chat->head;
                chat->head = c->next;
                cmd_free(c);
        }
        while (chat->urcs) {
                Urc *u = chat->urcs;
                chat->urcs = u->next;
                urc_free(u);
        }
        free(chat->held_urc);
        free(chat->debug_name);
        free(chat);
}

AtChat *at_chat_unref(AtChat *chat) {
        if (!chat)
                return NULL;
        if (--chat->n_ref == 0)
                chat_free(chat);
        return NULL;
}

DEFINE_TRIVIAL_CLEANUP_FUNC(AtChat *, at_chat_unref)

int at_chat_set_debug_name(AtChat *chat, const char *name) {
        char *n = NULL;
        if (!chat)
                return -EINVAL;
        if (name) {
                n = strdup(name);
                if (!n)
                        return -ENOMEM;
        }
        free(chat->debug_name);
        chat->debug_name = n;
        return 0;
}

void at_chat_set_disconnect_func(AtChat *chat, AtDisconnectFunc func, void *userdata) {
        chat->disconnect = func;
        chat->disconnect_userdata = userdata;
}

void at_chat_set_deadline_func(AtChat *chat, AtDeadlineFunc func, void *userdata) {
        chat->deadline_func = func;
        chat->deadline_userdata = userdata;
}

bool at_chat_is_gone(AtChat *chat) {
        return !chat || chat->gone;
}

size_t at_chat_pending(AtChat *chat) {
        size_t n = 0;
        for (Cmd *c = chat->head; c; c = c->next)
                if (!c->zombie)
                        n++;
        return n;
}

uint64_t at_chat_next_deadline(AtChat *chat) {
        if (!chat || chat->gone || !chat->head || chat->head->state == CMD_QUEUED)
                return USEC_INFINITY;
        return chat->head->deadline;
}

/* ---- writing ------------------------------------------------------------ */

static int chat_write(AtChat *chat, const char *data, size_t len) {
        return chat->write_fn(data, len, chat->write_userdata);
}

static void kick(AtChat *chat);

/* 27.005 commands that open the "> " text prompt.  Sent without a payload
 * (a raw AT+CMGS typed through the bus), their prompt is left with ESC so
 * the modem does not swallow the next commands as message text. */
static bool is_prompting_command(const char *cmd) {
        return startswith_no_case(cmd, "AT+CMGS=") || startswith_no_case(cmd, "AT+CMGW") ||
               startswith_no_case(cmd, "AT+CMGC=");
}

/* Writes the head command if the slot is free. */
static void kick(AtChat *chat) {
        Cmd *c = chat->head;
        _cleanup_free_ char *buf = NULL;
        size_t len;
        int r;

        if (chat->gone || !c || c->state != CMD_QUEUED)
                return;

        len = strlen(c->cmd);
        buf = malloc(len + 2);
        if (!buf) {
                at_chat_hangup(chat, -ENOMEM);
                return;
        }
        memcpy(buf, c->cmd, len);
        if (!(c->flags & AT_COMMAND_NO_CR))
                buf[len++] = '\r';
        buf[len] = '\0';

        c->state = c->payload ? CMD_WAIT_PROMPT : CMD_SENT;
        c->deadline = clock_now(chat->clock) + c->timeout_usec;
        at_tokenizer_expect_prompt(&chat->tok, c->payload != NULL || is_prompting_command(c->cmd));
        trace(chat, AT_TRACE_TX, c->cmd, AT_TRACE_CONTEXT_NONE);

        r = chat_write(chat, buf, len);
        if (r < 0) {
                at_chat_hangup(chat, r);
                return;
        }
        notify_deadline(chat);
}

/* ---- completing --------------------------------------------------------- */

static void call_back(AtChat *chat, AtResponseFunc cb, void *userdata, AtFinal final, int code, Cmd *c) {
        AtResponse resp = {.final = final, .code = code};
        if (!cb)
                return;
        if (c && c->n_lines > 0) {
                resp.lines = (const char *const *)c->lines;
                resp.pdus = (const char *const *)c->pdus;
                resp.n_lines = c->n_lines;
        }
        cb(chat, &resp, userdata);
}

static void unlink_head(AtChat *chat) {
        Cmd *c = chat->head;
        chat->head = c->next;
        if (!chat->head)
                chat->tail = NULL;
        c->next = NULL;
        if (chat->pdu_target == PDU_RESPONSE) {
                chat->pdu_target = PDU_NONE;
                at_tokenizer_expect_pdu(&chat->tok, false);
        }
        at_tokenizer_expect_prompt(&chat->tok, false);
}

/* The head command got its final result (or its zombie drained). */
static void complete_head(AtChat *chat, AtFinal final, int code) {
        Cmd *c = chat->head;

        unlink_head(chat);
        if (!c->zombie)
                call_back(chat, c->callback, c->userdata, final, code, c);
        cmd_free(c);
        kick(chat);
        notify_deadline(chat);
}

/* ---- public queue API --------------------------------------------------- */

static bool valid_command_text(const char *s) {
        return s && !strpbrk(s, "\r\n");
}

static void set_implied_prefix(Cmd *c) {
        /* "AT+CSQ" -> "+CSQ:", "AT^SYSINFO" -> "^SYSINFO:"; others none. */
        const char *p = c->cmd;
        size_t n = 0;

        if (!startswith_no_case(p, "AT") || !strchr("+^$%", p[2]) || p[2] == '\0')
                return;
        p += 2;
        c->implied_prefix[n++] = *p++;
        while (*p && (isalnum_ascii(*p) || *p == '_') && n < sizeof(c->implied_prefix) - 2)
                c->implied_prefix[n++] = (char)toupper_ascii(*p++);
        c->implied_prefix[n++] = ':';
        c->implied_prefix[n] = '\0';
}

int64_t at_chat_send(AtChat *chat, const AtCommand *command) {
        Cmd *c;

        if (!chat || !command || !command->cmd || command->cmd[0] == '\0')
                return -EINVAL;
        if (chat->gone)
                return -ENODEV;
        if (!valid_command_text(command->cmd))
                return -EINVAL;
        if (command->payload && strpbrk(command->payload, "\x1a\x1b"))
                return -EINVAL;

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->cmd = strdup(command->cmd);
        if (!c->cmd)
                goto oom;
        if (command->prefixes) {
                size_t n = 0;
                while (command->prefixes[n])
                        n++;
                c->prefixes = calloc(n + 1, sizeof(char *));
                if (!c->prefixes)
                        goto oom;
                for (size_t i = 0; i < n; i++) {
                        c->prefixes[i] = strdup(command->prefixes[i]);
                        if (!c->prefixes[i])
                                goto oom;
                }
        }
        if (command->payload) {
                c->payload = strdup(command->payload);
                if (!c->payload)
                        goto oom;
        }
        set_implied_prefix(c);
        c->id = chat->next_id++;
        c->timeout_usec = command->timeout_usec ?: AT_CHAT_DEFAULT_TIMEOUT_USEC;
        c->flags = command->flags;
        c->owner = command->owner;
        c->callback = command->callback;
        c->userdata = command->userdata;
        c->trace_ctx = at_trace_context_for_command(c->cmd);

        if (chat->tail)
                chat->tail->next = c;
        else
                chat->head = c;
        chat->tail = c;

        {
                int64_t id = c->id;
                kick(chat);
                return id;
        }
oom:
        cmd_free(c);
        return -ENOMEM;
}

int64_t at_chat_send_simple(AtChat *chat, const char *cmd, const char *const *prefixes,
                            uint64_t timeout_usec, const void *owner, AtResponseFunc cb, void *userdata) {
        AtCommand c = {
                .cmd = cmd,
                .prefixes = prefixes,
                .timeout_usec = timeout_usec,
                .owner = owner,
                .callback = cb,
                .userdata = userdata,
        };
        return at_chat_send(chat, &c);
}

int at_chat_cancel(AtChat *chat, int64_t id) {
        _cleanup_(at_chat_unrefp) AtChat *ref = NULL;
        Cmd *prev = NULL, *c;
        AtResponseFunc cb;
        void *ud;

        if (!chat)
                return -EINVAL;
        for (c = chat->head; c; prev = c, c = c->next)
                if (c->id == id)
                        break;
        if (!c || c->zombie)
                return -ENOENT;

        ref = at_chat_ref(chat);
        cb = c->callback;
        ud = c->userdata;

        if (c->state == CMD_QUEUED) {
                if (prev)
                        prev->next = c->next;
                else
                        chat->head = c->next;
                if (chat->tail == c)
                        chat->tail = prev;
                cmd_free(c);
        } else {
                /* In flight: its answer is still coming; keep the slot. */
                c->zombie = true;
                c->callback = NULL;
                c->userdata = NULL;
                c->owner = NULL;
        }
        call_back(chat, cb, ud, AT_FINAL_CANCELLED, -1, NULL);
        return 0;
}

/* ---- URC handlers ------------------------------------------------------- */

int64_t at_chat_register_urc(AtChat *chat, const char *prefix, bool expect_pdu, AtUrcFunc func,
                             void *userdata, const void *owner) {
        Urc *u, **tail;

        if (!chat || !prefix || !prefix[0] || !func)
                return -EINVAL;
        u = calloc(1, sizeof(*u));
        if (!u)
                return -ENOMEM;
        u->prefix = strdup(prefix);
        if (!u->prefix) {
                free(u);
                return -ENOMEM;
        }
        u->prefix_len = strlen(prefix);
        u->expect_pdu = expect_pdu;
        u->func = func;
        u->userdata = userdata;
        u->owner = owner;
        u->id = chat->next_id++;
        for (tail = &chat->urcs; *tail; tail = &(*tail)->next)
                ;
        *tail = u;
        return u->id;
}

static void sweep_urcs(AtChat *chat) {
        Urc **p = &chat->urcs;
        if (chat->dispatching > 0)
                return;
        while (*p) {
                if ((*p)->removed) {
                        Urc *dead = *p;
                        *p = dead->next;
                        urc_free(dead);
                } else
                        p = &(*p)->next;
        }
}

int at_chat_unregister_urc(AtChat *chat, int64_t id) {
        if (!chat)
                return -EINVAL;
        for (Urc *u = chat->urcs; u; u = u->next)
                if (u->id == id && !u->removed) {
                        u->removed = true;
                        u->func = NULL;
                        sweep_urcs(chat);
                        return 0;
                }
        return -ENOENT;
}

void at_chat_cancel_owner(AtChat *chat, const void *owner) {
        _cleanup_(at_chat_unrefp) AtChat *ref = NULL;
        bool again;

        if (!chat || !owner)
                return;
        ref = at_chat_ref(chat);

        /* URC handlers first: a command callback below must not see a
         * URC of an owner that is going away. */
        for (Urc *u = chat->urcs; u; u = u->next)
                if (u->owner == owner && !u->removed) {
                        u->removed = true;
                        u->func = NULL;
                }
        sweep_urcs(chat);

        do {
                again = false;
                for (Cmd *c = chat->head; c; c = c->next)
                        if (c->owner == owner && !c->zombie) {
                                /* Callbacks may reshape the queue: restart. */
                                (void)at_chat_cancel(chat, c->id);
                                again = true;
                                break;
                        }
        } while (again);
}

static const Urc *urc_best(AtChat *chat, const char *line) {
        const Urc *best = NULL;
        for (const Urc *u = chat->urcs; u; u = u->next)
                if (!u->removed && startswith(line, u->prefix) &&
                    (!best || u->prefix_len > best->prefix_len))
                        best = u;
        return best;
}

static void dispatch_urc(AtChat *chat, const char *line, const char *pdu) {
        const Urc *best = urc_best(chat, line);
        _cleanup_free_ char *prefix = NULL;
        int64_t max_id = chat->next_id;

        if (!best) {
                log_debug("%s: unhandled unsolicited line dropped", chat->debug_name ?: "at");
                return;
        }
        prefix = strdup(best->prefix);
        if (!prefix)
                return;

        chat->dispatching++;
        for (Urc *u = chat->urcs; u; u = u->next)
                if (!u->removed && u->id < max_id && streq(u->prefix, prefix))
                        u->func(chat, line, u->expect_pdu ? pdu : NULL, u->userdata);
        chat->dispatching--;
        sweep_urcs(chat);
}

/* A URC line: either dispatched now, or held until its PDU line. */
static void handle_urc_line(AtChat *chat, const char *line) {
        const Urc *best = urc_best(chat, line);
        bool wants_pdu = false;

        if (best)
                for (const Urc *u = chat->urcs; u; u = u->next)
                        if (!u->removed && u->expect_pdu && streq(u->prefix, best->prefix))
                                wants_pdu = true;
        if (wants_pdu) {
                char *h = strdup(line);
                if (!h)
                        return;
                free(chat->held_urc);
                chat->held_urc = h;
                chat->pdu_target = PDU_URC;
                at_tokenizer_expect_pdu(&chat->tok, true);
                return;
        }
        dispatch_urc(chat, line, NULL);
}

static void flush_held_urc(AtChat *chat, const char *pdu) {
        _cleanup_free_ char *h = TAKE_PTR(chat->held_urc);
        if (chat->pdu_target == PDU_URC)
                chat->pdu_target = PDU_NONE;
        if (h)
                dispatch_urc(chat, h, pdu);
}

/* ---- reading ------------------------------------------------------------ */

static bool is_response_line(AtChat *chat, const Cmd *c, const char *line) {
        if (c->prefixes) {
                for (char **p = c->prefixes; *p; p++)
                        if (startswith(line, *p))
                                return true;
                return false;
        }
        /* The command's own answer, even when a URC handler shares its
         * prefix (AT+CREG? while +CREG: URCs are handled, C31; a raw
         * AT+CSQ while +CSQ: URCs are). */
        if (c->implied_prefix[0] && startswith(line, c->implied_prefix))
                return true;
        if (urc_best(chat, line))
                return false;
        if (c->implied_prefix[0] && strchr("+^$%", line[0])) {
                /* "+XXX:" of another command is unsolicited (C35). */
                const char *colon = strchr(line, ':');
                bool name = colon && colon > line + 1;
                for (const char *q = line + 1; name && q < colon; q++)
                        if (!(isalnum_ascii(*q) || *q == '_'))
                                name = false;
                if (name && !startswith(line, c->implied_prefix))
                        return false;
        }
        return true;
}

static int append_line(Cmd *c, const char *line) {
        if (c->n_lines >= AT_CHAT_LINES_MAX)
                return -E2BIG;
        if (c->n_lines == c->n_alloc) {
                size_t n = c->n_alloc ? c->n_alloc * 2 : 4;
                char **l = realloc(c->lines, n * sizeof(char *));
                if (!l)
                        return -ENOMEM;
                c->lines = l;
                l = realloc(c->pdus, n * sizeof(char *));
                if (!l)
                        return -ENOMEM;
                c->pdus = l;
                c->n_alloc = n;
        }
        c->lines[c->n_lines] = strdup(line);
        if (!c->lines[c->n_lines])
                return -ENOMEM;
        c->pdus[c->n_lines] = NULL;
        c->n_lines++;
        return 0;
}

static void handle_line(AtChat *chat, const char *line) {
        Cmd *c = chat->head && chat->head->state != CMD_QUEUED ? chat->head : NULL;
        AtFinal final;
        int code;

        trace(chat, AT_TRACE_RX, line, c ? c->trace_ctx : AT_TRACE_CONTEXT_NONE);

        if (c && (streq(line, c->cmd) || (c->payload && streq(line, c->payload))))
                return; /* echo */

        if (at_result_parse_final(line, &final, &code)) {
                if (c) {
                        complete_head(chat, final, code);
                        return;
                }
                /* No command: "NO CARRIER" after a call, or stray "OK". */
                dispatch_urc(chat, line, NULL);
                return;
        }

        if (c && is_response_line(chat, c, line)) {
                if (c->zombie)
                        return; /* late answer of a timed-out/cancelled command */
                if (append_line(c, line) < 0) {
                        log_debug("%s: response line dropped", chat->debug_name ?: "at");
                        return;
                }
                if ((c->flags & AT_COMMAND_EXPECT_PDU) &&
                    (startswith(line, "+CMGR:") || startswith(line, "+CMGL:"))) {
                        chat->pdu_target = PDU_RESPONSE;
                        chat->pdu_cmd_id = c->id;
                        at_tokenizer_expect_pdu(&chat->tok, true);
                }
                return;
        }

        handle_urc_line(chat, line);
}

static void handle_pdu(AtChat *chat, const char *pdu) {
        Cmd *c = chat->head;

        trace(chat, AT_TRACE_RX, pdu, AT_TRACE_CONTEXT_PDU);
        if (chat->pdu_target == PDU_URC) {
                flush_held_urc(chat, pdu);
                return;
        }
        if (chat->pdu_target == PDU_RESPONSE && c && c->id == chat->pdu_cmd_id && c->n_lines > 0 &&
            !c->pdus[c->n_lines - 1]) {
                chat->pdu_target = PDU_NONE;
                c->pdus[c->n_lines - 1] = strdup(pdu);
                return;
        }
        chat->pdu_target = PDU_NONE;
        log_debug("%s: PDU line without a header dropped", chat->debug_name ?: "at");
}

static void handle_prompt(AtChat *chat) {
        Cmd *c = chat->head;
        int r;

        trace(chat, AT_TRACE_RX, "> ", AT_TRACE_CONTEXT_NONE);
        if (c && c->state == CMD_SENT && !c->payload) {
                log_debug("%s: text prompt without a payload, leaving it", chat->debug_name ?: "at");
                if (chat_write(chat, "\x1b", 1) < 0)
                        at_chat_hangup(chat, -EIO);
                return;
        }
        if (!c || c->state != CMD_WAIT_PROMPT)
                return;
        c->state = CMD_PAYLOAD_SENT;
        if (c->zombie) {
                /* Cancelled while waiting: leave the prompt without sending. */
                r = chat_write(chat, "\x1b", 1);
        } else {
                size_t len = strlen(c->payload);
                _cleanup_free_ char *buf = malloc(len + 1);
                if (!buf) {
                        at_chat_hangup(chat, -ENOMEM);
                        return;
                }
                memcpy(buf, c->payload, len);
                buf[len] = '\x1a';
                trace(chat, AT_TRACE_TX, c->payload, AT_TRACE_CONTEXT_PDU);
                /* Submission can take long: the deadline restarts here. */
                c->deadline = clock_now(chat->clock) + c->timeout_usec;
                r = chat_write(chat, buf, len + 1);
        }
        if (r < 0)
                at_chat_hangup(chat, r);
        else
                notify_deadline(chat);
}

/* Strips surrounding white space and control bytes (ESC, Ctrl-Z) in place. */
static char *strip_line(char *s, size_t len) {
        while (len > 0 && ((unsigned char)s[len - 1] <= 0x20 || s[len - 1] == 0x7f))
                s[--len] = '\0';
        while (*s && ((unsigned char)*s <= 0x20 || *s == 0x7f))
                s++;
        return s;
}

static int on_token(const AtToken *tok, void *userdata) {
        AtChat *chat = userdata;
        _cleanup_free_ char *copy = NULL;
        char *line;

        if (chat->gone)
                return 1;

        if (tok->type == AT_TOKEN_PROMPT) {
                handle_prompt(chat);
                return chat->gone;
        }
        if (tok->flags & (AT_TOKEN_TRUNCATED | AT_TOKEN_PARTIAL)) {
                log_debug("%s: %s line of %zu bytes dropped", chat->debug_name ?: "at",
                          tok->flags & AT_TOKEN_TRUNCATED ? "over-long" : "partial", tok->len);
                if (tok->type == AT_TOKEN_PDU)
                        flush_held_urc(chat, NULL);
                return chat->gone;
        }

        /* Our own copy: callbacks may feed or reset the tokenizer. */
        copy = strndup(tok->text, tok->len);
        if (!copy)
                return 0;
        line = strip_line(copy, tok->len);

        if (tok->type == AT_TOKEN_PDU) {
                if (line[0] == '\0')
                        return 0;
                handle_pdu(chat, line);
                return chat->gone;
        }

        if (line[0] == '\0')
                return 0;
        /* A two-line URC whose PDU never came: deliver what we have. */
        if (chat->held_urc)
                flush_held_urc(chat, NULL);
        if (chat->gone)
                return 1;
        handle_line(chat, line);
        return chat->gone;
}

void at_chat_feed(AtChat *chat, const void *buf, size_t len) {
        _cleanup_(at_chat_unrefp) AtChat *ref = NULL;

        if (!chat || chat->gone || !buf)
                return;
        ref = at_chat_ref(chat);
        at_tokenizer_feed(&chat->tok, buf, len, on_token, chat);
}

void at_chat_process_timeouts(AtChat *chat) {
        _cleanup_(at_chat_unrefp) AtChat *ref = NULL;

        if (!chat || chat->gone)
                return;
        ref = at_chat_ref(chat);

        for (;;) {
                Cmd *c = chat->head;
                uint64_t now = clock_now(chat->clock);
                AtResponseFunc cb;
                void *ud;

                if (chat->gone || !c || c->state == CMD_QUEUED || c->deadline > now)
                        break;

                if (c->zombie) {
                        /* Drain over: the next command may go. */
                        log_debug("%s: no late answer, queue resumes", chat->debug_name ?: "at");
                        unlink_head(chat);
                        cmd_free(c);
                        kick(chat);
                        continue;
                }

                if (log_get_level() >= LOG_LEVEL_DEBUG) {
                        char buf[128];
                        log_debug("%s: %s timed out after %llu ms", chat->debug_name ?: "at",
                                  at_trace_redact(AT_TRACE_TX, c->cmd, AT_TRACE_CONTEXT_NONE, buf,
                                                  sizeof(buf)),
                                  (unsigned long long)(c->timeout_usec / USEC_PER_MSEC));
                }
                if (c->state == CMD_WAIT_PROMPT) {
                        c->state = CMD_PAYLOAD_SENT;
                        at_tokenizer_expect_prompt(&chat->tok, false);
                }
                /* Leave a prompt we may still get, or one we never saw: a
                 * modem left at a "> " by a program (or a daemon) killed
                 * mid-send takes every command as message text and answers
                 * nothing (27.005 3.5.1: ESC cancels).  Outside a prompt ESC
                 * is ignored; its OK, if any, is drained by the zombie. */
                if (chat_write(chat, "\x1b", 1) < 0) {
                        at_chat_hangup(chat, -EIO);
                        break;
                }
                cb = c->callback;
                ud = c->userdata;
                c->zombie = true;
                c->callback = NULL;
                c->userdata = NULL;
                c->owner = NULL;
                c->deadline = now + AT_CHAT_DRAIN_USEC;
                call_back(chat, cb, ud, AT_FINAL_TIMEOUT, -1, NULL);
        }
        notify_deadline(chat);
}

void at_chat_hangup(AtChat *chat, int error) {
        _cleanup_(at_chat_unrefp) AtChat *ref = NULL;
        AtDisconnectFunc f;

        if (!chat || chat->gone)
                return;
        ref = at_chat_ref(chat);
        chat->gone = true;
        log_debug("%s: channel gone", chat->debug_name ?: "at");

        at_tokenizer_reset(&chat->tok);
        chat->pdu_target = PDU_NONE;
        free(chat->held_urc);
        chat->held_urc = NULL;

        while (chat->head) {
                Cmd *c = chat->head;
                unlink_head(chat);
                if (!c->zombie)
                        call_back(chat, c->callback, c->userdata, AT_FINAL_GONE, -1, NULL);
                cmd_free(c);
        }

        f = chat->disconnect;
        chat->disconnect = NULL;
        if (f)
                f(chat, error < 0 ? error : error > 0 ? -error : -ENODEV, chat->disconnect_userdata);
        notify_deadline(chat);
}
