/* Validation of Messaging.Send arguments, before polkit and before the
 * modem is touched (issue #5 item 1).  Pure.  Reasons are constant strings
 * that never echo the number or the text.
 *
 * Accepted numbers: "+" then 3-20 digits (international), or 3-20 digits
 * (national numbers and network short codes such as "3443"); nothing
 * else: no spaces, dashes, "*#" service codes, letters or control
 * characters.  The same form for the "smsc" option. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MESSAGING_NUMBER_DIGITS_MIN 3
#define MESSAGING_NUMBER_DIGITS_MAX 20
/* 23.040 9.2.3.12.1: the largest relative validity period is 63 weeks. */
#define MESSAGING_VALIDITY_MAX_MINUTES (63u * 7u * 24u * 60u)
#define MESSAGING_VALIDITY_MIN_MINUTES 5u

/* 0 or -EINVAL with *ret_reason. */
int messaging_validate_number(const char *number, const char **ret_reason);
/* Valid UTF-8, not empty, at most 255 parts once segmented.  On success
 * *ret_parts (optional) gets the part count. */
int messaging_validate_text(const char *text, size_t *ret_parts, const char **ret_reason);
int messaging_validate_validity(uint32_t minutes, const char **ret_reason);
int messaging_validate_class(uint32_t msg_class, const char **ret_reason);
