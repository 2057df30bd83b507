/* UTF-8 <-> UTF-16BE for SMS "UCS2" user data (3GPP TS 23.038 6.2.3;
 * in practice every phone sends and expects UTF-16 with surrogate pairs).
 * Invalid UTF-8 from a caller is an error; invalid UTF-16 from the network
 * (lone surrogates, an odd trailing octet) decodes to U+FFFD. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* UTF-16 code units the text needs (2 for a character above U+FFFF).
 * -EINVAL on invalid UTF-8. */
int sms_ucs2_count(const char *utf8, size_t len, size_t *ret_units);

/* UTF-8 -> UTF-16BE octets.  -EINVAL on invalid UTF-8, -ENOBUFS. */
int sms_ucs2_from_utf8(const char *utf8, size_t len, uint8_t *out, size_t size, size_t *ret_len);

/* UTF-16BE octets -> UTF-8, NUL-terminated (not counted).  Never fails on
 * content; -ENOBUFS when out is too small (3 * ((len + 1) / 2) + 1 bytes
 * are always enough). */
int sms_ucs2_to_utf8(const uint8_t *in, size_t len, char *out, size_t size, size_t *ret_len);
