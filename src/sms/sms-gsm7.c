/* GSM 7-bit default alphabet (3GPP TS 23.038 6.2.1 and 6.2.1.1).  See
 * sms-gsm7.h for the decoding rules of undefined escapes. */
#include "sms/sms-gsm7.h"

#include <errno.h>

#include "sms/sms-utf8.h"

#define _likely_(x) __builtin_expect(!!(x), 1)
#define _unlikely_(x) __builtin_expect(!!(x), 0)

/* 23.038 6.2.1: septet -> Unicode, in septet order; 0x1B is the escape
 * (not a character; shown as a space when it cannot escape anything).
 *   0x00  @ £ $ ¥ è é ù ì  ò Ç LF Ø ø CR Å å
 *   0x10  Δ _ Φ Γ Λ Ω Π Ψ  Σ Θ Ξ ESC Æ æ ß É
 *   0x20  SP ! " # ¤ % & '  ( ) * + , - . /
 *   0x30  0 1 2 3 4 5 6 7  8 9 : ; < = > ?
 *   0x40  ¡ A B C D E F G  H I J K L M N O
 *   0x50  P Q R S T U V W  X Y Z Ä Ö Ñ Ü §
 *   0x60  ¿ a b c d e f g  h i j k l m n o
 *   0x70  p q r s t u v w  x y z ä ö ñ ü à */
#define GSM7_BASIC(X) \
        X(0x0040) X(0x00A3) X(0x0024) X(0x00A5) X(0x00E8) X(0x00E9) X(0x00F9) X(0x00EC) \
        X(0x00F2) X(0x00C7) X(0x000A) X(0x00D8) X(0x00F8) X(0x000D) X(0x00C5) X(0x00E5) \
        X(0x0394) X(0x005F) X(0x03A6) X(0x0393) X(0x039B) X(0x03A9) X(0x03A0) X(0x03A8) \
        X(0x03A3) X(0x0398) X(0x039E) X(0x0020) X(0x00C6) X(0x00E6) X(0x00DF) X(0x00C9) \
        X(0x0020) X(0x0021) X(0x0022) X(0x0023) X(0x00A4) X(0x0025) X(0x0026) X(0x0027) \
        X(0x0028) X(0x0029) X(0x002A) X(0x002B) X(0x002C) X(0x002D) X(0x002E) X(0x002F) \
        X(0x0030) X(0x0031) X(0x0032) X(0x0033) X(0x0034) X(0x0035) X(0x0036) X(0x0037) \
        X(0x0038) X(0x0039) X(0x003A) X(0x003B) X(0x003C) X(0x003D) X(0x003E) X(0x003F) \
        X(0x00A1) X(0x0041) X(0x0042) X(0x0043) X(0x0044) X(0x0045) X(0x0046) X(0x0047) \
        X(0x0048) X(0x0049) X(0x004A) X(0x004B) X(0x004C) X(0x004D) X(0x004E) X(0x004F) \
        X(0x0050) X(0x0051) X(0x0052) X(0x0053) X(0x0054) X(0x0055) X(0x0056) X(0x0057) \
        X(0x0058) X(0x0059) X(0x005A) X(0x00C4) X(0x00D6) X(0x00D1) X(0x00DC) X(0x00A7) \
        X(0x00BF) X(0x0061) X(0x0062) X(0x0063) X(0x0064) X(0x0065) X(0x0066) X(0x0067) \
        X(0x0068) X(0x0069) X(0x006A) X(0x006B) X(0x006C) X(0x006D) X(0x006E) X(0x006F) \
        X(0x0070) X(0x0071) X(0x0072) X(0x0073) X(0x0074) X(0x0075) X(0x0076) X(0x0077) \
        X(0x0078) X(0x0079) X(0x007A) X(0x00E4) X(0x00F6) X(0x00F1) X(0x00FC) X(0x00E0)

#define CP(c) c,
static const uint16_t gsm7_basic[128] = {GSM7_BASIC(CP)};
#undef CP

/* The UTF-8 form of each septet: bytes in bits 0-23, length in 24-31. */
#define U8(c)                                                                                      \
        ((c) < 0x80 ? ((uint32_t)(c) | 1u << 24)                                                   \
                    : ((uint32_t)(0xC0 | (c) >> 6) | (uint32_t)(0x80 | ((c)&0x3F)) << 8 | 2u << 24)),
static const uint32_t gsm7_utf8[128] = {GSM7_BASIC(U8)};
#undef U8

/* 23.038 6.2.1.1: code after ESC -> Unicode, for the defined codes. */
static uint16_t gsm7_extension(uint8_t code) {
        switch (code) {
        case 0x0A:
                return 0x000C; /* form feed (page break) */
        case 0x14:
                return 0x005E; /* ^ */
        case 0x28:
                return 0x007B; /* { */
        case 0x29:
                return 0x007D; /* } */
        case 0x2F:
                return 0x005C; /* \ */
        case 0x3C:
                return 0x005B; /* [ */
        case 0x3D:
                return 0x007E; /* ~ */
        case 0x3E:
                return 0x005D; /* ] */
        case 0x40:
                return 0x007C; /* | */
        case 0x65:
                return 0x20AC; /* € */
        default:
                return 0;
        }
}

/* ASCII -> B|septet for the default table, X|code for the extension
 * table; 0 when GSM has no such character. */
#define B 0x100
#define X 0x280
static const uint16_t ascii_to_gsm7[128] = {
        ['\n'] = B | 0x0A, ['\r'] = B | 0x0D, ['\f'] = X | 0x0A,
        [' '] = B | 0x20, ['!'] = B | 0x21, ['"'] = B | 0x22, ['#'] = B | 0x23, ['$'] = B | 0x02, ['%'] = B | 0x25,
        ['&'] = B | 0x26, ['\''] = B | 0x27, ['('] = B | 0x28, [')'] = B | 0x29, ['*'] = B | 0x2A, ['+'] = B | 0x2B,
        [','] = B | 0x2C, ['-'] = B | 0x2D, ['.'] = B | 0x2E, ['/'] = B | 0x2F,
        ['0'] = B | 0x30, ['1'] = B | 0x31, ['2'] = B | 0x32, ['3'] = B | 0x33, ['4'] = B | 0x34,
        ['5'] = B | 0x35, ['6'] = B | 0x36, ['7'] = B | 0x37, ['8'] = B | 0x38, ['9'] = B | 0x39,
        [':'] = B | 0x3A, [';'] = B | 0x3B, ['<'] = B | 0x3C, ['='] = B | 0x3D, ['>'] = B | 0x3E, ['?'] = B | 0x3F,
        ['@'] = B | 0x00,
        ['A'] = B | 0x41, ['B'] = B | 0x42, ['C'] = B | 0x43, ['D'] = B | 0x44, ['E'] = B | 0x45, ['F'] = B | 0x46,
        ['G'] = B | 0x47, ['H'] = B | 0x48, ['I'] = B | 0x49, ['J'] = B | 0x4A, ['K'] = B | 0x4B, ['L'] = B | 0x4C,
        ['M'] = B | 0x4D, ['N'] = B | 0x4E, ['O'] = B | 0x4F, ['P'] = B | 0x50, ['Q'] = B | 0x51, ['R'] = B | 0x52,
        ['S'] = B | 0x53, ['T'] = B | 0x54, ['U'] = B | 0x55, ['V'] = B | 0x56, ['W'] = B | 0x57, ['X'] = B | 0x58,
        ['Y'] = B | 0x59, ['Z'] = B | 0x5A,
        ['['] = X | 0x3C, ['\\'] = X | 0x2F, [']'] = X | 0x3E, ['^'] = X | 0x14,
        ['_'] = B | 0x11,
        ['a'] = B | 0x61, ['b'] = B | 0x62, ['c'] = B | 0x63, ['d'] = B | 0x64, ['e'] = B | 0x65, ['f'] = B | 0x66,
        ['g'] = B | 0x67, ['h'] = B | 0x68, ['i'] = B | 0x69, ['j'] = B | 0x6A, ['k'] = B | 0x6B, ['l'] = B | 0x6C,
        ['m'] = B | 0x6D, ['n'] = B | 0x6E, ['o'] = B | 0x6F, ['p'] = B | 0x70, ['q'] = B | 0x71, ['r'] = B | 0x72,
        ['s'] = B | 0x73, ['t'] = B | 0x74, ['u'] = B | 0x75, ['v'] = B | 0x76, ['w'] = B | 0x77, ['x'] = B | 0x78,
        ['y'] = B | 0x79, ['z'] = B | 0x7A,
        ['{'] = X | 0x28, ['|'] = X | 0x40, ['}'] = X | 0x29, ['~'] = X | 0x3D,
};
#undef B
#undef X

int sms_gsm7_encode_codepoint(uint32_t cp, uint8_t ret_septets[2]) {
        int v;

        if (cp < 0x80)
                v = ascii_to_gsm7[cp] ? ascii_to_gsm7[cp] & 0xFF : 0xFF;
        else if (cp == 0x20AC)
                v = 0x80 | 0x65;
        else {
                v = 0xFF;
                /* The few non-ASCII code points of the default table. */
                for (unsigned s = 0; s < 128; s++)
                        if (gsm7_basic[s] == cp && s != SMS_GSM7_ESC) {
                                v = (int)s;
                                break;
                        }
        }
        if (v == 0xFF)
                return -EILSEQ;
        if (v & 0x80) {
                ret_septets[0] = SMS_GSM7_ESC;
                ret_septets[1] = (uint8_t)(v & 0x7F);
                return 2;
        }
        ret_septets[0] = (uint8_t)v;
        return 1;
}

int sms_gsm7_count(const char *utf8, size_t len, size_t *ret_septets) {
        size_t n = 0;
        uint8_t tmp[2];

        for (size_t i = 0; i < len;) {
                int32_t cp = sms_utf8_next(utf8, len, &i);
                if (cp < 0)
                        return -EINVAL;
                int r = sms_gsm7_encode_codepoint((uint32_t)cp, tmp);
                if (r < 0)
                        return r;
                n += (size_t)r;
        }
        *ret_septets = n;
        return 0;
}

int sms_gsm7_from_utf8(const char *utf8, size_t len, uint8_t *out, size_t size, size_t *ret_n) {
        size_t n = 0;
        uint8_t tmp[2];

        for (size_t i = 0; i < len;) {
                int32_t cp = sms_utf8_next(utf8, len, &i);
                if (cp < 0)
                        return -EINVAL;
                int r = sms_gsm7_encode_codepoint((uint32_t)cp, tmp);
                if (r < 0)
                        return r;
                if (n + (size_t)r > size)
                        return -ENOBUFS;
                for (int k = 0; k < r; k++)
                        out[n++] = tmp[k];
        }
        *ret_n = n;
        return 0;
}

int sms_gsm7_to_utf8(const uint8_t *septets, size_t n, char *out, size_t size, size_t *ret_len) {
        uint8_t *o8 = (uint8_t *)out;
        size_t o = 0;

        for (size_t i = 0; i < n; i++) {
                uint8_t s = septets[i] & 0x7F;
                uint32_t cp;

                if (_likely_(s != SMS_GSM7_ESC)) {
                        /* Table-driven: at most 2 bytes per septet. */
                        uint32_t u = gsm7_utf8[s];
                        size_t l = u >> 24;
                        if (_unlikely_(o + l + 1 > size))
                                return -ENOBUFS;
                        o8[o] = (uint8_t)u;
                        if (l > 1)
                                o8[o + 1] = (uint8_t)(u >> 8);
                        o += l;
                        continue;
                }
                if (i + 1 >= n)
                        cp = ' '; /* escape as the last septet */
                else {
                        uint8_t c = septets[++i] & 0x7F;
                        cp = gsm7_extension(c);
                        if (cp == 0)
                                cp = gsm7_basic[c]; /* ESC ESC -> basic[0x1B] = space */
                }
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

int sms_gsm7_pack(const uint8_t *septets, size_t n, unsigned fill_bits, uint8_t *out, size_t size,
                  size_t *ret_len) {
        size_t len = sms_gsm7_packed_len(n, fill_bits);

        if (fill_bits > 6)
                return -EINVAL;
        if (len > size)
                return -ENOBUFS;
        for (size_t k = 0; k < len; k++)
                out[k] = 0;
        size_t bit = fill_bits;
        for (size_t i = 0; i < n; i++, bit += 7) {
                unsigned v = septets[i] & 0x7F;
                size_t o = bit / 8, sh = bit % 8;
                out[o] |= (uint8_t)(v << sh);
                if (sh > 1)
                        out[o + 1] |= (uint8_t)(v >> (8 - sh));
        }
        *ret_len = len;
        return 0;
}

int sms_gsm7_unpack(const uint8_t *in, size_t in_len, unsigned fill_bits, size_t n, uint8_t *out) {
        if (fill_bits > 6)
                return -EINVAL;
        if (sms_gsm7_packed_len(n, fill_bits) > in_len)
                return -EBADMSG;
        size_t i = 0;
        /* Eight septets from each 7 octets, read as one 64-bit word while a
         * whole word lies inside the buffer. */
        for (; i + 8 <= n && i / 8 * 7 + 8 <= in_len; i += 8) {
                const uint8_t *p = in + i / 8 * 7;
                uint64_t v = (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
                             (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
                             (uint64_t)p[7] << 56;
                v >>= fill_bits;
                for (unsigned k = 0; k < 8; k++)
                        out[i + k] = (uint8_t)((v >> (7 * k)) & 0x7F);
        }
        size_t bit = fill_bits + 7 * i;
        for (; i < n; i++, bit += 7) {
                size_t o = bit / 8, sh = bit % 8;
                unsigned v = in[o] >> sh;
                if (sh > 1)
                        v |= (unsigned)in[o + 1] << (8 - sh);
                out[i] = (uint8_t)(v & 0x7F);
        }
        return 0;
}
