/* The simulator's own SMS PDU codec; see sim-pdu.h for the spec clauses.
 * Deliberately shares no code with src/sms. */
#include "sim-pdu.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* 23.038 6.2.1, the default alphabet as Unicode; 0x1B is the escape. */
static const uint16_t gsm7_main[128] = {
        0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7, 0x000A, 0x00D8,
        0x00F8, 0x000D, 0x00C5, 0x00E5, 0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,
        0x03A3, 0x0398, 0x039E, 0x00A0, 0x00C6, 0x00E6, 0x00DF, 0x00C9, 0x0020, 0x0021, 0x0022, 0x0023,
        0x00A4, 0x0025, 0x0026, 0x0027, 0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
        0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, 0x0038, 0x0039, 0x003A, 0x003B,
        0x003C, 0x003D, 0x003E, 0x003F, 0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
        0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F, 0x0050, 0x0051, 0x0052, 0x0053,
        0x0054, 0x0055, 0x0056, 0x0057, 0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
        0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067, 0x0068, 0x0069, 0x006A, 0x006B,
        0x006C, 0x006D, 0x006E, 0x006F, 0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
        0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
};

/* 23.038 6.2.1.1, the extension table (after 0x1B). */
static const struct {
        uint8_t code;
        uint16_t cp;
} gsm7_ext[] = {
        {0x0A, 0x000C}, {0x14, 0x005E}, {0x28, 0x007B}, {0x29, 0x007D}, {0x2F, 0x005C},
        {0x3C, 0x005B}, {0x3D, 0x007E}, {0x3E, 0x005D}, {0x40, 0x007C}, {0x65, 0x20AC},
};

/* ---- UTF-8 ----------------------------------------------------------- */

static int utf8_put(uint32_t cp, char *out, size_t size, size_t *o) {
        char b[4];
        size_t n;

        if (cp < 0x80) {
                b[0] = (char)cp;
                n = 1;
        } else if (cp < 0x800) {
                b[0] = (char)(0xC0 | (cp >> 6));
                b[1] = (char)(0x80 | (cp & 0x3F));
                n = 2;
        } else if (cp < 0x10000) {
                b[0] = (char)(0xE0 | (cp >> 12));
                b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                b[2] = (char)(0x80 | (cp & 0x3F));
                n = 3;
        } else {
                b[0] = (char)(0xF0 | (cp >> 18));
                b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
                b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
                b[3] = (char)(0x80 | (cp & 0x3F));
                n = 4;
        }
        if (*o + n + 1 > size)
                return -ENOBUFS;
        memcpy(out + *o, b, n);
        *o += n;
        out[*o] = '\0';
        return 0;
}

/* Next code point of s[0..len) at *i; -EINVAL on invalid UTF-8. */
static int utf8_next(const char *s, size_t len, size_t *i, uint32_t *ret) {
        const unsigned char *p = (const unsigned char *)s + *i;
        size_t left = len - *i, n;
        uint32_t cp;

        if (p[0] < 0x80) {
                cp = p[0];
                n = 1;
        } else if ((p[0] & 0xE0) == 0xC0) {
                cp = p[0] & 0x1F;
                n = 2;
        } else if ((p[0] & 0xF0) == 0xE0) {
                cp = p[0] & 0x0F;
                n = 3;
        } else if ((p[0] & 0xF8) == 0xF0) {
                cp = p[0] & 0x07;
                n = 4;
        } else
                return -EINVAL;
        if (n > left)
                return -EINVAL;
        for (size_t k = 1; k < n; k++) {
                if ((p[k] & 0xC0) != 0x80)
                        return -EINVAL;
                cp = (cp << 6) | (p[k] & 0x3F);
        }
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
                return -EINVAL;
        *i += n;
        *ret = cp;
        return 0;
}

/* ---- GSM 7-bit ------------------------------------------------------- */

int sim_gsm7_encode_char(uint32_t cp, uint8_t out[2]) {
        for (int c = 0; c < 128; c++)
                if (c != 0x1B && gsm7_main[c] == cp) {
                        out[0] = (uint8_t)c;
                        return 1;
                }
        for (size_t k = 0; k < sizeof(gsm7_ext) / sizeof(gsm7_ext[0]); k++)
                if (gsm7_ext[k].cp == cp) {
                        out[0] = 0x1B;
                        out[1] = gsm7_ext[k].code;
                        return 2;
                }
        return -EINVAL;
}

int sim_gsm7_from_utf8(const char *s, size_t len, uint8_t *out, size_t size, size_t *ret_n) {
        size_t i = 0, o = 0;

        while (i < len) {
                uint32_t cp;
                uint8_t b[2];
                int n;

                if (utf8_next(s, len, &i, &cp) < 0)
                        return -EINVAL;
                n = sim_gsm7_encode_char(cp, b);
                if (n < 0)
                        return n;
                if (o + (size_t)n > size)
                        return -ENOBUFS;
                memcpy(out + o, b, (size_t)n);
                o += (size_t)n;
        }
        *ret_n = o;
        return 0;
}

int sim_gsm7_to_utf8(const uint8_t *septets, size_t n, char *out, size_t size, size_t *ret_len) {
        size_t o = 0;
        int r;

        if (size == 0)
                return -ENOBUFS;
        out[0] = '\0';
        for (size_t i = 0; i < n; i++) {
                uint8_t c = septets[i] & 0x7F;
                uint32_t cp = gsm7_main[c];

                if (c == 0x1B) {
                        if (i + 1 >= n) {
                                cp = 0x00A0; /* a trailing escape: shown as a space */
                        } else {
                                uint8_t e = septets[++i] & 0x7F;
                                cp = gsm7_main[e]; /* undefined extension: main table */
                                if (e == 0x1B)
                                        cp = 0x00A0;
                                for (size_t k = 0; k < sizeof(gsm7_ext) / sizeof(gsm7_ext[0]); k++)
                                        if (gsm7_ext[k].code == e)
                                                cp = gsm7_ext[k].cp;
                        }
                }
                r = utf8_put(cp, out, size, &o);
                if (r < 0)
                        return r;
        }
        *ret_len = o;
        return 0;
}

/* Unpacks n septets starting at bit offset `bit` of in[0..in_len). */
static int septets_unpack(const uint8_t *in, size_t in_len, size_t bit, size_t n, uint8_t *out) {
        for (size_t k = 0; k < n; k++) {
                size_t b = bit + k * 7, byte = b / 8, shift = b % 8;
                unsigned v;

                if (byte >= in_len)
                        return -EBADMSG;
                v = in[byte] >> shift;
                if (shift > 1) {
                        if (byte + 1 >= in_len)
                                return -EBADMSG;
                        v |= (unsigned)in[byte + 1] << (8 - shift);
                }
                out[k] = (uint8_t)(v & 0x7F);
        }
        return 0;
}

/* Packs n septets at bit offset `bit` into out (zeroed by the caller). */
static void septets_pack(const uint8_t *septets, size_t n, size_t bit, uint8_t *out) {
        for (size_t k = 0; k < n; k++) {
                size_t b = bit + k * 7, byte = b / 8, shift = b % 8;
                unsigned v = (unsigned)(septets[k] & 0x7F) << shift;

                out[byte] |= (uint8_t)(v & 0xFF);
                if (v >> 8)
                        out[byte + 1] |= (uint8_t)(v >> 8);
        }
}

size_t sim_gsm7_pack(const uint8_t *septets, size_t n, uint8_t *out, size_t size) {
        size_t octets = (n * 7 + 7) / 8;

        if (octets > size)
                return 0;
        memset(out, 0, octets);
        septets_pack(septets, n, 0, out);
        return octets;
}

size_t sim_gsm7_unpack(const uint8_t *in, size_t octets, uint8_t *out, size_t size) {
        size_t n = octets * 8 / 7;

        if (n > size)
                n = size;
        if (septets_unpack(in, octets, 0, n, out) < 0)
                return 0;
        return n;
}

/* ---- UCS2 ------------------------------------------------------------ */

int sim_ucs2_from_utf8(const char *s, size_t len, uint8_t *out, size_t size, size_t *ret_n) {
        size_t i = 0, o = 0;

        while (i < len) {
                uint32_t cp;

                if (utf8_next(s, len, &i, &cp) < 0)
                        return -EINVAL;
                if (cp >= 0x10000) {
                        uint32_t v = cp - 0x10000;
                        uint16_t hi = (uint16_t)(0xD800 | (v >> 10)), lo = (uint16_t)(0xDC00 | (v & 0x3FF));
                        if (o + 4 > size)
                                return -ENOBUFS;
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
        *ret_n = o;
        return 0;
}

int sim_ucs2_to_utf8(const uint8_t *in, size_t n, char *out, size_t size, size_t *ret_len) {
        size_t o = 0;
        int r;

        if (size == 0)
                return -ENOBUFS;
        out[0] = '\0';
        for (size_t i = 0; i + 1 < n; i += 2) {
                uint32_t u = (uint32_t)in[i] << 8 | in[i + 1], cp = u;

                if (u >= 0xD800 && u <= 0xDBFF) {
                        uint32_t lo = i + 3 < n ? ((uint32_t)in[i + 2] << 8 | in[i + 3]) : 0;
                        if (lo >= 0xDC00 && lo <= 0xDFFF) {
                                cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                                i += 2;
                        } else
                                cp = 0xFFFD;
                } else if (u >= 0xDC00 && u <= 0xDFFF)
                        cp = 0xFFFD;
                r = utf8_put(cp, out, size, &o);
                if (r < 0)
                        return r;
        }
        *ret_len = o;
        return 0;
}

/* ---- reading --------------------------------------------------------- */

typedef struct Reader {
        const uint8_t *p;
        size_t len, off;
} Reader;

static int rd_u8(Reader *r, uint8_t *v) {
        if (r->off >= r->len)
                return -EBADMSG;
        *v = r->p[r->off++];
        return 0;
}

static int rd_bytes(Reader *r, size_t n, const uint8_t **v) {
        if (n > r->len - r->off)
                return -EBADMSG;
        *v = r->p + r->off;
        r->off += n;
        return 0;
}

static int bcd_digits(const uint8_t *p, size_t octets, size_t digits, char *out, size_t size) {
        static const char map[] = "0123456789*#abc";
        size_t o = 0;

        for (size_t k = 0; k < digits; k++) {
                uint8_t d = (uint8_t)((p[k / 2] >> ((k % 2) * 4)) & 0x0F);
                if (k / 2 >= octets)
                        return -EBADMSG;
                if (d == 0x0F)
                        break;
                if (o + 1 >= size)
                        return -EBADMSG;
                out[o++] = map[d];
        }
        out[o] = '\0';
        return 0;
}

/* 23.040 9.1.2.5: length in useful semi-octets, TOA, value. */
static int rd_address(Reader *r, SimPdu *pdu) {
        uint8_t len, toa;
        const uint8_t *v;
        size_t octets;
        char *o = pdu->number;
        int rr;

        if ((rr = rd_u8(r, &len)) < 0 || (rr = rd_u8(r, &toa)) < 0)
                return rr;
        if (len > 20)
                return -EBADMSG;
        octets = (len + 1u) / 2u;
        if ((rr = rd_bytes(r, octets, &v)) < 0)
                return rr;
        pdu->toa = toa;
        pdu->alphanumeric = (toa & 0x70) == 0x50;
        if (pdu->alphanumeric) {
                uint8_t septets[24];
                size_t n = (size_t)len * 4 / 7, tl;

                if (septets_unpack(v, octets, 0, n, septets) < 0)
                        return -EBADMSG;
                return sim_gsm7_to_utf8(septets, n, pdu->number, sizeof(pdu->number), &tl) < 0 ? -EBADMSG
                                                                                               : 0;
        }
        if ((toa & 0x70) == 0x10 && len > 0)
                *o++ = '+';
        return bcd_digits(v, octets, len, o, sizeof(pdu->number) - (size_t)(o - pdu->number));
}

static int rd_smsc(Reader *r, SimPdu *pdu) {
        uint8_t len, toa;
        const uint8_t *v;
        char *o = pdu->smsc;

        if (rd_u8(r, &len) < 0)
                return -EBADMSG;
        pdu->smsc[0] = '\0';
        if (len == 0)
                return 0;
        if (len > 11 || rd_u8(r, &toa) < 0 || rd_bytes(r, len - 1u, &v) < 0)
                return -EBADMSG;
        if ((toa & 0x70) == 0x10)
                *o++ = '+';
        return bcd_digits(v, len - 1u, (len - 1u) * 2u, o, sizeof(pdu->smsc) - (size_t)(o - pdu->smsc));
}

static int rd_time(Reader *r, char *out, size_t size) {
        const uint8_t *v;
        int d[7], tz;

        if (rd_bytes(r, 7, &v) < 0)
                return -EBADMSG;
        for (int k = 0; k < 6; k++)
                d[k] = (v[k] & 0x0F) * 10 + (v[k] >> 4);
        tz = (v[6] & 0x07) * 10 + (v[6] >> 4);
        snprintf(out, size, "%02d/%02d/%02d,%02d:%02d:%02d%c%02d", d[0], d[1], d[2], d[3], d[4], d[5],
                 (v[6] & 0x08) ? '-' : '+', tz);
        return 0;
}

/* 23.038 4: alphabet and class from the DCS. */
static void dcs_interpret(uint8_t dcs, SimAlphabet *alpha, int *cls) {
        *alpha = SIM_ALPHABET_GSM7;
        *cls = -1;
        switch (dcs >> 4) {
        case 0x0:
        case 0x1:
        case 0x2:
        case 0x3:
        case 0x4:
        case 0x5:
        case 0x6:
        case 0x7: /* general data coding, maybe marked for deletion */
                if ((dcs >> 2 & 3) == 1)
                        *alpha = SIM_ALPHABET_8BIT;
                else if ((dcs >> 2 & 3) == 2)
                        *alpha = SIM_ALPHABET_UCS2;
                if (dcs & 0x10)
                        *cls = dcs & 3;
                break;
        case 0xE: /* MWI, store, UCS2 */
                *alpha = SIM_ALPHABET_UCS2;
                break;
        case 0xF: /* data coding / message class */
                *alpha = (dcs & 0x04) ? SIM_ALPHABET_8BIT : SIM_ALPHABET_GSM7;
                *cls = dcs & 3;
                break;
        default: /* 0xC, 0xD: MWI with GSM7; 0x8-0xB reserved: treat as GSM7 */
                break;
        }
}

static void parse_udh(SimPdu *pdu) {
        for (size_t i = 0; i + 2 <= pdu->udh_len;) {
                uint8_t iei = pdu->udh[i], l = pdu->udh[i + 1];
                const uint8_t *d = pdu->udh + i + 2;

                if (i + 2 + l > pdu->udh_len)
                        break;
                if (iei == 0x00 && l == 3 && !pdu->has_concat) {
                        pdu->has_concat = true;
                        pdu->concat_bits = 8;
                        pdu->concat_ref = d[0];
                        pdu->concat_total = d[1];
                        pdu->concat_seq = d[2];
                } else if (iei == 0x08 && l == 4 && !pdu->has_concat) {
                        pdu->has_concat = true;
                        pdu->concat_bits = 16;
                        pdu->concat_ref = (unsigned)d[0] << 8 | d[1];
                        pdu->concat_total = d[2];
                        pdu->concat_seq = d[3];
                }
                i += 2u + l;
        }
}

static int rd_user_data(Reader *r, SimPdu *pdu) {
        uint8_t udl;
        size_t octets, hdr_octets = 0;
        const uint8_t *v;
        int rr;

        if (rd_u8(r, &udl) < 0)
                return -EBADMSG;
        if (pdu->alphabet == SIM_ALPHABET_GSM7) {
                if (udl > 160)
                        return -EBADMSG;
                octets = (udl * 7u + 7u) / 8u;
        } else {
                if (udl > 140)
                        return -EBADMSG;
                octets = udl;
        }
        if (rd_bytes(r, octets, &v) < 0)
                return -EBADMSG;
        if (pdu->udhi) {
                if (octets < 1 || v[0] + 1u > octets)
                        return -EBADMSG;
                pdu->udh_len = v[0];
                memcpy(pdu->udh, v + 1, pdu->udh_len);
                hdr_octets = v[0] + 1u;
                parse_udh(pdu);
        }
        if (pdu->alphabet == SIM_ALPHABET_GSM7) {
                size_t hdr_septets = (hdr_octets * 8 + 6) / 7;
                if (hdr_septets > udl)
                        return -EBADMSG;
                pdu->ud_len = udl - hdr_septets;
                if (septets_unpack(v, octets, hdr_septets * 7, pdu->ud_len, pdu->ud) < 0)
                        return -EBADMSG;
                rr = sim_gsm7_to_utf8(pdu->ud, pdu->ud_len, pdu->text, sizeof(pdu->text), &pdu->text_len);
        } else {
                pdu->ud_len = octets - hdr_octets;
                memcpy(pdu->ud, v + hdr_octets, pdu->ud_len);
                if (pdu->alphabet == SIM_ALPHABET_UCS2)
                        rr = sim_ucs2_to_utf8(pdu->ud, pdu->ud_len, pdu->text, sizeof(pdu->text),
                                              &pdu->text_len);
                else {
                        for (size_t k = 0; k < pdu->ud_len; k++)
                                snprintf(pdu->text + 2 * k, 3, "%02X", pdu->ud[k]);
                        pdu->text_len = 2 * pdu->ud_len;
                        rr = 0;
                }
        }
        return rr < 0 ? -EBADMSG : 0;
}

static int hex_nibble(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        c = (char)toupper((unsigned char)c);
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

int sim_pdu_decode(const char *hex, bool has_smsc, bool from_ms, SimPdu *ret) {
        uint8_t bytes[200];
        size_t n = strlen(hex);
        Reader r = {.p = bytes};
        SimPdu pdu = {.msg_class = -1};
        const uint8_t *v;
        uint8_t u;
        int rr;

        if (n == 0 || n % 2 || n / 2 > sizeof(bytes))
                return -EINVAL;
        for (size_t i = 0; i < n; i += 2) {
                int a = hex_nibble(hex[i]), b = hex_nibble(hex[i + 1]);
                if (a < 0 || b < 0)
                        return -EINVAL;
                bytes[i / 2] = (uint8_t)(a << 4 | b);
        }
        r.len = n / 2;
        if (has_smsc && (rr = rd_smsc(&r, &pdu)) < 0)
                return rr;
        if (rd_u8(&r, &pdu.fo) < 0)
                return -EBADMSG;
        pdu.udhi = pdu.fo & 0x40;
        switch (pdu.fo & 0x03) {
        case 0x00:
                if (from_ms)
                        return -EBADMSG; /* SMS-DELIVER-REPORT: not simulated */
                pdu.type = SIM_PDU_DELIVER;
                pdu.srr = pdu.fo & 0x20;
                if ((rr = rd_address(&r, &pdu)) < 0 || rd_u8(&r, &pdu.pid) < 0 || rd_u8(&r, &pdu.dcs) < 0 ||
                    (rr = rd_time(&r, pdu.scts, sizeof(pdu.scts))) < 0)
                        return rr < 0 ? rr : -EBADMSG;
                dcs_interpret(pdu.dcs, &pdu.alphabet, &pdu.msg_class);
                if ((rr = rd_user_data(&r, &pdu)) < 0)
                        return rr;
                break;
        case 0x01:
                if (!from_ms)
                        return -EBADMSG; /* SMS-SUBMIT-REPORT: not simulated */
                pdu.type = SIM_PDU_SUBMIT;
                pdu.srr = pdu.fo & 0x20;
                pdu.vpf = (pdu.fo >> 3) & 0x03;
                if (rd_u8(&r, &pdu.mr) < 0 || (rr = rd_address(&r, &pdu)) < 0 || rd_u8(&r, &pdu.pid) < 0 ||
                    rd_u8(&r, &pdu.dcs) < 0)
                        return -EBADMSG;
                if (pdu.vpf == 2) {
                        if (rd_u8(&r, &pdu.vp[0]) < 0)
                                return -EBADMSG;
                } else if (pdu.vpf != 0) {
                        if (rd_bytes(&r, 7, &v) < 0)
                                return -EBADMSG;
                        memcpy(pdu.vp, v, 7);
                }
                dcs_interpret(pdu.dcs, &pdu.alphabet, &pdu.msg_class);
                if ((rr = rd_user_data(&r, &pdu)) < 0)
                        return rr;
                break;
        case 0x02:
                if (from_ms) {
                        /* 23.040 9.2.2.4 SMS-COMMAND: MR, PID, CT, MN, DA, CDL, CD */
                        pdu.type = SIM_PDU_COMMAND;
                        if (rd_u8(&r, &pdu.mr) < 0 || rd_u8(&r, &pdu.pid) < 0 || rd_u8(&r, &u) < 0 ||
                            rd_u8(&r, &u) < 0 || (rr = rd_address(&r, &pdu)) < 0 || rd_u8(&r, &u) < 0 ||
                            rd_bytes(&r, u, &v) < 0)
                                return -EBADMSG;
                        break;
                }
                /* 23.040 9.2.2.3 SMS-STATUS-REPORT: MR, RA, SCTS, DT, ST, then optional fields */
                pdu.type = SIM_PDU_STATUS_REPORT;
                if (rd_u8(&r, &pdu.mr) < 0 || (rr = rd_address(&r, &pdu)) < 0 ||
                    rd_time(&r, pdu.scts, sizeof(pdu.scts)) < 0 || rd_time(&r, pdu.dt, sizeof(pdu.dt)) < 0 ||
                    rd_u8(&r, &pdu.st) < 0)
                        return -EBADMSG;
                break;
        default:
                return -EBADMSG;
        }
        *ret = pdu;
        return 0;
}

/* ---- writing --------------------------------------------------------- */

typedef struct Writer {
        uint8_t b[200];
        size_t len;
        bool overflow;
} Writer;

static void wr_u8(Writer *w, uint8_t v) {
        if (w->len >= sizeof(w->b)) {
                w->overflow = true;
                return;
        }
        w->b[w->len++] = v;
}

static int wr_bcd(Writer *w, const char *digits) {
        size_t n = strlen(digits);

        for (size_t k = 0; k < n; k += 2) {
                uint8_t lo, hi = 0x0F;
                if (!isdigit((unsigned char)digits[k]))
                        return -EINVAL;
                lo = (uint8_t)(digits[k] - '0');
                if (k + 1 < n) {
                        if (!isdigit((unsigned char)digits[k + 1]))
                                return -EINVAL;
                        hi = (uint8_t)(digits[k + 1] - '0');
                }
                wr_u8(w, (uint8_t)(hi << 4 | lo));
        }
        return 0;
}

static int wr_smsc(Writer *w, const char *smsc) {
        const char *d;

        if (!smsc || !*smsc) {
                wr_u8(w, 0);
                return 0;
        }
        d = smsc[0] == '+' ? smsc + 1 : smsc;
        if (strlen(d) > 20 || strlen(d) == 0)
                return -EINVAL;
        wr_u8(w, (uint8_t)(1 + (strlen(d) + 1) / 2));
        wr_u8(w, smsc[0] == '+' ? 0x91 : 0x81);
        return wr_bcd(w, d);
}

static bool is_digits(const char *s) {
        return *s && strspn(s, "0123456789") == strlen(s);
}

/* Writes an address; numbers as 0x91/0x81 BCD, anything else as 0xD0
 * alphanumeric (GSM 7-bit packed, at most 11 characters). */
static int wr_address(Writer *w, const char *addr, int toa_override) {
        const char *d = addr[0] == '+' ? addr + 1 : addr;

        if (is_digits(d) && strlen(d) <= 20) {
                wr_u8(w, (uint8_t)strlen(d));
                wr_u8(w, toa_override >= 0 ? (uint8_t)toa_override : (addr[0] == '+' ? 0x91 : 0x81));
                return wr_bcd(w, d);
        }
        {
                uint8_t septets[32], packed[32] = {0};
                size_t n, octets;
                int r = sim_gsm7_from_utf8(addr, strlen(addr), septets, 11, &n);

                if (r < 0 || n == 0)
                        return -EINVAL;
                octets = (n * 7 + 7) / 8;
                septets_pack(septets, n, 0, packed);
                wr_u8(w, (uint8_t)((n * 7 + 3) / 4));
                wr_u8(w, 0xD0);
                for (size_t k = 0; k < octets; k++)
                        wr_u8(w, packed[k]);
        }
        return 0;
}

static uint8_t bcd_swap(int v) {
        return (uint8_t)((v % 10) << 4 | (v / 10) % 10);
}

static void wr_time(Writer *w, int64_t t) {
        time_t tt = (time_t)t;
        struct tm tm;

        gmtime_r(&tt, &tm);
        wr_u8(w, bcd_swap(tm.tm_year % 100));
        wr_u8(w, bcd_swap(tm.tm_mon + 1));
        wr_u8(w, bcd_swap(tm.tm_mday));
        wr_u8(w, bcd_swap(tm.tm_hour));
        wr_u8(w, bcd_swap(tm.tm_min));
        wr_u8(w, bcd_swap(tm.tm_sec));
        wr_u8(w, 0x00); /* zone +00 */
}

static int wr_user_data(Writer *w, SimAlphabet alphabet, bool concat, unsigned ref, unsigned ref_bits,
                        unsigned total, unsigned seq, const uint8_t *ud, size_t ud_len) {
        uint8_t hdr[8];
        size_t hl = 0;

        if (concat) {
                if (ref_bits == 16) {
                        hdr[hl++] = 6;
                        hdr[hl++] = 0x08;
                        hdr[hl++] = 4;
                        hdr[hl++] = (uint8_t)(ref >> 8);
                        hdr[hl++] = (uint8_t)ref;
                } else {
                        hdr[hl++] = 5;
                        hdr[hl++] = 0x00;
                        hdr[hl++] = 3;
                        hdr[hl++] = (uint8_t)ref;
                }
                hdr[hl++] = (uint8_t)total;
                hdr[hl++] = (uint8_t)seq;
        }
        if (alphabet == SIM_ALPHABET_GSM7) {
                size_t hdr_septets = (hl * 8 + 6) / 7, udl = hdr_septets + ud_len, octets;
                uint8_t packed[160] = {0};

                if (udl > 160)
                        return -EMSGSIZE;
                octets = (udl * 7 + 7) / 8;
                memcpy(packed, hdr, hl);
                septets_pack(ud, ud_len, hdr_septets * 7, packed);
                wr_u8(w, (uint8_t)udl);
                for (size_t k = 0; k < octets; k++)
                        wr_u8(w, packed[k]);
        } else {
                if (hl + ud_len > 140)
                        return -EMSGSIZE;
                wr_u8(w, (uint8_t)(hl + ud_len));
                for (size_t k = 0; k < hl; k++)
                        wr_u8(w, hdr[k]);
                for (size_t k = 0; k < ud_len; k++)
                        wr_u8(w, ud[k]);
        }
        return 0;
}

static int wr_finish(Writer *w, size_t smsc_octets, char *out, size_t size) {
        if (w->overflow)
                return -EMSGSIZE;
        if (size < w->len * 2 + 1)
                return -ENOBUFS;
        for (size_t k = 0; k < w->len; k++)
                snprintf(out + 2 * k, 3, "%02X", w->b[k]);
        return (int)(w->len - smsc_octets);
}

static uint8_t dcs_for(SimAlphabet alphabet, int msg_class) {
        uint8_t dcs = alphabet == SIM_ALPHABET_UCS2 ? 0x08 : alphabet == SIM_ALPHABET_8BIT ? 0x04 : 0x00;

        if (msg_class >= 0 && msg_class <= 3)
                dcs |= (uint8_t)(0x10 | msg_class);
        return dcs;
}

int sim_pdu_encode_deliver(const SimDeliverSpec *s, char *out, size_t size) {
        Writer w = {0};
        size_t smsc_octets;
        int r;

        if (!s->sender || (s->concat && (s->total < 1 || s->total > 255 || s->seq < 1 || s->seq > s->total)))
                return -EINVAL;
        r = wr_smsc(&w, s->smsc);
        if (r < 0)
                return r;
        smsc_octets = w.len;
        wr_u8(&w, (uint8_t)(0x04 /* TP-MMS: no more messages */ | (s->concat ? 0x40 : 0)));
        r = wr_address(&w, s->sender, -1);
        if (r < 0)
                return r;
        wr_u8(&w, s->pid);
        wr_u8(&w, dcs_for(s->alphabet, s->msg_class));
        wr_time(&w, s->time);
        r = wr_user_data(&w, s->alphabet, s->concat, s->ref, s->ref_bits, s->total, s->seq, s->ud,
                         s->ud_len);
        if (r < 0)
                return r;
        return wr_finish(&w, smsc_octets, out, size);
}

int sim_pdu_encode_submit(const char *smsc, const char *number, uint8_t mr, bool srr, SimAlphabet alphabet,
                          const uint8_t *ud, size_t ud_len, char *out, size_t size) {
        Writer w = {0};
        size_t smsc_octets;
        int r;

        r = wr_smsc(&w, smsc);
        if (r < 0)
                return r;
        smsc_octets = w.len;
        wr_u8(&w, (uint8_t)(0x01 | 0x10 /* VPF relative */ | (srr ? 0x20 : 0)));
        wr_u8(&w, mr);
        r = wr_address(&w, number, -1);
        if (r < 0)
                return r;
        wr_u8(&w, 0x00);
        wr_u8(&w, dcs_for(alphabet, -1));
        wr_u8(&w, 0xA7); /* 24 hours */
        r = wr_user_data(&w, alphabet, false, 0, 8, 0, 0, ud, ud_len);
        if (r < 0)
                return r;
        return wr_finish(&w, smsc_octets, out, size);
}

int sim_pdu_encode_status_report(const char *smsc, uint8_t mr, const char *recipient, uint8_t toa,
                                 int64_t scts, int64_t dt, uint8_t st, char *out, size_t size) {
        Writer w = {0};
        size_t smsc_octets;
        int r;

        r = wr_smsc(&w, smsc);
        if (r < 0)
                return r;
        smsc_octets = w.len;
        wr_u8(&w, 0x06); /* SMS-STATUS-REPORT, TP-MMS */
        wr_u8(&w, mr);
        r = wr_address(&w, recipient, (toa & 0x70) == 0x50 ? -1 : toa);
        if (r < 0)
                return r;
        wr_time(&w, scts);
        wr_time(&w, dt);
        wr_u8(&w, st);
        return wr_finish(&w, smsc_octets, out, size);
}
