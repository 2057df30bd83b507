/* Capability profiles: what a modem family can do and how to talk to it,
 * as data files (profiles/NAME.conf) instead of switch (vendor) in logic.
 *
 * A profile file is keyfile-like INI (see profile-parse.c for the exact
 * grammar and README "Capability profiles" for the fields).  Profiles are
 * matched on USB IDs and on the AT+CGMI/AT+CGMM identity answers; a modem
 * no profile claims gets `generic`, which uses only 3GPP TS 27.007/27.005
 * commands and reports every capability `unknown`.
 *
 * Pure module: no GLib, no I/O besides reading the profile files, no
 * logging above debug.  Files are untrusted input: errors name file:line. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Profile Profile;
typedef struct ProfileDb ProfileDb;

/* Capabilities shown in org.callstack.Modem.Capabilities. */
typedef enum ProfileCap {
        PROFILE_CAP_SMS_PDU,
        PROFILE_CAP_SMS_TEXT,
        PROFILE_CAP_DELIVERY_REPORTS,
        PROFILE_CAP_USSD,
        PROFILE_CAP_VOICE,
        PROFILE_CAP_DTMF,
        PROFILE_CAP_PCM_AUDIO,
        PROFILE_CAP_GNSS,
        _PROFILE_CAP_MAX,
} ProfileCap;

typedef enum ProfileCapValue {
        PROFILE_CAP_VALUE_UNKNOWN,
        PROFILE_CAP_VALUE_SUPPORTED,
        PROFILE_CAP_VALUE_UNSUPPORTED,
        _PROFILE_CAP_VALUE_MAX,
} ProfileCapValue;

/* "sms-pdu", "sms-text", "delivery-reports", "ussd", "voice", "dtmf",
 * "pcm-audio", "gnss". */
const char *profile_cap_to_string(ProfileCap c);
int profile_cap_from_string(const char *s, ProfileCap *ret);
/* "unknown", "supported", "unsupported". */
const char *profile_cap_value_to_string(ProfileCapValue v);
int profile_cap_value_from_string(const char *s, ProfileCapValue *ret);

/* How the modem reports call progress. */
typedef enum ProfileVoiceDialect {
        PROFILE_VOICE_STANDARD, /* RING/+CRING, +CLIP, NO CARRIER, +CLCC polling (27.007) */
        PROFILE_VOICE_SIMCOM,   /* adds "VOICE CALL: BEGIN" / "VOICE CALL: END" */
        PROFILE_VOICE_HUAWEI,   /* ^ORIG, ^CONF, ^CONN, ^CEND */
        _PROFILE_VOICE_MAX,
} ProfileVoiceDialect;
const char *profile_voice_dialect_to_string(ProfileVoiceDialect d);

/* How SMS status reports arrive (27.005 3.4.1 <ds>). */
typedef enum ProfileDeliveryReport {
        PROFILE_DR_UNKNOWN,
        PROFILE_DR_CDS,  /* routed directly: +CDS: <length><CR><LF><pdu> */
        PROFILE_DR_CDSI, /* stored: +CDSI: <mem>,<index> */
        PROFILE_DR_NONE,
        _PROFILE_DR_MAX,
} ProfileDeliveryReport;
const char *profile_delivery_report_to_string(ProfileDeliveryReport d);

/* Port roles, as in org.callstack.Modem.Ports and ID_CALLSTACK_PORT_ROLE. */
typedef enum ProfilePortRole {
        PROFILE_PORT_UNKNOWN,
        PROFILE_PORT_AT,
        PROFILE_PORT_AUDIO,
        PROFILE_PORT_GNSS,
        PROFILE_PORT_DIAG,
        PROFILE_PORT_PPP,
        _PROFILE_PORT_ROLE_MAX,
} ProfilePortRole;
const char *profile_port_role_to_string(ProfilePortRole r);
int profile_port_role_from_string(const char *s, ProfilePortRole *ret);

/* USSD quirks (bit set). */
typedef enum ProfileUssdQuirk {
        PROFILE_USSD_PACKED_HEX_REQUEST = 1 << 0, /* the code must be sent as packed GSM 7-bit in hex */
        PROFILE_USSD_UCS2_HEX_REPLY = 1 << 1,     /* replies with DCS 72 come as UCS-2 hex */
} ProfileUssdQuirk;

/* SMS modes (bit set). */
typedef enum ProfileSmsMode {
        PROFILE_SMS_PDU = 1 << 0,
        PROFILE_SMS_TEXT = 1 << 1,
} ProfileSmsMode;

typedef struct ProfileCapability {
        const char *name;
        const char *value;
} ProfileCapability;

/* ---- Accessors (borrowed strings, NULL when not set) ------------------ */

const char *profile_get_id(const Profile *p);
const char *profile_get_name(const Profile *p);
const char *profile_get_evidence(const Profile *p);
/* Path of the file it came from, NULL for the built-in generic. */
const char *profile_get_path(const Profile *p);

ProfileCapValue profile_get_capability(const Profile *p, ProfileCap c);
/* Fills out[0.._PROFILE_CAP_MAX-1] with (name, value) pairs for a{ss};
 * returns the count. */
size_t profile_get_capabilities(const Profile *p, ProfileCapability out[_PROFILE_CAP_MAX]);

unsigned profile_get_sms_modes(const Profile *p); /* ProfileSmsMode bits, 0 = unknown */
const char *profile_get_cnmi(const Profile *p);   /* e.g. "2,1,0,2,0" */
ProfileDeliveryReport profile_get_delivery_report(const Profile *p);
const char *profile_get_storages(const Profile *p); /* e.g. "SM,ME" */
unsigned profile_get_ussd_quirks(const Profile *p); /* ProfileUssdQuirk bits */
ProfileVoiceDialect profile_get_voice_dialect(const Profile *p);
/* Template with "{digits}" where the DTMF digits go, e.g. "AT+VTS={digits}". */
const char *profile_get_dtmf_command(const Profile *p);
const char *profile_get_pcm_start(const Profile *p);
const char *profile_get_pcm_stop(const Profile *p);
ProfilePortRole profile_get_pcm_port_role(const Profile *p); /* UNKNOWN when no PCM port */
const char *profile_get_gnss_start(const Profile *p);
const char *profile_get_gnss_stop(const Profile *p);
/* NULL-terminated list of init commands (maybe empty, never NULL). */
const char *const *profile_get_init_commands(const Profile *p);
/* Role of the port on USB interface ifnum per the profile's [ports]. */
ProfilePortRole profile_get_port_role(const Profile *p, unsigned ifnum);

/* True when the profile's [match] section claims this identity. */
bool profile_matches_usb(const Profile *p, uint16_t vid, uint16_t pid);

/* Case-insensitive match of text against a comma-separated list of
 * patterns; a pattern without * ? [ is a substring test, otherwise a glob
 * over the whole text.  Exposed for tests. */
bool profile_pattern_list_match(const char *patterns, const char *text);

/* A profile using only 27.007/27.005 with every capability unknown. */
int profile_new_generic(Profile **ret);
Profile *profile_free(Profile *p);

static inline void profile_freep(Profile **p) {
        if (*p)
                profile_free(*p);
}
