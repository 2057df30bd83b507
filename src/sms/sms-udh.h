/* User-data header (3GPP TS 23.040 9.2.3.24): concatenation with 8-bit
 * (IEI 0x00) and 16-bit (IEI 0x08) references, application port
 * addressing (IEI 0x04 8-bit, 0x05 16-bit), national language shift IEs
 * (0x24, 0x25) noted; every other IE skipped.  Bounds checked: an IE that
 * runs past the header, a known IE of the wrong length, or an invalid
 * concatenation (total 0, seq 0, seq > total) is -EBADMSG with a reason.
 * A repeated IE: the last occurrence wins (23.040 9.2.3.24). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SMS_UDH_IEI_CONCAT_8 0x00
#define SMS_UDH_IEI_PORT_8 0x04
#define SMS_UDH_IEI_PORT_16 0x05
#define SMS_UDH_IEI_CONCAT_16 0x08
#define SMS_UDH_IEI_NATIONAL_SINGLE_SHIFT 0x24
#define SMS_UDH_IEI_NATIONAL_LOCKING_SHIFT 0x25

/* Octets of a concatenation UDH including the UDHL octet: 6 or 7. */
#define SMS_UDH_CONCAT_8_LEN 6
#define SMS_UDH_CONCAT_16_LEN 7

typedef struct SmsConcat {
        bool present;
        uint8_t ref_bits; /* 8 or 16: groups with different widths never mix */
        uint16_t ref;
        uint8_t total; /* 1..255 */
        uint8_t seq;   /* 1..total */
} SmsConcat;

typedef struct SmsPorts {
        bool present;
        uint8_t bits; /* 8 or 16 */
        uint16_t dst, src;
} SmsPorts;

typedef struct SmsUdh {
        SmsConcat concat;
        SmsPorts ports;
        int national_single_shift;  /* language id, -1 when absent */
        int national_locking_shift; /* language id, -1 when absent */
        unsigned n_ies;             /* all IEs, known or not */
} SmsUdh;

/* Parses the IEs of a header (udh points after the UDHL octet, len =
 * UDHL).  ret_reason (optional) gets a static string on -EBADMSG. */
int sms_udh_parse(const uint8_t *udh, size_t len, SmsUdh *ret, const char **ret_reason);

/* Writes a complete concatenation UDH (UDHL octet first) for c into out:
 * 6 octets for 8-bit references, 7 for 16-bit.  -EINVAL on a bad c. */
int sms_udh_write_concat(const SmsConcat *c, uint8_t *out, size_t size, size_t *ret_len);
