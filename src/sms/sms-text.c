/* Text-mode header and body parsing (3GPP TS 27.005 3.1 parameter
 * definitions, 3.4.2 +CMGL, 3.4.3 +CMGR, 3.4.1 +CMT/+CDS) and the +CSCS
 * character sets (27.007 5.5).  See sms-text.h. */
#include "sms/sms-text.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "sms/sms-gsm7.h"
#include "sms/sms-pdu.h"
#include "sms/sms-ucs2.h"
#include "sms/sms-utf8.h"

#define BAD(reason)                                                                                \
        do {                                                                                       \
                if (ret_reason)                                                                    \
                        *ret_reason = (reason);                                                    \
                return -EBADMSG;                                                                   \
        } while (0)

static const char *const kind_table[_SMS_TEXT_KIND_MAX] = {
        [SMS_TEXT_CMGR] = "+CMGR:",
        [SMS_TEXT_CMGL] = "+CMGL:",
        [SMS_TEXT_CMT] = "+CMT:",
        [SMS_TEXT_CDS] = "+CDS:",
};

static const char *const charset_table[_SMS_CHARSET_MAX] = {
        [SMS_CHARSET_IRA] = "IRA",   [SMS_CHARSET_GSM] = "GSM",       [SMS_CHARSET_UCS2] = "UCS2",
        [SMS_CHARSET_HEX] = "HEX",   [SMS_CHARSET_8859_1] = "8859-1", [SMS_CHARSET_UTF8] = "UTF-8",
};

const char *sms_text_kind_to_string(SmsTextKind k) {
        return (unsigned)k < _SMS_TEXT_KIND_MAX ? kind_table[k] : NULL;
}

const char *sms_charset_to_string(SmsCharset c) {
        return (unsigned)c < _SMS_CHARSET_MAX ? charset_table[c] : NULL;
}

int sms_charset_from_string(const char *s, SmsCharset *ret) {
        if (!s)
                return -EINVAL;
        for (unsigned i = 0; i < _SMS_CHARSET_MAX; i++)
                if (strcasecmp(s, charset_table[i]) == 0) {
                        *ret = (SmsCharset)i;
                        return 0;
                }
        if (strcasecmp(s, "UTF8") == 0) {
                *ret = SMS_CHARSET_UTF8;
                return 0;
        }
        return -EINVAL;
}

static bool is_space(char c) {
        return c == ' ' || c == '\t';
}

int sms_text_split_fields(const char *s, size_t len, SmsTextField *fields, size_t max, size_t *ret_n) {
        size_t i = 0, n = 0;

        for (;;) {
                SmsTextField f = {0};
                while (i < len && is_space(s[i]))
                        i++;
                if (i < len && s[i] == '"') {
                        const char *close = memchr(s + i + 1, '"', len - i - 1);
                        if (!close)
                                return -EBADMSG;
                        f = (SmsTextField){s + i + 1, (size_t)(close - (s + i + 1)), true};
                        i = (size_t)(close - s) + 1;
                        while (i < len && is_space(s[i]))
                                i++;
                        if (i < len && s[i] != ',')
                                return -EBADMSG;
                } else {
                        size_t start = i;
                        while (i < len && s[i] != ',') {
                                if (s[i] == '"')
                                        return -EBADMSG;
                                i++;
                        }
                        size_t end = i;
                        while (end > start && is_space(s[end - 1]))
                                end--;
                        f = (SmsTextField){s + start, end - start, false};
                }
                if (n >= max)
                        return -E2BIG;
                fields[n++] = f;
                if (i >= len)
                        break;
                i++; /* the comma */
        }
        *ret_n = n;
        return 0;
}

/* Unquoted decimal in [0, max]; empty -> -1 (absent). */
static int field_int(const SmsTextField *f, int max, int *ret) {
        if (f->len == 0) {
                *ret = -1;
                return 0;
        }
        if (f->quoted || f->len > 9)
                return -EBADMSG;
        int v = 0;
        for (size_t i = 0; i < f->len; i++) {
                if (f->value[i] < '0' || f->value[i] > '9')
                        return -EBADMSG;
                v = v * 10 + (f->value[i] - '0');
        }
        if (v > max)
                return -EBADMSG;
        *ret = v;
        return 0;
}

static int field_stat(const SmsTextField *f, int *ret) {
        static const char *const names[] = {"REC UNREAD", "REC READ", "STO UNSENT", "STO SENT", "ALL"};
        if (!f->quoted)
                return field_int(f, 4, ret);
        for (int i = 0; i < 5; i++)
                if (strlen(names[i]) == f->len && strncasecmp(f->value, names[i], f->len) == 0) {
                        *ret = i;
                        return 0;
                }
        return -EBADMSG;
}

int sms_text_decode_string(SmsCharset cs, const char *s, size_t len, char *out, size_t size, size_t *ret_len) {
        uint8_t buf[SMS_SEPTETS_MAX * 2 + 8];
        size_t o = 0;
        int n;

        switch (cs) {
        case SMS_CHARSET_UCS2:
                if (len % 4 || len / 2 > sizeof(buf))
                        return -EBADMSG;
                n = sms_hex_to_bin(s, len, buf, sizeof(buf));
                if (n < 0)
                        return -EBADMSG;
                return sms_ucs2_to_utf8(buf, (size_t)n, out, size, ret_len);
        case SMS_CHARSET_HEX:
                if (len / 2 > sizeof(buf))
                        return -EBADMSG;
                n = sms_hex_to_bin(s, len, buf, sizeof(buf));
                if (n < 0)
                        return -EBADMSG;
                for (int i = 0; i < n; i++)
                        if (buf[i] & 0x80)
                                return -EBADMSG;
                return sms_gsm7_to_utf8(buf, (size_t)n, out, size, ret_len);
        case SMS_CHARSET_GSM:
                for (size_t i = 0; i < len; i++)
                        if ((uint8_t)s[i] & 0x80)
                                return -EBADMSG;
                return sms_gsm7_to_utf8((const uint8_t *)s, len, out, size, ret_len);
        case SMS_CHARSET_8859_1:
                for (size_t i = 0; i < len; i++) {
                        uint32_t cp = (uint8_t)s[i] ? (uint8_t)s[i] : 0xFFFD; /* NUL would end the text */
                        if (o + sms_utf8_len(cp) + 1 > size)
                                return -ENOBUFS;
                        o += sms_utf8_put(out + o, cp);
                }
                break;
        case SMS_CHARSET_IRA:
        case SMS_CHARSET_UTF8:
                for (size_t i = 0; i < len;) {
                        int32_t cp = sms_utf8_next(s, len, &i);
                        if (cp < 0 || (cs == SMS_CHARSET_IRA && cp >= 0x80))
                                return -EBADMSG;
                }
                if (len + 1 > size)
                        return -ENOBUFS;
                memcpy(out, s, len);
                o = len;
                break;
        default:
                return -EINVAL;
        }
        if (o + 1 > size)
                return -ENOBUFS;
        out[o] = '\0';
        *ret_len = o;
        return 0;
}

/* Header strings: in UCS2/HEX a modem may still print a number plainly
 * ("+1555..."): only a string that is valid in the character set is
 * decoded, anything else must be plain printable ASCII. */
static int field_string(SmsCharset cs, const SmsTextField *f, char *out, size_t size) {
        size_t l;
        if (sms_text_decode_string(cs, f->value, f->len, out, size, &l) == 0 && strlen(out) == l)
                return 0;
        for (size_t i = 0; i < f->len; i++)
                if ((uint8_t)f->value[i] < 0x20 || (uint8_t)f->value[i] >= 0x7F)
                        return -EBADMSG;
        if (f->len + 1 > size)
                return -EBADMSG;
        memcpy(out, f->value, f->len);
        out[f->len] = '\0';
        return 0;
}

static int field_address(SmsCharset cs, const SmsTextField *num, const SmsTextField *toa, SmsAddress *ret) {
        SmsAddress a = {0};
        int t = -1, r;
        char tmp[SMS_ADDRESS_MAX];

        if (toa && (r = field_int(toa, 255, &t)) < 0)
                return r;
        if ((r = field_string(cs, num, tmp, sizeof(tmp))) < 0)
                return r;
        a.toa = t < 0 ? 0 : (uint8_t)t;
        a.alphanumeric = t >= 0 && (t & 0x70) == 0x50;
        /* 27.005: 145 means international; some modems drop the '+'. */
        if (t >= 0 && (t & 0x70) == 0x10 && tmp[0] && tmp[0] != '+') {
                if (strlen(tmp) + 2 > sizeof(a.number))
                        return -EBADMSG;
                a.number[0] = '+';
                memcpy(a.number + 1, tmp, strlen(tmp) + 1);
        } else
                memcpy(a.number, tmp, sizeof(tmp));
        *ret = a;
        return 0;
}

static int two_digits(const char *s, unsigned *ret) {
        if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
                return -EBADMSG;
        *ret = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
        return 0;
}

int sms_text_parse_time(const char *s, size_t len, SmsTime *ret) {
        unsigned v[6], year;
        size_t i = 0;

        /* Year: 2 digits (27.005) or 4 (seen in the wild). */
        if (len >= 4 && s[2] >= '0' && s[2] <= '9') {
                unsigned hi, lo;
                if (two_digits(s, &hi) < 0 || two_digits(s + 2, &lo) < 0)
                        return -EBADMSG;
                year = hi * 100 + lo;
                i = 4;
        } else {
                if (len < 2 || two_digits(s, &year) < 0)
                        return -EBADMSG;
                year = year >= 90 ? 1900 + year : 2000 + year;
                i = 2;
        }
        static const char seps[5] = {'/', '/', ',', ':', ':'};
        for (unsigned k = 0; k < 5; k++) {
                if (len < i + 3 || s[i] != seps[k] || two_digits(s + i + 1, &v[k + 1]) < 0)
                        return -EBADMSG;
                i += 3;
        }
        int tz = 0;
        if (i < len) {
                if (s[i] != '+' && s[i] != '-')
                        return -EBADMSG;
                size_t d = len - i - 1;
                if (d < 1 || d > 2)
                        return -EBADMSG;
                for (size_t k = 0; k < d; k++) {
                        char c = s[i + 1 + k];
                        if (c < '0' || c > '9')
                                return -EBADMSG;
                        tz = tz * 10 + (c - '0');
                }
                if (tz > 79)
                        return -EBADMSG;
                if (s[i] == '-')
                        tz = -tz;
        }
        if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 59)
                return -EBADMSG;
        *ret = (SmsTime){(uint16_t)year, (uint8_t)v[1], (uint8_t)v[2], (uint8_t)v[3], (uint8_t)v[4],
                         (uint8_t)v[5], (int8_t)tz};
        return 0;
}

static int field_time(const SmsTextField *f, SmsTime *t, bool *has) {
        if (f->len == 0) {
                *has = false;
                return 0;
        }
        int r = sms_text_parse_time(f->value, f->len, t);
        if (r < 0)
                return r;
        *has = true;
        return 0;
}

#define TRY(expr, reason)                                                                          \
        do {                                                                                       \
                if ((expr) < 0)                                                                    \
                        BAD(reason);                                                               \
        } while (0)

/* <fo>,<mr>,[<ra>],[<tora>],<scts>,<dt>,<st> starting at f. */
static int parse_report(SmsCharset cs, const SmsTextField *f, SmsTextHeader *h, const char **ret_reason) {
        h->type = SMS_TYPE_STATUS_REPORT;
        TRY(field_int(&f[0], 255, &h->fo), "status report: bad <fo>");
        TRY(field_int(&f[1], 255, &h->mr), "status report: bad <mr>");
        TRY(field_address(cs, &f[2], &f[3], &h->address), "status report: bad <ra>/<tora>");
        TRY(field_time(&f[4], &h->scts, &h->has_scts), "status report: bad <scts>");
        TRY(field_time(&f[5], &h->discharge, &h->has_discharge), "status report: bad <dt>");
        TRY(field_int(&f[6], 255, &h->st), "status report: bad <st>");
        if (h->st < 0)
                BAD("status report: <st> missing");
        h->status_category = sms_status_category((uint8_t)h->st);
        return 0;
}

/* ,<tooa>,<fo>,<pid>,<dcs>,<sca>,<tosca>,<length> of a DELIVER (or the
 * SUBMIT form with [<vp>] before <sca>). */
static int parse_details(SmsCharset cs, const SmsTextField *f, bool submit, SmsTextHeader *h,
                         const char **ret_reason) {
        int toa;
        TRY(field_int(&f[0], 255, &toa), "text header: bad type of address");
        h->address.toa = toa < 0 ? 0 : (uint8_t)toa;
        h->address.alphanumeric = toa >= 0 && (toa & 0x70) == 0x50;
        if (toa >= 0 && (h->address.toa & 0x70) == 0x10 && h->address.number[0] && h->address.number[0] != '+') {
                size_t l = strlen(h->address.number);
                if (l + 2 > sizeof(h->address.number))
                        BAD("text header: address too long");
                memmove(h->address.number + 1, h->address.number, l + 1);
                h->address.number[0] = '+';
        }
        TRY(field_int(&f[1], 255, &h->fo), "text header: bad <fo>");
        TRY(field_int(&f[2], 255, &h->pid), "text header: bad <pid>");
        TRY(field_int(&f[3], 255, &h->dcs), "text header: bad <dcs>");
        size_t k = submit ? 5 : 4; /* skip <vp> in the SUBMIT form */
        TRY(field_address(cs, &f[k], &f[k + 1], &h->sca), "text header: bad <sca>/<tosca>");
        TRY(field_int(&f[k + 2], INT_MAX, &h->length), "text header: bad <length>");
        return 0;
}

int sms_text_parse_header(const char *line, size_t len, SmsCharset cs, SmsTextHeader *ret,
                          const char **ret_reason) {
        SmsTextField f[SMS_TEXT_MAX_FIELDS];
        SmsTextHeader h = {
                .index = -1, .stat = -1, .length = -1, .fo = -1, .pid = -1, .dcs = -1, .mr = -1, .st = -1,
        };
        size_t n, i = 0;
        int r;

        if (!line || !ret)
                return -EINVAL;
        while (i < len && is_space(line[i]))
                i++;
        while (len > i && (line[len - 1] == '\r' || line[len - 1] == '\n'))
                len--;
        unsigned k;
        for (k = 0; k < _SMS_TEXT_KIND_MAX; k++) {
                size_t pl = strlen(kind_table[k]);
                if (len - i >= pl && memcmp(line + i, kind_table[k], pl) == 0) {
                        i += pl;
                        break;
                }
        }
        if (k == _SMS_TEXT_KIND_MAX) {
                if (ret_reason)
                        *ret_reason = "not a +CMGR/+CMGL/+CMT/+CDS line";
                return -EINVAL;
        }
        h.kind = (SmsTextKind)k;
        r = sms_text_split_fields(line + i, len - i, f, SMS_TEXT_MAX_FIELDS, &n);
        if (r < 0)
                BAD("text header: unbalanced quotes or too many fields");

        switch (h.kind) {
        case SMS_TEXT_CMGL:
                TRY(field_int(&f[0], INT_MAX, &h.index), "+CMGL: bad <index>");
                if (h.index < 0)
                        BAD("+CMGL: <index> missing");
                if (n < 2)
                        BAD("+CMGL: too few fields");
                /* The rest is laid out like +CMGR without the index. */
                memmove(f, f + 1, (n - 1) * sizeof(f[0]));
                n--;
                __attribute__((fallthrough));
        case SMS_TEXT_CMGR:
                if (n < 2)
                        BAD("text header: too few fields");
                TRY(field_stat(&f[0], &h.stat), "text header: bad <stat>");
                if (!f[0].quoted) {
                        /* PDU mode: <stat>,[<alpha>],<length> */
                        if (n != 2 && n != 3)
                                BAD("PDU-mode header: expected <stat>,[<alpha>],<length>");
                        h.pdu_mode = true;
                        if (n == 3)
                                TRY(field_string(cs, &f[1], h.alpha, sizeof(h.alpha)), "PDU-mode header: bad <alpha>");
                        TRY(field_int(&f[n - 1], INT_MAX, &h.length), "PDU-mode header: bad <length>");
                        if (h.length < 0)
                                BAD("PDU-mode header: <length> missing");
                        break;
                }
                if (n == 8 && !f[1].quoted && f[1].len > 0) {
                        r = parse_report(cs, f + 1, &h, ret_reason);
                        if (r < 0)
                                return r;
                        break;
                }
                h.type = h.stat == 2 || h.stat == 3 ? SMS_TYPE_SUBMIT : SMS_TYPE_DELIVER;
                TRY(field_address(cs, &f[1], NULL, &h.address), "text header: bad <oa>/<da>");
                if (n >= 3)
                        TRY(field_string(cs, &f[2], h.alpha, sizeof(h.alpha)), "text header: bad <alpha>");
                if (h.kind == SMS_TEXT_CMGL) {
                        /* <oa/da>,[<alpha>],[<scts>][,<tooa/toda>,<length>] */
                        if (n != 3 && n != 4 && n != 6)
                                BAD("+CMGL: unexpected number of fields");
                        if (n >= 4)
                                TRY(field_time(&f[3], &h.scts, &h.has_scts), "+CMGL: bad <scts>");
                        if (n == 6) {
                                SmsAddress a;
                                TRY(field_address(cs, &f[1], &f[4], &a), "+CMGL: bad type of address");
                                h.address = a;
                                TRY(field_int(&f[5], INT_MAX, &h.length), "+CMGL: bad <length>");
                        }
                } else if (h.type == SMS_TYPE_DELIVER) {
                        if (n != 4 && n != 11)
                                BAD("+CMGR: unexpected number of fields for SMS-DELIVER");
                        TRY(field_time(&f[3], &h.scts, &h.has_scts), "+CMGR: bad <scts>");
                        if (n == 11 && (r = parse_details(cs, f + 4, false, &h, ret_reason)) < 0)
                                return r;
                } else {
                        if (n != 3 && n != 11)
                                BAD("+CMGR: unexpected number of fields for SMS-SUBMIT");
                        if (n == 11 && (r = parse_details(cs, f + 3, true, &h, ret_reason)) < 0)
                                return r;
                }
                break;

        case SMS_TEXT_CMT:
                if (n == 2 && !f[1].quoted) {
                        h.pdu_mode = true;
                        TRY(field_string(cs, &f[0], h.alpha, sizeof(h.alpha)), "+CMT: bad <alpha>");
                        TRY(field_int(&f[1], INT_MAX, &h.length), "+CMT: bad <length>");
                        if (h.length < 0)
                                BAD("+CMT: <length> missing");
                        break;
                }
                if (n != 3 && n != 10)
                        BAD("+CMT: unexpected number of fields");
                h.type = SMS_TYPE_DELIVER;
                TRY(field_address(cs, &f[0], NULL, &h.address), "+CMT: bad <oa>");
                TRY(field_string(cs, &f[1], h.alpha, sizeof(h.alpha)), "+CMT: bad <alpha>");
                TRY(field_time(&f[2], &h.scts, &h.has_scts), "+CMT: bad <scts>");
                if (n == 10 && (r = parse_details(cs, f + 3, false, &h, ret_reason)) < 0)
                        return r;
                break;

        case SMS_TEXT_CDS:
                if (n == 1) {
                        h.pdu_mode = true;
                        TRY(field_int(&f[0], INT_MAX, &h.length), "+CDS: bad <length>");
                        if (h.length < 0)
                                BAD("+CDS: <length> missing");
                        break;
                }
                if (n != 7)
                        BAD("+CDS: unexpected number of fields");
                r = parse_report(cs, f, &h, ret_reason);
                if (r < 0)
                        return r;
                break;

        default:
                return -EINVAL;
        }

        /* <fo> settles the message type when given (23.040 TP-MTI). */
        if (!h.pdu_mode && h.fo >= 0) {
                unsigned mti = (unsigned)h.fo & 0x03;
                h.type = mti == 1 ? SMS_TYPE_SUBMIT : mti == 2 ? SMS_TYPE_STATUS_REPORT : SMS_TYPE_DELIVER;
        }
        *ret = h;
        return 0;
}

int sms_text_decode_body(const SmsTextHeader *h, SmsCharset cs, const char *body, size_t len, char *out,
                         size_t size, size_t *ret_len) {
        if (!body && len > 0)
                return -EINVAL;
        while (len > 0 && (body[len - 1] == '\r' || body[len - 1] == '\n'))
                len--;
        if (h && h->dcs >= 0) {
                SmsDcs d;
                bool udhi = h->fo >= 0 && (h->fo & 0x40);
                sms_dcs_decode((uint8_t)h->dcs, &d);
                if (d.compressed)
                        return -EOPNOTSUPP;
                if (d.encoding == SMS_ENCODING_8BIT)
                        return -EMEDIUMTYPE;
                if (d.encoding == SMS_ENCODING_UCS2) {
                        uint8_t buf[SMS_UD_MAX];
                        int n = len / 2 <= sizeof(buf) ? sms_hex_to_bin(body, len, buf, sizeof(buf)) : -EBADMSG;
                        if (n < 0)
                                return -EBADMSG;
                        size_t skip = 0;
                        if (udhi) {
                                if (n < 1 || (size_t)buf[0] + 1 > (size_t)n)
                                        return -EBADMSG;
                                skip = (size_t)buf[0] + 1;
                        }
                        return sms_ucs2_to_utf8(buf + skip, (size_t)n - skip, out, size, ret_len);
                }
                if (udhi)
                        return -EOPNOTSUPP;
        }
        return sms_text_decode_string(cs, body, len, out, size, ret_len);
}
