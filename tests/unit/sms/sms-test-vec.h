/* Test helper: reads "key: value" vector files from tests/data/sms/.
 * Header-only, shared by the sms unit tests. */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VEC_MAX_KEYS 48

typedef struct Vec {
        char name[256];
        size_t n;
        char *key[VEC_MAX_KEYS];
        char *value[VEC_MAX_KEYS];
} Vec;

static inline void vec_clear(Vec *v) {
        for (size_t i = 0; i < v->n; i++) {
                free(v->key[i]);
                free(v->value[i]);
        }
        v->n = 0;
}

static inline int vec_load(const char *path, Vec *v) {
        FILE *f = fopen(path, "re");
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;

        if (!f)
                return -errno;
        v->n = 0;
        const char *base = strrchr(path, '/');
        snprintf(v->name, sizeof(v->name), "%.*s", (int)sizeof(v->name) - 1, base ? base + 1 : path);
        while ((len = getline(&line, &cap, f)) >= 0) {
                while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                        line[--len] = '\0';
                if (len == 0 || line[0] == '#')
                        continue;
                char *colon = strchr(line, ':');
                if (!colon || v->n >= VEC_MAX_KEYS)
                        continue;
                *colon = '\0';
                const char *val = colon + 1;
                if (*val == ' ')
                        val++;
                v->key[v->n] = strdup(line);
                v->value[v->n] = strdup(val);
                v->n++;
        }
        free(line);
        fclose(f);
        return 0;
}

static inline const char *vec_get(const Vec *v, const char *key) {
        for (size_t i = 0; i < v->n; i++)
                if (strcmp(v->key[i], key) == 0)
                        return v->value[i];
        return NULL;
}

static inline int vec_cmp_names(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted list of files in dir ending with suffix; returns count. */
static inline size_t vec_list(const char *dir, const char *suffix, char ***ret) {
        DIR *d = opendir(dir);
        char **names = NULL;
        size_t n = 0;
        struct dirent *de;

        *ret = NULL;
        if (!d)
                return 0;
        while ((de = readdir(d))) {
                size_t l = strlen(de->d_name), sl = strlen(suffix);
                if (l <= sl || strcmp(de->d_name + l - sl, suffix) != 0)
                        continue;
                names = realloc(names, (n + 1) * sizeof(char *));
                if (asprintf(&names[n], "%s/%s", dir, de->d_name) < 0)
                        abort();
                n++;
        }
        closedir(d);
        qsort(names, n, sizeof(char *), vec_cmp_names);
        *ret = names;
        return n;
}

static inline int vec_unhex(const char *hex, unsigned char *out, size_t size) {
        size_t l = strlen(hex);
        if (l % 2 || l / 2 > size)
                return -1;
        for (size_t i = 0; i < l; i += 2) {
                unsigned b;
                if (sscanf(hex + i, "%2x", &b) != 1)
                        return -1;
                out[i / 2] = (unsigned char)b;
        }
        return (int)(l / 2);
}
