/* SMS TPDU decoding (3GPP TS 23.040 9.2.2): SMS-DELIVER, SMS-SUBMIT (as
 * read back from sent storage) and SMS-STATUS-REPORT, with or without the
 * SMSC address that AT+CMGR/+CMGL/+CMT/+CDS put in front (27.005 3.1:
 * PDU mode always has it).  Also the TP-DCS decoder (23.038 4) and the
 * relative validity period mapping (23.040 9.2.3.12.1).
 *
 * The decoder writes into a caller-provided SmsPart with fixed buffers:
 * no allocation, no globals.  Every length is checked against the real
 * buffer; a malformed PDU is -EBADMSG with a static reason string, never a
 * guess.  Octets after the end of the user data are tolerated and counted
 * in SmsPart.trailing_octets.
 *
 * Errors:
 *   -EBADMSG     malformed (reason says what)
 *   -EOPNOTSUPP  well-formed, but the text cannot be decoded faithfully:
 *                compressed user data (23.042) or a national language
 *                shift table in a 7-bit message.  Every header field of
 *                the part is valid and ud/ud_len hold the raw user data;
 *                text is empty.  Keep the raw PDU.
 *   -EINVAL      bad arguments, or hex that is not hex
 * On other failures the content of *part is unspecified (it is scratch
 * space, written in place for speed). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sms/sms-types.h"
#include "sms/sms-udh.h"

/* TP-UD is at most 140 octets: 160 septets, 70 UTF-16 units. */
#define SMS_UD_MAX 140
#define SMS_SEPTETS_MAX 160
/* UTF-8 of one part: 2 bytes per septet at most (3 per escaped pair),
 * 3 per UTF-16 unit; plus the NUL. */
#define SMS_TEXT_MAX (SMS_SEPTETS_MAX * 2 + 1)
/* A whole PDU with SMSC: 12 (SMSC) + at most 175 (longest TPDU: a status
 * report with every optional field and 140 octets of user data). */
#define SMS_PDU_MAX 200

typedef enum SmsMwiKind {
        SMS_MWI_VOICEMAIL = 0,
        SMS_MWI_FAX = 1,
        SMS_MWI_EMAIL = 2,
        SMS_MWI_OTHER = 3,
} SmsMwiKind;

typedef struct SmsDcs {
        uint8_t raw;
        SmsEncoding encoding;
        int msg_class;   /* 0..3, -1 when the DCS gives none */
        bool compressed; /* 23.042 compression: not supported */
        bool auto_delete; /* coding group 01xx */
        /* Message waiting indication groups 1100/1101/1110 (23.038 4). */
        bool mwi;
        bool mwi_active;  /* indication set (true) or cleared */
        bool mwi_discard; /* group 1100: the SME may discard the text */
        SmsMwiKind mwi_kind;
} SmsDcs;

/* Decodes a TP-DCS octet.  Reserved values decode as GSM 7-bit, as
 * 23.038 4 tells a receiver to.  Never fails. */
void sms_dcs_decode(uint8_t dcs, SmsDcs *ret);

/* 23.040 9.2.3.12.1: TP-VP relative value <-> minutes.  From minutes the
 * smallest value covering the request is chosen (capped at 63 weeks);
 * 0 minutes is not a validity period (-EINVAL). */
uint32_t sms_vp_relative_to_minutes(uint8_t vp);
int sms_vp_relative_from_minutes(uint32_t minutes, uint8_t *ret_vp);

typedef enum SmsVpFormat {
        SMS_VP_NONE = 0,
        SMS_VP_ENHANCED = 1,
        SMS_VP_RELATIVE = 2,
        SMS_VP_ABSOLUTE = 3,
} SmsVpFormat;

typedef struct SmsPart {
        SmsType type;
        uint8_t first_octet; /* TP-MTI and flags as received */

        bool has_smsc;
        SmsAddress smsc; /* empty number when absent or given as "00" */

        /* DELIVER: originator (TP-OA); SUBMIT: destination (TP-DA);
         * STATUS-REPORT: recipient (TP-RA). */
        SmsAddress address;

        bool more_messages;    /* DELIVER/STATUS-REPORT: TP-MMS set = no more waiting */
        bool reply_path;       /* TP-RP */
        bool status_report;    /* DELIVER: TP-SRI; SUBMIT: TP-SRR; REPORT: TP-SRQ */
        bool reject_duplicates; /* SUBMIT: TP-RD */
        bool udhi;             /* TP-UDHI */

        uint8_t mr; /* TP-MR: SUBMIT and STATUS-REPORT */

        uint8_t pid;
        SmsDcs dcs; /* STATUS-REPORT without TP-DCS: raw 0, GSM 7-bit, no class */

        SmsTime scts;      /* DELIVER and STATUS-REPORT: TP-SCTS */
        SmsTime discharge; /* STATUS-REPORT: TP-DT */

        uint8_t status; /* STATUS-REPORT: TP-ST */
        SmsStatusCategory status_category;

        /* SUBMIT: TP-VP.  vp_raw holds the octets (1 relative, 7 otherwise). */
        SmsVpFormat vp_format;
        uint8_t vp_raw[7];
        uint32_t vp_minutes; /* relative format only */
        SmsTime vp_absolute; /* absolute format only */

        /* User data header, parsed. */
        SmsUdh udh;
        size_t udh_len; /* octets including the UDHL octet; 0 without UDHI */

        uint8_t udl; /* TP-UDL as received: septets for GSM 7-bit, else octets */
        uint8_t ud[SMS_UD_MAX]; /* raw TP-UD octets, header included */
        size_t ud_len;

        /* The body after the header, in the units reassembly concatenates
         * before decoding (23.040 9.2.3.24.1): unpacked septets for GSM
         * 7-bit, octets for UCS2 (so a surrogate pair split across parts
         * joins again) and 8-bit data. */
        uint8_t payload[SMS_SEPTETS_MAX];
        size_t payload_len;

        /* UTF-8 text of this part alone, NUL-terminated; empty for 8-bit
         * data.  text_len is authoritative (U+0000 is possible in UCS2). */
        char text[SMS_TEXT_MAX];
        size_t text_len;

        size_t trailing_octets; /* octets after the user data, ignored */
} SmsPart;

/* Decodes a binary PDU.  has_smsc: the PDU starts with the SMSC address
 * (always true for 27.005 PDU mode). */
int sms_pdu_decode(const uint8_t *pdu, size_t len, bool has_smsc, SmsPart *part, const char **ret_reason);
/* Same from the hex line the modem prints. */
int sms_pdu_decode_hex(const char *hex, size_t hex_len, bool has_smsc, SmsPart *part,
                       const char **ret_reason);

/* TPDU octets of a hex PDU that starts with the SMSC address: what the
 * <length> of +CMGR/+CMGL/+CMT/+CDS and AT+CMGS count (27.005 3.1).
 * -EBADMSG when the hex is odd or shorter than its SMSC field. */
int sms_pdu_hex_tpdu_length(const char *hex, size_t hex_len, size_t *ret_len);

/* Decodes a payload (concatenated SmsPart.payload of every part, in
 * sequence order) to UTF-8 in out, NUL-terminated.  8-bit data is
 * -EMEDIUMTYPE (it is not text).  -ENOBUFS when out is too small: 2 bytes
 * per septet or 3 per UCS2 octet pair, plus 1, are always enough. */
int sms_payload_to_utf8(SmsEncoding enc, const uint8_t *payload, size_t len, char *out, size_t size,
                        size_t *ret_len);

/* Hex helpers (upper or lower case in, upper case out).  hex_to_bin
 * returns octets written, -EINVAL for odd length or a non-hex digit,
 * -ENOBUFS. */
int sms_hex_to_bin(const char *hex, size_t hex_len, uint8_t *out, size_t size);
int sms_bin_to_hex(const uint8_t *in, size_t len, char *out, size_t size);

/* Decodes a semi-octet address (23.040 9.1.2.5) value: len_digits useful
 * semi-octets in (len_digits + 1) / 2 octets; toa selects '+', BCD, or
 * alphanumeric 7-bit.  Exposed for the text-mode helpers and tests. */
int sms_address_decode(uint8_t toa, const uint8_t *value, size_t len_digits, SmsAddress *ret,
                       const char **ret_reason);
