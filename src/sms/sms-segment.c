/* Segmentation (3GPP TS 23.040 9.2.3.24.1, 23.038 6.1.2).  See
 * sms-segment.h. */
#include "sms/sms-segment.h"

#include <errno.h>

#include "sms/sms-gsm7.h"
#include "sms/sms-udh.h"
#include "sms/sms-utf8.h"

size_t sms_segment_capacity(SmsEncoding enc, bool single, bool concat_16bit) {
        size_t hdr = single ? 0 : concat_16bit ? SMS_UDH_CONCAT_16_LEN : SMS_UDH_CONCAT_8_LEN;
        switch (enc) {
        case SMS_ENCODING_GSM7:
                /* 140 octets = 160 septets; the header takes ceil(hdr*8/7) septets. */
                return 160 - (hdr * 8 + 6) / 7;
        case SMS_ENCODING_UCS2:
                return (140 - hdr) / 2;
        case SMS_ENCODING_8BIT:
        default:
                return 140 - hdr;
        }
}

/* Units one character costs at text[*i]; advances *i. */
static int next_cost(SmsEncoding enc, const char *text, size_t len, size_t *i) {
        if (enc == SMS_ENCODING_8BIT) {
                (*i)++;
                return 1;
        }
        int32_t cp = sms_utf8_next(text, len, i);
        if (cp < 0)
                return -EINVAL;
        if (enc == SMS_ENCODING_UCS2)
                return cp >= 0x10000 ? 2 : 1;
        uint8_t tmp[2];
        return sms_gsm7_encode_codepoint((uint32_t)cp, tmp);
}

int sms_segment_plan(const char *text, size_t len, const SmsSegmentOptions *opts, SmsSegmentPlan *ret) {
        SmsSegmentOptions o = opts ? *opts : (SmsSegmentOptions){0};
        SmsEncoding enc;
        size_t total = 0;
        int r;

        if (!text && len > 0)
                return -EINVAL;
        switch (o.encoding) {
        case SMS_CHOOSE_8BIT:
                enc = SMS_ENCODING_8BIT;
                break;
        case SMS_CHOOSE_UCS2:
                enc = SMS_ENCODING_UCS2;
                break;
        case SMS_CHOOSE_GSM7:
        case SMS_CHOOSE_AUTO:
                enc = SMS_ENCODING_GSM7;
                break;
        default:
                return -EINVAL;
        }

        /* First pass: validity, encoding and the total. */
        for (size_t i = 0; i < len;) {
                r = next_cost(enc, text, len, &i);
                if (r == -EILSEQ && o.encoding == SMS_CHOOSE_AUTO) {
                        enc = SMS_ENCODING_UCS2; /* restart the count as UTF-16 */
                        total = 0;
                        i = 0;
                        continue;
                }
                if (r < 0)
                        return r;
                total += (size_t)r;
        }

        SmsSegmentPlan plan = {0}, *p = &plan; /* *ret stays untouched on failure */
        p->encoding = enc;
        p->total_units = total;
        p->offset[0] = 0;

        size_t cap = sms_segment_capacity(enc, true, o.concat_16bit);
        if (total <= cap) {
                p->n_parts = 1;
                p->units_per_part = cap;
                p->concatenated = false;
                p->offset[1] = len;
                p->units[0] = total;
                *ret = plan;
                return 0;
        }

        /* Greedy split; a character never straddles two parts. */
        cap = sms_segment_capacity(enc, false, o.concat_16bit);
        size_t n = 0, used = 0;
        for (size_t i = 0; i < len;) {
                size_t at = i;
                r = next_cost(enc, text, len, &i);
                if (r < 0)
                        return r;
                if (used + (size_t)r > cap) {
                        if (n + 1 >= SMS_MAX_PARTS)
                                return -E2BIG;
                        p->units[n] = used;
                        p->offset[++n] = at;
                        used = 0;
                }
                used += (size_t)r;
        }
        p->units[n] = used;
        p->offset[++n] = len;
        p->n_parts = n;
        p->units_per_part = cap;
        p->concatenated = true;
        *ret = plan;
        return 0;
}
