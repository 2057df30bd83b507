/* The set of loaded profiles and the matcher choosing one for a modem. */
#pragma once

#include "profile/profile.h"

/* Loads every "*.conf" of the NULL-terminated dirs, highest priority first
 * (e.g. {"/etc/callstack/profiles", "/usr/share/callstack/profiles", NULL}):
 * a file name found in an earlier dir hides the same name in later ones.
 * Missing dirs are fine.  Bad files are skipped and their errors kept
 * (profile_db_get_error()); a second file with an id already loaded is an
 * error too.  A built-in generic is added when no file provides `generic`.
 * Returns 0 or -ENOMEM. */
int profile_db_load(const char *const *dirs, ProfileDb **ret);
ProfileDb *profile_db_free(ProfileDb *db);

size_t profile_db_count(const ProfileDb *db);
const Profile *profile_db_get(const ProfileDb *db, size_t i);
const Profile *profile_db_find(const ProfileDb *db, const char *id);
size_t profile_db_error_count(const ProfileDb *db);
const char *profile_db_get_error(const ProfileDb *db, size_t i);

/* Picks the profile for a modem.  vid/pid 0 = unknown; manufacturer/model
 * are the AT+CGMI/AT+CGMM answers (NULL or "" = unknown).  Identity globs
 * beat USB IDs; a profile whose identity globs do not match a known
 * identity is never chosen on its USB IDs alone.  Always succeeds (falls
 * back to generic); returns a score > 0 for a real match, 0 for generic. */
int profile_db_match(const ProfileDb *db, uint16_t vid, uint16_t pid, const char *manufacturer,
                     const char *model, const Profile **ret);

static inline void profile_db_freep(ProfileDb **db) {
        if (*db)
                profile_db_free(*db);
}
