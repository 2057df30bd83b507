/* Identity strings from the safe probe (3GPP TS 27.007 5.1-5.3, V.250
 * 6.1.3 ATI): manufacturer, model, revision.  Pure. */
#pragma once

#include <stddef.h>

typedef enum ModemIdentityField {
        MODEM_IDENTITY_MANUFACTURER, /* AT+CGMI */
        MODEM_IDENTITY_MODEL,        /* AT+CGMM */
        MODEM_IDENTITY_REVISION,     /* AT+CGMR */
        _MODEM_IDENTITY_MAX,
} ModemIdentityField;

/* From the information lines of AT+CGMI/CGMM/CGMR: the first non-empty
 * line, with "+CGMI:"-style prefixes and "Revision:"/"Rev:" stripped and
 * non-printable bytes dropped, at most 127 bytes.  *ret malloc()ed;
 * -ENOENT when there is no usable line. */
int modem_identity_from_lines(ModemIdentityField field, const char *const *lines, size_t n_lines,
                              char **ret);

/* ATI fallback (callstack inventory 2.2): line 1 manufacturer, line 2
 * model, revision the first line containing "rev" (any case), else line 3.
 * Lines that look like serials (IMEI etc.) are never taken. */
int modem_identity_from_ati(ModemIdentityField field, const char *const *lines, size_t n_lines,
                            char **ret);
