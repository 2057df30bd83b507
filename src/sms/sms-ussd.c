/* USSD <str> coding (3GPP TS 23.038 5 and 6.1.2.3, 27.007 7.15).  See
 * sms-ussd.h. */
#include "sms/sms-ussd.h"

#include <errno.h>
#include <string.h>

#include "sms/sms-gsm7.h"
#include "sms/sms-pdu.h"
#include "sms/sms-text.h"
#include "sms/sms-ucs2.h"

#define BAD(reason)                                                                                \
        do {                                                                                       \
                if (ret_reason)                                                                    \
                        *ret_reason = (reason);                                                    \
                return -EBADMSG;                                                                   \
        } while (0)

#define USSD_OCTETS_MAX 160
#define USSD_SEPTETS_MAX 182

void sms_cbs_dcs_decode(uint8_t dcs, SmsCbsDcs *ret) {
        SmsCbsDcs d = {.encoding = SMS_ENCODING_GSM7};
        unsigned group = dcs >> 4;

        if (dcs == 0x10)
                d.language_prefix = true;
        else if (dcs == 0x11) {
                d.language_prefix = true;
                d.encoding = SMS_ENCODING_UCS2;
        } else if (group >= 0x4 && group <= 0x7) {
                /* 01xx general data coding (also 1001 with a header). */
                d.compressed = dcs & 0x20;
                unsigned a = (dcs >> 2) & 0x03;
                d.encoding = a == 1 ? SMS_ENCODING_8BIT : a == 2 ? SMS_ENCODING_UCS2 : SMS_ENCODING_GSM7;
        } else if (group == 0x9) {
                unsigned a = (dcs >> 2) & 0x03;
                d.encoding = a == 1 ? SMS_ENCODING_8BIT : a == 2 ? SMS_ENCODING_UCS2 : SMS_ENCODING_GSM7;
        } else if (group == 0xF)
                d.encoding = (dcs & 0x04) ? SMS_ENCODING_8BIT : SMS_ENCODING_GSM7;
        /* 0000, 0010, 0011 language groups and reserved values: GSM 7-bit. */
        *ret = d;
}

int sms_ussd_parse_cusd(const char *line, size_t len, SmsUssdReply *ret, const char **ret_reason) {
        SmsTextField f[4];
        size_t n, i = 0;
        int m = 0;

        if (!line || !ret)
                return -EINVAL;
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
                i++;
        while (len > i && (line[len - 1] == '\r' || line[len - 1] == '\n'))
                len--;
        if (len - i < 6 || memcmp(line + i, "+CUSD:", 6) != 0) {
                if (ret_reason)
                        *ret_reason = "not a +CUSD line";
                return -EINVAL;
        }
        i += 6;
        if (sms_text_split_fields(line + i, len - i, f, 4, &n) < 0)
                BAD("+CUSD: unbalanced quotes or too many fields");
        if (f[0].quoted || f[0].len != 1 || f[0].value[0] < '0' || f[0].value[0] > '5')
                BAD("+CUSD: bad <m>");
        m = f[0].value[0] - '0';
        SmsUssdReply r = {.status = m, .dcs = -1};
        if (n >= 2) {
                r.str = f[1].value;
                r.str_len = f[1].len;
        }
        if (n >= 3 && f[2].len > 0) {
                int v = 0;
                if (f[2].quoted || f[2].len > 3)
                        BAD("+CUSD: bad <dcs>");
                for (size_t k = 0; k < f[2].len; k++) {
                        if (f[2].value[k] < '0' || f[2].value[k] > '9')
                                BAD("+CUSD: bad <dcs>");
                        v = v * 10 + (f[2].value[k] - '0');
                }
                if (v > 255)
                        BAD("+CUSD: bad <dcs>");
                r.dcs = v;
        }
        if (n > 3)
                BAD("+CUSD: too many fields");
        *ret = r;
        return 0;
}

static bool all_hex(const char *s, size_t len) {
        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')))
                        return false;
        }
        return true;
}

int sms_ussd_decode(const char *str, size_t len, uint8_t dcs, SmsUssdForm form, char *out, size_t size,
                    size_t *ret_len) {
        SmsCbsDcs d;
        uint8_t octets[USSD_OCTETS_MAX];
        int n;

        if (!str && len > 0)
                return -EINVAL;
        sms_cbs_dcs_decode(dcs, &d);
        if (d.compressed || d.encoding == SMS_ENCODING_8BIT)
                return -EOPNOTSUPP;

        if (d.encoding == SMS_ENCODING_UCS2) {
                if (form == SMS_USSD_FORM_TEXT || (form == SMS_USSD_FORM_AUTO && (len % 4 || !all_hex(str, len))))
                        return sms_text_decode_string(SMS_CHARSET_UTF8, str, len, out, size, ret_len);
                if (len / 2 > sizeof(octets))
                        return -EBADMSG;
                n = sms_hex_to_bin(str, len, octets, sizeof(octets));
                if (n < 0)
                        return -EBADMSG;
                size_t skip = d.language_prefix ? 2 : 0;
                if ((size_t)n < skip)
                        return -EBADMSG;
                return sms_ucs2_to_utf8(octets + skip, (size_t)n - skip, out, size, ret_len);
        }

        bool packed = form == SMS_USSD_FORM_PACKED_HEX ||
                      (form == SMS_USSD_FORM_AUTO && len > 0 && len % 2 == 0 && all_hex(str, len));
        if (!packed) {
                /* The modem already converted it (to its +CSCS, UTF-8 or ASCII here). */
                size_t skip = d.language_prefix && len >= 3 ? 3 : 0;
                return sms_text_decode_string(SMS_CHARSET_UTF8, str + skip, len - skip, out, size, ret_len);
        }
        if (len / 2 > sizeof(octets))
                return -EBADMSG;
        n = sms_hex_to_bin(str, len, octets, sizeof(octets));
        if (n < 0)
                return -EBADMSG;
        uint8_t septets[USSD_SEPTETS_MAX + 1];
        size_t ns = (size_t)n * 8 / 7;
        if (sms_gsm7_unpack(octets, (size_t)n, 0, ns, septets) < 0)
                return -EBADMSG;
        /* 23.038 6.1.2.3.1: 7 spare bits are padded with CR; a wanted
         * final CR on an octet boundary is followed by another CR. */
        if (ns > 0 && (size_t)n * 8 % 7 == 0 && septets[ns - 1] == '\r')
                ns--;
        size_t skip = d.language_prefix && ns >= 3 ? 3 : 0;
        return sms_gsm7_to_utf8(septets + skip, ns - skip, out, size, ret_len);
}

int sms_ussd_encode_packed_hex(const char *text, size_t len, char *out, size_t size, size_t *ret_len) {
        uint8_t septets[USSD_SEPTETS_MAX + 1], packed[USSD_OCTETS_MAX + 1];
        size_t n, plen;
        int r;

        r = sms_gsm7_from_utf8(text, len, septets, USSD_SEPTETS_MAX, &n);
        if (r == -ENOBUFS)
                return -E2BIG;
        if (r < 0)
                return r;
        if (n % 8 == 7)
                septets[n++] = '\r'; /* 7 spare bits would read as '@' */
        else if (n > 0 && n % 8 == 0 && septets[n - 1] == '\r')
                septets[n++] = '\r'; /* keep a wanted final CR */
        if (n > USSD_SEPTETS_MAX)
                return -E2BIG;
        r = sms_gsm7_pack(septets, n, 0, packed, sizeof(packed), &plen);
        if (r < 0)
                return r;
        r = sms_bin_to_hex(packed, plen, out, size);
        if (r < 0)
                return r;
        *ret_len = (size_t)r;
        return 0;
}
