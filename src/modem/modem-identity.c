/* Identity strings of the safe probe, see modem-identity.h.  The values
 * end up in bus properties, so they are cleaned to printable ASCII and
 * bounded; a line that looks like an IMEI/serial is never used (it would
 * put personal data in a property). */
#include "modem/modem-identity.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/cleanup.h"
#include "util/strutil.h"

#define IDENTITY_MAX 127

static bool looks_sensitive(const char *s) {
        static const char *const words[] = { "imei", "imsi", "iccid", "gsn", "serial", "msisdn", "meid", "esn" };
        size_t run = 0, maxrun = 0;

        for (const char *p = s; *p; p++) {
                if (*p >= '0' && *p <= '9')
                        run++;
                else
                        run = 0;
                if (run > maxrun)
                        maxrun = run;
        }
        if (maxrun >= 14)
                return true;
        for (size_t i = 0; i < ELEMENTSOF(words); i++)
                if (strcasestr(s, words[i]))
                        return true;
        return false;
}

static int clean(const char *line, const char *const *prefixes, char **ret) {
        char buf[IDENTITY_MAX + 1];
        const char *s = line;
        size_t n = 0, off = 0;

        for (size_t i = 0; prefixes && prefixes[i]; i++)
                if (startswith_no_case(s, prefixes[i])) {
                        s += strlen(prefixes[i]);
                        break;
                }
        for (; *s && n < IDENTITY_MAX; s++) {
                unsigned char c = (unsigned char)*s;
                if (c >= 0x20 && c <= 0x7e)
                        buf[n++] = (char)c;
        }
        while (n > 0 && buf[n - 1] == ' ')
                n--;
        while (off < n && buf[off] == ' ')
                off++;
        if (n - off >= 2 && buf[off] == '"' && buf[n - 1] == '"') {
                off++;
                n--;
        }
        buf[n] = '\0';
        if (n == off || looks_sensitive(buf + off))
                return -ENOENT;
        *ret = strdup(buf + off);
        return *ret ? 0 : -ENOMEM;
}

int modem_identity_from_lines(ModemIdentityField field, const char *const *lines, size_t n_lines,
                              char **ret) {
        static const char *const prefix_cgmi[] = { "+CGMI:", "+GMI:", "Manufacturer:", NULL };
        static const char *const prefix_cgmm[] = { "+CGMM:", "+GMM:", "Model:", NULL };
        static const char *const prefix_cgmr[] = { "+CGMR:", "+GMR:", "Revision:", "Rev:", NULL };
        const char *const *prefixes;

        switch (field) {
        case MODEM_IDENTITY_MANUFACTURER:
                prefixes = prefix_cgmi;
                break;
        case MODEM_IDENTITY_MODEL:
                prefixes = prefix_cgmm;
                break;
        case MODEM_IDENTITY_REVISION:
                prefixes = prefix_cgmr;
                break;
        default:
                return -EINVAL;
        }
        for (size_t i = 0; i < n_lines; i++) {
                int r;

                if (!lines[i])
                        continue;
                r = clean(lines[i], prefixes, ret);
                if (r == -ENOENT)
                        continue;
                if (field == MODEM_IDENTITY_REVISION && r == 0 && startswith_no_case(*ret, "Revision:")) {
                        /* "+CGMR: Revision: X" */
                        char *again;
                        int k = clean(*ret, prefix_cgmr, &again);
                        free(*ret);
                        *ret = NULL;
                        if (k < 0)
                                return k;
                        *ret = again;
                }
                return r;
        }
        return -ENOENT;
}

int modem_identity_from_ati(ModemIdentityField field, const char *const *lines, size_t n_lines,
                            char **ret) {
        static const char *const prefix_rev[] = { "Revision:", "Rev:", NULL };
        const char *usable[8];
        size_t n = 0;

        for (size_t i = 0; i < n_lines && n < ELEMENTSOF(usable); i++)
                if (lines[i] && lines[i][0] && !looks_sensitive(lines[i]))
                        usable[n++] = lines[i];

        switch (field) {
        case MODEM_IDENTITY_MANUFACTURER:
                return n >= 1 ? clean(usable[0], (const char *const[]){ "Manufacturer:", NULL }, ret) : -ENOENT;
        case MODEM_IDENTITY_MODEL:
                return n >= 2 ? clean(usable[1], (const char *const[]){ "Model:", NULL }, ret) : -ENOENT;
        case MODEM_IDENTITY_REVISION:
                for (size_t i = 0; i < n; i++)
                        if (strcasestr(usable[i], "rev"))
                                return clean(usable[i], prefix_rev, ret);
                return n >= 3 ? clean(usable[2], prefix_rev, ret) : -ENOENT;
        default:
                return -EINVAL;
        }
}
