/* polkit client, see bus-polkit.h.  CheckAuthorization(subject, action_id,
 * details, flags, cancellation_id) on org.freedesktop.PolicyKit1
 * /org/freedesktop/PolicyKit1/Authority, subject ("system-bus-name",
 * {"name": <sender>}), flags 1 (AllowUserInteraction) when the caller set
 * the allow-interactive-authorization header flag.
 *
 * Decisions (see README "callstackd"):
 * - calls are parked independently, so a client may pipeline (an SMS
 *   gateway sends many messages without waiting for each reply).  Calls
 *   from one sender for one action (and the same interactive flag) share
 *   the check in flight: one CheckAuthorization, hence at most one
 *   authentication dialog, answers all of them, in arrival order;
 * - a sender may have at most BUS_POLKIT_MAX_PENDING_PER_SENDER calls
 *   parked; past that, Busy: the bound keeps one client from growing the
 *   daemon's memory without limit;
 * - a "challenge" answer is AccessDenied ("interactive authentication
 *   required"), as the contract lists no other error for it;
 * - no answer (polkit absent, crashed, error reply) is AccessDenied. */
#include "bus/bus-polkit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus-errors.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strutil.h"

/* An authentication dialog can take minutes. */
#define POLKIT_TIMEOUT (5 * 60 * USEC_PER_SEC)

typedef struct PolkitWaiter PolkitWaiter;
typedef struct PolkitCheck PolkitCheck;

/* One parked method call. */
struct PolkitWaiter {
        PolkitWaiter *next;
        sd_bus_message *request;
        BusPolkitHandler handler;
        void *userdata;
};

/* One CheckAuthorization in flight, for (sender, action, flags). */
struct PolkitCheck {
        BusPolkit *owner;
        PolkitCheck *prev, *next;
        sd_bus_slot *slot;
        char *sender;
        char *action;
        uint32_t flags;
        PolkitWaiter *waiters, *last;
        size_t n_waiters;
};

struct BusPolkit {
        PolkitCheck *checks;
        size_t n_pending;
};

int bus_polkit_new(BusPolkit **ret) {
        BusPolkit *p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        *ret = p;
        return 0;
}

static void check_unlink(PolkitCheck *c) {
        BusPolkit *p = c->owner;

        if (!p)
                return;
        if (c->prev)
                c->prev->next = c->next;
        else
                p->checks = c->next;
        if (c->next)
                c->next->prev = c->prev;
        c->prev = c->next = NULL;
        c->owner = NULL;
        p->n_pending -= c->n_waiters;
}

static PolkitWaiter *waiter_free(PolkitWaiter *w) {
        PolkitWaiter *next = w->next;

        sd_bus_message_unref(w->request);
        free(w);
        return next;
}

static void check_free(PolkitCheck *c) {
        check_unlink(c);
        sd_bus_slot_unref(c->slot);
        for (PolkitWaiter *w = c->waiters; w;)
                w = waiter_free(w);
        free(c->sender);
        free(c->action);
        free(c);
}

BusPolkit *bus_polkit_free(BusPolkit *p) {
        if (!p)
                return NULL;
        /* Shutting down: calls still waiting for polkit get an answer
         * rather than the bus's NoReply. */
        for (PolkitCheck *c = p->checks; c; c = c->next)
                for (PolkitWaiter *w = c->waiters; w; w = w->next)
                        (void)bus_reply_errno(w->request, -ESHUTDOWN);
        while (p->checks)
                check_free(p->checks);
        free(p);
        return NULL;
}

size_t bus_polkit_pending(BusPolkit *p) {
        return p ? p->n_pending : 0;
}

static void reply_denied(sd_bus_message *m, const char *why) {
        (void)sd_bus_reply_method_errorf(m, SD_BUS_ERROR_ACCESS_DENIED, "%s", why);
}

static void run_authorized(PolkitWaiter *w) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = w->handler(w->request, w->userdata, &error);
        if (r < 0) {
                if (sd_bus_error_is_set(&error))
                        (void)sd_bus_reply_method_error(w->request, &error);
                else
                        (void)bus_reply_errno(w->request, r);
        }
        sd_bus_error_free(&error);
}

static int on_polkit_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        PolkitCheck *c = userdata;
        const char *denied = NULL;
        int authorized = 0, challenge = 0, r;

        /* Unlinked first: a handler may park a new call for the same action,
         * which must get a check of its own. */
        check_unlink(c);

        if (sd_bus_message_is_method_error(reply, NULL)) {
                const sd_bus_error *e = sd_bus_message_get_error(reply);
                log_warning("polkit: no decision for %s (%s), denying", c->action, e ? e->name : "error");
                denied = "Authorization service unavailable";
        } else {
                r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
                if (r >= 0)
                        r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
                if (r < 0) {
                        log_warning_errno(r, "polkit: unreadable answer for %s, denying: %m", c->action);
                        denied = "Authorization service unavailable";
                } else if (!authorized) {
                        log_info("polkit: %s denied to %s%s", c->action, c->sender,
                                 challenge ? " (authentication required)" : "");
                        denied = challenge ? "Interactive authentication required" : "Access denied";
                } else
                        log_debug("polkit: %s granted to %s (%zu call(s))", c->action, c->sender,
                                  c->n_waiters);
        }

        while (c->waiters) {
                PolkitWaiter *w = c->waiters;

                c->waiters = w->next;
                c->n_waiters--;
                if (denied)
                        reply_denied(w->request, denied);
                else
                        run_authorized(w);
                waiter_free(w);
        }
        check_free(c);
        return 0;
}

static size_t pending_for_sender(BusPolkit *p, const char *sender) {
        size_t n = 0;

        for (PolkitCheck *i = p->checks; i; i = i->next)
                if (streq(i->sender, sender))
                        n += i->n_waiters;
        return n;
}

static PolkitCheck *find_check(BusPolkit *p, const char *sender, const char *action, uint32_t flags) {
        for (PolkitCheck *i = p->checks; i; i = i->next)
                if (i->flags == flags && streq(i->sender, sender) && streq(i->action, action))
                        return i;
        return NULL;
}

static int check_start(BusPolkit *p, sd_bus *bus, const char *sender, const char *action, uint32_t flags,
                       PolkitCheck **ret) {
        sd_bus_message *call = NULL;
        PolkitCheck *c;
        int r;

        r = sd_bus_message_new_method_call(bus, &call, "org.freedesktop.PolicyKit1",
                                           "/org/freedesktop/PolicyKit1/Authority",
                                           "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization");
        if (r < 0)
                return r;
        r = sd_bus_message_append(call, "(sa{sv})sa{ss}us", "system-bus-name", 1, "name", "s", sender,
                                  action, 0, flags, "");
        if (r < 0) {
                sd_bus_message_unref(call);
                return r;
        }

        c = calloc(1, sizeof(*c));
        if (!c || !(c->action = strdup(action)) || !(c->sender = strdup(sender))) {
                if (c)
                        free(c->action);
                free(c);
                sd_bus_message_unref(call);
                return -ENOMEM;
        }
        c->flags = flags;

        r = sd_bus_call_async(bus, &c->slot, call, on_polkit_reply, c, POLKIT_TIMEOUT);
        sd_bus_message_unref(call);
        if (r < 0) {
                check_free(c);
                return r;
        }
        c->owner = p;
        c->next = p->checks;
        if (p->checks)
                p->checks->prev = c;
        p->checks = c;
        *ret = c;
        return 0;
}

int bus_polkit_check(BusPolkit *p, sd_bus_message *m, const char *action, BusPolkitHandler handler,
                     void *userdata, sd_bus_error *error) {
        PolkitWaiter *w;
        PolkitCheck *c;
        const char *sender;
        uint32_t flags;
        int r;

        sender = sd_bus_message_get_sender(m);
        if (!sender)
                /* A direct (peer-to-peer) connection has no name polkit could check. */
                return sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED, "Access denied");

        if (pending_for_sender(p, sender) >= BUS_POLKIT_MAX_PENDING_PER_SENDER)
                return sd_bus_error_set(error, BUS_ERROR_BUSY,
                                        "Too many requests waiting for authorization");

        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;

        flags = sd_bus_message_get_allow_interactive_authorization(m) > 0 ? 1 : 0;
        c = find_check(p, sender, action, flags);
        if (!c) {
                r = check_start(p, sd_bus_message_get_bus(m), sender, action, flags, &c);
                if (r < 0) {
                        free(w);
                        if (r == -ENOMEM)
                                return r;
                        /* Could not even ask: deny, as if polkit were unreachable. */
                        return sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED,
                                                "Authorization service unavailable");
                }
        }

        w->request = sd_bus_message_ref(m);
        w->handler = handler;
        w->userdata = userdata;
        if (c->last && c->waiters)
                c->last->next = w;
        else
                c->waiters = w;
        c->last = w;
        c->n_waiters++;
        p->n_pending++;
        return 1;
}
