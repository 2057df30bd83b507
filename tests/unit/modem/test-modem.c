/* Unit tests for src/modem/modem.c with the netreg and sim services over
 * a real AtChat core driven by hand (fake clock, captured writes): the
 * probe order, state transitions, PIN entry, the C31 routing of a
 * solicited +CREG while +CREG URCs are handled, timeouts -> gone, hang-up
 * -> gone with pending operations answered -ENODEV. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at/at-chat.h"
#include "modem/modem.h"
#include "util/cleanup.h"
#include "util/strutil.h"

typedef struct Fixture {
        FakeClock clock;
        AtChat *chat;
        sd_event *event;
        Modem *modem;
        char written[64][128];
        size_t n_written, n_read;
        unsigned changed_props;
        unsigned n_changed;
} Fixture;

static int capture(const void *buf, size_t len, void *userdata) {
        Fixture *f = userdata;
        size_t n = len;

        if (f->n_written >= ELEMENTSOF(f->written))
                return -ENOBUFS;
        if (n > 0 && ((const char *)buf)[n - 1] == '\r')
                n--;
        if (n >= sizeof(f->written[0]))
                n = sizeof(f->written[0]) - 1;
        memcpy(f->written[f->n_written], buf, n);
        f->written[f->n_written][n] = '\0';
        f->n_written++;
        return 0;
}

static void on_changed(Modem *m, unsigned props, void *userdata) {
        Fixture *f = userdata;
        f->changed_props |= props;
        f->n_changed++;
}

/* The next command the engine wrote must be cmd; answer it with reply
 * (lines separated by \n; "OK" etc. included). */
static void expect(Fixture *f, const char *cmd, const char *reply) {
        char buf[512];
        size_t n = 0;

        assert_true(f->n_read < f->n_written);
        assert_string_equal(f->written[f->n_read], cmd);
        f->n_read++;
        if (!reply)
                return;
        n += (size_t)snprintf(buf, sizeof(buf), "\r\n");
        for (const char *p = reply; *p; p++) {
                if (*p == '\n')
                        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n");
                else
                        buf[n++] = *p;
        }
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n");
        at_chat_feed(f->chat, buf, n);
}

static void feed_urc(Fixture *f, const char *line) {
        char buf[256];
        int n = snprintf(buf, sizeof(buf), "\r\n%s\r\n", line);
        at_chat_feed(f->chat, buf, (size_t)n);
}

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof(*f));
        ModemConfig cfg = { .signal_interval_usec = 30 * USEC_PER_SEC };

        assert_non_null(f);
        fake_clock_init(&f->clock, 1000 * USEC_PER_SEC, 1700000000 * USEC_PER_SEC);
        assert_int_equal(at_chat_new(&f->clock.clock, capture, f, &f->chat), 0);
        assert_int_equal(sd_event_new(&f->event), 0);
        assert_int_equal(modem_new_with_chat(f->event, 7, f->chat, "/dev/ttyUSB2", NULL, &cfg, &f->modem), 0);
        modem_set_changed_func(f->modem, on_changed, f);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        modem_free(f->modem);
        at_chat_unref(f->chat);
        sd_event_unref(f->event);
        free(f);
        return 0;
}

static void probe_sim7600(Fixture *f, const char *cpin_reply) {
        assert_int_equal(modem_start(f->modem), 0);
        assert_int_equal(modem_get_state(f->modem), MODEM_STATE_PROBING);
        expect(f, "AT", "OK");
        expect(f, "ATE0", "OK");
        expect(f, "AT+CGMI", "SIMCOM INCORPORATED\nOK");
        expect(f, "AT+CGMM", "SIMCOM_SIM7600E-H\nOK");
        expect(f, "AT+CGMR", "+CGMR: LE20B04SIM7600M22\nOK");
        /* identity complete: no ATI */
        expect(f, "AT+GCAP", "+GCAP: +CGSM\nOK");
        expect(f, "AT+CMEE=1", "OK");
        assert_int_equal(modem_get_state(f->modem), MODEM_STATE_PROBING);
        expect(f, "AT+CPIN?", cpin_reply);
}

static void netreg_start_home(Fixture *f) {
        expect(f, "AT+CREG=2", "OK");
        expect(f, "AT+CEREG=2", "OK");
        expect(f, "AT+CSQ", "+CSQ: 20,99\nOK");
        expect(f, "AT+COPS=3,0", "OK");
        /* C31: a solicited +CREG (n,stat,...) while +CREG: URCs are handled */
        expect(f, "AT+CREG?", "+CREG: 2,1,\"0F1A\",\"02B1D0A3\"\nOK");
        expect(f, "AT+CEREG?", "+CEREG: 2,1,\"3982\",\"00DF3B03\",7\nOK");
        expect(f, "AT+COPS?", "+COPS: 0,0,\"SimNet\",7\nOK");
}

static void test_modem_probe_to_registered(void **state) {
        Fixture *f = *state;

        probe_sim7600(f, "+CPIN: READY\nOK");
        assert_string_equal(modem_get_manufacturer(f->modem), "SIMCOM INCORPORATED");
        assert_string_equal(modem_get_model(f->modem), "SIMCOM_SIM7600E-H");
        assert_string_equal(modem_get_revision(f->modem), "LE20B04SIM7600M22");
        assert_true(f->changed_props & MODEM_PROP_MANUFACTURER);
        assert_int_equal(modem_get_state(f->modem), MODEM_STATE_READY);
        assert_int_equal(modem_get_sim_state(f->modem), SIM_STATE_READY);

        f->changed_props = 0;
        netreg_start_home(f);
        assert_int_equal(modem_get_registration(f->modem), NETREG_STATUS_HOME);
        assert_int_equal(modem_get_state(f->modem), MODEM_STATE_REGISTERED);
        assert_int_equal(modem_get_signal_quality(f->modem), 65);
        assert_string_equal(modem_get_operator_name(f->modem), "SimNet");
        assert_int_equal(f->changed_props & (MODEM_PROP_STATE | MODEM_PROP_REGISTRATION | MODEM_PROP_SIGNAL_QUALITY |
                                             MODEM_PROP_OPERATOR_NAME),
                         MODEM_PROP_STATE | MODEM_PROP_REGISTRATION | MODEM_PROP_SIGNAL_QUALITY |
                                 MODEM_PROP_OPERATOR_NAME);
        assert_int_equal(f->n_read, f->n_written); /* nothing else sent */

        /* URCs: CS roaming while EPS home -> still home; EPS roaming -> roaming + signal read */
        feed_urc(f, "+CREG: 5");
        assert_int_equal(modem_get_registration(f->modem), NETREG_STATUS_HOME);
        expect(f, "AT+CSQ", "+CSQ: 20,99\nOK");
        f->changed_props = 0;
        feed_urc(f, "+CEREG: 5,\"3982\",\"00DF3B03\",7");
        assert_int_equal(modem_get_registration(f->modem), NETREG_STATUS_ROAMING);
        assert_true(f->changed_props & MODEM_PROP_REGISTRATION);
        assert_false(f->changed_props & MODEM_PROP_STATE); /* registered either way */
        expect(f, "AT+COPS?", "+COPS: 0,0,\"RoamNet\",7\nOK");
        assert_string_equal(modem_get_operator_name(f->modem), "RoamNet");
        expect(f, "AT+CSQ", "+CSQ: 6,99\nOK");
        assert_int_equal(modem_get_signal_quality(f->modem), 19);
        /* searching: state back to ready, operator cleared */
        feed_urc(f, "+CREG: 2");
        feed_urc(f, "+CEREG: 2");
        assert_int_equal(modem_get_state(f->modem), MODEM_STATE_READY);
        assert_string_equal(modem_get_operator_name(f->modem), "");
        /* garbage URC changes nothing */
        f->changed_props = 0;
        feed_urc(f, "+CREG: 1,\"40G8\"");
        assert_int_equal(modem_get_registration(f->modem), NETREG_STATUS_SEARCHING);
}

static void test_modem_ati_fallback_when_cgmi_fails(void **state) {
        Fixture *f = *state;

        assert_int_equal(modem_start(f->modem), 0);
        expect(f, "AT", "OK");
        expect(f, "ATE0", "OK");
        expect(f, "AT+CGMI", "ERROR");
        expect(f, "AT+CGMM", "ERROR");
        expect(f, "AT+CGMR", "Revision: EC25EFAR06A06M4G\nOK");
        expect(f, "ATI", "Quectel\nEC25\nRevision: EC25EFAR06A06M4G\nOK");
        assert_string_equal(modem_get_manufacturer(f->modem), "Quectel");
        assert_string_equal(modem_get_model(f->modem), "EC25");
        assert_string_equal(modem_get_revision(f->modem), "EC25EFAR06A06M4G");
        expect(f, "AT+GCAP", "ERROR");
        expect(f, "AT+CMEE=1", "OK");
        expect(f, "AT+CPIN?", "+CME ERROR: 10");
        assert_int_equal(modem_get_sim_state(f->modem), SIM_STATE_ABSENT);
        assert_int_equal(modem_get_state(f->modem), MODEM_STATE_FAILED);
}

static int pin_result = 1;
static void on_pin(int error, void *userdata) {
        pin_result = error;
}

static void test_modem_pin_entry_unlocks(void **state) {
        Fixture *f = *state;

        probe_sim7600(f, "+CPIN: SIM PIN\nOK");
        assert_int_equal(modem_get_state(f->modem), MODEM_STATE_LOCKED);
        assert_int_equal(modem_get_sim_state(f->modem), SIM_STATE_PIN_REQUIRED);
        netreg_start_home(f); /* emergency-only registration may say home while locked */
        assert_int_equal(modem_get_state(f->modem), MODEM_STATE_LOCKED);

        assert_int_equal(modem_send_pin(f->modem, "12", on_pin, NULL), -EINVAL);
        assert_int_equal(f->n_read, f->n_written);

        pin_result = 1;
        assert_int_equal(modem_send_pin(f->modem, "0000", on_pin, NULL), 0);
        expect(f, "AT+CPIN=\"0000\"", "+CME ERROR: 16");
        assert_int_equal(pin_result, -EKEYREJECTED);
        expect(f, "AT+CPIN?", "+CPIN: SIM PIN\nOK");

        pin_result = 1;
        assert_int_equal(modem_send_pin(f->modem, "1234", on_pin, NULL), 0);
        expect(f, "AT+CPIN=\"1234\"", "OK");
        assert_int_equal(pin_result, 0);
        expect(f, "AT+CPIN?", "+CPIN: READY\nOK");
        assert_int_equal(modem_get_sim_state(f->modem), SIM_STATE_READY);
        assert_int_equal(modem_get_state(f->modem), MODEM_STATE_REGISTERED);
        /* C35: the same news again as a URC (no query pending) changes nothing */
        f->changed_props = 0;
        feed_urc(f, "+CPIN: READY");
        assert_int_equal(f->changed_props, 0);
        /* what the network said while locked is re-read */
        expect(f, "AT+CREG?", "+CREG: 2,1\nOK");
        expect(f, "AT+CEREG?", "+CEREG: 2,1\nOK");
        expect(f, "AT+COPS?", "+COPS: 0,0,\"SimNet\",7\nOK");
        /* not pin-required any more: wrong state, nothing sent */
        assert_int_equal(modem_send_pin(f->modem, "1234", on_pin, NULL), -EBADFD);
        assert_int_equal(f->n_read, f->n_written);
}

static void fire_timeout(Fixture *f, uint64_t usec) {
        fake_clock_advance(&f->clock, usec);
        at_chat_process_timeouts(f->chat);
}

static int cmd_error = 1;
static void on_cmd(int error, const char *response, void *userdata) {
        cmd_error = error;
        if (response)
                assert_string_equal(response, (const char *)userdata);
}

static void test_modem_raw_command_and_timeouts_make_it_gone(void **state) {
        Fixture *f = *state;

        probe_sim7600(f, "+CPIN: READY\nOK");
        netreg_start_home(f);

        cmd_error = 1;
        assert_int_equal(modem_command(f->modem, "AT+CSQ", 5 * USEC_PER_SEC, on_cmd, (void *)"+CSQ: 20,99\nOK"), 0);
        expect(f, "AT+CSQ", "+CSQ: 20,99\nOK");
        assert_int_equal(cmd_error, 0);
        assert_int_equal(modem_command(f->modem, "AT+FOO", 5 * USEC_PER_SEC, on_cmd, (void *)"+CME ERROR: 4"), 0);
        expect(f, "AT+FOO", "+CME ERROR: 4");
        assert_int_equal(cmd_error, 0); /* a non-OK final result is the answer, not an error */

        /* a raw command's own timeout does not count towards "gone" */
        assert_int_equal(modem_command(f->modem, "AT+SLOW", 1 * USEC_PER_SEC, on_cmd, NULL), 0);
        expect(f, "AT+SLOW", NULL);
        fire_timeout(f, 1 * USEC_PER_SEC);
        assert_int_equal(cmd_error, -ETIMEDOUT);
        assert_int_equal(modem_get_state(f->modem), MODEM_STATE_REGISTERED);

        /* three of our own commands time out in a row -> gone */
        for (int i = 0; i < MODEM_TIMEOUTS_GONE; i++) {
                fire_timeout(f, 2 * USEC_PER_SEC); /* drain guard after the previous timeout */
                feed_urc(f, "+CREG: 1"); /* unchanged status, but the signal is read */
                fire_timeout(f, 6 * USEC_PER_SEC);
        }
        assert_int_equal(modem_get_state(f->modem), MODEM_STATE_GONE);
        assert_true(f->changed_props & MODEM_PROP_STATE);
        assert_int_equal(modem_command(f->modem, "AT", 0, on_cmd, NULL), -ENODEV);
        assert_int_equal(modem_send_pin(f->modem, "1234", on_pin, NULL), -ENODEV);
}

static int identity_error = 1;
static void on_identity(int error, const SimIdentity *id, void *userdata) {
        identity_error = error;
}

static void test_modem_hangup_answers_pending_operations(void **state) {
        Fixture *f = *state;

        probe_sim7600(f, "+CPIN: READY\nOK");
        netreg_start_home(f);
        identity_error = 1;
        cmd_error = 1;
        assert_int_equal(modem_get_identity(f->modem, on_identity, NULL), 0);
        assert_int_equal(modem_command(f->modem, "AT+CGMI", 0, on_cmd, NULL), 0);
        expect(f, "AT+CGSN", NULL); /* in flight */
        at_chat_hangup(f->chat, -EIO);
        assert_int_equal(modem_get_state(f->modem), MODEM_STATE_GONE);
        assert_int_equal(identity_error, -ENODEV);
        assert_int_equal(cmd_error, -ENODEV);
}

static void test_modem_identity_read(void **state) {
        Fixture *f = *state;

        probe_sim7600(f, "+CPIN: READY\nOK");
        netreg_start_home(f);
        identity_error = 1;
        assert_int_equal(modem_get_identity(f->modem, on_identity, NULL), 0);
        expect(f, "AT+CGSN", "351234560000010\nOK");
        expect(f, "AT+CIMI", "001010000000001\nOK");
        expect(f, "AT+CCID", "ERROR");
        expect(f, "AT+QCCID", "+QCCID: 8901010000000000017\nOK");
        expect(f, "AT+CNUM", "+CNUM: \"\",\"+15555550123\",145\nOK");
        assert_int_equal(identity_error, 0);
}

static void test_modem_identity_from_hints_skips_probe(void **state) {
        Fixture *f = *state;
        ModemPortInfo extra[] = { { "/dev/ttyUSB4", "audio" } };
        ModemPortHints hints = {
                .extra_ports = extra,
                .n_extra_ports = 1,
                .device_key = "/sys/devices/usb1/1-1",
                .manufacturer = "Quectel",
                .model = "EC25",
                .revision = "EC25EFAR06A06M4G",
        };
        Modem *m;
        const ModemPort *ports;
        size_t n;

        modem_free(f->modem);
        assert_int_equal(modem_new_with_chat(f->event, 8, f->chat, "/dev/ttyUSB2", &hints, NULL, &m), 0);
        f->modem = m;
        assert_string_equal(modem_get_model(m), "EC25");
        assert_string_equal(modem_get_device_key(m), "/sys/devices/usb1/1-1");
        ports = modem_get_ports(m, &n);
        assert_int_equal(n, 2);
        assert_string_equal(ports[0].path, "/dev/ttyUSB2");
        assert_string_equal(ports[0].role, "at");
        assert_string_equal(ports[1].path, "/dev/ttyUSB4");
        assert_string_equal(ports[1].role, "audio");
        assert_int_equal(modem_start(m), 0);
        /* hotplug's probe just read the identity: straight to AT+CMEE=1 */
        expect(f, "AT+CMEE=1", "OK");
        expect(f, "AT+CPIN?", "+CPIN: READY\nOK");
        assert_int_equal(modem_get_state(m), MODEM_STATE_READY);
}

static void test_modem_profile_init_commands_after_sim(void **state) {
        Fixture *f = *state;
        ModemProfile *p;

        assert_int_equal(modem_profile_new("sim7600", &p), 0);
        assert_int_equal(modem_profile_set_capability(p, "voice", "supported"), 0);
        assert_int_equal(modem_profile_add_init_command(p, "AT+CMEE=1"), 0);
        assert_int_equal(modem_profile_add_init_command(p, "AT+CLIP=1"), 0);
        assert_int_equal(modem_profile_add_init_command(p, "AT+CVHU=0"), 0);
        assert_int_equal(modem_profile_add_init_command(p, "AT+CLIP=1\rAT+CMGD=1,4"), -EINVAL);
        assert_int_equal(modem_profile_add_init_command(p, "+CLIP=1"), -EINVAL);
        f->changed_props = 0;
        modem_set_profile(f->modem, p);
        assert_int_equal(f->changed_props, MODEM_PROP_PROFILE | MODEM_PROP_CAPABILITIES);
        assert_string_equal(modem_get_profile(f->modem)->id, "sim7600");
        assert_int_equal(f->n_written, 0); /* nothing before the probe */

        probe_sim7600(f, "+CPIN: READY\nOK");
        netreg_start_home(f);
        /* AT+CMEE=1 was the probe's; the others follow the SIM state */
        expect(f, "AT+CLIP=1", "OK");
        expect(f, "AT+CVHU=0", "ERROR");
        assert_int_equal(f->n_read, f->n_written);
        assert_int_equal(modem_get_state(f->modem), MODEM_STATE_REGISTERED);

        /* a new profile after that: its commands go at once */
        assert_int_equal(modem_profile_new("other", &p), 0);
        assert_int_equal(modem_profile_add_init_command(p, "AT+COLP=1"), 0);
        modem_set_profile(f->modem, p);
        expect(f, "AT+COLP=1", "OK");
        assert_int_equal(f->n_read, f->n_written);
}

static void test_modem_probe_retries_at_then_fails(void **state) {
        Fixture *f = *state;

        assert_int_equal(modem_start(f->modem), 0);
        expect(f, "AT", NULL);
        fire_timeout(f, 1 * USEC_PER_SEC);
        expect(f, "\x1b", NULL); /* leaves a text prompt the modem may sit at */
        fire_timeout(f, 1 * USEC_PER_SEC); /* drain guard */
        expect(f, "AT", NULL);
        fire_timeout(f, 1 * USEC_PER_SEC);
        expect(f, "\x1b", NULL);
        fire_timeout(f, 1 * USEC_PER_SEC);
        expect(f, "AT", NULL);
        fire_timeout(f, 1 * USEC_PER_SEC);
        expect(f, "\x1b", NULL);
        assert_int_equal(modem_get_state(f->modem), MODEM_STATE_FAILED); /* not gone: it never answered */
        fire_timeout(f, 5 * USEC_PER_SEC);
        assert_int_equal(f->n_read, f->n_written);
}

/* The previous daemon was killed at the SMS "> " prompt: "AT" is taken as
 * message text (no answer); the ESC the engine writes after the timeout
 * cancels the send (27.005 3.5.1: OK, behind the echo of ESC, C28), which
 * drains the timed-out command; the probe then goes on in step: no answer
 * is shifted onto the next command. */
static void test_modem_probe_leaves_sms_prompt_with_esc(void **state) {
        Fixture *f = *state;

        assert_int_equal(modem_start(f->modem), 0);
        expect(f, "AT", NULL);
        fire_timeout(f, 1 * USEC_PER_SEC);
        expect(f, "\x1b", "\x1b\nOK");
        expect(f, "AT", "OK");
        expect(f, "ATE0", "OK");
        expect(f, "AT+CGMI", "SIMCOM INCORPORATED\nOK");
        expect(f, "AT+CGMM", "SIMCOM_SIM7600E-H\nOK");
        expect(f, "AT+CGMR", "+CGMR: LE20B04SIM7600M22\nOK");
        expect(f, "AT+GCAP", "+GCAP: +CGSM\nOK");
        expect(f, "AT+CMEE=1", "OK");
        expect(f, "AT+CPIN?", "+CPIN: READY\nOK");
        assert_string_equal(modem_get_manufacturer(f->modem), "SIMCOM INCORPORATED");
        assert_string_equal(modem_get_model(f->modem), "SIMCOM_SIM7600E-H");
        assert_int_equal(modem_get_state(f->modem), MODEM_STATE_READY);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_modem_probe_to_registered, setup, teardown),
                cmocka_unit_test_setup_teardown(test_modem_ati_fallback_when_cgmi_fails, setup, teardown),
                cmocka_unit_test_setup_teardown(test_modem_pin_entry_unlocks, setup, teardown),
                cmocka_unit_test_setup_teardown(test_modem_raw_command_and_timeouts_make_it_gone, setup, teardown),
                cmocka_unit_test_setup_teardown(test_modem_hangup_answers_pending_operations, setup, teardown),
                cmocka_unit_test_setup_teardown(test_modem_identity_read, setup, teardown),
                cmocka_unit_test_setup_teardown(test_modem_identity_from_hints_skips_probe, setup, teardown),
                cmocka_unit_test_setup_teardown(test_modem_probe_retries_at_then_fails, setup, teardown),
                cmocka_unit_test_setup_teardown(test_modem_probe_leaves_sms_prompt_with_esc, setup, teardown),
                cmocka_unit_test_setup_teardown(test_modem_profile_init_commands_after_sim, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
