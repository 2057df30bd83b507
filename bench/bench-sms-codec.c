/* Benchmark of the SMS codec (src/sms): decode and encode throughput on a
 * fixed mixed corpus, and heap allocations per decode.
 *
 * Corpus: the PDUs of the field cases in shared/reference (single and
 * multipart, GSM 7-bit and UCS2, alphanumeric senders, status reports),
 * exactly as the unit tests use them.  Allocations are counted by linking
 * with -Wl,--wrap=malloc/calloc/realloc/free (see bench/meson.build): every
 * allocation the codec makes goes through the counters below.  The codec
 * is compiled into this program without sanitizer instrumentation so the
 * figures are those of a release build even inside the ASan test tree.
 *
 * Run: scripts/dev bench  (or meson test -C build --benchmark --suite sms -v)
 * CALLSTACK_BENCH_SECONDS (default 1) sets the CPU time per measurement. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sms/sms-encode.h"
#include "sms/sms-pdu.h"

static unsigned long n_alloc;

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);

void *__wrap_malloc(size_t size) {
        n_alloc++;
        return __real_malloc(size);
}
void *__wrap_calloc(size_t n, size_t size) {
        n_alloc++;
        return __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t size) {
        n_alloc++;
        return __real_realloc(p, size);
}
void __wrap_free(void *p) {
        __real_free(p);
}

static const char *const corpus_hex[] = {
        /* C01: UDH 1-of-1, short-number sender */
        "07915155550501F0400781550521F30000423051010300405B050003C30101906536FB1D0251D1E939283D0785416F77B9050FCBE9A"
        "076793E0F9FCB203A3A4C07CDE969361B340ECBE5E9F21C14068DDFEE71985E7687E9E9B71B842E87C965B90B242D9B41C3990B",
        /* C02: 3-part GSM 7-bit, 153 septets per full part */
        "07915155550501F0400B915155550521F3000042508231940280A00500037403019AE1B49B5E7687DDE332C8FDA6A7C765103C2CA783D"
        "EEEB20E44479741EEB79C8E069DC3F432E89E66B341E23268CC7ECFCB64D0DB0D6ABEDDE4701E6496BFDB20184E078381E86F504CA68"
        "3C14077749A5D06D1D16590382C97A7CB7250FB4D7FCB41E939485E86B3C3E332D9052296D9697B599E2ECF4173F4BBCE2683EAF3328"
        "88E2E83E6",
        "07915155550501F0440B915155550521F300004250823194028043050003740303D8EF79790E2A87E5EC3CE8ED0619E56972380F0AD34"
        "1319A0E067381A8E8B07B0DCABFEB20F35B0ECABFEB72103C4C4F97DDE3B20B",
        /* C04: 2-part UCS2 with an emoji split */
        "07915155550501F0400B915155550571F70008426010815000218C0500035A0201005700650065006B0065006E006400200070006C0061"
        "006E003A002000680069006B00650020006100740020006E0069006E0065002C0020006C0075006E00630068002000620079002000740"
        "06800650020006C0061006B0065002C0020007400680065006E0020006200610063006B0020006200650066006F00720065002000640061"
        "D83D",
        "07915155550501F0440B915155550571F7000842601081500021300500035A0202DE31002000730065006500200079006F0075002000740"
        "06800650072006500200020D83DDE000020006F006B",
        /* C07: UCS2 Cyrillic */
        "07915155550501F0040B915155550541F20008423051010300402E041F0440043804320435044200210020041204410442044004350447"
        "043000200432002000310035003A00300030",
        /* C09: every extension character */
        "07915155550501F0040B915155550541F20000423051010300402D50797A5C06D53665D0860797BFDBEF8D0FB4418DDFE4F22605DAF4F0"
        "1B4A1E14DEBCC4A0F0062806",
        /* C10: '@' septets */
        "07915155550501F0040B915155550521F30000423051010300402100F4BB5DD681DAE1341B549F97E580323EDC86B3CBAEF1BB0D12E74139",
        /* C12: alphanumeric senders */
        "07915155550501F0040DD049B7F93DB58F0100004230510103004013D9775D0E1ABFC965507A0EA2E164B9D80C",
        "07915155550501F00407D034194D060000423051010300400DC2303BEC1E9741B19A0B0603",
        /* C17: short */
        "07915155550501F0040B915155550521F3000051907051529121065474D8BD9E03",
        /* C14: status reports */
        "07915155550501F006400B915155550551F0421090718384224210907183252200",
        "07915155550501F006410B915155550551F0421090718384224210017183942246",
};
#define N_CORPUS (sizeof(corpus_hex) / sizeof(corpus_hex[0]))

/* CPU time of this thread: the figures are per core even when the machine
 * is shared (wall-clock rates would depend on the other load). */
static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static SmsPart part;
static volatile size_t sink;

int main(void) {
        static uint8_t bin[N_CORPUS][SMS_PDU_MAX];
        size_t bin_len[N_CORPUS], hex_len[N_CORPUS];
        bool deliver[N_CORPUS];
        size_t n_deliver = 0;
        const char *env = getenv("CALLSTACK_BENCH_SECONDS");
        double secs = env ? atof(env) : 1.0;
        if (secs <= 0)
                secs = 1.0;

        for (size_t i = 0; i < N_CORPUS; i++) {
                hex_len[i] = strlen(corpus_hex[i]);
                int n = sms_hex_to_bin(corpus_hex[i], hex_len[i], bin[i], SMS_PDU_MAX);
                if (n < 0 || sms_pdu_decode(bin[i], (size_t)n, true, &part, NULL) < 0) {
                        fprintf(stderr, "bench: corpus PDU %zu does not decode\n", i);
                        return 1;
                }
                bin_len[i] = (size_t)n;
                deliver[i] = part.type == SMS_TYPE_DELIVER;
                n_deliver += deliver[i];
        }
        printf("corpus: %zu PDUs (%zu SMS-DELIVER: single/multipart, GSM 7-bit/UCS2; %zu status reports)\n",
               N_CORPUS, n_deliver, N_CORPUS - n_deliver);

        /* Decode, binary PDU, SMS-DELIVER only. */
        unsigned long allocs_before = n_alloc, decodes = 0;
        double t0 = now(), t;
        do {
                for (int rep = 0; rep < 1000; rep++)
                        for (size_t i = 0; i < N_CORPUS; i++)
                                if (deliver[i]) {
                                        sink += (size_t)sms_pdu_decode(bin[i], bin_len[i], true, &part, NULL);
                                        sink += part.text_len;
                                        decodes++;
                                }
        } while ((t = now() - t0) < secs);
        unsigned long allocs = n_alloc - allocs_before;
        printf("decode SMS-DELIVER (binary PDU): %.2f M/s, %.0f ns each, %lu heap allocations in %lu decodes\n",
               decodes / t / 1e6, t / decodes * 1e9, allocs, decodes);

        /* Decode from the hex line the modem prints, whole mixed corpus. */
        allocs_before = n_alloc;
        decodes = 0;
        t0 = now();
        do {
                for (int rep = 0; rep < 1000; rep++)
                        for (size_t i = 0; i < N_CORPUS; i++) {
                                sink += (size_t)sms_pdu_decode_hex(corpus_hex[i], hex_len[i], true, &part, NULL);
                                decodes++;
                        }
        } while ((t = now() - t0) < secs);
        unsigned long allocs_hex = n_alloc - allocs_before;
        printf("decode mixed corpus (hex line):  %.2f M/s, %.0f ns each, %lu heap allocations in %lu decodes\n",
               decodes / t / 1e6, t / decodes * 1e9, allocs_hex, decodes);

        /* Encode: a fixed mix of texts. */
        static char long_gsm[400], long_ucs2[600];
        memset(long_gsm, 'x', 320);
        for (size_t i = 0; i < 100; i++)
                memcpy(long_ucs2 + 4 * i, "\xF0\x9F\x98\x80", 4);
        struct {
                const char *text;
                size_t len;
        } texts[] = {
                {"Your code is 482913", 19},
                {"Price 5€ [promo] {code}", strlen("Price 5€ [promo] {code}")},
                {"Привет! Встреча в 15:00", strlen("Привет! Встреча в 15:00")},
                {long_gsm, 320},
                {long_ucs2, 400},
        };
        unsigned long encodes = 0, parts = 0;
        allocs_before = n_alloc;
        t0 = now();
        do {
                for (int rep = 0; rep < 100; rep++)
                        for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
                                SmsSubmit *s = NULL;
                                SmsSubmitOptions o = {.concat_ref = (uint16_t)(rep & 0xFF), .status_report = true};
                                if (sms_encode_submit("+15555550123", texts[i].text, texts[i].len, &o, &s) < 0) {
                                        fprintf(stderr, "bench: encode failed\n");
                                        return 1;
                                }
                                parts += s->n_parts;
                                encodes++;
                                sms_submit_free(s);
                        }
        } while ((t = now() - t0) < secs);
        printf("encode SMS-SUBMIT (mixed texts):  %.2f k messages/s, %.2f k parts/s, %.1f heap allocations per message\n",
               encodes / t / 1e3, parts / t / 1e3, (double)(n_alloc - allocs_before) / encodes);

        if (allocs != 0 || allocs_hex != 0) {
                fprintf(stderr, "bench: the decode path allocated\n");
                return 1;
        }
        return 0;
}
