/* USSD string helpers (3GPP TS 27.007 7.15 +CUSD; coding by the CBS data
 * coding scheme, 23.038 5; packing 23.038 6.1.2.3): decode the <str> of a
 * +CUSD line by its <dcs>, and pack a request string into the 7-bit hex
 * form that some modems (Huawei) expect with dcs 15.
 *
 * A +CUSD <str> in a GSM 7-bit coding arrives either packed as hex
 * ("AA180C3602") or as plain text, depending on the modem: the caller
 * says which (a profile setting); SMS_USSD_FORM_AUTO takes a string of
 * hex digits whose length is even as packed, and documents that guess. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sms/sms-types.h"

/* 182 septets of USSD (160 octets), 3 UTF-8 bytes per character at worst. */
#define SMS_USSD_TEXT_MAX (182 * 3 + 1)

typedef enum SmsUssdForm {
        SMS_USSD_FORM_AUTO,
        SMS_USSD_FORM_PACKED_HEX, /* GSM 7-bit packed, hex */
        SMS_USSD_FORM_TEXT,       /* already text (the modem decoded it) */
} SmsUssdForm;

typedef struct SmsCbsDcs {
        SmsEncoding encoding;
        bool compressed;
        bool language_prefix; /* 0x10 (3 characters) / 0x11 (2 octets) precede the text */
} SmsCbsDcs;

/* 23.038 5: CBS/USSD data coding scheme.  Reserved values are GSM 7-bit. */
void sms_cbs_dcs_decode(uint8_t dcs, SmsCbsDcs *ret);

typedef struct SmsUssdReply {
        int status;        /* <m>: 0 done, 1 further action required, 2 terminated, ... */
        const char *str;   /* points into the line, quotes removed; NULL when absent */
        size_t str_len;
        int dcs;           /* -1 when absent */
} SmsUssdReply;

/* Parses "+CUSD: <m>[,<str>[,<dcs>]]".  -EBADMSG / -EINVAL. */
int sms_ussd_parse_cusd(const char *line, size_t len, SmsUssdReply *ret, const char **ret_reason);

/* Decodes str by dcs to UTF-8 in out (NUL-terminated).  -EBADMSG (not hex
 * where hex is required, invalid text), -EOPNOTSUPP (compressed, 8-bit),
 * -ENOBUFS (SMS_USSD_TEXT_MAX is always enough for 160 octets). */
int sms_ussd_decode(const char *str, size_t len, uint8_t dcs, SmsUssdForm form, char *out, size_t size,
                    size_t *ret_len);

/* Packs UTF-8 text as GSM 7-bit hex (23.038 6.1.2.3.1: CR padding when 7
 * bits are spare, an extra CR when a final CR ends on an octet boundary).
 * -EILSEQ when a character is not in the GSM alphabet, -EINVAL invalid
 * UTF-8, -E2BIG above 182 septets, -ENOBUFS. */
int sms_ussd_encode_packed_hex(const char *text, size_t len, char *out, size_t size, size_t *ret_len);
