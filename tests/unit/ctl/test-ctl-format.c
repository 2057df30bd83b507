/* Unit tests of callstackctl's output (src/ctl/ctl-format.c).  Modem
 * values are those of a SIMCom SIM7600E-H on a test network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/ctl-format.h"
#include "util/cleanup.h"

static json_object *sim7600_props(void) {
        return json_tokener_parse(
                "{\"Manufacturer\": \"SIMCOM INCORPORATED\", \"Model\": \"SIM7600E-H\","
                " \"Revision\": \"LE20B04SIM7600M22\", \"Profile\": \"simcom-sim7600\","
                " \"State\": \"registered\", \"SimState\": \"ready\", \"SignalQuality\": 67,"
                " \"Registration\": \"home\", \"OperatorName\": \"Test Network\","
                " \"Ports\": [[\"/dev/ttyUSB2\", \"at\"], [\"/dev/ttyUSB4\", \"audio\"]],"
                " \"Capabilities\": {\"sms\": \"supported\"}}");
}

static char *capture(void (*fn)(FILE *, const char *, json_object *), const char *path, json_object *o) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        assert_non_null(f);
        fn(f, path, o);
        fclose(f);
        return buf;
}

static void test_ctl_format_modem_sim7600(void **state) {
        json_object *p = sim7600_props();
        _cleanup_free_ char *out = capture(ctl_format_modem, "/org/callstack/Modem/0", p);

        assert_string_equal(out, "/org/callstack/Modem/0\n"
                                 "  Manufacturer:  SIMCOM INCORPORATED\n"
                                 "  Model:         SIM7600E-H\n"
                                 "  Revision:      LE20B04SIM7600M22\n"
                                 "  Profile:       simcom-sim7600\n"
                                 "  State:         registered\n"
                                 "  SIM:           ready\n"
                                 "  Registration:  home\n"
                                 "  Operator:      Test Network\n"
                                 "  Signal:        67%\n"
                                 "  Ports:         /dev/ttyUSB2 (at)\n"
                                 "                 /dev/ttyUSB4 (audio)\n"
                                 "  Capabilities:  sms: supported\n");
        json_object_put(p);
}

static void test_ctl_format_modem_probing_has_dashes(void **state) {
        json_object *p = json_tokener_parse("{\"State\": \"probing\", \"Manufacturer\": \"\"}");
        _cleanup_free_ char *out = capture(ctl_format_modem, "/org/callstack/Modem/3", p);

        assert_non_null(strstr(out, "  Manufacturer:  -\n"));
        assert_non_null(strstr(out, "  State:         probing\n"));
        assert_non_null(strstr(out, "  Signal:        -\n"));
        assert_non_null(strstr(out, "  Ports:         -\n"));
        json_object_put(p);
}

static void test_ctl_format_modem_line_sim7600(void **state) {
        json_object *p = sim7600_props();
        _cleanup_free_ char *out = capture(ctl_format_modem_line, "/org/callstack/Modem/0", p);

        assert_string_equal(out, "/org/callstack/Modem/0   SIMCOM INCORPORATED SIM7600E-H registered   67%  Test Network\n");
        json_object_put(p);
}

static void test_ctl_modem_to_json_ports_become_objects(void **state) {
        json_object *p = sim7600_props();
        json_object *o = ctl_modem_to_json("/org/callstack/Modem/0", p), *v, *port;

        assert_true(json_object_object_get_ex(o, "Path", &v));
        assert_string_equal(json_object_get_string(v), "/org/callstack/Modem/0");
        assert_true(json_object_object_get_ex(o, "SignalQuality", &v));
        assert_int_equal(json_object_get_int(v), 67);
        assert_true(json_object_object_get_ex(o, "Ports", &v));
        assert_int_equal(json_object_array_length(v), 2);
        port = json_object_array_get_idx(v, 1);
        assert_true(json_object_object_get_ex(port, "device", &v));
        assert_string_equal(json_object_get_string(v), "/dev/ttyUSB4");
        assert_true(json_object_object_get_ex(port, "role", &v));
        assert_string_equal(json_object_get_string(v), "audio");
        json_object_put(o);
        json_object_put(p);
}

static void test_ctl_format_identity_sorted(void **state) {
        json_object *id = json_tokener_parse("{\"MSISDN\": \"+15555550123\", \"IMEI\": \"490154203237518\","
                                             " \"ICCID\": \"8944500102198304826\"}");
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        ctl_format_identity(f, id);
        fclose(f);
        assert_string_equal(buf, "ICCID: 8944500102198304826\nIMEI: 490154203237518\nMSISDN: +15555550123\n");
        free(buf);
        json_object_put(id);
}

static void test_ctl_format_time_rfc3339_and_short(void **state) {
        char buf[64];

        /* 2026-01-01T12:00:01.250Z */
        assert_int_equal(ctl_format_time(1767268801250000ULL, true, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "2026-01-01T12:00:01.250Z");
        assert_int_equal(ctl_format_time(1767268801250000ULL, false, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "12:00:01 UTC");
}

static void test_ctl_format_sms_read_times_readable_strings_unquoted(void **state) {
        /* Read() of a received message: 2026-01-01T12:00:01Z as µs. */
        json_object *msg = json_tokener_parse(
                "{\"number\": \"+15555550142\", \"text\": \"Gate code 4711\","
                " \"details\": {\"smsc\": \"+15555550100\", \"service-timestamp\": 1767268801000000,"
                " \"encoding\": \"gsm7\", \"message-references\": [3, -1]}}");
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        ctl_format_sms_read(f, msg, "incoming", "received");
        fclose(f);
        assert_string_equal(buf, "From: +15555550142\nState: received\nsmsc: +15555550100\n"
                                 "service-timestamp: 2026-01-01T12:00:01.000Z\nencoding: gsm7\n"
                                 "message-references: [3,-1]\n\nGate code 4711\n");
        free(buf);

        /* outgoing, no properties known, a zero time stays a number */
        json_object_put(msg);
        msg = json_tokener_parse("{\"number\": \"3443\", \"text\": \"\", \"details\": {\"discharge-timestamp\": 0}}");
        f = open_memstream(&buf, &size);
        ctl_format_sms_read(f, msg, "outgoing", NULL);
        fclose(f);
        assert_string_equal(buf, "To: 3443\ndischarge-timestamp: 0\n\n\n");
        free(buf);
        json_object_put(msg);
}

static char *format_signal(bool json, const char *path, const char *iface, const char *member, const char *args) {
        json_object *a = json_tokener_parse(args);
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        ctl_format_signal(f, json, 1767268801250000ULL, path, iface, member, a);
        fclose(f);
        json_object_put(a);
        return buf;
}

static void test_ctl_format_signal_properties_changed(void **state) {
        _cleanup_free_ char *h = format_signal(false, "/org/callstack/Modem/0", "org.freedesktop.DBus.Properties",
                                               "PropertiesChanged",
                                               "[\"org.callstack.Modem\", {\"SignalQuality\": 67,"
                                               " \"Registration\": \"roaming\"}, [\"OperatorName\"]]");
        _cleanup_free_ char *j = format_signal(true, "/org/callstack/Modem/0", "org.freedesktop.DBus.Properties",
                                               "PropertiesChanged",
                                               "[\"org.callstack.Modem\", {\"SignalQuality\": 67}, []]");

        assert_string_equal(h, "[12:00:01 UTC] /org/callstack/Modem/0 org.callstack.Modem SignalQuality=67 "
                               "Registration=roaming OperatorName=(invalidated)\n");
        assert_string_equal(j, "{\"time\":\"2026-01-01T12:00:01.250Z\",\"path\":\"/org/callstack/Modem/0\","
                               "\"interface\":\"org.freedesktop.DBus.Properties\",\"member\":\"PropertiesChanged\","
                               "\"args\":[\"org.callstack.Modem\",{\"SignalQuality\":67},[]]}\n");
}

static void test_ctl_format_signal_interfaces_added_and_other(void **state) {
        _cleanup_free_ char *added = format_signal(
                false, "/org/callstack", "org.freedesktop.DBus.ObjectManager", "InterfacesAdded",
                "[\"/org/callstack/Modem/1\", {\"org.callstack.Modem\": {\"State\": \"probing\"}}]");
        _cleanup_free_ char *removed = format_signal(false, "/org/callstack", "org.freedesktop.DBus.ObjectManager",
                                                     "InterfacesRemoved",
                                                     "[\"/org/callstack/SMS/4\", [\"org.callstack.SMS\"]]");
        _cleanup_free_ char *other = format_signal(false, "/org/callstack/Modem/0", "org.callstack.Modem.Messaging",
                                                   "Added", "[\"/org/callstack/SMS/5\", true]");

        assert_string_equal(added, "[12:00:01 UTC] /org/callstack InterfacesAdded /org/callstack/Modem/1 "
                                   "org.callstack.Modem\n");
        assert_string_equal(removed, "[12:00:01 UTC] /org/callstack InterfacesRemoved /org/callstack/SMS/4 "
                                     "org.callstack.SMS\n");
        assert_string_equal(other, "[12:00:01 UTC] /org/callstack/Modem/0 org.callstack.Modem.Messaging.Added "
                                   "/org/callstack/SMS/5 true\n");
}

static void test_ctl_format_signal_name_owner_changed_in_words(void **state) {
        char *out = format_signal(false, "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameOwnerChanged",
                                  "[\"org.callstack\", \"\", \":1.3\"]");
        assert_string_equal(out, "[12:00:01 UTC] org.callstack appeared on the bus (:1.3)\n");
        free(out);
        out = format_signal(false, "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameOwnerChanged",
                            "[\"org.callstack\", \":1.3\", \"\"]");
        assert_string_equal(out, "[12:00:01 UTC] org.callstack left the bus\n");
        free(out);
        /* JSON stays the raw signal */
        out = format_signal(true, "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameOwnerChanged",
                            "[\"org.callstack\", \":1.3\", \"\"]");
        assert_non_null(strstr(out, "\"member\":\"NameOwnerChanged\""));
        free(out);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ctl_format_modem_sim7600),
                cmocka_unit_test(test_ctl_format_modem_probing_has_dashes),
                cmocka_unit_test(test_ctl_format_modem_line_sim7600),
                cmocka_unit_test(test_ctl_modem_to_json_ports_become_objects),
                cmocka_unit_test(test_ctl_format_identity_sorted),
                cmocka_unit_test(test_ctl_format_time_rfc3339_and_short),
                cmocka_unit_test(test_ctl_format_sms_read_times_readable_strings_unquoted),
                cmocka_unit_test(test_ctl_format_signal_properties_changed),
                cmocka_unit_test(test_ctl_format_signal_interfaces_added_and_other),
                cmocka_unit_test(test_ctl_format_signal_name_owner_changed_in_words),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
