/* polkit client, see bus-polkit.h.  CheckAuthorization(subject, action_id,
 * details, flags, cancellation_id) on org.freedesktop.PolicyKit1
 * /org/freedesktop/PolicyKit1/Authority, subject ("system-bus-name",
 * {"name": <sender>}), flags 1 (AllowUserInteraction) when the caller set
 * the allow-interactive-authorization header flag.
 *
 * Decisions (see README "callstackd"):
 * - a duplicate of a parked call is refused with Busy rather than queued:
 *   queueing would let one client stack up modem operations behind a
 *   single authentication dialog;
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

typedef struct PolkitCheck PolkitCheck;

struct PolkitCheck {
        BusPolkit *owner;
        PolkitCheck *prev, *next;
        sd_bus_message *request;
        sd_bus_slot *slot;
        char *action;
        BusPolkitHandler handler;
        void *userdata;
};

struct BusPolkit {
        PolkitCheck *checks;
        size_t n_checks;
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
        p->n_checks--;
}

static void check_free(PolkitCheck *c) {
        check_unlink(c);
        sd_bus_slot_unref(c->slot);
        sd_bus_message_unref(c->request);
        free(c->action);
        free(c);
}

BusPolkit *bus_polkit_free(BusPolkit *p) {
        if (!p)
                return NULL;
        while (p->checks)
                check_free(p->checks);
        free(p);
        return NULL;
}

size_t bus_polkit_pending(BusPolkit *p) {
        return p ? p->n_checks : 0;
}

static bool streq_null(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return streq(a, b);
}

static bool same_call(sd_bus_message *a, sd_bus_message *b) {
        return streq_null(sd_bus_message_get_sender(a), sd_bus_message_get_sender(b)) &&
               streq_null(sd_bus_message_get_path(a), sd_bus_message_get_path(b)) &&
               streq_null(sd_bus_message_get_interface(a), sd_bus_message_get_interface(b)) &&
               streq_null(sd_bus_message_get_member(a), sd_bus_message_get_member(b));
}

static void reply_denied(sd_bus_message *m, const char *why) {
        (void)sd_bus_reply_method_errorf(m, SD_BUS_ERROR_ACCESS_DENIED, "%s", why);
}

static int on_polkit_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        PolkitCheck *c = userdata;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int authorized = 0, challenge = 0, r;

        check_unlink(c);

        if (sd_bus_message_is_method_error(reply, NULL)) {
                const sd_bus_error *e = sd_bus_message_get_error(reply);
                log_warning("polkit: no decision for %s (%s), denying", c->action, e ? e->name : "error");
                reply_denied(c->request, "Authorization service unavailable");
                goto finish;
        }
        r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
        if (r >= 0)
                r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
        if (r < 0) {
                log_warning_errno(r, "polkit: unreadable answer for %s, denying: %m", c->action);
                reply_denied(c->request, "Authorization service unavailable");
                goto finish;
        }

        if (!authorized) {
                log_info("polkit: %s denied to %s%s", c->action, sd_bus_message_get_sender(c->request),
                         challenge ? " (authentication required)" : "");
                reply_denied(c->request, challenge ? "Interactive authentication required" : "Access denied");
                goto finish;
        }

        log_debug("polkit: %s granted to %s", c->action, sd_bus_message_get_sender(c->request));
        r = c->handler(c->request, c->userdata, &error);
        if (r < 0) {
                if (sd_bus_error_is_set(&error))
                        (void)sd_bus_reply_method_error(c->request, &error);
                else
                        (void)bus_reply_errno(c->request, r);
        }
        sd_bus_error_free(&error);

finish:
        check_free(c);
        return 0;
}

int bus_polkit_check(BusPolkit *p, sd_bus_message *m, const char *action, BusPolkitHandler handler,
                     void *userdata, sd_bus_error *error) {
        sd_bus_message *call = NULL;
        PolkitCheck *c;
        const char *sender;
        sd_bus *bus;
        uint32_t flags;
        int r;

        sender = sd_bus_message_get_sender(m);
        if (!sender)
                /* A direct (peer-to-peer) connection has no name polkit could check. */
                return sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED, "Access denied");

        for (PolkitCheck *i = p->checks; i; i = i->next)
                if (same_call(i->request, m))
                        return sd_bus_error_set(error, BUS_ERROR_BUSY,
                                                "An identical request is waiting for authorization");

        bus = sd_bus_message_get_bus(m);
        flags = sd_bus_message_get_allow_interactive_authorization(m) > 0 ? 1 : 0;

        r = sd_bus_message_new_method_call(bus, &call, "org.freedesktop.PolicyKit1",
                                           "/org/freedesktop/PolicyKit1/Authority",
                                           "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization");
        if (r < 0)
                return r;
        r = sd_bus_message_append(call, "(sa{sv})sa{ss}us", "system-bus-name", 1, "name", "s", sender, action,
                                  0, flags, "");
        if (r < 0) {
                sd_bus_message_unref(call);
                return r;
        }

        c = calloc(1, sizeof(*c));
        if (!c || !(c->action = strdup(action))) {
                free(c);
                sd_bus_message_unref(call);
                return -ENOMEM;
        }
        c->handler = handler;
        c->userdata = userdata;

        r = sd_bus_call_async(bus, &c->slot, call, on_polkit_reply, c, POLKIT_TIMEOUT);
        sd_bus_message_unref(call);
        if (r < 0) {
                check_free(c);
                /* Could not even ask: deny, as if polkit were unreachable. */
                return sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED, "Authorization service unavailable");
        }
        c->request = sd_bus_message_ref(m);
        c->owner = p;
        c->next = p->checks;
        if (p->checks)
                p->checks->prev = c;
        p->checks = c;
        p->n_checks++;
        return 1;
}
