/* libFuzzer target: text-mode headers (+CMGR/+CMGL/+CMT/+CDS) under every
 * character set, bodies, time stamps, +CUSD lines and USSD decoding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sms/sms-text.h"
#include "sms/sms-ussd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *s = (const char *)data, *reason;
        char out[2048];
        size_t len;
        SmsTextHeader h;

        for (unsigned cs = 0; cs < _SMS_CHARSET_MAX; cs++) {
                int r = sms_text_parse_header(s, size, (SmsCharset)cs, &h, &reason);
                if (r == 0) {
                        if (strlen(h.alpha) >= sizeof(h.alpha) || strlen(h.address.number) >= sizeof(h.address.number))
                                abort();
                        (void)sms_text_decode_body(&h, (SmsCharset)cs, s, size, out, sizeof(out), &len);
                }
                if (sms_text_decode_body(NULL, (SmsCharset)cs, s, size, out, sizeof(out), &len) == 0 &&
                    (len >= sizeof(out) || out[len] != '\0'))
                        abort();
        }

        SmsTime t;
        (void)sms_text_parse_time(s, size, &t);

        SmsUssdReply u;
        if (sms_ussd_parse_cusd(s, size, &u, &reason) == 0 && u.str) {
                if (u.str < s || u.str + u.str_len > s + size)
                        abort();
                for (unsigned form = 0; form < 3; form++)
                        (void)sms_ussd_decode(u.str, u.str_len, (uint8_t)(u.dcs < 0 ? 15 : u.dcs), (SmsUssdForm)form,
                                              out, SMS_USSD_TEXT_MAX, &len);
        }
        if (size > 0)
                for (unsigned form = 0; form < 3; form++)
                        (void)sms_ussd_decode(s + 1, size - 1, data[0], (SmsUssdForm)form, out, SMS_USSD_TEXT_MAX,
                                              &len);
        (void)sms_ussd_encode_packed_hex(s, size, out, sizeof(out), &len);
        return 0;
}
