/* Segmentation of an outgoing text into SMS parts (3GPP TS 23.040
 * 9.2.3.24.1 concatenation; capacities from 23.038): 160 septets in one
 * part, 153 per part with an 8-bit concatenation header (152 with a 16-bit
 * one); 70 / 67 / 66 UTF-16 units; 140 / 134 / 133 octets of 8-bit data.
 * An escape pair (GSM 7-bit extension character) or a UTF-16 surrogate
 * pair is never split across parts.  At most 255 parts (-E2BIG beyond).
 *
 * The plan is computed from the UTF-8 text alone, without allocating, so
 * a caller learns the part count and encoding before anything is sent. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sms/sms-types.h"

#define SMS_MAX_PARTS 255

typedef enum SmsEncodingChoice {
        SMS_CHOOSE_AUTO = 0, /* GSM 7-bit when every character fits, else UCS2 */
        SMS_CHOOSE_GSM7,     /* fails with -EILSEQ when a character does not fit */
        SMS_CHOOSE_UCS2,
        SMS_CHOOSE_8BIT, /* the text is bytes, sent as they are */
} SmsEncodingChoice;

typedef struct SmsSegmentOptions {
        SmsEncodingChoice encoding;
        bool concat_16bit; /* 16-bit concatenation references (IEI 0x08) */
} SmsSegmentOptions;

typedef struct SmsSegmentPlan {
        SmsEncoding encoding;
        size_t n_parts;        /* 1..255; an empty text is one empty part */
        size_t total_units;    /* septets, UTF-16 units or octets */
        size_t units_per_part; /* capacity used: 160/153/152, 70/67/66, 140/134/133 */
        bool concatenated;     /* parts carry a concatenation header */
        /* Part i is text[offset[i] .. offset[i + 1]) and needs units[i]. */
        size_t offset[SMS_MAX_PARTS + 1];
        size_t units[SMS_MAX_PARTS];
} SmsSegmentPlan;

/* Plans text (len bytes of UTF-8; any bytes for 8-bit).  opts may be NULL
 * (auto, 8-bit references).  -EINVAL: invalid UTF-8; -EILSEQ: GSM 7-bit
 * requested but a character has no GSM form; -E2BIG: more than 255 parts. */
int sms_segment_plan(const char *text, size_t len, const SmsSegmentOptions *opts, SmsSegmentPlan *ret);

/* Capacity of one part: single = no header; else with a concatenation
 * header of the given width. */
size_t sms_segment_capacity(SmsEncoding enc, bool single, bool concat_16bit);
