/* Network registration service, see netreg.h.  URCs enabled with mode 2
 * (stat + location) and mode 1 as a fall-back for modems that refuse 2.
 * Field case C31: a +CREG line is a reply only while AT+CREG? is in
 * flight (the AT engine routes it to the command by its prefix); any other
 * +CREG line reaches on_creg_urc() and is parsed as a URC. */
#include "netreg/netreg.h"

#include <errno.h>
#include <stdlib.h>

#include "at/at-result.h"

#include "util/cleanup.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strutil.h"

#define NETREG_COMMAND_TIMEOUT (5 * USEC_PER_SEC)

struct NetReg {
        AtChat *chat;
        sd_event *event;
        sd_event_source *poll_source;
        uint64_t poll_usec;
        NetRegState state;
        NetRegCallbacks cb;
        bool started;
        bool cops_pending;
};

static void notify(NetReg *n, unsigned changes) {
        if (changes && n->cb.changed)
                n->cb.changed(n, changes, n->cb.userdata);
}

static void done(NetReg *n, const AtResponse *resp) {
        if (n->cb.command_done && resp->final != AT_FINAL_CANCELLED)
                n->cb.command_done(n, resp->final, n->cb.userdata);
}

static int send_cmd(NetReg *n, const char *cmd, const char *prefix, AtResponseFunc func) {
        const char *const prefixes[] = {prefix, NULL};
        int64_t id;

        id = at_chat_send_simple(n->chat, cmd, prefix ? prefixes : NULL, NETREG_COMMAND_TIMEOUT, n, func, n);
        return id < 0 ? (int)id : 0;
}

static void on_cops(AtChat *chat, const AtResponse *resp, void *userdata) {
        NetReg *n = userdata;
        AtCops cops;

        n->cops_pending = false;
        done(n, resp);
        if (resp->final != AT_FINAL_OK)
                return;
        for (size_t i = 0; i < resp->n_lines; i++)
                if (at_parse_cops(resp->lines[i], &cops) == 0) {
                        /* "" when registered to none (a bare "+COPS: 0") */
                        notify(n, netreg_state_set_operator(&n->state, cops.oper));
                        return;
                }
        log_debug("netreg: unparsable +COPS reply ignored");
}

static void query_operator(NetReg *n) {
        if (n->cops_pending)
                return;
        if (send_cmd(n, "AT+COPS?", "+COPS:", on_cops) == 0)
                n->cops_pending = true;
}

static void apply_stat(NetReg *n, NetRegFamily family, int stat) {
        unsigned changes = netreg_state_set_stat(&n->state, family, stat);

        if (changes & NETREG_CHANGED_REGISTRATION) {
                if (netreg_status_is_registered(n->state.status))
                        query_operator(n);
                else
                        changes |= netreg_state_set_operator(&n->state, "");
        }
        notify(n, changes);
}

/* Field case C31: the caller says which form the line has (a query reply
 * starts with <n>, a URC with <stat>); never guessed from the shape. */
static int parse_registration(const char *line, bool solicited, NetRegFamily *ret_family, int *ret_stat) {
        AtRegistration reg;
        int r;

        r = at_parse_creg(line, solicited ? AT_REG_FORM_QUERY : AT_REG_FORM_URC, &reg);
        if (r < 0)
                return r;
        if (reg.family >= (AtRegFamily)_NETREG_FAMILY_MAX)
                return -EOPNOTSUPP; /* +C5GREG: not followed */
        *ret_family = (NetRegFamily)reg.family;
        *ret_stat = reg.stat;
        return 0;
}

static void on_creg_query(AtChat *chat, const AtResponse *resp, void *userdata) {
        NetReg *n = userdata;

        done(n, resp);
        if (resp->final != AT_FINAL_OK)
                return;
        for (size_t i = 0; i < resp->n_lines; i++) {
                NetRegFamily family;
                int stat;

                if (parse_registration(resp->lines[i], true, &family, &stat) < 0) {
                        log_debug("netreg: unparsable registration reply ignored");
                        continue;
                }
                apply_stat(n, family, stat);
        }
}

static void on_creg_urc(AtChat *chat, const char *line, const char *pdu, void *userdata) {
        NetReg *n = userdata;
        NetRegFamily family;
        int stat;

        if (parse_registration(line, false, &family, &stat) < 0) {
                log_debug("netreg: unparsable registration URC ignored");
                return;
        }
        log_debug("netreg: %s URC status=%d", at_reg_family_to_string((AtRegFamily)family), stat);
        apply_stat(n, family, stat);
        /* A cell change is when the signal changes most: read it now
         * rather than at the next poll. */
        (void)netreg_poll_signal(n);
}

/* "+CSQ: <rssi>,<ber>" as a URC (SIMCom AT+AUTOCSQ, some Quectel firmwares). */
static void on_csq_urc(AtChat *chat, const char *line, const char *pdu, void *userdata) {
        NetReg *n = userdata;
        AtCsq csq;

        if (at_parse_csq(line, &csq) < 0)
                return;
        notify(n, netreg_state_set_quality(&n->state, csq.percent));
}

static void on_csq(AtChat *chat, const AtResponse *resp, void *userdata) {
        NetReg *n = userdata;
        AtCsq csq;

        done(n, resp);
        if (resp->final != AT_FINAL_OK)
                return;
        for (size_t i = 0; i < resp->n_lines; i++)
                if (at_parse_csq(resp->lines[i], &csq) == 0) {
                        notify(n, netreg_state_set_quality(&n->state, csq.percent));
                        return;
                }
        log_debug("netreg: unparsable +CSQ reply ignored");
}

/* Huawei "^RSSI: <rssi>" uses the +CSQ scale (field case C16). */
static void on_rssi_urc(AtChat *chat, const char *line, const char *pdu, void *userdata) {
        NetReg *n = userdata;
        long rssi;
        unsigned percent;
        _cleanup_free_ char *v = strdup_trim(line + strlen("^RSSI:"));

        if (!v || safe_atoi_range(v, 0, 99, &rssi) < 0 ||
            at_csq_rssi_to_percent((unsigned)rssi, &percent) < 0)
                return;
        notify(n, netreg_state_set_quality(&n->state, percent));
}

static void on_ignore(AtChat *chat, const AtResponse *resp, void *userdata) {
        done(userdata, resp);
}

static void on_creg_enable(AtChat *chat, const AtResponse *resp, void *userdata) {
        NetReg *n = userdata;

        done(n, resp);
        /* Mode 2 unsupported: ask for the plain status URC instead. */
        if (resp->final == AT_FINAL_ERROR || resp->final == AT_FINAL_CME_ERROR)
                (void)send_cmd(n, "AT+CREG=1", NULL, on_ignore);
}

static int on_poll(sd_event_source *s, uint64_t usec, void *userdata) {
        NetReg *n = userdata;

        (void)netreg_poll_signal(n);
        if (sd_event_source_set_time_relative(s, n->poll_usec) >= 0)
                (void)sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
        return 0;
}

int netreg_new(AtChat *chat, sd_event *event, uint64_t poll_usec, const NetRegCallbacks *callbacks,
               NetReg **ret) {
        NetReg *n;
        int r;

        n = calloc(1, sizeof(*n));
        if (!n)
                return -ENOMEM;
        r = netreg_state_init(&n->state);
        if (r < 0) {
                free(n);
                return r;
        }
        n->chat = at_chat_ref(chat);
        n->event = sd_event_ref(event);
        n->poll_usec = poll_usec;
        if (callbacks)
                n->cb = *callbacks;
        *ret = n;
        return 0;
}

NetReg *netreg_free(NetReg *n) {
        if (!n)
                return NULL;
        /* Our callbacks may still run (with AT_FINAL_CANCELLED) from here:
         * silence the owner first. */
        n->cb = (NetRegCallbacks){0};
        at_chat_cancel_owner(n->chat, n);
        sd_event_source_disable_unref(n->poll_source);
        at_chat_unref(n->chat);
        sd_event_unref(n->event);
        netreg_state_done(&n->state);
        free(n);
        return NULL;
}

int netreg_start(NetReg *n) {
        static const char *const urcs[] = {"+CREG:", "+CGREG:", "+CEREG:"};
        int r;

        if (n->started)
                return 0;
        n->started = true;

        for (size_t i = 0; i < ELEMENTSOF(urcs); i++) {
                int64_t id = at_chat_register_urc(n->chat, urcs[i], false, on_creg_urc, n, n);
                if (id < 0)
                        return (int)id;
        }
        (void)at_chat_register_urc(n->chat, "^RSSI:", false, on_rssi_urc, n, n);
        (void)at_chat_register_urc(n->chat, "+CSQ:", false, on_csq_urc, n, n);

        r = send_cmd(n, "AT+CREG=2", NULL, on_creg_enable);
        if (r < 0)
                return r;
        (void)send_cmd(n, "AT+CEREG=2", NULL, on_ignore); /* 2G/3G-only modems say ERROR */
        (void)netreg_poll_signal(n);
        (void)send_cmd(n, "AT+COPS=3,0", NULL, on_ignore); /* long alphanumeric operator names */
        r = netreg_refresh(n);
        if (r < 0)
                return r;

        if (n->poll_usec > 0 && !n->poll_source) {
                /* A whole second of slack lets the kernel batch this wake-up. */
                r = sd_event_add_time_relative(n->event, &n->poll_source, CLOCK_MONOTONIC, n->poll_usec,
                                               USEC_PER_SEC, on_poll, n);
                if (r < 0)
                        return r;
                (void)sd_event_source_set_description(n->poll_source, "netreg-poll");
        }
        return 0;
}

int netreg_refresh(NetReg *n) {
        int r;

        r = send_cmd(n, "AT+CREG?", "+CREG:", on_creg_query);
        if (r < 0)
                return r;
        (void)send_cmd(n, "AT+CEREG?", "+CEREG:", on_creg_query);
        query_operator(n);
        return 0;
}

int netreg_poll_signal(NetReg *n) {
        return send_cmd(n, "AT+CSQ", "+CSQ:", on_csq);
}

const NetRegState *netreg_get_state(NetReg *n) {
        return &n->state;
}
