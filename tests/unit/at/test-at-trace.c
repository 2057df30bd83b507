/* Unit tests for the redacting AT trace: no number, PDU, PIN, code or
 * identity survives unless --log-pii is on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "at/at-trace.h"
#include "util/log.h"

static const char *tx(const char *line, char *buf, size_t size) {
        return at_trace_redact(AT_TRACE_TX, line, AT_TRACE_CONTEXT_NONE, buf, size);
}

static const char *rx(const char *line, char *buf, size_t size) {
        return at_trace_redact(AT_TRACE_RX, line, AT_TRACE_CONTEXT_NONE, buf, size);
}

#define assert_no(hay, needle)                                                 \
        do {                                                                   \
                if (strstr((hay), (needle)))                                   \
                        fail_msg("'%s' leaks '%s'", (hay), (needle));          \
        } while (0)

static void test_at_trace_redact_dial_number(void **state) {
        char b[256];
        assert_string_equal(tx("ATD+15555550123;", b, sizeof(b)), "ATD+***0123;");
        assert_string_equal(tx("ATD5555550150;", b, sizeof(b)), "ATD***0150;");
        assert_string_equal(rx("ATD+15555550123;", b, sizeof(b)), "ATD+***0123;"); /* echo */
}

static void test_at_trace_redact_pin_puk(void **state) {
        char b[256];
        assert_string_equal(tx("AT+CPIN=\"0000\"", b, sizeof(b)), "AT+CPIN=[redacted]");
        assert_string_equal(tx("AT+CPIN=1234", b, sizeof(b)), "AT+CPIN=[redacted]");
        tx("AT+CPIN=\"12345678\",\"4321\"", b, sizeof(b)); /* PUK + new PIN */
        assert_no(b, "12345678");
        assert_no(b, "4321");
        tx("AT+CLCK=\"SC\",1,\"9876\"", b, sizeof(b));
        assert_no(b, "9876");
        tx("AT+CPWD=\"SC\",\"1111\",\"2222\"", b, sizeof(b));
        assert_no(b, "1111");
        assert_no(b, "2222");
        /* The state query and its answer are not secret. */
        assert_string_equal(tx("AT+CPIN?", b, sizeof(b)), "AT+CPIN?");
        assert_string_equal(rx("+CPIN: SIM PIN", b, sizeof(b)), "+CPIN: SIM PIN");
}

static void test_at_trace_redact_sms_text_mode_and_pdu(void **state) {
        static const char pdu[] = "0031000B915155550551F00000A721D4F29C0E6A97E7F3F0B90CBAA7E96810B9CC4EDBCBF23C485E86BFE574";
        char b[256];
        tx("AT+CMGS=\"+15555550150\"", b, sizeof(b));
        assert_no(b, "5555550150");
        assert_string_equal(b, "AT+CMGS=\"+***0150\"");
        assert_string_equal(tx("AT+CMGS=43", b, sizeof(b)), "AT+CMGS=43");
        at_trace_redact(AT_TRACE_TX, pdu, AT_TRACE_CONTEXT_PDU, b, sizeof(b));
        assert_string_equal(b, "[redacted 88 bytes]");
        /* A PDU line without context is caught as a hex blob. */
        rx(pdu, b, sizeof(b));
        assert_no(b, "D4F29C0E");
        assert_no(b, "5155550551");
        /* Text-mode +CMGR header (field case C07) and +CMT. */
        rx("+CMGR: \"REC UNREAD\",\"+15555550142\",,\"24/03/15,10:30:00+04\",145,4,0,8,\"+15555550100\",145,46",
           b, sizeof(b));
        assert_no(b, "5555550142");
        assert_no(b, "5555550100");
        assert_true(strstr(b, "REC UNREAD"));
        rx("+CMT: \"+15555550123\",\"Mom\",\"24/03/15,10:30:00+04\"", b, sizeof(b));
        assert_no(b, "5555550123");
        assert_no(b, "Mom");
        rx("+CMGL: 1,\"REC READ\",\"+15555550123\",,\"24/03/15,10:30:00+04\"", b, sizeof(b));
        assert_no(b, "5555550123");
        rx("+CDS: 6,203,\"+15555550150\",145,\"17/06/13,19:00:58+28\",\"17/06/13,19:00:58+28\",0", b,
           sizeof(b));
        assert_no(b, "5555550150");
}

static void test_at_trace_redact_clip_clcc(void **state) {
        char b[256];
        rx("+CLIP: \"+15555550123\",145,,,,0", b, sizeof(b)); /* field case C24 */
        assert_string_equal(b, "+CLIP: \"+***0123\",145,,,,0");
        rx("+CLCC: 1,0,2,0,0,\"5555550150\",129,\"\"", b, sizeof(b)); /* field case C26 */
        assert_string_equal(b, "+CLCC: 1,0,2,0,0,\"***0150\",129,\"\"");
        rx("+CLCC: 1,1,4,0,0,\"+15555550123\",145,\"Alice\"", b, sizeof(b));
        assert_no(b, "Alice");
        assert_no(b, "5555550123");
        rx("+CNUM: \"Own\",\"+15555550199\",145", b, sizeof(b));
        assert_no(b, "5555550199");
}

static void test_at_trace_redact_ussd(void **state) {
        char b[256];
        tx("AT+CUSD=1,\"*100#\",15", b, sizeof(b));
        assert_no(b, "*100#");
        tx("AT+CUSD=1,\"AA180C3602\",15", b, sizeof(b)); /* field case C21 */
        assert_no(b, "AA180C3602");
        rx("+CUSD: 0,\"Your balance is 12.34 EUR\",15", b, sizeof(b));
        assert_no(b, "balance");
        assert_no(b, "12.34");
        assert_true(strncmp(b, "+CUSD: 0,\"[redacted", 19) == 0);
        rx("+CUSD: 0,\"04110430043B0430043D0441003A003100300030002C003000300440\",72", b, sizeof(b));
        assert_no(b, "0411");
}

static void test_at_trace_redact_identity(void **state) {
        char b[256];
        at_trace_redact(AT_TRACE_RX, "490154203237518", at_trace_context_for_command("AT+CGSN"), b, sizeof(b));
        assert_string_equal(b, "[redacted]");
        at_trace_redact(AT_TRACE_RX, "001010123456789", at_trace_context_for_command("AT+CIMI"), b, sizeof(b));
        assert_string_equal(b, "[redacted]");
        rx("+CCID: 89011703278100000007", b, sizeof(b));
        assert_no(b, "8901170327");
        rx("+ICCID: 89011703278100000007", b, sizeof(b));
        assert_no(b, "8901170327");
        rx("^ICCID: 98101430121181157002", b, sizeof(b));
        assert_no(b, "9810143012");
        rx("+CGSN: 490154203237518", b, sizeof(b));
        assert_no(b, "4901542032");
        /* A bare IMEI without context is still a long digit run. */
        rx("490154203237518", b, sizeof(b));
        assert_string_equal(b, "[redacted]");
        /* ATI lists the IMEI among other lines (SIM7600). */
        rx("IMEI: 490154203237518", b, sizeof(b));
        assert_string_equal(b, "IMEI: [redacted]");
        assert_int_equal(at_trace_context_for_command("AT+CSQ"), AT_TRACE_CONTEXT_NONE);
}

static void test_at_trace_keeps_harmless_lines(void **state) {
        char b[256];
        assert_string_equal(rx("+CSQ: 20,99", b, sizeof(b)), "+CSQ: 20,99");
        assert_string_equal(rx("OK", b, sizeof(b)), "OK");
        assert_string_equal(rx("+CME ERROR: 10", b, sizeof(b)), "+CME ERROR: 10");
        assert_string_equal(rx("+CME ERROR: SIM PIN required", b, sizeof(b)), "+CME ERROR: SIM PIN required");
        assert_string_equal(rx("NO CARRIER", b, sizeof(b)), "NO CARRIER");
        /* A final result is still masked where it carries a long number. */
        assert_string_equal(rx("+CME ERROR: 35123456000001", b, sizeof(b)), "+CME ERROR: [redacted]");
        assert_string_equal(rx("+CMTI: \"SM\",3", b, sizeof(b)), "+CMTI: \"SM\",3");
        assert_string_equal(rx("+COPS: 0,0,\"Operator\",7", b, sizeof(b)), "+COPS: 0,0,\"Operator\",7");
        assert_string_equal(tx("AT+CMGR=3", b, sizeof(b)), "AT+CMGR=3");
        assert_string_equal(rx("\033", b, sizeof(b)), "\\x1b");
        /* Cell identity of the registration family is masked. */
        rx("+CREG: 2,5,\"2AF5\",\"0B88E350\",2", b, sizeof(b));
        assert_no(b, "0B88E350");
        assert_true(strncmp(b, "+CREG: 2,5,", 11) == 0);
}

static void test_at_trace_truncates_safely(void **state) {
        char b[12];
        at_trace_redact(AT_TRACE_RX, "+COPS: 0,0,\"Operator\",7", AT_TRACE_CONTEXT_NONE, b, sizeof(b));
        assert_int_equal(strlen(b), sizeof(b) - 1);
        assert_string_equal(b + strlen(b) - 3, "...");
        assert_null(at_trace_redact(AT_TRACE_RX, "x", AT_TRACE_CONTEXT_NONE, NULL, 0));
}

static void test_at_trace_show_pii_passes_through(void **state) {
        char b[256];
        log_set_show_pii(true);
        assert_string_equal(tx("ATD+15555550123;", b, sizeof(b)), "ATD+15555550123;");
        assert_string_equal(tx("AT+CPIN=\"0000\"", b, sizeof(b)), "AT+CPIN=\"0000\"");
        log_set_show_pii(false);
        assert_string_equal(tx("AT+CPIN=\"0000\"", b, sizeof(b)), "AT+CPIN=[redacted]");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_at_trace_redact_dial_number),
                cmocka_unit_test(test_at_trace_redact_pin_puk),
                cmocka_unit_test(test_at_trace_redact_sms_text_mode_and_pdu),
                cmocka_unit_test(test_at_trace_redact_clip_clcc),
                cmocka_unit_test(test_at_trace_redact_ussd),
                cmocka_unit_test(test_at_trace_redact_identity),
                cmocka_unit_test(test_at_trace_keeps_harmless_lines),
                cmocka_unit_test(test_at_trace_truncates_safely),
                cmocka_unit_test(test_at_trace_show_pii_passes_through),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
