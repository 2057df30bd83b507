/* SIM replies, pure: +CPIN (3GPP TS 27.007 8.3), the +CME ERROR codes
 * that mean a SIM condition (27.007 9.2.1), identity replies (+CGSN 5.4,
 * +CIMI 5.6, ICCID in its vendor spellings, +CNUM 7.1) and the PIN rule. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef enum SimState {
        SIM_STATE_UNKNOWN,
        SIM_STATE_ABSENT,
        SIM_STATE_PIN_REQUIRED,
        SIM_STATE_PUK_REQUIRED,
        SIM_STATE_LOCKED, /* another lock: PH-SIM, SIM PIN2, network personalisation */
        SIM_STATE_READY,
        SIM_STATE_FAILED,
        _SIM_STATE_MAX,
} SimState;

const char *sim_state_to_string(SimState s);

/* "+CPIN: READY" and friends.  "NOT READY" (SIM still booting) is
 * SIM_STATE_UNKNOWN; an unknown code is -EBADMSG. */
int sim_parse_cpin(const char *line, SimState *ret);
/* +CME ERROR codes about the SIM: 10 absent, 11 PIN, 12 PUK, 13/15 failed,
 * 14 busy (-> UNKNOWN, retry).  -ENOENT for codes unrelated to the SIM. */
int sim_state_from_cme(int code, SimState *ret);

/* 4 to 8 decimal digits (27.007 8.3; ETSI TS 102 221 9.5.1). */
bool sim_pin_is_valid(const char *pin);

typedef enum SimIdentityKind {
        SIM_IDENTITY_IMEI,
        SIM_IDENTITY_IMSI,
        SIM_IDENTITY_ICCID,
        SIM_IDENTITY_MSISDN,
        _SIM_IDENTITY_MAX,
} SimIdentityKind;

/* Key used in GetIdentity(): "IMEI", "IMSI", "ICCID", "MSISDN". */
const char *sim_identity_kind_to_string(SimIdentityKind k);

/* Extracts an identity from the information lines of its command.  Known
 * prefixes (+CGSN:, +CCID:, +ICCID:, ^ICCID:, +QCCID:, ICCID:) and quotes
 * are stripped; the value must have the shape of its kind (IMEI 14-17
 * digits, IMSI 6-15 digits, ICCID 18-22 digits with an optional trailing
 * F, MSISDN from +CNUM: "<alpha>","<number>",<type>).  *ret is malloc()ed.
 * -ENOENT when no line has it, -EBADMSG when a line looks wrong. */
int sim_parse_identity(SimIdentityKind kind, const char *const *lines, size_t n_lines, char **ret);
