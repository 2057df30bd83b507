/* Modem state derivation, see modem-state.h.  The names are the State
 * values of org.callstack.Modem (dbus/org.callstack.Modem.xml). */
#include "modem/modem-state.h"

static const char *const state_names[_MODEM_STATE_MAX] = {
        [MODEM_STATE_PROBING] = "probing",
        [MODEM_STATE_LOCKED] = "locked",
        [MODEM_STATE_READY] = "ready",
        [MODEM_STATE_REGISTERED] = "registered",
        [MODEM_STATE_FAILED] = "failed",
        [MODEM_STATE_GONE] = "gone",
};

const char *modem_state_to_string(ModemState s) {
        if ((unsigned)s >= _MODEM_STATE_MAX)
                return NULL;
        return state_names[s];
}

ModemState modem_state_derive(const ModemFacts *f) {
        if (f->gone)
                return MODEM_STATE_GONE;
        if (f->failed)
                return MODEM_STATE_FAILED;
        if (!f->sim_known)
                return MODEM_STATE_PROBING;
        switch (f->sim) {
        case SIM_STATE_PIN_REQUIRED:
        case SIM_STATE_PUK_REQUIRED:
        case SIM_STATE_LOCKED:
                return MODEM_STATE_LOCKED;
        case SIM_STATE_ABSENT:
        case SIM_STATE_FAILED:
                return MODEM_STATE_FAILED;
        default:
                break;
        }
        if (netreg_status_is_registered(f->registration))
                return MODEM_STATE_REGISTERED;
        return MODEM_STATE_READY;
}
