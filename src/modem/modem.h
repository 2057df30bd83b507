/* One modem: its AT channel, the safe probe, the SIM and network services,
 * and the State that follows from them.  Domain code: no bus headers; the
 * owner (the Manager) learns of changes through one callback with a mask
 * of changed properties, and removes the modem once it reports "gone".
 *
 * Lifecycle: modem_new() opens the AT port; modem_start() probes with safe
 * commands only (AT, ATE0, AT+CGMI, AT+CGMM, AT+CGMR, ATI as a fall-back,
 * AT+GCAP), then AT+CMEE=1, AT+CPIN?, and the network service (URCs
 * +CREG=2/+CEREG=2, AT+CSQ, AT+CREG?, AT+CEREG?, AT+COPS?).  A hang-up of
 * the channel or MODEM_TIMEOUTS_GONE timeouts in a row make it "gone". */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "at/at-chat.h"
#include "modem/modem-profile.h"
#include "modem/modem-state.h"
#include "sim/sim.h"

#define MODEM_TIMEOUTS_GONE 3

typedef struct Modem Modem;

/* Bits of the changed-properties mask, one per org.callstack.Modem property. */
typedef enum ModemProperty {
        MODEM_PROP_MANUFACTURER = 1 << 0,
        MODEM_PROP_MODEL = 1 << 1,
        MODEM_PROP_REVISION = 1 << 2,
        MODEM_PROP_PROFILE = 1 << 3,
        MODEM_PROP_CAPABILITIES = 1 << 4,
        MODEM_PROP_PORTS = 1 << 5,
        MODEM_PROP_STATE = 1 << 6,
        MODEM_PROP_SIM_STATE = 1 << 7,
        MODEM_PROP_SIGNAL_QUALITY = 1 << 8,
        MODEM_PROP_REGISTRATION = 1 << 9,
        MODEM_PROP_OPERATOR_NAME = 1 << 10,
        _MODEM_PROP_ALL = (1 << 11) - 1,
} ModemProperty;

typedef struct ModemPort {
        char *path;
        char *role; /* at, audio, gnss, diag, ppp, unknown */
} ModemPort;

/* What the caller knows about a port (hotplug fills this from udev). */
typedef struct ModemPortInfo {
        const char *path;
        const char *role;
} ModemPortInfo;

typedef struct ModemPortHints {
        const char *role;                  /* role of the AT port itself; NULL = "at" */
        const ModemPortInfo *extra_ports;  /* other ports of the same device, listed in Ports, not opened */
        size_t n_extra_ports;
        const char *device_key;            /* e.g. the USB parent's sysfs path; NULL for --port */
        /* Identity already read by hotplug's safe probe a moment ago: when
         * manufacturer and model are set, modem_start() skips the identity
         * part of its probe (AT..AT+GCAP) and goes on with AT+CMEE=1. */
        const char *manufacturer, *model, *revision;
} ModemPortHints;

typedef struct ModemConfig {
        uint64_t signal_interval_usec; /* 0 = no poll */
} ModemConfig;

typedef void (*ModemChangedFunc)(Modem *m, unsigned props, void *userdata);

/* Opens path as the AT port. */
int modem_new(sd_event *event, uint32_t id, const char *path, const ModemPortHints *hints,
              const ModemConfig *config, Modem **ret);
/* Same over an existing chat (tests drive the engine core by hand).
 * path is only used for the Ports property. */
int modem_new_with_chat(sd_event *event, uint32_t id, AtChat *chat, const char *path,
                        const ModemPortHints *hints, const ModemConfig *config, Modem **ret);
Modem *modem_free(Modem *m);

void modem_set_changed_func(Modem *m, ModemChangedFunc func, void *userdata);
/* Starts the probe (asynchronous). */
int modem_start(Modem *m);
/* Marks the modem gone (unplug seen by hotplug); reports MODEM_PROP_STATE
 * and cancels everything in flight. */
void modem_set_gone(Modem *m);
/* Takes ownership of profile; reports PROFILE|CAPABILITIES. */
void modem_set_profile(Modem *m, ModemProfile *profile);

uint32_t modem_get_id(Modem *m);
const char *modem_get_manufacturer(Modem *m); /* "" until probed */
const char *modem_get_model(Modem *m);
const char *modem_get_revision(Modem *m);
const ModemProfile *modem_get_profile(Modem *m);
const ModemPort *modem_get_ports(Modem *m, size_t *ret_n);
const char *modem_get_device_key(Modem *m); /* may be NULL */
ModemState modem_get_state(Modem *m);
SimState modem_get_sim_state(Modem *m);
uint32_t modem_get_signal_quality(Modem *m);
NetRegStatus modem_get_registration(Modem *m);
const char *modem_get_operator_name(Modem *m);
/* Borrowed; NULL once gone.  For later services (SMS, voice, USSD). */
AtChat *modem_get_chat(Modem *m);

/* Operations for the bus methods.  Each returns 0 and later calls its
 * completion exactly once, or returns -errno and never calls it.
 * -ENODEV gone, -EBADFD wrong state (probing). */
int modem_send_pin(Modem *m, const char *pin, SimDoneFunc done, void *userdata);
int modem_get_identity(Modem *m, SimIdentityFunc done, void *userdata);

/* response: every line for the command joined with "\n", the final
 * result included ("OK", "ERROR", "+CME ERROR: 10").  error: -ETIMEDOUT,
 * -ENODEV, -ENOMEM; a non-OK final result is not an error. */
typedef void (*ModemCommandFunc)(int error, const char *response, void *userdata);
int modem_command(Modem *m, const char *cmd, uint64_t timeout_usec, ModemCommandFunc done, void *userdata);
