/* Helpers shared by the store unit tests: a throw-away state directory and
 * part builders.  Numbers are made up (+1555555xxxx). */
#pragma once

#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"
#include "util/cleanup.h"

#define MODEM_A "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define MODEM_B "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"

static inline char *test_tmpdir(void) {
        char *d = strdup("/tmp/callstack-store-XXXXXX");
        assert_non_null(d);
        assert_non_null(mkdtemp(d));
        return d;
}

static inline int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f) {
        return remove(p);
}

static inline void test_rmdir(char *d) {
        if (!d)
                return;
        (void)nftw(d, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        free(d);
}

static inline char *test_db_path(const char *dir) {
        char *p = NULL;
        assert_true(asprintf(&p, "%s/" STORE_DB_NAME, dir) > 0);
        return p;
}

/* A GSM 7-bit part with a PDU made unique by (sender, ref, seq, text). */
typedef struct TestPart {
        ReassemblyPart p;
        char pdu[512];
} TestPart;

static inline void test_part(TestPart *t, const char *modem, const char *sender, uint16_t ref, uint8_t bits,
                             uint8_t total, uint8_t seq, const char *text) {
        size_t n = 0;
        memset(t, 0, sizeof *t);
        /* Not a real PDU: hex of a descriptor, distinct per content. */
        n += (size_t)snprintf(t->pdu + n, sizeof t->pdu - n, "07%02X%04X%02X%02X", bits, ref, total, seq);
        for (const char *c = sender; *c && n + 2 < sizeof t->pdu; c++)
                n += (size_t)snprintf(t->pdu + n, sizeof t->pdu - n, "%02X", (unsigned char)*c);
        for (const char *c = text; c && *c && n + 2 < sizeof t->pdu; c++)
                n += (size_t)snprintf(t->pdu + n, sizeof t->pdu - n, "%02X", (unsigned char)*c);
        t->p = (ReassemblyPart){
                .modem_key = modem,
                .sender = sender,
                .ref = ref,
                .ref_bits = bits,
                .total = total,
                .seq = seq,
                .encoding = REASSEMBLY_ENCODING_GSM7,
                .text = text,
                .pdu_hex = t->pdu,
                .timestamp = UINT64_C(1716896960000000) + seq,
                .smsc = "+15555550000",
                .msg_class = -1,
                .storage = "SM",
                .index = seq,
        };
}

static inline StorePartOutcome test_receive(Store *s, const ReassemblyPart *p) {
        StorePartOutcome o = {};
        assert_int_equal(store_part_received(s, p, &o), 0);
        return o;
}

static inline char *test_text_of(Store *s, int64_t id) {
        StoreSms *m = NULL;
        char *t;
        assert_int_equal(store_sms_get(s, id, &m), 0);
        t = strdup(m->text);
        store_sms_free(m);
        return t;
}
