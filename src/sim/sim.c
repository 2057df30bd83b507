/* SIM service, see sim.h (3GPP TS 27.007 8.3 +CPIN; 5.4/5.6/7.1 identities).
 * Field case C35: after a PIN entry "+CPIN: READY" may arrive later as a
 * URC; it is handled by the same parser as the query's reply. */
#include "sim/sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/clock.h"
#include "util/log.h"

#define SIM_COMMAND_TIMEOUT (5 * USEC_PER_SEC)
#define SIM_PIN_TIMEOUT (10 * USEC_PER_SEC)
#define SIM_BUSY_RETRY_USEC (500 * USEC_PER_MSEC)
#define SIM_BUSY_RETRIES 20

struct Sim {
        AtChat *chat;
        sd_event *event;
        sd_event_source *retry_source;
        SimState state;
        bool known;
        bool started;
        bool query_pending;
        unsigned retries;
        SimCallbacks cb;
};

static void done_final(Sim *s, AtFinal final) {
        if (s->cb.command_done && final != AT_FINAL_CANCELLED)
                s->cb.command_done(s, final, s->cb.userdata);
}

static void set_state(Sim *s, SimState state, bool known) {
        bool changed = state != s->state || known != s->known;

        s->state = state;
        s->known = known;
        if (changed) {
                log_debug("sim: state %s", sim_state_to_string(state));
                if (s->cb.changed)
                        s->cb.changed(s, s->cb.userdata);
        }
}

static int query(Sim *s);

static int on_retry(sd_event_source *src, uint64_t usec, void *userdata) {
        Sim *s = userdata;
        (void)query(s);
        return 0;
}

static void schedule_retry(Sim *s) {
        if (++s->retries > SIM_BUSY_RETRIES) {
                /* Give up waiting: the modem is usable, the SIM state unknown. */
                set_state(s, SIM_STATE_UNKNOWN, true);
                return;
        }
        if (!s->retry_source) {
                if (sd_event_add_time_relative(s->event, &s->retry_source, CLOCK_MONOTONIC,
                                               SIM_BUSY_RETRY_USEC, 1, on_retry, s) < 0) {
                        set_state(s, SIM_STATE_UNKNOWN, true);
                        return;
                }
                (void)sd_event_source_set_description(s->retry_source, "sim-retry");
        } else {
                (void)sd_event_source_set_time_relative(s->retry_source, SIM_BUSY_RETRY_USEC);
                (void)sd_event_source_set_enabled(s->retry_source, SD_EVENT_ONESHOT);
        }
}

static void on_cpin_query(AtChat *chat, const AtResponse *resp, void *userdata) {
        Sim *s = userdata;
        SimState st;

        s->query_pending = false;
        done_final(s, resp->final);
        switch (resp->final) {
        case AT_FINAL_OK:
                for (size_t i = 0; i < resp->n_lines; i++)
                        if (sim_parse_cpin(resp->lines[i], &st) == 0) {
                                if (st == SIM_STATE_UNKNOWN) /* NOT READY: still booting */
                                        schedule_retry(s);
                                else {
                                        s->retries = 0;
                                        set_state(s, st, true);
                                }
                                return;
                        }
                log_debug("sim: unparsable +CPIN reply");
                set_state(s, SIM_STATE_UNKNOWN, true);
                return;
        case AT_FINAL_CME_ERROR:
                if (sim_state_from_cme(resp->code, &st) == 0) {
                        if (st == SIM_STATE_UNKNOWN) /* SIM busy */
                                schedule_retry(s);
                        else
                                set_state(s, st, true);
                        return;
                }
                set_state(s, SIM_STATE_UNKNOWN, true);
                return;
        case AT_FINAL_TIMEOUT:
                schedule_retry(s);
                return;
        case AT_FINAL_CANCELLED:
        case AT_FINAL_GONE:
                return;
        default:
                /* Plain ERROR: a modem without SIM support, or a broken SIM. */
                set_state(s, SIM_STATE_UNKNOWN, true);
                return;
        }
}

static int query(Sim *s) {
        static const char *const prefixes[] = { "+CPIN:", NULL };
        int64_t id;

        if (s->query_pending)
                return 0;
        id = at_chat_send_simple(s->chat, "AT+CPIN?", prefixes, SIM_COMMAND_TIMEOUT, s, on_cpin_query, s);
        if (id < 0)
                return (int)id;
        s->query_pending = true;
        return 0;
}

static void on_cpin_urc(AtChat *chat, const char *line, const char *pdu, void *userdata) {
        Sim *s = userdata;
        SimState st;

        if (sim_parse_cpin(line, &st) < 0) {
                log_debug("sim: unparsable +CPIN URC ignored");
                return;
        }
        if (st == SIM_STATE_UNKNOWN)
                return;
        set_state(s, st, true);
}

int sim_new(AtChat *chat, sd_event *event, const SimCallbacks *callbacks, Sim **ret) {
        Sim *s = calloc(1, sizeof(*s));

        if (!s)
                return -ENOMEM;
        s->chat = at_chat_ref(chat);
        s->event = sd_event_ref(event);
        s->state = SIM_STATE_UNKNOWN;
        if (callbacks)
                s->cb = *callbacks;
        *ret = s;
        return 0;
}

Sim *sim_free(Sim *s) {
        if (!s)
                return NULL;
        s->cb = (SimCallbacks){ 0 };
        /* Pending operations complete with -ENODEV from here. */
        at_chat_cancel_owner(s->chat, s);
        sd_event_source_disable_unref(s->retry_source);
        at_chat_unref(s->chat);
        sd_event_unref(s->event);
        free(s);
        return NULL;
}

int sim_start(Sim *s) {
        int64_t id;

        if (s->started)
                return 0;
        s->started = true;
        id = at_chat_register_urc(s->chat, "+CPIN:", false, on_cpin_urc, s, s);
        if (id < 0)
                return (int)id;
        return query(s);
}

SimState sim_get_state(Sim *s) {
        return s->state;
}

bool sim_is_known(Sim *s) {
        return s->known;
}

static int final_to_errno(AtFinal f) {
        switch (f) {
        case AT_FINAL_OK:
                return 0;
        case AT_FINAL_TIMEOUT:
                return -ETIMEDOUT;
        case AT_FINAL_GONE:
        case AT_FINAL_CANCELLED:
                return -ENODEV;
        default:
                return -EIO;
        }
}

typedef struct PinOp {
        Sim *sim;
        SimDoneFunc done;
        void *userdata;
} PinOp;

static void on_cpin_set(AtChat *chat, const AtResponse *resp, void *userdata) {
        PinOp *op = userdata;
        Sim *s = op->sim;
        int r = final_to_errno(resp->final);

        done_final(s, resp->final);
        /* 27.007 9.2.1: 16 incorrect password; 12 PUK now required. */
        if (resp->final == AT_FINAL_CME_ERROR && (resp->code == 16 || resp->code == 12))
                r = -EKEYREJECTED;
        if (resp->final != AT_FINAL_CANCELLED && resp->final != AT_FINAL_GONE)
                (void)query(s); /* the SIM state moved either way */
        log_info("sim: PIN %s", r == 0 ? "accepted" : r == -EKEYREJECTED ? "rejected" : "entry failed");
        op->done(r, op->userdata);
        free(op);
}

int sim_send_pin(Sim *s, const char *pin, SimDoneFunc done, void *userdata) {
        char cmd[32];
        PinOp *op;
        int64_t id;

        if (!sim_pin_is_valid(pin))
                return -EINVAL;
        if (s->state != SIM_STATE_PIN_REQUIRED)
                return -EBADFD;
        op = malloc(sizeof(*op));
        if (!op)
                return -ENOMEM;
        *op = (PinOp){ .sim = s, .done = done, .userdata = userdata };
        snprintf(cmd, sizeof(cmd), "AT+CPIN=\"%s\"", pin);
        id = at_chat_send_simple(s->chat, cmd, NULL, SIM_PIN_TIMEOUT, s, on_cpin_set, op);
        explicit_bzero(cmd, sizeof(cmd));
        if (id < 0) {
                free(op);
                return (int)id;
        }
        return 0;
}

/* Identity read: one command after the other, alternatives for ICCID. */
static const struct {
        SimIdentityKind kind;
        const char *cmd;
} identity_steps[] = {
        { SIM_IDENTITY_IMEI, "AT+CGSN" },
        { SIM_IDENTITY_IMSI, "AT+CIMI" },
        { SIM_IDENTITY_ICCID, "AT+CCID" },
        { SIM_IDENTITY_ICCID, "AT+QCCID" },
        { SIM_IDENTITY_ICCID, "AT^ICCID?" },
        { SIM_IDENTITY_MSISDN, "AT+CNUM" },
};

typedef struct IdentityOp {
        Sim *sim;
        size_t step;
        SimIdentity identity;
        SimIdentityFunc done;
        void *userdata;
} IdentityOp;

static void identity_op_free(IdentityOp *op) {
        for (size_t i = 0; i < _SIM_IDENTITY_MAX; i++) {
                if (op->identity.values[i])
                        explicit_bzero(op->identity.values[i], strlen(op->identity.values[i]));
                free(op->identity.values[i]);
        }
        free(op);
}

static void identity_next(IdentityOp *op);

static void on_identity(AtChat *chat, const AtResponse *resp, void *userdata) {
        IdentityOp *op = userdata;
        SimIdentityKind kind = identity_steps[op->step].kind;
        int r;

        done_final(op->sim, resp->final);
        if (resp->final == AT_FINAL_TIMEOUT || resp->final == AT_FINAL_GONE ||
            resp->final == AT_FINAL_CANCELLED) {
                op->done(final_to_errno(resp->final), NULL, op->userdata);
                identity_op_free(op);
                return;
        }
        if (resp->final == AT_FINAL_OK && !op->identity.values[kind]) {
                r = sim_parse_identity(kind, resp->lines, resp->n_lines, &op->identity.values[kind]);
                if (r < 0 && r != -ENOENT)
                        log_debug("sim: %s reply not understood", sim_identity_kind_to_string(kind));
        }
        op->step++;
        identity_next(op);
}

static void identity_next(IdentityOp *op) {
        for (; op->step < ELEMENTSOF(identity_steps); op->step++) {
                SimIdentityKind kind = identity_steps[op->step].kind;
                const char *const cnum_prefix[] = { "+CNUM:", NULL };
                int64_t id;

                if (op->identity.values[kind])
                        continue; /* already read through an earlier alternative */
                id = at_chat_send_simple(op->sim->chat, identity_steps[op->step].cmd,
                                         kind == SIM_IDENTITY_MSISDN ? cnum_prefix : NULL,
                                         SIM_COMMAND_TIMEOUT, op->sim, on_identity, op);
                if (id < 0) {
                        op->done((int)id, NULL, op->userdata);
                        identity_op_free(op);
                }
                return;
        }
        op->done(0, &op->identity, op->userdata);
        identity_op_free(op);
}

int sim_read_identity(Sim *s, SimIdentityFunc done, void *userdata) {
        IdentityOp *op = calloc(1, sizeof(*op));
        const char *const *no_prefix = NULL;
        int64_t id;

        if (!op)
                return -ENOMEM;
        *op = (IdentityOp){ .sim = s, .done = done, .userdata = userdata };
        /* First step synchronously so a gone channel fails the call at once. */
        id = at_chat_send_simple(s->chat, identity_steps[0].cmd, no_prefix, SIM_COMMAND_TIMEOUT, s,
                                 on_identity, op);
        if (id < 0) {
                identity_op_free(op);
                return (int)id;
        }
        return 0;
}
