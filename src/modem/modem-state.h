/* The modem's State property as a pure function of what is known about
 * it: the probe, the SIM and the registration.  One place decides, so the
 * state can never disagree with SimState/Registration. */
#pragma once

#include <stdbool.h>

#include "netreg/netreg-state.h"
#include "sim/sim-parse.h"

typedef enum ModemState {
        MODEM_STATE_PROBING,
        MODEM_STATE_LOCKED,
        MODEM_STATE_READY,
        MODEM_STATE_REGISTERED,
        MODEM_STATE_FAILED,
        MODEM_STATE_GONE,
        _MODEM_STATE_MAX,
} ModemState;

const char *modem_state_to_string(ModemState s);

typedef struct ModemFacts {
        bool gone;      /* channel hung up or stopped answering */
        bool failed;    /* the probe failed (no answer to AT) */
        bool sim_known; /* AT+CPIN? has been answered (or given up on) */
        SimState sim;
        NetRegStatus registration;
} ModemFacts;

/* gone > failed > probing (SIM not known yet) > locked (PIN/PUK/other
 * lock) > failed (SIM absent or broken) > registered (home/roaming) >
 * ready.  A modem whose SIM state stays unknown after the probe (no
 * AT+CPIN support) counts as ready. */
ModemState modem_state_derive(const ModemFacts *f);
