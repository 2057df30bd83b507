/* Small string helpers shared by every module: hex, trimming, safe
 * appends, strict integer parsing.  No allocation unless the name says so. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Decodes hex (upper or lower case) into out.  Returns the number of bytes
 * written, -EINVAL on a non-hex character or odd length, -ENOBUFS when out
 * is too small. */
int hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t out_size);
/* Encodes len bytes as upper-case hex into out (needs 2*len+1). */
int hex_encode(const uint8_t *in, size_t len, char *out, size_t out_size);

static inline bool streq(const char *a, const char *b) {
        return strcmp(a, b) == 0;
}
bool startswith(const char *s, const char *prefix);
/* Case-insensitive prefix test. */
bool startswith_no_case(const char *s, const char *prefix);

/* Strict decimal parse of the whole string into [min, max]. */
int safe_atou32(const char *s, uint32_t *ret);
int safe_atoi_range(const char *s, long min, long max, long *ret);

/* Returns a malloc()ed copy of s with leading and trailing ASCII white
 * space removed, or NULL on OOM. */
char *strdup_trim(const char *s);

/* Constant-time comparison of two byte strings (lengths may differ; the
 * time depends only on the length of b). Returns true when equal. */
bool memeq_consttime(const void *a, size_t alen, const void *b, size_t blen);

/* "1", "yes", "y", "true", "t", "on" -> 1; "0", "no", "n", "false", "f",
 * "off" -> 0 (case-insensitive, as udev and systemd read flags); anything
 * else (NULL, empty included) -> -EINVAL. */
int parse_boolean(const char *v);

/* Validates UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool utf8_is_valid(const char *s, size_t len);

/* Unicode noncharacters (U+FDD0..U+FDEF, U+xxFFFE, U+xxFFFF): valid UTF-8
 * that D-Bus (sd-bus) refuses in a string. */
static inline bool unichar_is_noncharacter(uint32_t cp) {
        return (cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF);
}

/* Text from a modem made safe for a D-Bus string, a log and a terminal:
 * printable ASCII is kept, a backslash becomes "\\\\" and every other byte
 * "\\xhh" (controls, ESC, DEL, bytes that are not UTF-8 such as a Latin-1
 * 0xf3), so the result is unambiguous.  With TEXT_ESCAPE_KEEP_UTF8, UTF-8
 * characters (not C1 controls, not noncharacters) are kept; with
 * TEXT_ESCAPE_KEEP_NEWLINE, '\\n' is. */
enum {
        TEXT_ESCAPE_KEEP_UTF8 = 1 << 0,
        TEXT_ESCAPE_KEEP_NEWLINE = 1 << 1,
};

/* Appends s escaped to buf (size bytes) at offset o; an escape or a
 * character is never cut in half: what does not fit is left out.  Returns
 * the new offset; buf stays NUL-terminated. */
size_t text_escape_append(char *buf, size_t size, size_t o, const char *s, unsigned flags);

/* A malloc'ed copy of s escaped with TEXT_ESCAPE_KEEP_UTF8 and
 * TEXT_ESCAPE_KEEP_NEWLINE (for D-Bus).  NULL on allocation failure. */
char *text_escape(const char *s);
