/* SMS-SUBMIT encoder (3GPP TS 23.040 9.2.2.2, 9.2.3.12.1 relative
 * validity, 9.2.3.24.1 concatenation; 23.038 4 TP-DCS).  See
 * sms-encode.h. */
#include "sms/sms-encode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sms/sms-gsm7.h"
#include "sms/sms-ucs2.h"
#include "sms/sms-udh.h"

int sms_encode_address(const char *number, uint8_t *ret_toa, uint8_t *out, size_t size, size_t *ret_digits) {
        if (!number)
                return -EINVAL;
        uint8_t toa = 0x81;
        if (number[0] == '+') {
                toa = 0x91;
                number++;
        }
        size_t n = strlen(number);
        if (n < 1 || n > 20 || (n + 1) / 2 > size)
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                if (number[i] < '0' || number[i] > '9')
                        return -EINVAL;
                unsigned d = (unsigned)(number[i] - '0');
                if (i % 2 == 0)
                        out[i / 2] = (uint8_t)(0xF0 | d);
                else
                        out[i / 2] = (uint8_t)((out[i / 2] & 0x0F) | d << 4);
        }
        *ret_toa = toa;
        *ret_digits = n;
        return 0;
}

SmsSubmit *sms_submit_free(SmsSubmit *s) {
        free(s);
        return NULL;
}

/* Writes the user data of one part (header + body) at ud; returns TP-UDL. */
static int encode_ud(SmsEncoding enc, const char *text, size_t len, const SmsConcat *concat, uint8_t *ud,
                     size_t *ret_ud_octets) {
        size_t hdr = 0;
        int r;

        if (concat) {
                r = sms_udh_write_concat(concat, ud, SMS_UD_MAX, &hdr);
                if (r < 0)
                        return r;
        }
        if (enc == SMS_ENCODING_GSM7) {
                uint8_t septets[SMS_SEPTETS_MAX];
                size_t n, packed;
                size_t hdr_septets = (hdr * 8 + 6) / 7;
                r = sms_gsm7_from_utf8(text, len, septets, SMS_SEPTETS_MAX - hdr_septets, &n);
                if (r < 0)
                        return r;
                r = sms_gsm7_pack(septets, n, (unsigned)(hdr_septets * 7 - hdr * 8), ud + hdr, SMS_UD_MAX - hdr,
                                  &packed);
                if (r < 0)
                        return r;
                *ret_ud_octets = hdr + packed;
                return (int)(hdr_septets + n);
        }
        size_t body;
        if (enc == SMS_ENCODING_UCS2) {
                r = sms_ucs2_from_utf8(text, len, ud + hdr, SMS_UD_MAX - hdr, &body);
                if (r < 0)
                        return r;
        } else {
                if (len > SMS_UD_MAX - hdr)
                        return -ENOBUFS;
                memcpy(ud + hdr, text, len);
                body = len;
        }
        *ret_ud_octets = hdr + body;
        return (int)(hdr + body);
}

int sms_encode_submit(const char *number, const char *text, size_t len, const SmsSubmitOptions *opts,
                      SmsSubmit **ret) {
        SmsSubmitOptions o = opts ? *opts : (SmsSubmitOptions){0};
        uint8_t da[10], smsc[12], vp = 0;
        size_t da_digits, smsc_len = 1;
        uint8_t da_toa;
        int r;

        if (!ret || (!text && len > 0))
                return -EINVAL;
        if (o.has_class && o.msg_class > 3)
                return -EINVAL;
        if (!o.concat_16bit && o.concat_ref > 0xFF)
                return -EINVAL;
        r = sms_encode_address(number, &da_toa, da, sizeof(da), &da_digits);
        if (r < 0)
                return r;
        smsc[0] = 0;
        if (o.smsc && o.smsc[0]) {
                size_t digits;
                r = sms_encode_address(o.smsc, &smsc[1], smsc + 2, sizeof(smsc) - 2, &digits);
                if (r < 0)
                        return r;
                smsc[0] = (uint8_t)(1 + (digits + 1) / 2);
                smsc_len = 1 + smsc[0];
        }
        if (o.validity_minutes > 0 && (r = sms_vp_relative_from_minutes(o.validity_minutes, &vp)) < 0)
                return r;

        SmsSegmentPlan *plan = malloc(sizeof(SmsSegmentPlan));
        if (!plan)
                return -ENOMEM;
        r = sms_segment_plan(text, len, &(SmsSegmentOptions){o.encoding, o.concat_16bit}, plan);
        if (r < 0) {
                free(plan);
                return r;
        }

        SmsSubmit *s = calloc(1, sizeof(SmsSubmit) + plan->n_parts * sizeof(SmsSubmitPart));
        if (!s) {
                free(plan);
                return -ENOMEM;
        }
        s->encoding = plan->encoding;
        s->n_parts = plan->n_parts;
        uint8_t alpha = plan->encoding == SMS_ENCODING_UCS2 ? 0x08 : plan->encoding == SMS_ENCODING_8BIT ? 0x04 : 0x00;
        s->dcs = o.has_class ? (uint8_t)(0x10 | alpha | o.msg_class) : alpha;

        for (size_t i = 0; i < plan->n_parts; i++) {
                uint8_t pdu[SMS_PDU_MAX], ud[SMS_UD_MAX];
                size_t pos = 0, ud_octets;

                memcpy(pdu, smsc, smsc_len);
                pos = smsc_len;
                size_t tpdu_start = pos;
                uint8_t fo = 0x01;
                if (o.reject_duplicates)
                        fo |= 0x04;
                if (o.validity_minutes > 0)
                        fo |= 0x10; /* TP-VPF 10: relative */
                if (o.status_report)
                        fo |= 0x20;
                if (plan->concatenated)
                        fo |= 0x40;
                pdu[pos++] = fo;
                s->parts[i].mr = (uint8_t)(o.mr + i);
                s->parts[i].seq = (uint8_t)(i + 1);
                pdu[pos++] = s->parts[i].mr;
                pdu[pos++] = (uint8_t)da_digits;
                pdu[pos++] = da_toa;
                memcpy(pdu + pos, da, (da_digits + 1) / 2);
                pos += (da_digits + 1) / 2;
                pdu[pos++] = o.pid;
                pdu[pos++] = s->dcs;
                if (o.validity_minutes > 0)
                        pdu[pos++] = vp;

                SmsConcat c = {
                        .present = true,
                        .ref_bits = o.concat_16bit ? 16 : 8,
                        .ref = o.concat_ref,
                        .total = (uint8_t)plan->n_parts,
                        .seq = (uint8_t)(i + 1),
                };
                r = encode_ud(plan->encoding, text + plan->offset[i], plan->offset[i + 1] - plan->offset[i],
                              plan->concatenated ? &c : NULL, ud, &ud_octets);
                if (r >= 0 && pos + 1 + ud_octets > sizeof(pdu))
                        r = -ENOBUFS; /* cannot happen: 29 + 141 < SMS_PDU_MAX */
                if (r < 0) {
                        free(plan);
                        sms_submit_free(s);
                        return r == -ENOBUFS ? -EINVAL : r;
                }
                pdu[pos++] = (uint8_t)r;
                memcpy(pdu + pos, ud, ud_octets);
                pos += ud_octets;
                s->parts[i].tpdu_len = pos - tpdu_start;
                sms_bin_to_hex(pdu, pos, s->parts[i].hex, sizeof(s->parts[i].hex));
        }
        free(plan);
        *ret = s;
        return 0;
}
