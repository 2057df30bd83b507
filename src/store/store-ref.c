/* Per-destination concatenation reference counter (3GPP TS 23.040
 * 9.2.3.24.1: the reference must differ between consecutive concatenated
 * messages to the same recipient), in the meta table under
 * "concat-ref/<modem key>/<sha256 of number>/<bits>".  Added for the SMS
 * service (issue #5). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-internal.h"
#include "store/store-sha256.h"

int store_next_concat_ref(Store *s, const char *modem_key, const char *number, unsigned ref_bits,
                          uint16_t *ret_ref) {
        char h[STORE_SHA256_HEX_SIZE], key[200];
        sqlite3_stmt *st = NULL;
        unsigned mod;
        int rc, r;
        long v;

        if (!s || !modem_key || !number || !ret_ref || (ref_bits != 8 && ref_bits != 16))
                return -EINVAL;
        if (strlen(modem_key) > 100)
                return -EINVAL;
        mod = ref_bits == 8 ? 256 : 65536;
        store_sha256_hex(number, strlen(number), h);
        snprintf(key, sizeof(key), "concat-ref/%s/%s/%u", modem_key, h, ref_bits);

        /* First use: start at a random value so two installations (or a
         * wiped database) do not both start at 0. */
        rc = sqlite3_prepare_v2(s->db,
                                "INSERT INTO meta (key, value) VALUES (?1, ?2)"
                                " ON CONFLICT (key) DO UPDATE SET value = (CAST(value AS INTEGER) + 1) % ?3"
                                " RETURNING CAST(value AS INTEGER)",
                                -1, &st, NULL);
        if (rc != SQLITE_OK)
                return store_sqlite_errno(s->db, rc);
        sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)((unsigned)random() % mod));
        sqlite3_bind_int64(st, 3, mod);
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW) {
                r = store_sqlite_errno(s->db, rc);
                sqlite3_finalize(st);
                return r;
        }
        v = (long)sqlite3_column_int64(st, 0);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
                return store_sqlite_errno(s->db, rc);
        if (v < 0 || (unsigned long)v >= mod)
                v = 0;
        *ret_ref = (uint16_t)v;
        return 0;
}
