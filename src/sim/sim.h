/* The SIM service of one modem: SIM state from AT+CPIN? and the +CPIN
 * URC, PIN entry, and the identities (IMEI, IMSI, ICCID, own number) read
 * on demand for an authorised caller.  Commands and URC handlers are owned
 * by the Sim and cancelled on free. */
#pragma once

#include <stdbool.h>

#include <systemd/sd-event.h>

#include "at/at-chat.h"
#include "sim/sim-parse.h"

typedef struct Sim Sim;

typedef struct SimCallbacks {
        /* SimState changed (or became known for the first time). */
        void (*changed)(Sim *s, void *userdata);
        void (*command_done)(Sim *s, AtFinal final, void *userdata);
        void *userdata;
} SimCallbacks;

int sim_new(AtChat *chat, sd_event *event, const SimCallbacks *callbacks, Sim **ret);
Sim *sim_free(Sim *s);

/* Registers the +CPIN URC handler and sends AT+CPIN?.  "SIM busy" (+CME
 * ERROR: 14) and "NOT READY" are retried for a few seconds. */
int sim_start(Sim *s);

SimState sim_get_state(Sim *s);
/* True once AT+CPIN? got a definitive answer (or was given up on). */
bool sim_is_known(Sim *s);

/* Completion of an operation: error 0 or -errno (-EKEYREJECTED wrong PIN,
 * -ETIMEDOUT, -ENODEV modem gone, -EIO other modem error). */
typedef void (*SimDoneFunc)(int error, void *userdata);

/* AT+CPIN="<pin>".  -EINVAL for a PIN that is not 4-8 digits, -EBADFD
 * unless SimState is pin-required.  The PIN is never logged. */
int sim_send_pin(Sim *s, const char *pin, SimDoneFunc done, void *userdata);

typedef struct SimIdentity {
        char *values[_SIM_IDENTITY_MAX]; /* NULL when unknown */
} SimIdentity;

typedef void (*SimIdentityFunc)(int error, const SimIdentity *identity, void *userdata);
/* AT+CGSN, AT+CIMI, AT+CCID (then AT+QCCID, AT^ICCID), AT+CNUM.  A value
 * the modem refuses is left NULL; a timeout or unplug ends the read with
 * an error. */
int sim_read_identity(Sim *s, SimIdentityFunc done, void *userdata);
