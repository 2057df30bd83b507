/* Modem lifecycle, see modem.h.  The probe is a table of steps run one
 * after the other; optional steps give up after one attempt with a short
 * timeout (field case C33: a silent vendor probe must not cost seconds
 * and must never block start-up), only the first "AT" is retried. */
#include "modem/modem.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "at/at-channel.h"
#include "modem/modem-identity.h"
#include "netreg/netreg.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strutil.h"

#define PROBE_TIMEOUT (1 * USEC_PER_SEC)
#define PROBE_AT_ATTEMPTS 3

typedef enum ProbeStep {
        PROBE_AT,
        PROBE_ATE0,
        PROBE_CGMI,
        PROBE_CGMM,
        PROBE_CGMR,
        PROBE_ATI, /* only when CGMI/CGMM gave nothing */
        PROBE_GCAP,
        PROBE_CMEE,
        _PROBE_DONE,
} ProbeStep;

static const char *const probe_commands[_PROBE_DONE] = {
        [PROBE_AT] = "AT",          [PROBE_ATE0] = "ATE0",     [PROBE_CGMI] = "AT+CGMI",
        [PROBE_CGMM] = "AT+CGMM",   [PROBE_CGMR] = "AT+CGMR",  [PROBE_ATI] = "ATI",
        [PROBE_GCAP] = "AT+GCAP",   [PROBE_CMEE] = "AT+CMEE=1",
};

struct Modem {
        uint32_t id;
        sd_event *event;
        AtChannel *channel; /* NULL when built over a chat */
        AtChat *chat;
        char *name; /* "ttyUSB2", for logs */
        char *device_key;

        char *manufacturer, *model, *revision;
        ModemProfile *profile;
        ModemPort *ports;
        size_t n_ports;

        NetReg *netreg;
        Sim *sim;
        ModemConfig config;

        ProbeStep probe_step;
        unsigned probe_attempt;
        bool identity_known; /* from the hints: skip the identity probe */
        bool probed, failed, gone;
        bool init_pending; /* the profile's init commands are still to be sent */
        ModemState state;
        SimState sim_state_seen;
        unsigned consecutive_timeouts;

        ModemChangedFunc changed;
        void *changed_userdata;
};

static void modem_update(Modem *m, unsigned props) {
        ModemFacts f = {
                .gone = m->gone,
                .failed = m->failed,
                .sim_known = m->sim && sim_is_known(m->sim),
                .sim = m->sim ? sim_get_state(m->sim) : SIM_STATE_UNKNOWN,
                .registration = m->netreg ? netreg_get_state(m->netreg)->status : NETREG_STATUS_UNKNOWN,
        };
        ModemState st = modem_state_derive(&f);

        if (st != m->state) {
                log_info("modem %" PRIu32 " (%s): %s -> %s", m->id, m->name, modem_state_to_string(m->state),
                         modem_state_to_string(st));
                m->state = st;
                props |= MODEM_PROP_STATE;
        }
        if (props && m->changed)
                m->changed(m, props, m->changed_userdata);
}

static void modem_go(Modem *m, const char *why) {
        if (m->gone)
                return;
        log_warning("modem %" PRIu32 " (%s): %s, removing it", m->id, m->name, why);
        m->gone = true;
        /* Our own commands (probe, raw Command) complete now; the services'
         * operations complete with -ENODEV when the owner frees the modem,
         * right after it has seen "gone" (they may be on the stack here). */
        at_chat_cancel_owner(m->chat, m);
        modem_update(m, 0);
}

/* Every command of ours ends here: N timeouts in a row mean the modem
 * stopped answering (unplugged without a hang-up, firmware crash). */
static void note_final(Modem *m, AtFinal final) {
        if (final == AT_FINAL_TIMEOUT) {
                if (++m->consecutive_timeouts >= MODEM_TIMEOUTS_GONE)
                        modem_go(m, "stopped answering");
        } else if (final != AT_FINAL_CANCELLED && final != AT_FINAL_GONE)
                m->consecutive_timeouts = 0;
}

static void on_netreg_changed(NetReg *n, unsigned changes, void *userdata) {
        Modem *m = userdata;
        unsigned props = 0;

        if (changes & NETREG_CHANGED_SIGNAL)
                props |= MODEM_PROP_SIGNAL_QUALITY;
        if (changes & NETREG_CHANGED_REGISTRATION)
                props |= MODEM_PROP_REGISTRATION;
        if (changes & NETREG_CHANGED_OPERATOR)
                props |= MODEM_PROP_OPERATOR_NAME;
        modem_update(m, props);
}

static void on_netreg_command_done(NetReg *n, AtFinal final, void *userdata) {
        note_final(userdata, final);
}

static int start_netreg(Modem *m) {
        NetRegCallbacks cb = {
                .changed = on_netreg_changed,
                .command_done = on_netreg_command_done,
                .userdata = m,
        };
        int r;

        if (m->netreg)
                return 0;
        r = netreg_new(m->chat, m->event, m->config.signal_interval_usec, &cb, &m->netreg);
        if (r < 0)
                return r;
        return netreg_start(m->netreg);
}

static void on_init_command(AtChat *chat, const AtResponse *resp, void *userdata) {
        Modem *m = userdata;

        if (resp->final == AT_FINAL_CANCELLED || resp->final == AT_FINAL_GONE)
                return;
        note_final(m, resp->final);
        if (resp->final != AT_FINAL_OK)
                log_debug("modem %" PRIu32 ": a profile init command was refused (%s)", m->id,
                          at_final_to_string(resp->final));
}

/* The profile's [init] commands, once the SIM state is known (so they never
 * delay "ready") and again whenever a new profile brings its own. */
static void run_init_commands(Modem *m) {
        if (!m->init_pending || m->gone || !m->sim || !sim_is_known(m->sim))
                return;
        m->init_pending = false;
        for (char **c = m->profile ? m->profile->init_commands : NULL; c && *c; c++) {
                int64_t id;

                if (strcasecmp(*c, "AT+CMEE=1") == 0)
                        continue; /* the probe's own */
                id = at_chat_send_simple(m->chat, *c, NULL, 5 * USEC_PER_SEC, m, on_init_command, m);
                if (id < 0) {
                        log_debug_errno((int)id, "modem %" PRIu32 ": init command not sent: %m", m->id);
                        return;
                }
        }
}

static void on_sim_changed(Sim *s, void *userdata) {
        Modem *m = userdata;
        SimState st = sim_get_state(s);
        unsigned props = 0;
        int r;

        if (st != m->sim_state_seen) {
                /* Unlocked: what the network said while locked is stale. */
                if (st == SIM_STATE_READY && m->sim_state_seen != SIM_STATE_UNKNOWN && m->netreg)
                        (void)netreg_refresh(m->netreg);
                m->sim_state_seen = st;
                props |= MODEM_PROP_SIM_STATE;
        }
        if (sim_is_known(s) && !m->netreg && !m->gone) {
                r = start_netreg(m);
                if (r < 0)
                        log_warning_errno(r, "modem %" PRIu32 ": cannot start the network service: %m", m->id);
        }
        run_init_commands(m);
        modem_update(m, props);
}

static void on_sim_command_done(Sim *s, AtFinal final, void *userdata) {
        note_final(userdata, final);
}

static void probe_next(Modem *m);

static void set_identity(Modem *m, ModemIdentityField field, char *value, unsigned *props) {
        char **slot = field == MODEM_IDENTITY_MANUFACTURER ? &m->manufacturer
                    : field == MODEM_IDENTITY_MODEL        ? &m->model
                                                           : &m->revision;
        static const unsigned bits[] = {
                [MODEM_IDENTITY_MANUFACTURER] = MODEM_PROP_MANUFACTURER,
                [MODEM_IDENTITY_MODEL] = MODEM_PROP_MODEL,
                [MODEM_IDENTITY_REVISION] = MODEM_PROP_REVISION,
        };

        if (streq(*slot, value)) {
                free(value);
                return;
        }
        free(*slot);
        *slot = value;
        *props |= bits[field];
}

static void probe_done(Modem *m) {
        SimCallbacks cb = {
                .changed = on_sim_changed,
                .command_done = on_sim_command_done,
                .userdata = m,
        };
        int r;

        m->probed = true;
        log_debug("modem %" PRIu32 ": probe done", m->id);
        r = sim_new(m->chat, m->event, &cb, &m->sim);
        if (r >= 0)
                r = sim_start(m->sim);
        if (r < 0) {
                log_warning_errno(r, "modem %" PRIu32 ": cannot query the SIM: %m", m->id);
                m->failed = true;
                modem_update(m, 0);
        }
}

static void on_probe(AtChat *chat, const AtResponse *resp, void *userdata) {
        Modem *m = userdata;
        unsigned props = 0;
        char *v = NULL;

        if (resp->final == AT_FINAL_CANCELLED || resp->final == AT_FINAL_GONE)
                return; /* modem_go()/free handles the rest */
        /* A port that never answered "AT" is "failed", not "stopped answering". */
        if (!(m->probe_step == PROBE_AT && resp->final == AT_FINAL_TIMEOUT))
                note_final(m, resp->final);
        if (m->gone)
                return;

        switch (m->probe_step) {
        case PROBE_AT:
                if (resp->final == AT_FINAL_TIMEOUT) {
                        if (++m->probe_attempt < PROBE_AT_ATTEMPTS) {
                                probe_next(m);
                                return;
                        }
                        log_warning("modem %" PRIu32 " (%s): no answer to AT, giving up", m->id, m->name);
                        m->failed = true;
                        modem_update(m, 0);
                        return;
                }
                break;
        case PROBE_CGMI:
        case PROBE_CGMM:
        case PROBE_CGMR:
                if (resp->final == AT_FINAL_OK) {
                        ModemIdentityField f = m->probe_step == PROBE_CGMI ? MODEM_IDENTITY_MANUFACTURER
                                             : m->probe_step == PROBE_CGMM ? MODEM_IDENTITY_MODEL
                                                                           : MODEM_IDENTITY_REVISION;
                        if (modem_identity_from_lines(f, resp->lines, resp->n_lines, &v) == 0)
                                set_identity(m, f, v, &props);
                }
                break;
        case PROBE_ATI:
                if (resp->final == AT_FINAL_OK)
                        for (int f = 0; f < _MODEM_IDENTITY_MAX; f++) {
                                const char *cur = f == MODEM_IDENTITY_MANUFACTURER ? m->manufacturer
                                                : f == MODEM_IDENTITY_MODEL        ? m->model
                                                                                   : m->revision;
                                if (*cur)
                                        continue;
                                if (modem_identity_from_ati(f, resp->lines, resp->n_lines, &v) == 0)
                                        set_identity(m, f, v, &props);
                        }
                break;
        default:
                /* ATE0, GCAP, CMEE: the answer does not matter, only that one came. */
                break;
        }

        m->probe_step++;
        m->probe_attempt = 0;
        if (m->probe_step == PROBE_ATI && *m->manufacturer && *m->model)
                m->probe_step++;
        if (props)
                modem_update(m, props);
        probe_next(m);
}

static void probe_next(Modem *m) {
        int64_t id;

        if (m->gone || m->failed)
                return;
        if (m->probe_step >= _PROBE_DONE) {
                probe_done(m);
                return;
        }
        id = at_chat_send_simple(m->chat, probe_commands[m->probe_step], NULL, PROBE_TIMEOUT, m, on_probe, m);
        if (id < 0) {
                if (id == -ENODEV)
                        modem_go(m, "port gone");
                else {
                        log_warning_errno((int)id, "modem %" PRIu32 ": probe failed: %m", m->id);
                        m->failed = true;
                        modem_update(m, 0);
                }
        }
}

static void on_disconnect(AtChat *chat, int error, void *userdata) {
        modem_go(userdata, "port hung up");
}

static int port_add(Modem *m, const char *path, const char *role) {
        ModemPort *p = realloc(m->ports, (m->n_ports + 1) * sizeof(*p));

        if (!p)
                return -ENOMEM;
        m->ports = p;
        p[m->n_ports] = (ModemPort){ .path = strdup(path ? path : ""), .role = strdup(role ? role : "unknown") };
        m->n_ports++;
        if (!p[m->n_ports - 1].path || !p[m->n_ports - 1].role)
                return -ENOMEM;
        return 0;
}

static int modem_alloc(sd_event *event, uint32_t id, const char *path, const ModemPortHints *hints,
                       const ModemConfig *config, Modem **ret) {
        Modem *m;
        const char *slash;
        int r;

        m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        m->id = id;
        m->event = sd_event_ref(event);
        m->state = MODEM_STATE_PROBING;
        m->sim_state_seen = SIM_STATE_UNKNOWN;
        if (config)
                m->config = *config;
        /* "ttyUSB2", "pts/3": enough to tell ports apart in logs. */
        slash = path && startswith(path, "/dev/") ? path + strlen("/dev/") : path ? strrchr(path, '/') : NULL;
        if (slash && *slash == '/')
                slash++;
        m->name = strdup(slash ? slash : path ? path : "modem");
        m->manufacturer = strdup("");
        m->model = strdup("");
        m->revision = strdup("");
        r = modem_profile_new_generic(&m->profile);
        if (r < 0 || !m->name || !m->manufacturer || !m->model || !m->revision) {
                modem_free(m);
                return r < 0 ? r : -ENOMEM;
        }
        r = port_add(m, path, hints && hints->role ? hints->role : "at");
        for (size_t i = 0; r >= 0 && hints && i < hints->n_extra_ports; i++)
                r = port_add(m, hints->extra_ports[i].path, hints->extra_ports[i].role);
        if (r >= 0 && hints && hints->device_key && !(m->device_key = strdup(hints->device_key)))
                r = -ENOMEM;
        if (r >= 0 && hints && hints->manufacturer && hints->model) {
                free(m->manufacturer);
                free(m->model);
                free(m->revision);
                m->manufacturer = strdup(hints->manufacturer);
                m->model = strdup(hints->model);
                m->revision = strdup(hints->revision ? hints->revision : "");
                m->identity_known = true;
                if (!m->manufacturer || !m->model || !m->revision)
                        r = -ENOMEM;
        }
        if (r < 0) {
                modem_free(m);
                return r;
        }
        *ret = m;
        return 0;
}

static void attach_chat(Modem *m, AtChat *chat) {
        m->chat = at_chat_ref(chat);
        at_chat_set_disconnect_func(m->chat, on_disconnect, m);
        (void)at_chat_set_debug_name(m->chat, m->name);
}

int modem_new(sd_event *event, uint32_t id, const char *path, const ModemPortHints *hints,
              const ModemConfig *config, Modem **ret) {
        Modem *m;
        int r;

        if (!path || path[0] != '/')
                return -EINVAL;
        r = modem_alloc(event, id, path, hints, config, &m);
        if (r < 0)
                return r;
        r = at_channel_open(event, path, &m->channel);
        if (r < 0) {
                modem_free(m);
                return r;
        }
        attach_chat(m, at_channel_get_chat(m->channel));
        *ret = m;
        return 0;
}

int modem_new_with_chat(sd_event *event, uint32_t id, AtChat *chat, const char *path,
                        const ModemPortHints *hints, const ModemConfig *config, Modem **ret) {
        Modem *m;
        int r;

        r = modem_alloc(event, id, path ? path : "/dev/null", hints, config, &m);
        if (r < 0)
                return r;
        attach_chat(m, chat);
        *ret = m;
        return 0;
}

Modem *modem_free(Modem *m) {
        if (!m)
                return NULL;
        m->changed = NULL;
        m->gone = true;
        m->netreg = netreg_free(m->netreg);
        m->sim = sim_free(m->sim);
        if (m->chat) {
                at_chat_cancel_owner(m->chat, m);
                at_chat_set_disconnect_func(m->chat, NULL, NULL);
                at_chat_unref(m->chat);
        }
        at_channel_free(m->channel);
        sd_event_unref(m->event);
        for (size_t i = 0; i < m->n_ports; i++) {
                free(m->ports[i].path);
                free(m->ports[i].role);
        }
        free(m->ports);
        modem_profile_free(m->profile);
        free(m->manufacturer);
        free(m->model);
        free(m->revision);
        free(m->device_key);
        free(m->name);
        free(m);
        return NULL;
}

void modem_set_changed_func(Modem *m, ModemChangedFunc func, void *userdata) {
        m->changed = func;
        m->changed_userdata = userdata;
}

int modem_start(Modem *m) {
        if (m->gone)
                return -ENODEV;
        m->probe_step = m->identity_known ? PROBE_CMEE : PROBE_AT;
        m->probe_attempt = 0;
        probe_next(m);
        return 0;
}

void modem_set_gone(Modem *m) {
        modem_go(m, "device removed");
}

void modem_set_profile(Modem *m, ModemProfile *profile) {
        if (!profile)
                return;
        modem_profile_free(m->profile);
        m->profile = profile;
        m->init_pending = profile->init_commands && profile->init_commands[0];
        run_init_commands(m);
        modem_update(m, MODEM_PROP_PROFILE | MODEM_PROP_CAPABILITIES);
}

uint32_t modem_get_id(Modem *m) {
        return m->id;
}
const char *modem_get_manufacturer(Modem *m) {
        return m->manufacturer;
}
const char *modem_get_model(Modem *m) {
        return m->model;
}
const char *modem_get_revision(Modem *m) {
        return m->revision;
}
const ModemProfile *modem_get_profile(Modem *m) {
        return m->profile;
}
const ModemPort *modem_get_ports(Modem *m, size_t *ret_n) {
        *ret_n = m->n_ports;
        return m->ports;
}
const char *modem_get_device_key(Modem *m) {
        return m->device_key;
}
ModemState modem_get_state(Modem *m) {
        return m->state;
}
SimState modem_get_sim_state(Modem *m) {
        return m->sim ? sim_get_state(m->sim) : SIM_STATE_UNKNOWN;
}
uint32_t modem_get_signal_quality(Modem *m) {
        return m->netreg ? netreg_get_state(m->netreg)->quality : 0;
}
NetRegStatus modem_get_registration(Modem *m) {
        return m->netreg ? netreg_get_state(m->netreg)->status : NETREG_STATUS_UNKNOWN;
}
const char *modem_get_operator_name(Modem *m) {
        return m->netreg ? netreg_get_state(m->netreg)->operator_name : "";
}
AtChat *modem_get_chat(Modem *m) {
        return m->gone ? NULL : m->chat;
}

static int check_usable(Modem *m) {
        if (m->gone)
                return -ENODEV;
        if (!m->sim || !sim_is_known(m->sim))
                return -EBADFD; /* still probing, or the probe failed */
        return 0;
}

int modem_send_pin(Modem *m, const char *pin, SimDoneFunc done, void *userdata) {
        int r = check_usable(m);
        if (r < 0)
                return r;
        return sim_send_pin(m->sim, pin, done, userdata);
}

int modem_get_identity(Modem *m, SimIdentityFunc done, void *userdata) {
        int r = check_usable(m);
        if (r < 0)
                return r;
        return sim_read_identity(m->sim, done, userdata);
}

typedef struct CommandOp {
        ModemCommandFunc done;
        void *userdata;
} CommandOp;

static int final_text(const AtResponse *resp, char *buf, size_t size) {
        switch (resp->final) {
        case AT_FINAL_OK:
                return snprintf(buf, size, "OK");
        case AT_FINAL_ERROR:
                return snprintf(buf, size, "ERROR");
        case AT_FINAL_CME_ERROR:
                return resp->code >= 0 ? snprintf(buf, size, "+CME ERROR: %d", resp->code)
                                       : snprintf(buf, size, "+CME ERROR");
        case AT_FINAL_CMS_ERROR:
                return resp->code >= 0 ? snprintf(buf, size, "+CMS ERROR: %d", resp->code)
                                       : snprintf(buf, size, "+CMS ERROR");
        case AT_FINAL_NO_CARRIER:
                return snprintf(buf, size, "NO CARRIER");
        case AT_FINAL_BUSY:
                return snprintf(buf, size, "BUSY");
        case AT_FINAL_NO_ANSWER:
                return snprintf(buf, size, "NO ANSWER");
        case AT_FINAL_NO_DIALTONE:
                return snprintf(buf, size, "NO DIALTONE");
        case AT_FINAL_CONNECT:
                return snprintf(buf, size, "CONNECT");
        default:
                return -EINVAL;
        }
}

static void on_command(AtChat *chat, const AtResponse *resp, void *userdata) {
        CommandOp *op = userdata;
        char final[32];
        size_t len = 0;
        char *text, *p;

        switch (resp->final) {
        case AT_FINAL_TIMEOUT:
                op->done(-ETIMEDOUT, NULL, op->userdata);
                free(op);
                return;
        case AT_FINAL_GONE:
        case AT_FINAL_CANCELLED:
                op->done(-ENODEV, NULL, op->userdata);
                free(op);
                return;
        default:
                break;
        }
        if (final_text(resp, final, sizeof(final)) < 0)
                snprintf(final, sizeof(final), "ERROR");
        for (size_t i = 0; i < resp->n_lines; i++)
                len += strlen(resp->lines[i]) + 1;
        len += strlen(final) + 1;
        text = malloc(len);
        if (!text) {
                op->done(-ENOMEM, NULL, op->userdata);
                free(op);
                return;
        }
        p = text;
        for (size_t i = 0; i < resp->n_lines; i++)
                p = stpcpy(stpcpy(p, resp->lines[i]), "\n");
        strcpy(p, final);
        op->done(0, text, op->userdata);
        free(text);
        free(op);
}

int modem_command(Modem *m, const char *cmd, uint64_t timeout_usec, ModemCommandFunc done, void *userdata) {
        CommandOp *op;
        int64_t id;

        if (m->gone)
                return -ENODEV;
        op = malloc(sizeof(*op));
        if (!op)
                return -ENOMEM;
        *op = (CommandOp){ .done = done, .userdata = userdata };
        /* Owner m: cancelled with the modem.  A raw command's timeout is the
         * caller's choice and does not count towards "stopped answering". */
        id = at_chat_send_simple(m->chat, cmd, NULL, timeout_usec, m, on_command, op);
        if (id < 0) {
                free(op);
                return (int)id;
        }
        return 0;
}
