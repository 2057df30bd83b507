/* Profile database: loads the profile directories with /etc overriding
 * /usr/share by file name, and picks the profile for a probed modem.
 *
 * Matching, in order of strength: model pattern (+ manufacturer pattern
 * when given) > manufacturer pattern alone > USB vendor:product.  A USB
 * match adds to an identity match (tie-break).  A profile with identity
 * patterns that do not match the modem's known identity is never chosen
 * on its USB IDs alone: SIM7000 and SIM7600 share 1e0e:9001. */
#include "profile/profile-db.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile/profile-internal.h"
#include "profile/profile-parse.h"
#include "util/cleanup.h"
#include "util/strutil.h"

#define PROFILE_DB_MAX_FILES 256

struct ProfileDb {
        Profile **profiles;
        size_t n_profiles;
        char **errors;
        size_t n_errors;
        const Profile *generic;
};

static int add_error(ProfileDb *db, char *msg) {
        char **e;

        if (!msg)
                return -ENOMEM;
        e = realloc(db->errors, (db->n_errors + 1) * sizeof(char *));
        if (!e) {
                free(msg);
                return -ENOMEM;
        }
        db->errors = e;
        db->errors[db->n_errors++] = msg;
        return 0;
}

static int add_profile(ProfileDb *db, Profile *p) {
        Profile **n = realloc(db->profiles, (db->n_profiles + 1) * sizeof(Profile *));
        if (!n)
                return -ENOMEM;
        db->profiles = n;
        db->profiles[db->n_profiles++] = p;
        return 0;
}

static bool is_conf_name(const char *n) {
        size_t l = strlen(n);
        return n[0] != '.' && l > 5 && streq(n + l - 5, ".conf");
}

/* Collects "dir/name" for every *.conf whose name no earlier dir had. */
static int collect(const char *const *dirs, char ***ret_paths, size_t *ret_n) {
        char **names = NULL, **paths = NULL;
        size_t n = 0;
        int r = 0;

        for (size_t d = 0; dirs && dirs[d]; d++) {
                DIR *dir = opendir(dirs[d]);
                struct dirent *de;

                if (!dir)
                        continue; /* missing or unreadable dir: nothing from it */
                while ((de = readdir(dir))) {
                        bool dup = false;
                        if (!is_conf_name(de->d_name))
                                continue;
                        for (size_t i = 0; i < n; i++)
                                if (streq(names[i], de->d_name))
                                        dup = true;
                        if (dup || n >= PROFILE_DB_MAX_FILES)
                                continue;
                        char **nn = realloc(names, (n + 1) * sizeof(char *));
                        if (!nn) {
                                r = -ENOMEM;
                                break;
                        }
                        names = nn;
                        char **np = realloc(paths, (n + 1) * sizeof(char *));
                        if (!np) {
                                r = -ENOMEM;
                                break;
                        }
                        paths = np;
                        names[n] = strdup(de->d_name);
                        if (!names[n] || asprintf(&paths[n], "%s/%s", dirs[d], de->d_name) < 0) {
                                free(names[n]);
                                r = -ENOMEM;
                                break;
                        }
                        n++;
                }
                closedir(dir);
                if (r < 0)
                        break;
        }
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
        if (r < 0) {
                for (size_t i = 0; i < n; i++)
                        free(paths[i]);
                free(paths);
                return r;
        }
        *ret_paths = paths;
        *ret_n = n;
        return 0;
}

static const char *basename_of(const char *p) {
        const char *s = strrchr(p, '/');
        return s ? s + 1 : p;
}

static int cmp_basename(const void *a, const void *b) {
        return strcmp(basename_of(*(char *const *)a), basename_of(*(char *const *)b));
}

int profile_db_load(const char *const *dirs, ProfileDb **ret) {
        _cleanup_(profile_db_freep) ProfileDb *db = calloc(1, sizeof(ProfileDb));
        char **paths = NULL;
        size_t n = 0;
        int r;

        if (!db)
                return -ENOMEM;
        r = collect(dirs, &paths, &n);
        if (r < 0)
                return r;
        /* sorted by file name, so load order (and tie-breaks) do not
         * depend on which directory a file came from */
        if (n > 0)
                qsort(paths, n, sizeof(char *), cmp_basename);

        for (size_t i = 0; i < n && r >= 0; i++) {
                Profile *p = NULL;
                char *err = NULL;
                int k = profile_parse_file(paths[i], &p, &err);
                if (k == -ENOMEM) {
                        free(err);
                        r = k;
                        break;
                }
                if (k < 0) {
                        r = add_error(db, err ? err : strdup(paths[i]));
                        continue;
                }
                if (profile_db_find(db, profile_get_id(p))) {
                        char *msg = NULL;
                        if (asprintf(&msg, "%s:0: profile id '%s' already loaded from another file",
                                     paths[i], profile_get_id(p)) < 0)
                                msg = NULL;
                        profile_free(p);
                        r = add_error(db, msg);
                        continue;
                }
                r = add_profile(db, p);
                if (r < 0)
                        profile_free(p);
        }
        for (size_t i = 0; i < n; i++)
                free(paths[i]);
        free(paths);
        if (r < 0)
                return r;

        db->generic = profile_db_find(db, "generic");
        if (!db->generic) {
                Profile *g = NULL;
                r = profile_new_generic(&g);
                if (r < 0)
                        return r;
                r = add_profile(db, g);
                if (r < 0) {
                        profile_free(g);
                        return r;
                }
                db->generic = g;
        }
        *ret = TAKE_PTR(db);
        return 0;
}

ProfileDb *profile_db_free(ProfileDb *db) {
        if (!db)
                return NULL;
        for (size_t i = 0; i < db->n_profiles; i++)
                profile_free(db->profiles[i]);
        free(db->profiles);
        for (size_t i = 0; i < db->n_errors; i++)
                free(db->errors[i]);
        free(db->errors);
        free(db);
        return NULL;
}

size_t profile_db_count(const ProfileDb *db) {
        return db->n_profiles;
}

const Profile *profile_db_get(const ProfileDb *db, size_t i) {
        return i < db->n_profiles ? db->profiles[i] : NULL;
}

const Profile *profile_db_find(const ProfileDb *db, const char *id) {
        if (!id)
                return NULL;
        for (size_t i = 0; i < db->n_profiles; i++)
                if (streq(db->profiles[i]->id, id))
                        return db->profiles[i];
        return NULL;
}

size_t profile_db_error_count(const ProfileDb *db) {
        return db->n_errors;
}

const char *profile_db_get_error(const ProfileDb *db, size_t i) {
        return i < db->n_errors ? db->errors[i] : NULL;
}

static int score(const Profile *p, uint16_t vid, uint16_t pid, const char *manufacturer, const char *model) {
        bool have_identity = (manufacturer && *manufacturer) || (model && *model);
        bool has_patterns = p->match_manufacturer || p->match_model;
        bool usb = profile_matches_usb(p, vid, pid);
        int s = 0;

        if (has_patterns && have_identity) {
                if (p->match_manufacturer &&
                    !profile_pattern_list_match(p->match_manufacturer, manufacturer))
                        return 0;
                if (p->match_model) {
                        if (!profile_pattern_list_match(p->match_model, model))
                                return 0;
                        s = 4;
                } else
                        s = 2;
        }
        if (usb)
                s += 1;
        return s;
}

int profile_db_match(const ProfileDb *db, uint16_t vid, uint16_t pid, const char *manufacturer,
                     const char *model, const Profile **ret) {
        const Profile *best = NULL;
        int best_score = 0;

        for (size_t i = 0; i < db->n_profiles; i++) {
                const Profile *p = db->profiles[i];
                if (p == db->generic)
                        continue;
                int s = score(p, vid, pid, manufacturer, model);
                if (s > best_score) {
                        best = p;
                        best_score = s;
                }
        }
        *ret = best ? best : db->generic;
        return best_score;
}
