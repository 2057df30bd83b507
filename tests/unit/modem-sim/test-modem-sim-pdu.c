/* Unit tests of the simulator's own PDU codec (tools/modem-sim/sim-pdu.c)
 * against the field-case vectors of shared/reference/field-cases.json
 * (copied here by case id) and 3GPP TS 23.040/23.038 round trips. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sim-pdu.h"

typedef struct Vector {
        const char *name;
        const char *hex;
        const char *sender;
        const char *text; /* NULL: not checked here */
        unsigned concat_bits, ref, total, seq;
} Vector;

static const Vector deliver_vectors[] = {
        {"C01_udh_7bit_one_part",
         "07915155550501F0400781550521F30000423051010300405B050003C30101906536FB1D0251D1E939283D0785416F77B9"
         "050FCBE9A076793E0F9FCB203A3A4C07CDE969361B340ECBE5E9F21C14068DDFEE71985E7687E9E9B71B842E87C965B90B"
         "242D9B41C3990B",
         "5550123", "Hello! This is a one-part message that still carries a concatenation header. Ref C3.",
         8, 195, 1, 1},
        {"C02_arrival_0",
         "07915155550501F0400B915155550521F3000042508231940280A00500037403019AE1B49B5E7687DDE332C8FDA6A7C765"
         "103C2CA783DEEEB20E44479741EEB79C8E069DC3F432E89E66B341E23268CC7ECFCB64D0DB0D6ABEDDE4701E6496BFDB20"
         "184E078381E86F504CA683C14077749A5D06D1D16590382C97A7CB7250FB4D7FCB41E939485E86B3C3E332D9052296D969"
         "7B599E2ECF4173F4BBCE2683EAF332888E2E83E6",
         "+15555550123",
         "Maintenance notice part one: the north gate will be closed on Monday from 08:00 to 12:00 while "
         "the barrier motor is replaced. Deliveries should use the s",
         8, 116, 3, 1},
        {"C02_arrival_1",
         "07915155550501F0440B915155550521F300004250823194028043050003740303D8EF79790E2A87E5EC3CE8ED0619E569"
         "72380F0AD341319A0E067381A8E8B07B0DCABFEB20F35B0ECABFEB72103C4C4F97DDE3B20B",
         "+15555550123", "loses early on Friday at 14:00. Thank you for your patience.", 8, 116, 3, 3},
        {"C02_arrival_2",
         "07915155550501F0400B915155550521F3000042508231940280A0050003740302DE753A1A5476D3E561F7B80C22D7E569"
         "F719444787E9A07BDA4D7EDF5D2068584E07D1EF6F1D081E96AFD3EE33885DB697D92021283D07C9CBF3B2DC5E2683CC6F"
         "39C89E9EA7E96FF91C1466B341F77279BD03CDE961B319240E93CFE539E89E66B341EE371DF48697DDA034DD058286E574"
         "101D2D2F9775203ABA0C1A87CD657A599E0E83C6",
         "+15555550123",
         "outh entrance during that window. Part two: parking level B is reserved for visitors all week; "
         "staff badges will not open it. Part three: the cafeteria c",
         8, 116, 3, 2},
        {"C04_ucs2_part1",
         "07915155550501F0400B915155550571F70008426010815000218C0500035A0201005700650065006B0065006E00640020"
         "0070006C0061006E003A002000680069006B00650020006100740020006E0069006E0065002C0020006C0075006E006300"
         "6800200062007900200074006800650020006C0061006B0065002C0020007400680065006E0020006200610063006B0020"
         "006200650066006F00720065002000640061D83D",
         "+15555550177", NULL, 8, 90, 2, 1},
        {"C04_ucs2_part2",
         "07915155550501F0440B915155550571F7000842601081500021300500035A0202DE31002000730065006500200079006F"
         "00750020007400680065007200650020D83DDE000020006F006B",
         "+15555550177", NULL, 8, 90, 2, 2},
        {"C09_gsm7_extension",
         "07915155550501F0040B915155550541F20000423051010300402D50797A5C06D53665D0860797BFDBEF8D0FB4418DDFE4"
         "F22605DAF4F01B4A1E14DEBCC4A0F0062806",
         "+15555550142", "Price 5\xe2\x82\xac [promo] {code} ~x^y a\\b a|b", 0, 0, 0, 0},
        {"C10_gsm7_at_sign",
         "07915155550501F0040B915155550521F30000423051010300402100F4BB5DD681DAE1341B549F97E580323EDC86B3CBAE"
         "F1BB0D12E74139",
         "+15555550123", "@home: mail user@example.com by 9", 0, 0, 0, 0},
        {"C12_alnum_toa_d0",
         "07915155550501F0040DD049B7F93DB58F0100004230510103004013D9775D0E1ABFC965507A0EA2E164B9D80C",
         "InfoSvc", NULL, 0, 0, 0, 0},
        {"C12_alnum_toa_d1",
         "07915155550501F0040DD149B7F93DB58F0100004230510103004013D9775D0E1ABFC965507A0EA2E164B9D80C",
         "InfoSvc", NULL, 0, 0, 0, 0},
        {"C12_alnum_digits", "07915155550501F00407D034194D060000423051010300400DC2303BEC1E9741B19A0B0603",
         "4242", NULL, 0, 0, 0, 0},
        {"C16_gate3", "07915155550501F0240B915155550521F300004280110263156106C730BD0C9A01", "+15555550123",
         "Gate 3", 0, 0, 0, 0},
        {"C17_thanks", "07915155550501F0040B915155550521F3000051907051529121065474D8BD9E03", "+15555550123",
         "Thanks", 0, 0, 0, 0},
        {"C19_alpha", "07915155550501F0000B915155550541F20000423051010300400741361C1D06C500", "+15555550142",
         "Alpha 1", 0, 0, 0, 0},
        {"C19_bravo", "07915155550501F0000B915155550541F2000042305101031040074279D8FE06C900", "+15555550142",
         "Bravo 2", 0, 0, 0, 0},
        {"C19_charlie", "07915155550501F0040B915155550541F200004230510103204009437458CE4E974133",
         "+15555550142", "Charlie 3", 0, 0, 0, 0},
        {"C07_equivalent_ucs2",
         "07915155550501F0040B915155550541F20008423051010300402E041F0440043804320435044200210020041204410442"
         "044004350447043000200432002000310035003A00300030",
         "+15555550142",
         "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82! "
         "\xd0\x92\xd1\x81\xd1\x82\xd1\x80\xd0\xb5\xd1\x87\xd0\xb0 \xd0\xb2 15:00",
         0, 0, 0, 0},
};

static void test_sim_pdu_decode_field_case_deliver_vectors(void **state) {
        for (size_t i = 0; i < sizeof(deliver_vectors) / sizeof(deliver_vectors[0]); i++) {
                const Vector *v = &deliver_vectors[i];
                SimPdu p;

                printf("# %s\n", v->name);
                assert_int_equal(sim_pdu_decode(v->hex, true, false, &p), 0);
                assert_int_equal(p.type, SIM_PDU_DELIVER);
                assert_string_equal(p.smsc, "+15555550100");
                assert_string_equal(p.number, v->sender);
                if (v->text) {
                        assert_int_equal(p.text_len, strlen(v->text));
                        assert_string_equal(p.text, v->text);
                }
                assert_int_equal(p.has_concat, v->concat_bits != 0);
                if (v->concat_bits) {
                        assert_int_equal(p.concat_bits, v->concat_bits);
                        assert_int_equal(p.concat_ref, v->ref);
                        assert_int_equal(p.concat_total, v->total);
                        assert_int_equal(p.concat_seq, v->seq);
                }
        }
}

static void test_sim_pdu_decode_c01_timestamp_and_toa(void **state) {
        SimPdu p;

        assert_int_equal(sim_pdu_decode(deliver_vectors[0].hex, true, false, &p), 0);
        assert_int_equal(p.toa, 0x81);
        assert_string_equal(p.scts, "24/03/15,10:30:00+04");
        assert_int_equal(p.alphabet, SIM_ALPHABET_GSM7);
}

static void test_sim_pdu_decode_c12_alphanumeric_any_npi(void **state) {
        SimPdu p;

        assert_int_equal(sim_pdu_decode(deliver_vectors[9].hex, true, false, &p), 0);
        assert_true(p.alphanumeric);
        assert_int_equal(p.toa, 0xD1);
}

/* C04: each part alone leaves a lone surrogate; joined raw UCS2 octets
 * in sequence order decode to the emoji. */
static void test_sim_pdu_decode_c04_surrogate_split_joined(void **state) {
        SimPdu a, b;
        uint8_t joined[300];
        char text[600];
        size_t len;

        assert_int_equal(sim_pdu_decode(deliver_vectors[4].hex, true, false, &a), 0);
        assert_int_equal(sim_pdu_decode(deliver_vectors[5].hex, true, false, &b), 0);
        assert_int_equal(a.alphabet, SIM_ALPHABET_UCS2);
        assert_int_equal(a.ud_len, 134);
        assert_int_equal(b.ud_len, 42);
        assert_non_null(strstr(a.text, "\xef\xbf\xbd")); /* U+FFFD */
        memcpy(joined, a.ud, a.ud_len);
        memcpy(joined + a.ud_len, b.ud, b.ud_len);
        assert_int_equal(sim_ucs2_to_utf8(joined, a.ud_len + b.ud_len, text, sizeof(text), &len), 0);
        assert_string_equal(text, "Weekend plan: hike at nine, lunch by the lake, then back before da"
                                  "\xf0\x9f\x98\xb1 see you there \xf0\x9f\x98\x80 ok");
}

static void test_sim_pdu_decode_c14_status_reports(void **state) {
        SimPdu p;

        assert_int_equal(sim_pdu_decode("07915155550501F006400B915155550551F0421090718384224210907183252200",
                                        true, false, &p),
                         0);
        assert_int_equal(p.type, SIM_PDU_STATUS_REPORT);
        assert_int_equal(p.mr, 64);
        assert_string_equal(p.number, "+15555550150");
        assert_string_equal(p.scts, "24/01/09,17:38:48+22");
        assert_string_equal(p.dt, "24/01/09,17:38:52+22");
        assert_int_equal(p.st, 0x00);
        assert_int_equal(sim_pdu_decode("07915155550501F006410B915155550551F0421090718384224210017183942246",
                                        true, false, &p),
                         0);
        assert_int_equal(p.mr, 65);
        assert_int_equal(p.st, 0x46);
}

static void test_sim_pdu_decode_c14_submit(void **state) {
        SimPdu p;

        assert_int_equal(
                sim_pdu_decode("0031000B915155550551F00000A721D4F29C0E6A97E7F3F0B90CBAA7E96810B9CC4EDBCBF23C"
                               "485E86BFE574",
                               true, true, &p),
                0);
        assert_int_equal(p.type, SIM_PDU_SUBMIT);
        assert_string_equal(p.smsc, "");
        assert_true(p.srr);
        assert_int_equal(p.vpf, 2);
        assert_int_equal(p.vp[0], 0xA7);
        assert_string_equal(p.number, "+15555550150");
        assert_int_equal(p.ud_len, 33);
}

static void test_sim_pdu_decode_rejects_malformed(void **state) {
        SimPdu p;
        const char *bad[] = {
                "",
                "0",
                "ZZ",
                "07915155550501F0",                       /* SMSC only */
                "07915155550501F0040B9151555505",         /* truncated address */
                "0011000B915155550551F00000A7FF41",       /* UDL 255 septets */
                "0051000B915155550551F00008A70506080400", /* UDHL beyond UD */
        };

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_true(sim_pdu_decode(bad[i], true, i < 5 ? false : true, &p) < 0);
        /* A DELIVER is not something the host sends. */
        assert_int_equal(sim_pdu_decode(deliver_vectors[15].hex, true, true, &p), -EBADMSG);
}

static void test_sim_gsm7_round_trip_all_characters(void **state) {
        const char *s = "@\xc2\xa3$\xc2\xa5\xc3\xa8\xc3\xa9 {}[]~^\\|\xe2\x82\xac \xce\x94_\xc3\x9f "
                        "\xc2\xa1\xc2\xbf";
        uint8_t sept[200];
        char back[400];
        size_t n, len;

        assert_int_equal(sim_gsm7_from_utf8(s, strlen(s), sept, sizeof(sept), &n), 0);
        assert_int_equal(sept[0], 0x00);
        assert_int_equal(sim_gsm7_to_utf8(sept, n, back, sizeof(back), &len), 0);
        assert_string_equal(back, s);
        assert_int_equal(sim_gsm7_from_utf8("\xd0\x9f", 2, sept, sizeof(sept), &n), -EINVAL);
        assert_int_equal(sim_gsm7_from_utf8("\xff", 1, sept, sizeof(sept), &n), -EINVAL);
}

static void test_sim_pdu_encode_deliver_round_trip_gsm7_concat16(void **state) {
        const char *text = "Hello {world} 100\xe2\x82\xac";
        uint8_t sept[160];
        size_t n;
        char hex[400];
        SimPdu p;
        int r;

        assert_int_equal(sim_gsm7_from_utf8(text, strlen(text), sept, sizeof(sept), &n), 0);
        r = sim_pdu_encode_deliver(&(SimDeliverSpec){.smsc = "+15555550100",
                                                     .sender = "+15555550123",
                                                     .alphabet = SIM_ALPHABET_GSM7,
                                                     .ud = sept,
                                                     .ud_len = n,
                                                     .concat = true,
                                                     .ref = 0x1234,
                                                     .ref_bits = 16,
                                                     .total = 2,
                                                     .seq = 2,
                                                     .time = 1700000000,
                                                     .msg_class = -1},
                                   hex, sizeof(hex));
        assert_true(r > 0);
        assert_int_equal((int)strlen(hex) / 2 - 8, r);
        assert_int_equal(sim_pdu_decode(hex, true, false, &p), 0);
        assert_string_equal(p.number, "+15555550123");
        assert_string_equal(p.text, text);
        assert_int_equal(p.concat_bits, 16);
        assert_int_equal(p.concat_ref, 0x1234);
        assert_int_equal(p.concat_seq, 2);
        assert_string_equal(p.scts, "23/11/14,22:13:20+00");
}

static void test_sim_pdu_encode_deliver_ucs2_alnum_sender(void **state) {
        const char *text = "Gr\xc3\xbc\xc3\x9f"
                           "e \xf0\x9f\x98\x80";
        uint8_t ud[140];
        size_t n;
        char hex[400];
        SimPdu p;

        assert_int_equal(sim_ucs2_from_utf8(text, strlen(text), ud, sizeof(ud), &n), 0);
        assert_int_equal(n, 16);
        assert_true(sim_pdu_encode_deliver(&(SimDeliverSpec){.sender = "InfoSvc",
                                                             .alphabet = SIM_ALPHABET_UCS2,
                                                             .ud = ud,
                                                             .ud_len = n,
                                                             .msg_class = -1},
                                           hex, sizeof(hex)) > 0);
        assert_int_equal(sim_pdu_decode(hex, true, false, &p), 0);
        assert_true(p.alphanumeric);
        assert_string_equal(p.number, "InfoSvc");
        assert_string_equal(p.text, text);
        assert_string_equal(p.smsc, "");
}

static void test_sim_pdu_encode_deliver_too_long(void **state) {
        uint8_t sept[161] = {0};
        char hex[400];

        assert_int_equal(
                sim_pdu_encode_deliver(
                        &(SimDeliverSpec){.sender = "123", .ud = sept, .ud_len = 161, .msg_class = -1}, hex,
                        sizeof(hex)),
                -EMSGSIZE);
        assert_int_equal(sim_pdu_encode_deliver(&(SimDeliverSpec){.sender = "123",
                                                                  .ud = sept,
                                                                  .ud_len = 154,
                                                                  .concat = true,
                                                                  .total = 2,
                                                                  .seq = 1,
                                                                  .ref_bits = 8,
                                                                  .msg_class = -1},
                                                hex, sizeof(hex)),
                         -EMSGSIZE);
}

static void test_sim_pdu_encode_status_report_round_trip(void **state) {
        char hex[200];
        SimPdu p;
        int r;

        r = sim_pdu_encode_status_report("+15555550100", 65, "+15555550150", 0x91, 1700000000, 1700000004,
                                         0x46, hex, sizeof(hex));
        assert_int_equal(r, 25);
        assert_int_equal(sim_pdu_decode(hex, true, false, &p), 0);
        assert_int_equal(p.type, SIM_PDU_STATUS_REPORT);
        assert_int_equal(p.mr, 65);
        assert_int_equal(p.st, 0x46);
        assert_string_equal(p.number, "+15555550150");
}

/* C21: "*100#" packed for a Huawei +CUSD request. */
static void test_sim_gsm7_pack_ussd_c21(void **state) {
        uint8_t sept[16], packed[16], back[16];
        size_t n, o;

        assert_int_equal(sim_gsm7_from_utf8("*100#", 5, sept, sizeof(sept), &n), 0);
        o = sim_gsm7_pack(sept, n, packed, sizeof(packed));
        assert_int_equal(o, 5);
        assert_memory_equal(packed, "\xAA\x18\x0C\x36\x02", 5);
        assert_int_equal(sim_gsm7_unpack(packed, o, back, sizeof(back)), 5);
        assert_memory_equal(back, sept, 5);
        /* 7 septets leave 7 spare bits: an 8th septet would appear unless CR-padded */
        assert_int_equal(
                sim_gsm7_unpack((const uint8_t *)"\x31\xD9\x8C\x56\xB3\xDD\x00", 7, back, sizeof(back)), 8);
        assert_int_equal(sim_gsm7_pack(sept, n, packed, 2), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sim_pdu_decode_field_case_deliver_vectors),
                cmocka_unit_test(test_sim_pdu_decode_c01_timestamp_and_toa),
                cmocka_unit_test(test_sim_pdu_decode_c12_alphanumeric_any_npi),
                cmocka_unit_test(test_sim_pdu_decode_c04_surrogate_split_joined),
                cmocka_unit_test(test_sim_pdu_decode_c14_status_reports),
                cmocka_unit_test(test_sim_pdu_decode_c14_submit),
                cmocka_unit_test(test_sim_pdu_decode_rejects_malformed),
                cmocka_unit_test(test_sim_gsm7_round_trip_all_characters),
                cmocka_unit_test(test_sim_pdu_encode_deliver_round_trip_gsm7_concat16),
                cmocka_unit_test(test_sim_pdu_encode_deliver_ucs2_alnum_sender),
                cmocka_unit_test(test_sim_pdu_encode_deliver_too_long),
                cmocka_unit_test(test_sim_pdu_encode_status_report_round_trip),
                cmocka_unit_test(test_sim_gsm7_pack_ussd_c21),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
