/* A modem's capability profile as the Modem object sees it: an id and a
 * feature -> "supported"/"unsupported"/"unknown" map.  src/profile/ (the
 * hotplug issue) loads real ones from the profiles directory; until a profile
 * matches, a modem carries the "generic" one with everything unknown. */
#pragma once

#include <stddef.h>

typedef struct ModemCapability {
        char *feature;
        char *value;
} ModemCapability;

typedef struct ModemProfile {
        char *id;
        ModemCapability *caps;
        size_t n_caps;
        char **init_commands; /* NULL-terminated, may be NULL: sent once the SIM state is known */
        /* [sms] of the profile file, NULL when not given (added for the SMS
         * service, issue #5): "2,1,0,2,0", "SM,ME", "cds"/"cdsi"/"none"/"unknown". */
        char *sms_cnmi;
        char *sms_storages;
        char *sms_delivery_report;
} ModemProfile;

int modem_profile_new(const char *id, ModemProfile **ret);
/* Adds or replaces feature; value must be supported|unsupported|unknown. */
int modem_profile_set_capability(ModemProfile *p, const char *feature, const char *value);
/* "generic": sms-pdu, sms-text, delivery-reports, ussd, voice, dtmf,
 * pcm-audio, gnss all "unknown" (the names of src/profile). */
int modem_profile_new_generic(ModemProfile **ret);
/* Appends an init command ("AT+CLIP=1"): AT prefix, printable ASCII, at
 * most 128 bytes; -EINVAL otherwise. */
int modem_profile_add_init_command(ModemProfile *p, const char *cmd);
ModemProfile *modem_profile_free(ModemProfile *p);
