/* SMS TPDU decoding (3GPP TS 23.040 9.2.2.1 SMS-DELIVER, 9.2.2.2
 * SMS-SUBMIT, 9.2.2.3 SMS-STATUS-REPORT; fields in 9.2.3) and TP-DCS
 * (23.038 4).  See sms-pdu.h for the error contract. */
#include "sms/sms-pdu.h"

#include <errno.h>
#include <string.h>

#include "sms/sms-gsm7.h"
#include "sms/sms-ucs2.h"
#include "util/strutil.h"

#define BAD(reason)                                                                                         \
        do {                                                                                                \
                if (ret_reason)                                                                             \
                        *ret_reason = (reason);                                                             \
                return -EBADMSG;                                                                            \
        } while (0)

int sms_hex_to_bin(const char *hex, size_t hex_len, uint8_t *out, size_t size) {
        return hex_decode(hex, hex_len, out, size);
}

int sms_bin_to_hex(const uint8_t *in, size_t len, char *out, size_t size) {
        return hex_encode(in, len, out, size);
}

void sms_dcs_decode(uint8_t dcs, SmsDcs *ret) {
        SmsDcs d = {.raw = dcs, .encoding = SMS_ENCODING_GSM7, .msg_class = -1};
        unsigned group = dcs >> 4;

        if (group <= 0x7) {
                /* 00xx general data coding, 01xx the same marked for automatic deletion. */
                d.auto_delete = group >= 0x4;
                d.compressed = dcs & 0x20;
                if (dcs & 0x10)
                        d.msg_class = dcs & 0x03;
                switch ((dcs >> 2) & 0x03) {
                case 1:
                        d.encoding = SMS_ENCODING_8BIT;
                        break;
                case 2:
                        d.encoding = SMS_ENCODING_UCS2;
                        break;
                default: /* 00 GSM 7-bit; 11 reserved: assume GSM 7-bit */
                        break;
                }
        } else if (group >= 0xC && group <= 0xE) {
                /* Message waiting indication groups. */
                d.mwi = true;
                d.mwi_discard = group == 0xC;
                d.mwi_active = dcs & 0x08;
                d.mwi_kind = (SmsMwiKind)(dcs & 0x03);
                if (group == 0xE)
                        d.encoding = SMS_ENCODING_UCS2;
        } else if (group == 0xF) {
                d.encoding = (dcs & 0x04) ? SMS_ENCODING_8BIT : SMS_ENCODING_GSM7;
                d.msg_class = dcs & 0x03;
        }
        /* 1000..1011: reserved coding groups, GSM 7-bit assumed. */
        *ret = d;
}

uint32_t sms_vp_relative_to_minutes(uint8_t vp) {
        if (vp <= 143)
                return ((uint32_t)vp + 1) * 5;
        if (vp <= 167)
                return 12 * 60 + ((uint32_t)vp - 143) * 30;
        if (vp <= 196)
                return ((uint32_t)vp - 166) * 24 * 60;
        return ((uint32_t)vp - 192) * 7 * 24 * 60;
}

int sms_vp_relative_from_minutes(uint32_t minutes, uint8_t *ret_vp) {
        if (minutes == 0)
                return -EINVAL;
        /* The mapping is monotonic: take the first value that covers it. */
        for (unsigned vp = 0; vp <= 255; vp++)
                if (sms_vp_relative_to_minutes((uint8_t)vp) >= minutes) {
                        *ret_vp = (uint8_t)vp;
                        return 0;
                }
        *ret_vp = 255;
        return 0;
}

int sms_address_decode(uint8_t toa, const uint8_t *value, size_t len_digits, SmsAddress *ret,
                       const char **ret_reason) {
        SmsAddress a = {.toa = toa};
        size_t o = 0;

        if ((toa & 0x70) == 0x50) {
                /* Alphanumeric (23.040 9.1.2.5): GSM 7-bit packed, length in semi-octets. */
                uint8_t septets[24];
                size_t n = len_digits * 4 / 7, len;
                a.alphanumeric = true;
                if (n > sizeof(septets))
                        BAD("address: alphanumeric address too long");
                if (sms_gsm7_unpack(value, (len_digits + 1) / 2, 0, n, septets) < 0)
                        BAD("address: alphanumeric address truncated");
                if (sms_gsm7_to_utf8(septets, n, a.number, sizeof(a.number), &len) < 0)
                        BAD("address: alphanumeric address too long");
                *ret = a;
                return 0;
        }

        static const char digit[16] = "0123456789*#abc";
        if (len_digits > 20)
                BAD("address: more than 20 digits");
        if ((toa & 0x70) == 0x10 && len_digits > 0)
                a.number[o++] = '+';
        for (size_t i = 0; i < len_digits; i++) {
                unsigned d = (value[i / 2] >> ((i % 2) * 4)) & 0x0F;
                if (d == 0x0F)
                        BAD("address: filler digit F inside the number");
                a.number[o++] = digit[d];
        }
        a.number[o] = '\0';
        *ret = a;
        return 0;
}

/* Reads a TP-OA/TP-DA/TP-RA field (23.040 9.1.2.5) at *pos. */
static int read_address(const uint8_t *p, size_t len, size_t *pos, SmsAddress *ret,
                        const char **ret_reason) {
        if (len - *pos < 2)
                BAD("address: truncated before type of address");
        size_t digits = p[*pos];
        uint8_t toa = p[*pos + 1];
        size_t octets = (digits + 1) / 2;
        if (digits > 20)
                BAD("address: length above 20 semi-octets");
        if (len - *pos - 2 < octets)
                BAD("address: value longer than the PDU");
        int r = sms_address_decode(toa, p + *pos + 2, digits, ret, ret_reason);
        if (r < 0)
                return r;
        *pos += 2 + octets;
        return 0;
}

static int bcd2(uint8_t o, unsigned *ret) {
        unsigned lo = o & 0x0F, hi = o >> 4;
        if (lo > 9 || hi > 9)
                return -EBADMSG;
        *ret = lo * 10 + hi;
        return 0;
}

/* TP-SCTS / TP-DT / absolute TP-VP (23.040 9.2.3.11): 7 swapped-BCD octets. */
static int read_time(const uint8_t *p, size_t len, size_t *pos, SmsTime *ret, const char **ret_reason) {
        unsigned v[6];

        if (len - *pos < 7)
                BAD("time stamp: truncated");
        const uint8_t *t = p + *pos;
        for (unsigned i = 0; i < 6; i++)
                if (bcd2(t[i], &v[i]) < 0)
                        BAD("time stamp: digit is not BCD");
        unsigned tens = t[6] & 0x07, units = t[6] >> 4;
        if (units > 9)
                BAD("time stamp: time zone digit is not BCD");
        if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 59)
                BAD("time stamp: field out of range");
        int tz = (int)(tens * 10 + units);
        *ret = (SmsTime){
                .year = (uint16_t)(v[0] >= 90 ? 1900 + v[0] : 2000 + v[0]),
                .month = (uint8_t)v[1],
                .day = (uint8_t)v[2],
                .hour = (uint8_t)v[3],
                .minute = (uint8_t)v[4],
                .second = (uint8_t)v[5],
                .tz_quarter_hours = (int8_t)((t[6] & 0x08) ? -tz : tz),
        };
        *pos += 7;
        return 0;
}

int sms_payload_to_utf8(SmsEncoding enc, const uint8_t *payload, size_t len, char *out, size_t size,
                        size_t *ret_len) {
        switch (enc) {
        case SMS_ENCODING_GSM7:
                return sms_gsm7_to_utf8(payload, len, out, size, ret_len);
        case SMS_ENCODING_UCS2:
                return sms_ucs2_to_utf8(payload, len, out, size, ret_len);
        case SMS_ENCODING_8BIT:
                return -EMEDIUMTYPE;
        default:
                return -EINVAL;
        }
}

/* TP-UDL and TP-UD at *pos (23.040 9.2.3.16, 9.2.3.24). */
static int read_user_data(const uint8_t *p, size_t len, size_t *pos, SmsPart *part, bool *ret_unsupported,
                          const char **ret_reason) {
        if (len - *pos < 1)
                BAD("user data: TP-UDL missing");
        size_t udl = p[(*pos)++], ud_octets;
        bool gsm7 = part->dcs.encoding == SMS_ENCODING_GSM7 && !part->dcs.compressed;

        if (gsm7) {
                if (udl > SMS_SEPTETS_MAX)
                        BAD("user data: more than 160 septets");
                ud_octets = (udl * 7 + 7) / 8;
        } else {
                if (udl > SMS_UD_MAX)
                        BAD("user data: more than 140 octets");
                ud_octets = udl;
        }
        if (len - *pos < ud_octets)
                BAD("user data: shorter than TP-UDL says");
        part->udl = (uint8_t)udl;
        memcpy(part->ud, p + *pos, ud_octets);
        part->ud_len = ud_octets;
        *pos += ud_octets;

        size_t hdr_octets = 0;
        if (part->udhi) {
                if (ud_octets < 1)
                        BAD("user data header: UDHI set but no user data");
                hdr_octets = (size_t)part->ud[0] + 1;
                if (hdr_octets > ud_octets)
                        BAD("user data header: longer than the user data");
                int r = sms_udh_parse(part->ud + 1, hdr_octets - 1, &part->udh, ret_reason);
                if (r < 0)
                        return r;
                part->udh_len = hdr_octets;
        }

        if (part->dcs.compressed ||
            (gsm7 && (part->udh.national_single_shift >= 0 || part->udh.national_locking_shift >= 0))) {
                *ret_unsupported = true;
                return 0;
        }

        if (gsm7) {
                size_t hdr_septets = (hdr_octets * 8 + 6) / 7;
                unsigned fill = (unsigned)(hdr_septets * 7 - hdr_octets * 8);
                if (hdr_septets > udl)
                        BAD("user data header: longer than TP-UDL septets");
                size_t n = udl - hdr_septets;
                if (sms_gsm7_unpack(part->ud + hdr_octets, ud_octets - hdr_octets, fill, n, part->payload) <
                    0)
                        BAD("user data: septets truncated");
                part->payload_len = n;
                return sms_gsm7_to_utf8(part->payload, n, part->text, sizeof(part->text), &part->text_len);
        }

        part->payload_len = ud_octets - hdr_octets;
        memcpy(part->payload, part->ud + hdr_octets, part->payload_len);
        if (part->dcs.encoding == SMS_ENCODING_UCS2)
                return sms_ucs2_to_utf8(part->payload, part->payload_len, part->text, sizeof(part->text),
                                        &part->text_len);
        return 0; /* 8-bit data: payload only */
}

int sms_pdu_decode(const uint8_t *p, size_t len, bool has_smsc, SmsPart *part, const char **ret_reason) {
        size_t pos = 0;
        bool unsupported = false;
        int r;

        if (!p || !part)
                return -EINVAL;
        if (len > SMS_PDU_MAX)
                BAD("PDU longer than any valid PDU");

        part->has_smsc = has_smsc;
        part->smsc = (SmsAddress){0};
        part->udh = (SmsUdh){.national_single_shift = -1, .national_locking_shift = -1};
        part->udh_len = 0;
        part->ud_len = part->payload_len = part->text_len = 0;
        part->text[0] = '\0';
        part->udl = 0;
        part->mr = part->pid = part->status = 0;
        part->status_category = SMS_STATUS_DELIVERED;
        part->vp_format = SMS_VP_NONE;
        part->vp_minutes = 0;
        memset(part->vp_raw, 0, sizeof(part->vp_raw));
        part->vp_absolute = part->scts = part->discharge = (SmsTime){0};
        part->more_messages = part->reply_path = part->status_report = part->reject_duplicates = false;

        if (has_smsc) {
                if (len < 1)
                        BAD("SMSC: empty PDU");
                size_t sl = p[0];
                if (sl > 11)
                        BAD("SMSC: address longer than 11 octets");
                if (len - 1 < sl)
                        BAD("SMSC: address longer than the PDU");
                if (sl >= 1) {
                        size_t digits = (sl - 1) * 2;
                        if (sl >= 2 && (p[sl] >> 4) == 0x0F)
                                digits--;
                        r = sms_address_decode(p[1], p + 2, digits, &part->smsc, ret_reason);
                        if (r < 0)
                                return r;
                }
                pos = 1 + sl;
        }

        if (len - pos < 1)
                BAD("TPDU: missing first octet");
        uint8_t fo = p[pos++];
        part->first_octet = fo;
        part->udhi = fo & 0x40;

        switch (fo & 0x03) {
        case 0x00:
        case 0x03: /* reserved: 23.040 9.2.3.1 says process it as SMS-DELIVER */
                part->type = SMS_TYPE_DELIVER;
                part->more_messages = !(fo & 0x04);
                part->status_report = fo & 0x20;
                part->reply_path = fo & 0x80;
                if ((r = read_address(p, len, &pos, &part->address, ret_reason)) < 0)
                        return r;
                if (len - pos < 2)
                        BAD("SMS-DELIVER: truncated before TP-DCS");
                part->pid = p[pos++];
                sms_dcs_decode(p[pos++], &part->dcs);
                if ((r = read_time(p, len, &pos, &part->scts, ret_reason)) < 0)
                        return r;
                if ((r = read_user_data(p, len, &pos, part, &unsupported, ret_reason)) < 0)
                        return r;
                break;

        case 0x01:
                part->type = SMS_TYPE_SUBMIT;
                part->reject_duplicates = fo & 0x04;
                part->vp_format = (SmsVpFormat)((fo >> 3) & 0x03);
                part->status_report = fo & 0x20;
                part->reply_path = fo & 0x80;
                if (len - pos < 1)
                        BAD("SMS-SUBMIT: truncated before TP-MR");
                part->mr = p[pos++];
                if ((r = read_address(p, len, &pos, &part->address, ret_reason)) < 0)
                        return r;
                if (len - pos < 2)
                        BAD("SMS-SUBMIT: truncated before TP-DCS");
                part->pid = p[pos++];
                sms_dcs_decode(p[pos++], &part->dcs);
                switch (part->vp_format) {
                case SMS_VP_NONE:
                        break;
                case SMS_VP_RELATIVE:
                        if (len - pos < 1)
                                BAD("SMS-SUBMIT: truncated in TP-VP");
                        part->vp_raw[0] = p[pos++];
                        part->vp_minutes = sms_vp_relative_to_minutes(part->vp_raw[0]);
                        break;
                case SMS_VP_ABSOLUTE:
                        if (len - pos < 7)
                                BAD("SMS-SUBMIT: truncated in TP-VP");
                        memcpy(part->vp_raw, p + pos, 7);
                        if ((r = read_time(p, len, &pos, &part->vp_absolute, ret_reason)) < 0)
                                return r;
                        break;
                case SMS_VP_ENHANCED:
                        if (len - pos < 7)
                                BAD("SMS-SUBMIT: truncated in TP-VP");
                        memcpy(part->vp_raw, p + pos, 7);
                        pos += 7;
                        break;
                }
                if ((r = read_user_data(p, len, &pos, part, &unsupported, ret_reason)) < 0)
                        return r;
                break;

        case 0x02:
                part->type = SMS_TYPE_STATUS_REPORT;
                part->more_messages = !(fo & 0x04);
                part->status_report = fo & 0x20; /* TP-SRQ */
                if (len - pos < 1)
                        BAD("SMS-STATUS-REPORT: truncated before TP-MR");
                part->mr = p[pos++];
                if ((r = read_address(p, len, &pos, &part->address, ret_reason)) < 0)
                        return r;
                if ((r = read_time(p, len, &pos, &part->scts, ret_reason)) < 0)
                        return r;
                if ((r = read_time(p, len, &pos, &part->discharge, ret_reason)) < 0)
                        return r;
                if (len - pos < 1)
                        BAD("SMS-STATUS-REPORT: truncated before TP-ST");
                part->status = p[pos++];
                part->status_category = sms_status_category(part->status);
                sms_dcs_decode(0, &part->dcs);
                if (len - pos >= 1) {
                        /* TP-PI (9.2.3.27); bit 7 announces a further PI octet. */
                        uint8_t pi = p[pos++];
                        for (uint8_t ext = pi; ext & 0x80;) {
                                if (len - pos < 1)
                                        BAD("SMS-STATUS-REPORT: truncated in TP-PI");
                                ext = p[pos++];
                        }
                        if (pi & 0x01) {
                                if (len - pos < 1)
                                        BAD("SMS-STATUS-REPORT: TP-PID announced but missing");
                                part->pid = p[pos++];
                        }
                        if (pi & 0x02) {
                                if (len - pos < 1)
                                        BAD("SMS-STATUS-REPORT: TP-DCS announced but missing");
                                sms_dcs_decode(p[pos++], &part->dcs);
                        }
                        if (pi & 0x04) {
                                if ((r = read_user_data(p, len, &pos, part, &unsupported, ret_reason)) < 0)
                                        return r;
                        } else
                                part->udhi = false;
                } else
                        part->udhi = false;
                break;
        }

        part->trailing_octets = len - pos;
        if (unsupported) {
                part->payload_len = part->text_len = 0;
                part->text[0] = '\0';
                if (ret_reason)
                        *ret_reason = part->dcs.compressed
                                              ? "user data: compressed (23.042) not supported"
                                              : "user data: national language shift table not supported";
                return -EOPNOTSUPP;
        }
        return 0;
}

int sms_pdu_hex_tpdu_length(const char *hex, size_t hex_len, size_t *ret_len) {
        uint8_t sl;
        if (!hex || hex_len < 2 || hex_len % 2 || sms_hex_to_bin(hex, 2, &sl, 1) != 1 ||
            hex_len / 2 < 1 + (size_t)sl)
                return -EBADMSG;
        *ret_len = hex_len / 2 - 1 - sl;
        return 0;
}

int sms_pdu_decode_hex(const char *hex, size_t hex_len, bool has_smsc, SmsPart *part,
                       const char **ret_reason) {
        uint8_t buf[SMS_PDU_MAX];

        if (!hex)
                return -EINVAL;
        if (hex_len > 2 * SMS_PDU_MAX)
                BAD("PDU longer than any valid PDU");
        int n = sms_hex_to_bin(hex, hex_len, buf, sizeof(buf));
        if (n < 0) {
                if (ret_reason)
                        *ret_reason = "PDU is not an even number of hex digits";
                return -EINVAL;
        }
        return sms_pdu_decode(buf, (size_t)n, has_smsc, part, ret_reason);
}
