/* UTF-16BE user data (3GPP TS 23.038 6.2.3).  See sms-ucs2.h. */
#include "sms/sms-ucs2.h"

#include <errno.h>

#include "sms/sms-utf8.h"
#include "util/strutil.h"

int sms_ucs2_count(const char *utf8, size_t len, size_t *ret_units) {
        size_t n = 0;

        for (size_t i = 0; i < len;) {
                int32_t cp = sms_utf8_next(utf8, len, &i);
                if (cp < 0)
                        return -EINVAL;
                n += cp >= 0x10000 ? 2 : 1;
        }
        *ret_units = n;
        return 0;
}

int sms_ucs2_from_utf8(const char *utf8, size_t len, uint8_t *out, size_t size, size_t *ret_len) {
        size_t o = 0;

        for (size_t i = 0; i < len;) {
                int32_t c = sms_utf8_next(utf8, len, &i);
                if (c < 0)
                        return -EINVAL;
                uint32_t cp = (uint32_t)c;
                if (cp >= 0x10000) {
                        if (o + 4 > size)
                                return -ENOBUFS;
                        cp -= 0x10000;
                        uint32_t hi = 0xD800 | cp >> 10, lo = 0xDC00 | (cp & 0x3FF);
                        out[o++] = (uint8_t)(hi >> 8);
                        out[o++] = (uint8_t)hi;
                        out[o++] = (uint8_t)(lo >> 8);
                        out[o++] = (uint8_t)lo;
                } else {
                        if (o + 2 > size)
                                return -ENOBUFS;
                        out[o++] = (uint8_t)(cp >> 8);
                        out[o++] = (uint8_t)cp;
                }
        }
        *ret_len = o;
        return 0;
}

int sms_ucs2_to_utf8(const uint8_t *in, size_t len, char *out, size_t size, size_t *ret_len) {
        size_t o = 0;

        for (size_t i = 0; i < len;) {
                uint32_t cp;

                if (i + 1 >= len) {
                        cp = 0xFFFD; /* odd trailing octet */
                        i++;
                } else {
                        uint32_t u = (uint32_t)in[i] << 8 | in[i + 1];
                        i += 2;
                        if (u >= 0xD800 && u <= 0xDBFF) {
                                uint32_t l = i + 1 < len ? ((uint32_t)in[i] << 8 | in[i + 1]) : 0;
                                if (l >= 0xDC00 && l <= 0xDFFF) {
                                        cp = 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00);
                                        i += 2;
                                } else
                                        cp = 0xFFFD; /* lone high surrogate */
                        } else if (u >= 0xDC00 && u <= 0xDFFF)
                                cp = 0xFFFD; /* lone low surrogate */
                        else
                                cp = u;
                }
                /* U+0000 would end the text early; noncharacters cannot be
                 * carried in a D-Bus string: the text could not be read.
                 * Shown as U+FFFD like invalid UTF-16. */
                if (cp == 0 || unichar_is_noncharacter(cp))
                        cp = 0xFFFD;
                if (o + sms_utf8_len(cp) + 1 > size)
                        return -ENOBUFS;
                o += sms_utf8_put(out + o, cp);
        }
        if (o + 1 > size)
                return -ENOBUFS;
        out[o] = '\0';
        *ret_len = o;
        return 0;
}
