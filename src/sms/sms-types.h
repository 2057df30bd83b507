/* Types shared by the SMS codec (3GPP TS 23.040 / 23.038): encodings,
 * addresses, service-centre time stamps and their conversion to epoch
 * microseconds, status categories.  Pure: no I/O, no allocation. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "+" + 20 digits, or an alphanumeric sender of up to 11 GSM characters in
 * UTF-8 (each at most 2 bytes; 3 for an escaped euro sign). */
#define SMS_ADDRESS_MAX 48

typedef enum SmsType {
        SMS_TYPE_DELIVER,       /* TP-MTI 00, SC -> MS */
        SMS_TYPE_SUBMIT,        /* TP-MTI 01, MS -> SC (read back from sent storage) */
        SMS_TYPE_STATUS_REPORT, /* TP-MTI 10, SC -> MS */
        _SMS_TYPE_MAX,
} SmsType;

typedef enum SmsEncoding {
        SMS_ENCODING_GSM7,
        SMS_ENCODING_UCS2,
        SMS_ENCODING_8BIT,
        _SMS_ENCODING_MAX,
} SmsEncoding;

/* TP-ST categories (23.040 9.2.3.15). */
typedef enum SmsStatusCategory {
        SMS_STATUS_DELIVERED, /* 0x00-0x1F: transaction completed */
        SMS_STATUS_PENDING,   /* 0x20-0x3F: temporary error, SC still trying */
        SMS_STATUS_FAILED,    /* 0x40-0x7F (and reserved values above): final failure */
        _SMS_STATUS_CATEGORY_MAX,
} SmsStatusCategory;

typedef struct SmsAddress {
        /* Digits with a leading '+' when the type of number is international,
         * '*' '#' 'a' 'b' 'c' for BCD A-E; UTF-8 text when alphanumeric.
         * Always NUL-terminated. */
        char number[SMS_ADDRESS_MAX];
        uint8_t toa;       /* type of address octet as received, e.g. 0x91 */
        bool alphanumeric; /* (toa & 0x70) == 0x50, whatever the NPI bits */
} SmsAddress;

/* A TP-SCTS / TP-DT / absolute TP-VP: local time plus its offset from UTC. */
typedef struct SmsTime {
        uint16_t year; /* full year: 2-digit years 90-99 are 1990s, else 20xx */
        uint8_t month, day, hour, minute, second;
        int8_t tz_quarter_hours; /* offset from UTC in quarters of an hour, -79..79 */
} SmsTime;

/* Microseconds since the epoch (UTC) for t; -ERANGE before 1970. */
int sms_time_to_epoch_usec(const SmsTime *t, uint64_t *ret_usec);
/* Formats t as RFC 3339 "2024-03-15T10:30:00+01:00" (needs 26 bytes). */
int sms_time_format(const SmsTime *t, char *buf, size_t size);

SmsStatusCategory sms_status_category(uint8_t tp_status);

const char *sms_type_to_string(SmsType t);
const char *sms_encoding_to_string(SmsEncoding e); /* "gsm7", "ucs2", "8bit" as on the bus */
const char *sms_status_category_to_string(SmsStatusCategory c); /* "delivered", "pending", "failed" */
