/* GSM 7-bit default alphabet and its extension table (3GPP TS 23.038
 * 6.2.1, 6.2.1.1), UTF-8 <-> septets, and septet packing (23.038 6.1.2.1)
 * with the fill bits that follow a user-data header (23.040 9.2.3.24).
 *
 * Septet buffers carry an explicit length: 0x00 is '@', never a terminator.
 * Decoding rules for what the tables do not define (23.038 6.2.1.1 note):
 *   ESC + undefined code -> the default-table character of that code;
 *   ESC ESC (reserved for a further extension table) -> a space;
 *   ESC as the last septet -> a space.
 * National language shift tables are not supported (see README). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SMS_GSM7_ESC 0x1B

/* Septets for one code point (1, or 2 for an extension character) written
 * to ret_septets; -EILSEQ when the default alphabet has no such character. */
int sms_gsm7_encode_codepoint(uint32_t cp, uint8_t ret_septets[2]);

/* Septets that the UTF-8 text needs.  -EINVAL: invalid UTF-8;
 * -EILSEQ: a character outside the default alphabet and its extension. */
int sms_gsm7_count(const char *utf8, size_t len, size_t *ret_septets);

/* UTF-8 -> unpacked septets (one per byte).  -EINVAL, -EILSEQ as above,
 * -ENOBUFS when out is too small. */
int sms_gsm7_from_utf8(const char *utf8, size_t len, uint8_t *out, size_t size, size_t *ret_n);

/* Unpacked septets -> UTF-8, NUL-terminated (not counted in *ret_len).
 * Never fails on septet values (bit 7 is ignored); -ENOBUFS if out is too
 * small.  2 * n + 1 bytes are always enough. */
int sms_gsm7_to_utf8(const uint8_t *septets, size_t n, char *out, size_t size, size_t *ret_len);

/* Octets that n septets occupy after fill_bits (0..6) fill bits. */
static inline size_t sms_gsm7_packed_len(size_t n, unsigned fill_bits) {
        return (n * 7 + fill_bits + 7) / 8;
}

/* Packs n septets into out, the first one starting fill_bits bits into
 * out[0] (fill bits and trailing spare bits are zero).  -ENOBUFS. */
int sms_gsm7_pack(const uint8_t *septets, size_t n, unsigned fill_bits, uint8_t *out, size_t size,
                  size_t *ret_len);

/* Unpacks n septets from in (in_len octets), skipping fill_bits first.
 * out needs n bytes.  -EBADMSG when in is too short for n septets. */
int sms_gsm7_unpack(const uint8_t *in, size_t in_len, unsigned fill_bits, size_t n, uint8_t *out);
