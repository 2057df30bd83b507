/* String helpers; see strutil.h. */
#include "util/strutil.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Hex digit value + 1; 0 for anything that is not a hex digit (a table:
 * PDUs are decoded in bulk on a receive burst). */
static const uint8_t hex_val[256] = {
        ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
        ['8'] = 9,  ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
        ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

int hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t out_size) {
        if (hex_len % 2 != 0)
                return -EINVAL;
        if (hex_len / 2 > out_size)
                return -ENOBUFS;
        for (size_t i = 0; i < hex_len; i += 2) {
                int hi = hex_val[(uint8_t)hex[i]] - 1, lo = hex_val[(uint8_t)hex[i + 1]] - 1;
                if ((hi | lo) < 0)
                        return -EINVAL;
                out[i / 2] = (uint8_t)(hi << 4 | lo);
        }
        return (int)(hex_len / 2);
}

int hex_encode(const uint8_t *in, size_t len, char *out, size_t out_size) {
        static const char digits[] = "0123456789ABCDEF";
        if (out_size < len * 2 + 1)
                return -ENOBUFS;
        for (size_t i = 0; i < len; i++) {
                out[2 * i] = digits[in[i] >> 4];
                out[2 * i + 1] = digits[in[i] & 0xF];
        }
        out[len * 2] = '\0';
        return (int)(len * 2);
}

bool startswith(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool startswith_no_case(const char *s, const char *prefix) {
        return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

int safe_atoi_range(const char *s, long min, long max, long *ret) {
        char *end;
        long v;

        if (!s || !*s || isspace((unsigned char)*s))
                return -EINVAL;
        if (!(isdigit((unsigned char)s[0]) ||
              ((s[0] == '-' || s[0] == '+') && isdigit((unsigned char)s[1]))))
                return -EINVAL;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (*end != '\0')
                return -EINVAL;
        if (v < min || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

int safe_atou32(const char *s, uint32_t *ret) {
        long v;
        int r;

        if (!s || s[0] == '-' || s[0] == '+')
                return -EINVAL;
        r = safe_atoi_range(s, 0, (long)UINT32_MAX, &v);
        if (r < 0)
                return r;
        *ret = (uint32_t)v;
        return 0;
}

char *strdup_trim(const char *s) {
        const char *b = s, *e;
        char *r;

        while (*b && isspace((unsigned char)*b))
                b++;
        e = b + strlen(b);
        while (e > b && isspace((unsigned char)e[-1]))
                e--;
        r = malloc((size_t)(e - b) + 1);
        if (!r)
                return NULL;
        memcpy(r, b, (size_t)(e - b));
        r[e - b] = '\0';
        return r;
}

bool memeq_consttime(const void *a, size_t alen, const void *b, size_t blen) {
        const volatile unsigned char *pa = a, *pb = b;
        unsigned char diff = (unsigned char)(alen != blen);

        /* Walk b whole; compare against a cyclically so timing does not
         * reveal a's length or where they differ. */
        for (size_t i = 0; i < blen; i++)
                diff |= (unsigned char)(pb[i] ^ (alen ? pa[i % alen] : 0));
        return diff == 0;
}

/* Length of the valid UTF-8 sequence at p (1-4), 0 when it is not one
 * (no overlongs, no surrogates, <= U+10FFFF). */
static size_t utf8_sequence_len(const unsigned char *p, const unsigned char *end) {
        unsigned char c = *p;
        uint32_t cp;
        size_t n;

        if (c < 0x80)
                return 1;
        if ((c & 0xE0) == 0xC0) {
                n = 1;
                cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
                n = 2;
                cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
                n = 3;
                cp = c & 0x07;
        } else
                return 0;
        if ((size_t)(end - p) < n + 1)
                return 0;
        for (size_t i = 1; i <= n; i++) {
                if ((p[i] & 0xC0) != 0x80)
                        return 0;
                cp = cp << 6 | (p[i] & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000))
                return 0; /* overlong */
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return 0;
        if (unichar_is_noncharacter(cp))
                return 0; /* sd-bus refuses these in a string */
        return n + 1;
}

int parse_boolean(const char *v) {
        static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
        static const char *const no[] = { "0", "no", "n", "false", "f", "off" };

        if (!v)
                return -EINVAL;
        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
                if (strcasecmp(v, yes[i]) == 0)
                        return 1;
        for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
                if (strcasecmp(v, no[i]) == 0)
                        return 0;
        return -EINVAL;
}

bool utf8_is_valid(const char *s, size_t len) {
        const unsigned char *p = (const unsigned char *)s, *end = p + len;

        while (p < end) {
                size_t n = utf8_sequence_len(p, end);
                if (n == 0)
                        return false;
                p += n;
        }
        return true;
}

size_t text_escape_append(char *buf, size_t size, size_t o, const char *s, unsigned flags) {
        static const char hex[] = "0123456789abcdef";
        const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);

        if (size == 0)
                return 0;
        while (p < end) {
                size_t n = (flags & TEXT_ESCAPE_KEEP_UTF8) ? utf8_sequence_len(p, end) : 1;

                if (*p == '\\') {
                        if (o + 2 >= size)
                                break;
                        buf[o++] = '\\';
                        buf[o++] = '\\';
                        p++;
                } else if ((*p >= 0x20 && *p < 0x7f) || (*p == '\n' && (flags & TEXT_ESCAPE_KEEP_NEWLINE))) {
                        if (o + 1 >= size)
                                break;
                        buf[o++] = (char)*p++;
                } else if (n >= 2 && !(n == 2 && p[0] == 0xC2 && p[1] < 0xA0)) {
                        /* a character, not a C1 control */
                        if (o + n >= size)
                                break;
                        memcpy(buf + o, p, n);
                        o += n;
                        p += n;
                } else {
                        if (o + 4 >= size)
                                break;
                        buf[o++] = '\\';
                        buf[o++] = 'x';
                        buf[o++] = hex[*p >> 4];
                        buf[o++] = hex[*p & 15];
                        p++;
                }
        }
        buf[o] = '\0';
        return o;
}

char *text_escape(const char *s) {
        size_t size = strlen(s) * 4 + 1; /* every byte "\\xhh" at worst */
        char *r = malloc(size);

        if (r)
                text_escape_append(r, size, 0, s, TEXT_ESCAPE_KEEP_UTF8 | TEXT_ESCAPE_KEEP_NEWLINE);
        return r;
}
