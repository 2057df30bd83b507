/* Parser of profile files (keyfile-like INI).  Grammar, one item a line:
 *   # comment  |  ; comment  |  [section]  |  key = value  |  blank
 * Sections and keys are fixed (see profile-parse.c); unknown ones, a
 * duplicate section or key, a key outside a section, control characters
 * and over-long lines are errors reported as "file:line: message". */
#pragma once

#include "profile/profile.h"

/* Parses one profile from memory.  name is used in error messages (the
 * file name).  On failure returns -EINVAL (syntax, unknown key, duplicate,
 * bad value) or -ENOMEM and, when ret_error is not NULL, sets it to a
 * malloc()ed "name:line: message" (line 0 for whole-file problems). */
int profile_parse_buffer(const char *name, const char *buf, size_t len, Profile **ret, char **ret_error);
/* Same, reading path (at most 64 KiB).  Anything but a regular file (a
 * FIFO, a directory, a device) is refused without blocking: -EINVAL
 * (-EISDIR for a directory) and "path:0: not a regular file, skipped". */
int profile_parse_file(const char *path, Profile **ret, char **ret_error);
