/* The network state of one modem, pure: signal quality, registration per
 * family (CS/PS/EPS), the operator name.  Setters return a mask of what
 * changed so the caller emits exactly one PropertiesChanged per change. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Registration families netreg follows (3GPP TS 27.007 7.2, 10.1.19,
 * 10.1.22); the values match AtRegFamily's first three. */
typedef enum NetRegFamily {
        NETREG_FAMILY_CREG,  /* circuit switched (GSM/UMTS) */
        NETREG_FAMILY_CGREG, /* GPRS */
        NETREG_FAMILY_CEREG, /* EPS (LTE) */
        _NETREG_FAMILY_MAX,
} NetRegFamily;

typedef enum NetRegStatus {
        NETREG_STATUS_IDLE, /* not registered, not searching */
        NETREG_STATUS_HOME,
        NETREG_STATUS_SEARCHING,
        NETREG_STATUS_DENIED,
        NETREG_STATUS_UNKNOWN,
        NETREG_STATUS_ROAMING,
        _NETREG_STATUS_MAX,
} NetRegStatus;

const char *netreg_status_to_string(NetRegStatus s);
/* 27.007 <stat> 0..11 -> status (6/7/9/10 SMS-only/CSFB variants count
 * as home/roaming; 8 emergency-only as denied; 11 (5G) as unknown). */
NetRegStatus netreg_status_from_stat(int stat);

typedef enum NetRegChange {
        NETREG_CHANGED_SIGNAL = 1 << 0,
        NETREG_CHANGED_REGISTRATION = 1 << 1,
        NETREG_CHANGED_OPERATOR = 1 << 2,
} NetRegChange;

typedef struct NetRegState {
        int stat[_NETREG_FAMILY_MAX]; /* -1 = never reported */
        uint32_t quality;             /* percent, 0 unknown */
        NetRegStatus status;          /* combined, cached */
        char *operator_name;          /* never NULL after init */
} NetRegState;

int netreg_state_init(NetRegState *s);
void netreg_state_done(NetRegState *s);

unsigned netreg_state_set_quality(NetRegState *s, uint32_t percent);
unsigned netreg_state_set_stat(NetRegState *s, NetRegFamily family, int stat);
/* Takes a copy; "" clears. */
unsigned netreg_state_set_operator(NetRegState *s, const char *name);

/* Combines the families: any registered family wins (home over roaming);
 * otherwise denied > searching > unknown > idle; nothing reported yet ->
 * unknown. */
NetRegStatus netreg_state_combine(const int stat[_NETREG_FAMILY_MAX]);

static inline bool netreg_status_is_registered(NetRegStatus s) {
        return s == NETREG_STATUS_HOME || s == NETREG_STATUS_ROAMING;
}
