/* Strict UTF-8 reading and writing for the SMS codecs (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF).  Header-only so
 * the hot loops inline it.  A text to send may not hold U+0000 or a
 * Unicode noncharacter either: the recipient's copy would not come back
 * the same (the decoder shows both as U+FFFD, D-Bus refuses them). */
#pragma once

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strutil.h"

/* Reads one code point from s[*i..len), advancing *i.  Returns the code
 * point (>= 0) or -EINVAL on malformed input. */
static inline int32_t sms_utf8_next(const char *s, size_t len, size_t *i) {
        const uint8_t *p = (const uint8_t *)s + *i;
        size_t left = len - *i;
        uint32_t c = p[0], cp;
        size_t n;

        if (c < 0x80) {
                if (c == 0)
                        return -EINVAL;
                *i += 1;
                return (int32_t)c;
        }
        if (c >= 0xC2 && c <= 0xDF) {
                n = 2;
                cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
                n = 3;
                cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
                n = 4;
                cp = c & 0x07;
        } else
                return -EINVAL;
        if (left < n)
                return -EINVAL;
        for (size_t k = 1; k < n; k++) {
                if ((p[k] & 0xC0) != 0x80)
                        return -EINVAL;
                cp = cp << 6 | (p[k] & 0x3F);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
                return -EINVAL;
        if (unichar_is_noncharacter(cp))
                return -EINVAL;
        *i += n;
        return (int32_t)cp;
}

/* Number of UTF-8 bytes for a valid code point. */
static inline size_t sms_utf8_len(uint32_t cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* Writes cp (a valid scalar value) at out; returns bytes written.  The
 * caller has checked there are sms_utf8_len(cp) bytes of room. */
static inline size_t sms_utf8_put(char *out, uint32_t cp) {
        uint8_t *o = (uint8_t *)out;
        if (cp < 0x80) {
                o[0] = (uint8_t)cp;
                return 1;
        }
        if (cp < 0x800) {
                o[0] = (uint8_t)(0xC0 | cp >> 6);
                o[1] = (uint8_t)(0x80 | (cp & 0x3F));
                return 2;
        }
        if (cp < 0x10000) {
                o[0] = (uint8_t)(0xE0 | cp >> 12);
                o[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
                o[2] = (uint8_t)(0x80 | (cp & 0x3F));
                return 3;
        }
        o[0] = (uint8_t)(0xF0 | cp >> 18);
        o[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
        o[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        o[3] = (uint8_t)(0x80 | (cp & 0x3F));
        return 4;
}
