/* Capability profile container, see modem-profile.h. */
#include "modem/modem-profile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/strutil.h"

int modem_profile_new(const char *id, ModemProfile **ret) {
        ModemProfile *p;

        if (!id || !*id)
                return -EINVAL;
        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->id = strdup(id);
        if (!p->id) {
                free(p);
                return -ENOMEM;
        }
        *ret = p;
        return 0;
}

int modem_profile_set_capability(ModemProfile *p, const char *feature, const char *value) {
        ModemCapability *caps;
        char *f, *v;

        if (!feature || !*feature || !value ||
            !(streq(value, "supported") || streq(value, "unsupported") || streq(value, "unknown")))
                return -EINVAL;
        v = strdup(value);
        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_caps; i++)
                if (streq(p->caps[i].feature, feature)) {
                        free(p->caps[i].value);
                        p->caps[i].value = v;
                        return 0;
                }
        f = strdup(feature);
        caps = f ? realloc(p->caps, (p->n_caps + 1) * sizeof(*caps)) : NULL;
        if (!caps) {
                free(f);
                free(v);
                return -ENOMEM;
        }
        caps[p->n_caps++] = (ModemCapability){ .feature = f, .value = v };
        p->caps = caps;
        return 0;
}

int modem_profile_new_generic(ModemProfile **ret) {
        /* the capability names of src/profile (profile_cap_to_string) */
        static const char *const features[] = { "sms-pdu", "sms-text", "delivery-reports", "ussd",
                                                 "voice", "dtmf", "pcm-audio", "gnss" };
        ModemProfile *p;
        int r;

        r = modem_profile_new("generic", &p);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(features); i++) {
                r = modem_profile_set_capability(p, features[i], "unknown");
                if (r < 0) {
                        modem_profile_free(p);
                        return r;
                }
        }
        *ret = p;
        return 0;
}

int modem_profile_add_init_command(ModemProfile *p, const char *cmd) {
        size_t n = 0, len;
        char **l;

        if (!cmd || !startswith_no_case(cmd, "AT") || (len = strlen(cmd)) > 128)
                return -EINVAL;
        for (size_t i = 0; i < len; i++)
                if ((unsigned char)cmd[i] < 0x20 || (unsigned char)cmd[i] > 0x7e)
                        return -EINVAL;
        while (p->init_commands && p->init_commands[n])
                n++;
        l = realloc(p->init_commands, (n + 2) * sizeof(char *));
        if (!l)
                return -ENOMEM;
        p->init_commands = l;
        l[n] = strdup(cmd);
        l[n + 1] = NULL;
        return l[n] ? 0 : -ENOMEM;
}

ModemProfile *modem_profile_free(ModemProfile *p) {
        if (!p)
                return NULL;
        strv_free(p->init_commands);
        free(p->sms_cnmi);
        free(p->sms_storages);
        free(p->sms_delivery_report);
        for (size_t i = 0; i < p->n_caps; i++) {
                free(p->caps[i].feature);
                free(p->caps[i].value);
        }
        free(p->caps);
        free(p->id);
        free(p);
        return NULL;
}
