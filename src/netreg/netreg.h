/* The network-registration service of one modem: enables the +CREG/+CEREG
 * URCs (3GPP TS 27.007 7.2, 10.1.22), queries registration, operator and
 * signal, and polls AT+CSQ at a configurable interval.  It owns its
 * commands and URC handlers (owner = the NetReg) and drops them on free. */
#pragma once

#include <stdint.h>

#include <systemd/sd-event.h>

#include "at/at-chat.h"
#include "netreg/netreg-state.h"

typedef struct NetReg NetReg;

typedef struct NetRegCallbacks {
        /* Mask of NetRegChange bits; called after the state is updated. */
        void (*changed)(NetReg *n, unsigned changes, void *userdata);
        /* Every command's final result, for the owner's "stopped answering"
         * accounting. */
        void (*command_done)(NetReg *n, AtFinal final, void *userdata);
        void *userdata;
} NetRegCallbacks;

/* poll_usec 0 disables the signal poll. */
int netreg_new(AtChat *chat, sd_event *event, uint64_t poll_usec, const NetRegCallbacks *callbacks,
               NetReg **ret);
NetReg *netreg_free(NetReg *n);

/* Registers the URC handlers, enables the URCs, reads the current
 * registration, operator and signal, and arms the poll.  Idempotent. */
int netreg_start(NetReg *n);
/* Re-reads registration and operator (e.g. after the SIM was unlocked). */
int netreg_refresh(NetReg *n);
/* Sends one AT+CSQ now (the poll timer's action). */
int netreg_poll_signal(NetReg *n);

const NetRegState *netreg_get_state(NetReg *n);
