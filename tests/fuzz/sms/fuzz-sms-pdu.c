/* libFuzzer target: SMS PDU decoding (sms_pdu_decode with and without
 * the SMSC prefix, binary and hex), the payload decoder, UDH parser.
 * Checks invariants of successful decodes; any crash is a bug.  When the
 * input is valid UTF-8 it is also sent through the encoder and back: the
 * joined decode must equal the input (the "never change a body" rule). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sms/sms-encode.h"
#include "sms/sms-pdu.h"

static SmsPart part;

static void check(int r) {
        if (r < 0)
                return;
        if (part.text_len >= sizeof(part.text) || part.text[part.text_len] != '\0')
                abort();
        if (part.payload_len > sizeof(part.payload) || part.ud_len > sizeof(part.ud))
                abort();
        if (part.udh.concat.present &&
            (part.udh.concat.seq == 0 || part.udh.concat.seq > part.udh.concat.total))
                abort();
        if (part.dcs.encoding != SMS_ENCODING_8BIT) {
                char out[SMS_TEXT_MAX];
                size_t len;
                if (sms_payload_to_utf8(part.dcs.encoding, part.payload, part.payload_len, out, sizeof(out),
                                        &len) < 0)
                        abort();
                if (len != part.text_len || memcmp(out, part.text, len) != 0)
                        abort();
        }
}

static void roundtrip(const char *text, size_t size) {
        static uint8_t payload[SMS_MAX_PARTS * SMS_SEPTETS_MAX];
        static char joined[SMS_MAX_PARTS * SMS_TEXT_MAX];
        SmsSubmit *s = NULL;
        size_t plen = 0, jlen;

        if (sms_encode_submit("+15555550123", text, size, &(SmsSubmitOptions){.concat_16bit = size % 2}, &s) < 0)
                return; /* invalid UTF-8 */
        for (size_t i = 0; i < s->n_parts; i++) {
                if (sms_pdu_decode_hex(s->parts[i].hex, strlen(s->parts[i].hex), true, &part, NULL) < 0)
                        abort();
                memcpy(payload + plen, part.payload, part.payload_len);
                plen += part.payload_len;
        }
        if (sms_payload_to_utf8(s->encoding, payload, plen, joined, sizeof(joined), &jlen) < 0 || jlen != size ||
            memcmp(joined, text, size) != 0)
                abort();
        sms_submit_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *reason;

        check(sms_pdu_decode(data, size, true, &part, &reason));
        check(sms_pdu_decode(data, size, false, &part, &reason));
        check(sms_pdu_decode_hex((const char *)data, size, true, &part, &reason));
        check(sms_pdu_decode_hex((const char *)data, size, false, &part, &reason));

        SmsUdh udh;
        (void)sms_udh_parse(data, size, &udh, &reason);

        char out[4 * 256 + 1];
        size_t len, n = size > 256 ? 256 : size;
        if (sms_payload_to_utf8(SMS_ENCODING_GSM7, data, n, out, 2 * n + 1, &len) < 0)
                abort();
        if (sms_payload_to_utf8(SMS_ENCODING_UCS2, data, n, out, 3 * ((n + 1) / 2) + 1, &len) < 0)
                abort();
        roundtrip((const char *)data, size);
        return 0;
}
