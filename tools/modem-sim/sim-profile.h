/* Profiles of the modem families callstack-modem-sim can imitate: identity
 * strings as the vendors' AT manuals print them, and the quirks that matter
 * to a host (vendor URCs after PIN entry, memory-full indication, ICCID
 * command, message index base, unknown-command error form).  Pure data. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* A vendor command answered with fixed lines.  cmd is matched on the whole
 * command (case-insensitive, without the leading "AT"); reply lines are
 * '\n' separated, NULL or "" means a bare OK.  Placeholders {imei}, {imsi},
 * {iccid}, {iccid_swapped}, {rssi}, {ber} are substituted. */
typedef struct SimVendorCmd {
        const char *cmd;
        const char *reply;
} SimVendorCmd;

typedef enum SimVoiceDialect {
        SIM_VOICE_STANDARD, /* RING, +CLIP, NO CARRIER */
        SIM_VOICE_SIMCOM,   /* + "VOICE CALL: BEGIN" / "VOICE CALL: END: <duration>" */
        SIM_VOICE_HUAWEI,   /* ^ORIG, ^CONF, ^CONN, ^CEND */
} SimVoiceDialect;

typedef struct SimProfile {
        const char *id;
        const char *description;
        const char *manufacturer; /* AT+CGMI, AT+GMI */
        const char *model;        /* AT+CGMM, AT+GMM */
        const char *revision;     /* AT+CGMR, AT+GMR (value) */
        const char *cgmr_prefix;  /* printed before the revision: "+CGMR: ", "Revision:", "" */
        const char *ati;          /* ATI answer, '\n' separated, placeholders as above */
        const char *gcap;         /* AT+GCAP answer */
        const char *imei;
        const char *imsi;
        const char *iccid;
        const char *pin_ready_urcs; /* '\n' separated, sent shortly after a correct PIN */
        const char *memfull_urc;    /* printf format with one %s (memory name) */
        const char *cnmi_default;   /* "2,1,0,0,0" */
        const SimVendorCmd *vendor; /* terminated by {NULL, NULL} */
        const char *periodic_urcs;  /* '\n' separated, sent every periodic interval when enabled */
        unsigned index_base;        /* first message index: 0 or 1 */
        unsigned sm_total, me_total, sr_total;
        bool silent;      /* never answers anything, not even echo */
        bool unknown_cme; /* unknown command -> +CME ERROR: 100 when CMEE>0, else ERROR */
        bool has_eps;     /* answers AT+CEREG */
        bool ussd_packed; /* +CUSD strings are GSM 7-bit packed hex (Huawei) */
        bool clcc_alpha;  /* +CLCC lines end with an empty <alpha> ,"" (SIM800, field case C26) */
        SimVoiceDialect voice;
} SimProfile;

/* NULL when unknown. */
const SimProfile *sim_profile_find(const char *id);
size_t sim_profile_count(void);
const SimProfile *sim_profile_get(size_t i);
