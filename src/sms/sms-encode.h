/* SMS-SUBMIT encoding (3GPP TS 23.040 9.2.2.2) for AT+CMGS in PDU mode
 * (27.005 3.5.1): every part as the hex line to type after the "> "
 * prompt (SMSC prefix first, "00" = the SIM's SMSC) and the <length>
 * argument (TPDU octets, SMSC part excluded).
 *
 * The body is never silently changed: the encoding is chosen from the
 * whole text (GSM 7-bit when every character fits, else UCS2), a text
 * that cannot be encoded as requested fails before anything is built,
 * and decoding the parts and joining them gives back the exact input. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sms/sms-pdu.h"
#include "sms/sms-segment.h"

typedef struct SmsSubmitOptions {
        SmsEncodingChoice encoding; /* SMS_CHOOSE_AUTO by default */
        bool concat_16bit;          /* 16-bit references (IEI 0x08) */
        uint16_t concat_ref;        /* the caller's reference; 0..255 for 8-bit */
        uint8_t mr;                 /* TP-MR of part 1, +1 for each next part (modems usually replace it) */
        bool status_report;         /* TP-SRR */
        bool reject_duplicates;     /* TP-RD */
        uint32_t validity_minutes;  /* relative TP-VP; 0 = none */
        bool has_class;
        uint8_t msg_class; /* 0..3 when has_class */
        uint8_t pid;       /* TP-PID, normally 0 */
        const char *smsc;  /* NULL or "" -> "00" (the SIM's SMSC) */
} SmsSubmitOptions;

typedef struct SmsSubmitPart {
        char hex[2 * SMS_PDU_MAX + 1]; /* SMSC + TPDU, upper-case hex */
        size_t tpdu_len;               /* AT+CMGS=<tpdu_len> */
        uint8_t mr;
        uint8_t seq; /* 1-based; 1 for a single part */
} SmsSubmitPart;

typedef struct SmsSubmit {
        SmsEncoding encoding;
        uint8_t dcs;
        size_t n_parts;
        SmsSubmitPart parts[];
} SmsSubmit;

/* Encodes text (len bytes; UTF-8 unless 8-bit is chosen) to number ("+"
 * then 1-20 digits: international; digits only: unknown type).  opts may
 * be NULL.  Errors, all before any output: -EINVAL (bad number, bad
 * options, invalid UTF-8), -EILSEQ (GSM 7-bit requested, text does not
 * fit), -E2BIG (more than 255 parts), -ENOMEM. */
int sms_encode_submit(const char *number, const char *text, size_t len, const SmsSubmitOptions *opts,
                      SmsSubmit **ret);

SmsSubmit *sms_submit_free(SmsSubmit *s);
static inline void sms_submit_freep(SmsSubmit **s) {
        sms_submit_free(*s);
}

/* Encodes an address value for TP-DA / SMSC: writes the semi-octets of
 * number and returns its type of address.  -EINVAL on anything but "+"
 * and 1-20 digits. */
int sms_encode_address(const char *number, uint8_t *ret_toa, uint8_t *out, size_t size, size_t *ret_digits);
