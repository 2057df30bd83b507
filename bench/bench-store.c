/* Benchmark: received parts stored per second through store_part_received()
 * with WAL and synchronous=FULL (one fsync'ed commit per part, as the
 * daemon does before AT+CMGD), on a real file in $CALLSTACK_BENCH_DIR
 * (default /var/tmp).  Reports single parts, multipart groups (3 parts,
 * the last completes and joins), the duplicate path (a re-read slot), and
 * a burst committed BATCH parts per transaction (store_parts_received).
 * Prints per-insert median and 99th percentile latency. */
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "util/clock.h"

#define MODEM "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static int cmp_u64(const void *a, const void *b) {
        uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
        return x < y ? -1 : x > y;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f) {
        return remove(p);
}

typedef enum Kind { SINGLE, MULTI, DUPLICATE } Kind;

#define BATCH 50

/* A burst stored with store_parts_received(), BATCH parts per commit. */
static int run_batched(Store *s, unsigned n, unsigned base) {
        ReassemblyPart parts[BATCH];
        StorePartOutcome out[BATCH];
        static char pdus[BATCH][256];
        char text[160];
        uint64_t start, total;

        memset(text, 'b', 152);
        text[152] = '\0';
        start = now_usec_monotonic();
        for (unsigned i = 0; i < n; i += BATCH) {
                unsigned m = n - i < BATCH ? n - i : BATCH;
                for (unsigned j = 0; j < m; j++) {
                        snprintf(pdus[j], sizeof pdus[j],
                                 "07915155550501F0040B915155550521F30000425082319402800A%08X"
                                 "D8EF79790E2A87E5EC3CE8ED0619E56972380F0AD341319A0E067381A8E8B07B0DCABFEB20",
                                 base + i + j);
                        parts[j] = (ReassemblyPart){
                                .modem_key = MODEM, .sender = "+15555550123", .total = 1, .seq = 1,
                                .encoding = REASSEMBLY_ENCODING_GSM7, .text = text, .pdu_hex = pdus[j],
                                .msg_class = -1, .storage = "SM", .index = (int)j,
                        };
                }
                int r = store_parts_received(s, parts, m, out);
                if (r < 0) {
                        fprintf(stderr, "bench-store: batch insert failed: %s\n", strerror(-r));
                        return r;
                }
        }
        total = now_usec_monotonic() - start;
        printf("store: %u single-part parts in batches of %d in %.3f s: %.0f parts/s, %.0f us per part\n", n,
               BATCH, (double)total / 1e6, n / ((double)total / 1e6), (double)total / n);
        return 0;
}

static int run(Store *s, Kind kind, unsigned n, unsigned base) {
        uint64_t *lat = calloc(n, sizeof *lat);
        uint64_t start, total;
        char pdu[256], text[160];
        const char *name = kind == SINGLE ? "single-part" : kind == MULTI ? "multipart (3/group)" : "duplicate";

        if (!lat)
                return -ENOMEM;
        memset(text, 'a', 152);
        text[152] = '\0';
        start = now_usec_monotonic();
        for (unsigned i = 0; i < n; i++) {
                unsigned k = kind == DUPLICATE ? i % 100 : base + i;
                unsigned seq = kind == MULTI ? i % 3 + 1 : 1;
                unsigned msg = kind == MULTI ? base + i / 3 : k;
                ReassemblyPart p = {
                        .modem_key = MODEM,
                        .sender = "+15555550123",
                        .ref = kind == MULTI ? (uint16_t)msg : 0,
                        .ref_bits = kind == MULTI ? 16 : 0,
                        .total = kind == MULTI ? 3 : 1,
                        .seq = (uint8_t)seq,
                        .encoding = REASSEMBLY_ENCODING_GSM7,
                        .text = text,
                        .pdu_hex = pdu,
                        .timestamp = 1716896960000000,
                        .smsc = "+15555550000",
                        .msg_class = -1,
                        .storage = "SM",
                        .index = (int)(i % 50),
                };
                StorePartOutcome o;
                uint64_t t0;
                int r;

                snprintf(pdu, sizeof pdu,
                         "07915155550501F0440B915155550521F300004250823194028043050003%08X%02X"
                         "D8EF79790E2A87E5EC3CE8ED0619E56972380F0AD341319A0E067381A8E8B07B0DCABFEB20",
                         msg, seq);
                t0 = now_usec_monotonic();
                r = store_part_received(s, &p, &o);
                lat[i] = now_usec_monotonic() - t0;
                if (r < 0) {
                        fprintf(stderr, "bench-store: insert failed: %s\n", strerror(-r));
                        free(lat);
                        return r;
                }
        }
        total = now_usec_monotonic() - start;
        qsort(lat, n, sizeof *lat, cmp_u64);
        printf("store: %u %s parts in %.3f s: %.0f parts/s, median %" PRIu64 " us, p99 %" PRIu64 " us\n", n, name,
               (double)total / 1e6, n / ((double)total / 1e6), lat[n / 2], lat[n * 99 / 100]);
        free(lat);
        return 0;
}

/* Send path: durable insert (queued), then relaxed steps: sending, TP-MR
 * (-> sent), a delivery report. */
static int run_outgoing(Store *s, unsigned n) {
        uint64_t *lat = calloc(n, sizeof *lat);
        uint64_t start, total;

        if (!lat)
                return -ENOMEM;
        start = now_usec_monotonic();
        for (unsigned i = 0; i < n; i++) {
                StoreOutgoing o = {.modem_key = MODEM, .number = "+15555550123", .text = "bench message",
                                   .encoding = REASSEMBLY_ENCODING_GSM7, .parts_total = 1, .msg_class = -1,
                                   .delivery_report = true};
                uint64_t t0 = now_usec_monotonic();
                int64_t id;
                int r = store_sms_insert_outgoing(s, &o, &id);
                if (r >= 0)
                        r = store_sms_set_state(s, id, STORE_SMS_SENDING, NULL);
                if (r >= 0)
                        r = store_sms_part_sent(s, id, 1, (uint8_t)i);
                if (r >= 0)
                        r = store_sms_delivery(s, id, 1, 0, 0, NULL);
                lat[i] = now_usec_monotonic() - t0;
                if (r < 0) {
                        fprintf(stderr, "bench-store: outgoing failed: %s\n", strerror(-r));
                        free(lat);
                        return r;
                }
        }
        total = now_usec_monotonic() - start;
        qsort(lat, n, sizeof *lat, cmp_u64);
        printf("store: %u outgoing lifecycles (queued, sending, sent, delivered) in %.3f s: %.0f msg/s, median %"
               PRIu64 " us, p99 %" PRIu64 " us\n",
               n, (double)total / 1e6, n / ((double)total / 1e6), lat[n / 2], lat[n * 99 / 100]);
        free(lat);
        return 0;
}

int main(int argc, char **argv) {
        const char *base = getenv("CALLSTACK_BENCH_DIR");
        unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 2000;
        char dir[4096];
        Store *s = NULL;
        int r;

        if (n < 100)
                n = 100;
        snprintf(dir, sizeof dir, "%s/callstack-bench-store-XXXXXX", base ? base : "/var/tmp");
        if (!mkdtemp(dir)) {
                fprintf(stderr, "bench-store: mkdtemp: %s\n", strerror(errno));
                return 1;
        }
        r = store_open(dir, &s);
        if (r < 0) {
                fprintf(stderr, "bench-store: open: %s\n", store_error_message(r));
                return 1;
        }
        store_set_max_pending_groups(s, 1000000);
        printf("store: WAL, synchronous=FULL, database in %s\n", dir);
        r = run(s, SINGLE, n, 0);
        if (r >= 0)
                r = run(s, MULTI, n - n % 3, 1000000);
        if (r >= 0)
                r = run(s, DUPLICATE, n, 0);
        if (r >= 0)
                r = run_batched(s, n, 2000000);
        if (r >= 0)
                r = run_outgoing(s, n / 2);
        store_close(s);
        (void)nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        return r < 0 ? 1 : 0;
}
