/* Profile objects: enum tables, accessors, the built-in generic profile
 * and the identity pattern matcher.  Capabilities default to unknown: a
 * profile states only what its evidence shows. */
#include "profile/profile.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "profile/profile-internal.h"
#include "util/strutil.h"

static const char *const cap_table[_PROFILE_CAP_MAX] = {
        [PROFILE_CAP_SMS_PDU] = "sms-pdu",
        [PROFILE_CAP_SMS_TEXT] = "sms-text",
        [PROFILE_CAP_DELIVERY_REPORTS] = "delivery-reports",
        [PROFILE_CAP_USSD] = "ussd",
        [PROFILE_CAP_VOICE] = "voice",
        [PROFILE_CAP_DTMF] = "dtmf",
        [PROFILE_CAP_PCM_AUDIO] = "pcm-audio",
        [PROFILE_CAP_GNSS] = "gnss",
};

static const char *const cap_value_table[_PROFILE_CAP_VALUE_MAX] = {
        [PROFILE_CAP_VALUE_UNKNOWN] = "unknown",
        [PROFILE_CAP_VALUE_SUPPORTED] = "supported",
        [PROFILE_CAP_VALUE_UNSUPPORTED] = "unsupported",
};

static const char *const voice_table[_PROFILE_VOICE_MAX] = {
        [PROFILE_VOICE_STANDARD] = "standard",
        [PROFILE_VOICE_SIMCOM] = "simcom",
        [PROFILE_VOICE_HUAWEI] = "huawei",
};

static const char *const dr_table[_PROFILE_DR_MAX] = {
        [PROFILE_DR_UNKNOWN] = "unknown",
        [PROFILE_DR_CDS] = "cds",
        [PROFILE_DR_CDSI] = "cdsi",
        [PROFILE_DR_NONE] = "none",
};

static const char *const role_table[_PROFILE_PORT_ROLE_MAX] = {
        [PROFILE_PORT_UNKNOWN] = "unknown", [PROFILE_PORT_AT] = "at",     [PROFILE_PORT_AUDIO] = "audio",
        [PROFILE_PORT_GNSS] = "gnss",       [PROFILE_PORT_DIAG] = "diag", [PROFILE_PORT_PPP] = "ppp",
};

static int lookup(const char *const *table, size_t n, const char *s) {
        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (table[i] && streq(table[i], s))
                        return (int)i;
        return -EINVAL;
}

const char *profile_cap_to_string(ProfileCap c) {
        return (unsigned)c < _PROFILE_CAP_MAX ? cap_table[c] : NULL;
}

int profile_cap_from_string(const char *s, ProfileCap *ret) {
        int r = lookup(cap_table, _PROFILE_CAP_MAX, s);
        if (r < 0)
                return r;
        *ret = (ProfileCap)r;
        return 0;
}

const char *profile_cap_value_to_string(ProfileCapValue v) {
        return (unsigned)v < _PROFILE_CAP_VALUE_MAX ? cap_value_table[v] : NULL;
}

int profile_cap_value_from_string(const char *s, ProfileCapValue *ret) {
        int r = lookup(cap_value_table, _PROFILE_CAP_VALUE_MAX, s);
        if (r < 0)
                return r;
        *ret = (ProfileCapValue)r;
        return 0;
}

const char *profile_voice_dialect_to_string(ProfileVoiceDialect d) {
        return (unsigned)d < _PROFILE_VOICE_MAX ? voice_table[d] : NULL;
}

const char *profile_delivery_report_to_string(ProfileDeliveryReport d) {
        return (unsigned)d < _PROFILE_DR_MAX ? dr_table[d] : NULL;
}

const char *profile_port_role_to_string(ProfilePortRole r) {
        return (unsigned)r < _PROFILE_PORT_ROLE_MAX ? role_table[r] : NULL;
}

int profile_port_role_from_string(const char *s, ProfilePortRole *ret) {
        int r = lookup(role_table, _PROFILE_PORT_ROLE_MAX, s);
        if (r < 0)
                return r;
        *ret = (ProfilePortRole)r;
        return 0;
}

int profile_voice_dialect_from_string(const char *s, ProfileVoiceDialect *ret) {
        int r = lookup(voice_table, _PROFILE_VOICE_MAX, s);
        if (r < 0)
                return r;
        *ret = (ProfileVoiceDialect)r;
        return 0;
}

int profile_delivery_report_from_string(const char *s, ProfileDeliveryReport *ret) {
        int r = lookup(dr_table, _PROFILE_DR_MAX, s);
        if (r < 0)
                return r;
        *ret = (ProfileDeliveryReport)r;
        return 0;
}

Profile *profile_alloc(void) {
        Profile *p = calloc(1, sizeof(Profile));
        /* calloc gives UNKNOWN / STANDARD / 0 for every enum and set */
        return p;
}

int profile_new_generic(Profile **ret) {
        Profile *p = profile_alloc();
        if (!p)
                return -ENOMEM;
        p->id = strdup("generic");
        p->name = strdup("Generic 3GPP TS 27.007/27.005 modem");
        p->evidence = strdup("built in: standard commands only, nothing assumed");
        p->dtmf_command = strdup("AT+VTS={digits}");
        if (!p->id || !p->name || !p->evidence || !p->dtmf_command) {
                profile_free(p);
                return -ENOMEM;
        }
        *ret = p;
        return 0;
}

Profile *profile_free(Profile *p) {
        if (!p)
                return NULL;
        free(p->path);
        free(p->id);
        free(p->name);
        free(p->evidence);
        free(p->match_manufacturer);
        free(p->match_model);
        free(p->cnmi);
        free(p->storages);
        free(p->dtmf_command);
        free(p->pcm_start);
        free(p->pcm_stop);
        free(p->gnss_start);
        free(p->gnss_stop);
        for (size_t i = 0; i < p->n_init; i++)
                free(p->init[i]);
        free(p);
        return NULL;
}

const char *profile_get_id(const Profile *p) {
        return p->id;
}
const char *profile_get_name(const Profile *p) {
        return p->name;
}
const char *profile_get_evidence(const Profile *p) {
        return p->evidence;
}
const char *profile_get_path(const Profile *p) {
        return p->path;
}

ProfileCapValue profile_get_capability(const Profile *p, ProfileCap c) {
        return (unsigned)c < _PROFILE_CAP_MAX ? p->caps[c] : PROFILE_CAP_VALUE_UNKNOWN;
}

size_t profile_get_capabilities(const Profile *p, ProfileCapability out[_PROFILE_CAP_MAX]) {
        for (size_t i = 0; i < _PROFILE_CAP_MAX; i++) {
                out[i].name = cap_table[i];
                out[i].value = cap_value_table[p->caps[i]];
        }
        return _PROFILE_CAP_MAX;
}

unsigned profile_get_sms_modes(const Profile *p) {
        return p->sms_modes;
}
const char *profile_get_cnmi(const Profile *p) {
        return p->cnmi;
}
ProfileDeliveryReport profile_get_delivery_report(const Profile *p) {
        return p->delivery_report;
}
const char *profile_get_storages(const Profile *p) {
        return p->storages;
}
unsigned profile_get_ussd_quirks(const Profile *p) {
        return p->ussd_quirks;
}
ProfileVoiceDialect profile_get_voice_dialect(const Profile *p) {
        return p->voice_dialect;
}
const char *profile_get_dtmf_command(const Profile *p) {
        return p->dtmf_command;
}
const char *profile_get_pcm_start(const Profile *p) {
        return p->pcm_start;
}
const char *profile_get_pcm_stop(const Profile *p) {
        return p->pcm_stop;
}
ProfilePortRole profile_get_pcm_port_role(const Profile *p) {
        return p->pcm_port_role;
}
const char *profile_get_gnss_start(const Profile *p) {
        return p->gnss_start;
}
const char *profile_get_gnss_stop(const Profile *p) {
        return p->gnss_stop;
}
const char *const *profile_get_init_commands(const Profile *p) {
        return (const char *const *)p->init;
}
ProfilePortRole profile_get_port_role(const Profile *p, unsigned ifnum) {
        return ifnum < PROFILE_MAX_IFNUM ? p->ports[ifnum] : PROFILE_PORT_UNKNOWN;
}

bool profile_matches_usb(const Profile *p, uint16_t vid, uint16_t pid) {
        if (vid == 0)
                return false;
        for (size_t i = 0; i < p->n_usb; i++)
                if (p->usb[i].vid == vid && (p->usb[i].any_pid || p->usb[i].pid == pid))
                        return true;
        return false;
}

static bool pattern_match_one(const char *pat, size_t len, const char *text) {
        char buf[256];

        /* trim the pattern */
        while (len > 0 && (*pat == ' ' || *pat == '\t'))
                pat++, len--;
        while (len > 0 && (pat[len - 1] == ' ' || pat[len - 1] == '\t'))
                len--;
        if (len == 0 || len >= sizeof(buf))
                return false;
        memcpy(buf, pat, len);
        buf[len] = '\0';

        if (strpbrk(buf, "*?[")) {
#ifdef FNM_CASEFOLD
                return fnmatch(buf, text, FNM_CASEFOLD) == 0;
#else
                return fnmatch(buf, text, 0) == 0;
#endif
        }
        return strcasestr(text, buf) != NULL;
}

bool profile_pattern_list_match(const char *patterns, const char *text) {
        if (!patterns || !text || !*text)
                return false;
        for (const char *p = patterns;;) {
                const char *comma = strchr(p, ',');
                size_t len = comma ? (size_t)(comma - p) : strlen(p);
                if (pattern_match_one(p, len, text))
                        return true;
                if (!comma)
                        return false;
                p = comma + 1;
        }
}
