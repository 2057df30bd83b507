/* Unit tests for src/profile: the shipped profiles against recorded
 * identity answers (tests/data/profiles/identities.txt), the generic
 * fallback, /etc overriding /usr/share, parser errors with file:line, and
 * junk files that must be refused without a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile/profile-db.h"
#include "profile/profile-parse.h"
#include "profile/profile.h"
#include "util/cleanup.h"
#include "util/strutil.h"

static char profiles_dir[4096];
static char identities_path[4096];

static const char *const shipped[] = {
        "generic", "huawei-me909", "quectel-bg96", "quectel-ec25", "quectel-rm500q", "sierra-mc7455",
        "sim7000", "sim7600",      "sim800",       "telit-le910",  "ublox-lara-r2",
};

static ProfileDb *load_shipped(void) {
        const char *dirs[] = {profiles_dir, NULL};
        ProfileDb *db = NULL;
        assert_int_equal(profile_db_load(dirs, &db), 0);
        for (size_t i = 0; i < profile_db_error_count(db); i++)
                fprintf(stderr, "profile error: %s\n", profile_db_get_error(db, i));
        assert_int_equal(profile_db_error_count(db), 0);
        return db;
}

static char *trim_field(char *s) {
        while (*s == ' ' || *s == '\t')
                s++;
        size_t n = strlen(s);
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
                s[--n] = '\0';
        return s;
}

static void test_profile_db_load_shipped_profiles_all_parse(void **state) {
        ProfileDb *db = load_shipped();
        assert_int_equal(profile_db_count(db), ELEMENTSOF(shipped));
        for (size_t i = 0; i < ELEMENTSOF(shipped); i++) {
                const Profile *p = profile_db_find(db, shipped[i]);
                assert_non_null(p);
                assert_non_null(profile_get_evidence(p));
                assert_true(strlen(profile_get_evidence(p)) > 40);
                assert_non_null(profile_get_path(p));
                assert_non_null(strstr(profile_get_dtmf_command(p), "{digits}"));
        }
        profile_db_free(db);
}

static void test_profile_db_match_recorded_identities(void **state) {
        ProfileDb *db = load_shipped();
        FILE *f = fopen(identities_path, "re");
        char line[512];
        unsigned rows = 0, families_seen = 0;
        bool seen[ELEMENTSOF(shipped)] = {false};

        assert_non_null(f);
        while (fgets(line, sizeof(line), f)) {
                char *fields[4];
                char *s = line;
                size_t n = 0;
                const Profile *p = NULL;
                uint16_t vid = 0, pid = 0;

                if (line[0] == '#' || line[0] == '\n')
                        continue;
                for (; n < 4; n++) {
                        char *bar = strchr(s, '|');
                        if (bar)
                                *bar = '\0';
                        fields[n] = trim_field(s);
                        if (!bar) {
                                n++;
                                break;
                        }
                        s = bar + 1;
                }
                assert_int_equal(n, 4);
                if (!streq(fields[1], "-")) {
                        unsigned v, pp;
                        assert_int_equal(sscanf(fields[1], "%4x:%4x", &v, &pp), 2);
                        vid = (uint16_t)v;
                        pid = (uint16_t)pp;
                }
                const char *mf = streq(fields[2], "-") ? NULL : fields[2];
                const char *model = streq(fields[3], "-") ? NULL : fields[3];
                int score = profile_db_match(db, vid, pid, mf, model, &p);
                assert_non_null(p);
                if (!streq(profile_get_id(p), fields[0]))
                        fail_msg("identity '%s' / '%s' (%s) matched %s, expected %s", fields[2], fields[3],
                                 fields[1], profile_get_id(p), fields[0]);
                if (streq(fields[0], "generic"))
                        assert_int_equal(score, 0);
                else
                        assert_true(score > 0);
                for (size_t i = 0; i < ELEMENTSOF(shipped); i++)
                        if (streq(shipped[i], fields[0]) && !seen[i]) {
                                seen[i] = true;
                                families_seen++;
                        }
                rows++;
        }
        fclose(f);
        /* every shipped profile is exercised by at least one recorded answer */
        assert_int_equal(families_seen, ELEMENTSOF(shipped));
        assert_true(rows >= 30);
        profile_db_free(db);
}

static void test_profile_db_match_unknown_gets_generic_all_unknown(void **state) {
        ProfileDb *db = load_shipped();
        const Profile *p = NULL;
        ProfileCapability caps[_PROFILE_CAP_MAX];

        assert_int_equal(profile_db_match(db, 0x1234, 0x5678, "ACME Wireless", "AW-100", &p), 0);
        assert_string_equal(profile_get_id(p), "generic");
        assert_int_equal(profile_get_capabilities(p, caps), _PROFILE_CAP_MAX);
        for (size_t i = 0; i < _PROFILE_CAP_MAX; i++)
                assert_string_equal(caps[i].value, "unknown");
        assert_string_equal(caps[PROFILE_CAP_SMS_PDU].name, "sms-pdu");
        assert_string_equal(caps[PROFILE_CAP_PCM_AUDIO].name, "pcm-audio");
        assert_int_equal(profile_get_voice_dialect(p), PROFILE_VOICE_STANDARD);
        assert_int_equal(profile_get_ussd_quirks(p), 0);
        assert_null(profile_get_init_commands(p)[0]);
        profile_db_free(db);

        /* no profile files at all: the built-in generic, same answers */
        const char *none[] = {"/nonexistent/callstack/profiles", NULL};
        assert_int_equal(profile_db_load(none, &db), 0);
        assert_int_equal(profile_db_count(db), 1);
        assert_int_equal(profile_db_match(db, 0x2c7c, 0x0125, "Quectel", "EC25", &p), 0);
        assert_string_equal(profile_get_id(p), "generic");
        assert_null(profile_get_path(p));
        for (ProfileCap c = 0; c < _PROFILE_CAP_MAX; c++)
                assert_int_equal(profile_get_capability(p, c), PROFILE_CAP_VALUE_UNKNOWN);
        profile_db_free(db);
}

static void test_profile_fields_sim7600_and_huawei(void **state) {
        ProfileDb *db = load_shipped();
        const Profile *p = profile_db_find(db, "sim7600");
        const char *const *init;

        assert_int_equal(profile_get_voice_dialect(p), PROFILE_VOICE_SIMCOM);
        assert_string_equal(profile_get_pcm_start(p), "AT+CPCMREG=1");
        assert_int_equal(profile_get_pcm_port_role(p), PROFILE_PORT_AUDIO);
        assert_int_equal(profile_get_port_role(p, 4), PROFILE_PORT_AUDIO);
        assert_int_equal(profile_get_port_role(p, 2), PROFILE_PORT_AT);
        assert_int_equal(profile_get_port_role(p, 9), PROFILE_PORT_UNKNOWN);
        assert_int_equal(profile_get_port_role(p, 1000), PROFILE_PORT_UNKNOWN);
        assert_int_equal(profile_get_delivery_report(p), PROFILE_DR_CDS);
        assert_string_equal(profile_get_cnmi(p), "2,1,0,1,0");
        assert_int_equal(profile_get_sms_modes(p), PROFILE_SMS_PDU | PROFILE_SMS_TEXT);
        init = profile_get_init_commands(p);
        assert_string_equal(init[0], "AT+CMEE=1");
        assert_string_equal(init[1], "AT+CLIP=1");
        assert_string_equal(init[2], "AT+CVHU=0");
        assert_null(init[3]);
        assert_string_equal(profile_get_gnss_start(p), "AT+CGPS=1");

        p = profile_db_find(db, "huawei-me909");
        assert_int_equal(profile_get_voice_dialect(p), PROFILE_VOICE_HUAWEI);
        assert_int_equal(profile_get_ussd_quirks(p),
                         PROFILE_USSD_PACKED_HEX_REQUEST | PROFILE_USSD_UCS2_HEX_REPLY);
        assert_int_equal(profile_get_delivery_report(p), PROFILE_DR_CDSI);

        p = profile_db_find(db, "sierra-mc7455");
        assert_int_equal(profile_get_capability(p, PROFILE_CAP_VOICE), PROFILE_CAP_VALUE_UNSUPPORTED);
        assert_int_equal(profile_get_capability(p, PROFILE_CAP_SMS_PDU), PROFILE_CAP_VALUE_SUPPORTED);
        profile_db_free(db);
}

/* ---- parser errors ---------------------------------------------------- */

static void expect_error(const char *text, const char *expected) {
        Profile *p = NULL;
        char *err = NULL;
        int r = profile_parse_buffer("test.conf", text, strlen(text), &p, &err);
        assert_int_equal(r, -EINVAL);
        assert_null(p);
        assert_non_null(err);
        if (!strstr(err, expected))
                fail_msg("error '%s' does not contain '%s'", err, expected);
        free(err);
}

#define HEAD "[profile]\nid = x\nevidence = a test\n"

static void test_profile_parse_errors_name_file_and_line(void **state) {
        expect_error(HEAD "this is not a key value line\n", "test.conf:4: expected 'key = value'");
        expect_error(HEAD "[match]\nflavour = vanilla\n", "test.conf:5: unknown key 'flavour' in [match]");
        expect_error(HEAD "[sms]\nmodes = pdu\n[sms]\n", "test.conf:6: duplicate section [sms]");
        expect_error(HEAD "[profile]\n", "test.conf:4: duplicate section [profile]");
        expect_error(HEAD "[sms]\ncnmi = 2,1,0,0,0\ncnmi = 2,1,0,1,0\n",
                     "test.conf:6: duplicate key 'cnmi' in [sms]");
        expect_error("id = x\n", "test.conf:1: key 'id' outside of any section");
        expect_error(HEAD "[flavours]\n", "test.conf:4: unknown section [flavours]");
        expect_error(HEAD "[capabilities]\nvoice = maybe\n", "test.conf:5: capability value must be");
        expect_error(HEAD "[capabilities]\nteleport = supported\n", "test.conf:5: unknown key 'teleport'");
        expect_error(HEAD "[match]\nusb = 2c7c-0125\n", "test.conf:5: bad USB id");
        expect_error(HEAD "[match]\nusb = 2c7c:01g5\n", "test.conf:5: bad USB product id");
        expect_error(HEAD "[gnss]\nstart = rm -rf /\n", "test.conf:5: not an AT command");
        expect_error(HEAD "[voice]\ndtmf-command = AT+VTS=1\n",
                     "test.conf:5: dtmf-command must contain {digits}");
        expect_error(HEAD "[sms]\ncnmi = 2,1;ATD+15555550123;\n", "test.conf:5: cnmi must be");
        expect_error(HEAD "[sms]\nstorages = SM, XX\n", "test.conf:5: unknown message storage");
        expect_error(HEAD "[init]\ncommands = AT+CMEE=1 | | AT\n", "test.conf:5: empty item");
        expect_error(HEAD "[ports]\nat = 2\ngnss = 2\n", "test.conf:6: interface 2 given two roles");
        expect_error(HEAD "[ports]\nat = 99\n", "test.conf:5: bad interface number");
        expect_error(HEAD "[sms\n", "test.conf:4: bad section header");
        expect_error(HEAD "[sms]\nmodes = pdu\rAT\n", "test.conf:5: control character");
        expect_error("[profile]\nevidence = e\n", "test.conf:0: missing 'id'");
        expect_error("[profile]\nid = x\n", "test.conf:0: missing 'evidence'");
        expect_error("[profile]\nid = a b\n", "test.conf:2: id may hold only");
        expect_error(HEAD "[sms]\nmodes = \xff\xfe\n", "test.conf:5: not valid UTF-8");
}

static void test_profile_parse_accepts_comments_crlf_and_bom(void **state) {
        const char text[] = "\xef\xbb\xbf# comment\r\n; another\r\n\r\n[profile]\r\n  id = spaced  \r\n"
                            "evidence = e\r\n[match]\r\nmodel = ABC*\r\n";
        Profile *p = NULL;
        char *err = NULL;
        assert_int_equal(profile_parse_buffer("ok.conf", text, strlen(text), &p, &err), 0);
        assert_null(err);
        assert_string_equal(profile_get_id(p), "spaced");
        assert_string_equal(profile_get_dtmf_command(p), "AT+VTS={digits}");
        profile_free(p);
}

static void test_profile_pattern_list_match_substring_and_glob(void **state) {
        assert_true(profile_pattern_list_match("simcom", "SIMCOM INCORPORATED"));
        assert_true(profile_pattern_list_match("*SIM7600*", "simcom_sim7600e-h"));
        assert_true(profile_pattern_list_match("EC25*, EG25*", "EG25-G"));
        assert_false(profile_pattern_list_match("EC25*", "XEC25"));
        assert_false(profile_pattern_list_match("simcom", ""));
        assert_false(profile_pattern_list_match("simcom", NULL));
        assert_false(profile_pattern_list_match(" , ", "anything"));
}

/* ---- directories: /etc overrides /usr/share ------------------------------ */

static void write_file(const char *dir, const char *name, const char *text) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static void test_profile_db_load_etc_overrides_share_by_file_name(void **state) {
        char etc[] = "/tmp/callstack-profile-etc-XXXXXX";
        char share[] = "/tmp/callstack-profile-share-XXXXXX";
        ProfileDb *db = NULL;
        const Profile *p = NULL;

        assert_non_null(mkdtemp(etc));
        assert_non_null(mkdtemp(share));
        write_file(share, "acme.conf",
                   "[profile]\nid = acme\nevidence = share\n[match]\nmodel = AW-*\n"
                   "[capabilities]\nvoice = unsupported\n");
        write_file(share, "other.conf", "[profile]\nid = other\nevidence = share\n[match]\nmodel = OT-*\n");
        write_file(etc, "acme.conf",
                   "[profile]\nid = acme\nevidence = local\n[match]\nmodel = AW-*\n"
                   "[capabilities]\nvoice = supported\n");
        write_file(etc, "broken.conf", "[profile]\nid = broken\nevidence = e\n[nope]\n");
        write_file(etc, "dup-id.conf", "[profile]\nid = other\nevidence = e\n");
        write_file(etc, "README", "not a profile\n");

        const char *dirs[] = {etc, share, NULL};
        assert_int_equal(profile_db_load(dirs, &db), 0);
        assert_non_null(profile_db_find(db, "acme"));
        assert_non_null(profile_db_find(db, "other"));
        assert_null(profile_db_find(db, "broken"));
        assert_non_null(profile_db_find(db, "generic")); /* built in */
        assert_int_equal(profile_db_count(db), 3);
        assert_int_equal(profile_db_error_count(db), 2);
        bool saw_broken = false, saw_dup = false;
        for (size_t i = 0; i < profile_db_error_count(db); i++) {
                const char *e = profile_db_get_error(db, i);
                if (strstr(e, "broken.conf:4: unknown section [nope]"))
                        saw_broken = true;
                /* files load in name order: dup-id.conf claims 'other' first */
                if (strstr(e, "other.conf:0: profile id 'other' already loaded"))
                        saw_dup = true;
        }
        assert_true(saw_broken);
        assert_true(saw_dup);

        assert_true(profile_db_match(db, 0, 0, "ACME", "AW-100", &p) > 0);
        assert_string_equal(profile_get_id(p), "acme");
        assert_string_equal(profile_get_evidence(p), "local");
        assert_int_equal(profile_get_capability(p, PROFILE_CAP_VOICE), PROFILE_CAP_VALUE_SUPPORTED);
        profile_db_free(db);

        char cmd[8300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", etc, share);
        assert_int_equal(system(cmd), 0);
}

/* A FIFO named *.conf used to block profile_db_load() in fopen() forever
 * (callstackd at start, callstackctl doctor); a directory named *.conf
 * gave a vague "read error".  Both are reported and skipped; the good
 * profile beside them still loads. */
static void test_profile_db_load_fifo_and_dir_conf_skipped_without_blocking(void **state) {
        char dir[] = "/tmp/callstack-profile-special-XXXXXX";
        char path[4200];
        ProfileDb *db = NULL;
        bool saw_fifo = false, saw_dir = false;

        assert_non_null(mkdtemp(dir));
        write_file(dir, "good.conf", "[profile]\nid = good\nevidence = e\n[match]\nmodel = GD-*\n");
        snprintf(path, sizeof(path), "%s/fifo.conf", dir);
        assert_int_equal(mkfifo(path, 0600), 0);
        snprintf(path, sizeof(path), "%s/subdir.conf", dir);
        assert_int_equal(mkdir(path, 0700), 0);

        /* were open() to block, the alarm would kill the test */
        alarm(10);
        const char *dirs[] = {dir, NULL};
        assert_int_equal(profile_db_load(dirs, &db), 0);
        alarm(0);

        assert_non_null(profile_db_find(db, "good"));
        assert_non_null(profile_db_find(db, "generic"));
        assert_int_equal(profile_db_count(db), 2);
        assert_int_equal(profile_db_error_count(db), 2);
        for (size_t i = 0; i < profile_db_error_count(db); i++) {
                const char *e = profile_db_get_error(db, i);
                if (strstr(e, "/fifo.conf:0: not a regular file, skipped"))
                        saw_fifo = true;
                if (strstr(e, "/subdir.conf:0: not a regular file, skipped"))
                        saw_dir = true;
        }
        assert_true(saw_fifo);
        assert_true(saw_dir);
        profile_db_free(db);

        Profile *p = NULL;
        char *err = NULL;
        snprintf(path, sizeof(path), "%s/fifo.conf", dir);
        alarm(10);
        assert_int_equal(profile_parse_file(path, &p, &err), -EINVAL);
        alarm(0);
        assert_null(p);
        assert_non_null(err);
        free(err);

        char cmd[8300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        assert_int_equal(system(cmd), 0);
}

/* ---- robustness: junk never crashes, never loads ------------------------- */

static uint32_t rng_state = 0x12345678;
static uint32_t rng(void) {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 17;
        rng_state ^= rng_state << 5;
        return rng_state;
}

static void test_profile_parse_junk_is_refused_without_crash(void **state) {
        static char buf[70000];
        const char *valid =
                HEAD "[match]\nusb = 2c7c:0125\nmodel = EC25*\n[capabilities]\nvoice = supported\n"
                     "[sms]\ncnmi = 2,1,0,1,0\n[init]\ncommands = AT+CMEE=1 | AT+CLIP=1\n";
        size_t vlen = strlen(valid);
        unsigned ok = 0, refused = 0;

        /* random bytes of random length */
        for (int i = 0; i < 500; i++) {
                size_t n = rng() % 600;
                for (size_t k = 0; k < n; k++)
                        buf[k] = (char)(rng() & 0xff);
                Profile *p = NULL;
                char *err = NULL;
                int r = profile_parse_buffer("junk.conf", buf, n, &p, &err);
                if (r == 0) {
                        ok++;
                        profile_free(p);
                } else {
                        assert_int_equal(r, -EINVAL);
                        assert_non_null(err);
                        assert_true(startswith(err, "junk.conf:"));
                        refused++;
                }
                free(err);
        }
        /* mutations of a valid file: flip, insert, truncate */
        for (int i = 0; i < 3000; i++) {
                size_t n = vlen;
                memcpy(buf, valid, vlen);
                for (int m = 0; m < 1 + (int)(rng() % 4); m++) {
                        size_t at = rng() % n;
                        switch (rng() % 3) {
                        case 0:
                                buf[at] = (char)(rng() & 0xff);
                                break;
                        case 1:
                                buf[at] = "[]=#|,:\n\r\t *"[rng() % 13];
                                break;
                        default:
                                n = at + 1;
                                break;
                        }
                }
                Profile *p = NULL;
                char *err = NULL;
                int r = profile_parse_buffer("mut.conf", buf, n, &p, &err);
                if (r == 0) {
                        /* whatever was accepted is self-consistent */
                        assert_non_null(profile_get_id(p));
                        for (const char *const *c = profile_get_init_commands(p); *c; c++)
                                assert_true(startswith_no_case(*c, "AT"));
                        ok++;
                        profile_free(p);
                } else {
                        assert_non_null(err);
                        refused++;
                }
                free(err);
        }
        /* oversize file and overlong line */
        memset(buf, 'a', sizeof(buf));
        char *err = NULL;
        Profile *p = NULL;
        assert_int_equal(profile_parse_buffer("big.conf", buf, sizeof(buf), &p, &err), -EINVAL);
        assert_non_null(strstr(err, "larger than"));
        free(err);
        err = NULL;
        assert_int_equal(profile_parse_buffer("long.conf", buf, 5000, &p, &err), -EINVAL);
        assert_non_null(strstr(err, "long.conf:1: line longer than"));
        free(err);
        err = NULL;
        assert_int_equal(profile_parse_buffer("nul.conf", "[profile]\0id=x\n", 15, &p, &err), -EINVAL);
        assert_non_null(strstr(err, "NUL"));
        free(err);
        assert_true(refused > 0);
        assert_true(ok > 0);
}

int main(void) {
        const char *src = getenv("CALLSTACK_SOURCE_DIR");
        if (!src)
                src = ".";
        snprintf(profiles_dir, sizeof(profiles_dir), "%s/profiles", src);
        snprintf(identities_path, sizeof(identities_path), "%s/tests/data/profiles/identities.txt", src);

        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_profile_db_load_shipped_profiles_all_parse),
                cmocka_unit_test(test_profile_db_match_recorded_identities),
                cmocka_unit_test(test_profile_db_match_unknown_gets_generic_all_unknown),
                cmocka_unit_test(test_profile_fields_sim7600_and_huawei),
                cmocka_unit_test(test_profile_parse_errors_name_file_and_line),
                cmocka_unit_test(test_profile_parse_accepts_comments_crlf_and_bom),
                cmocka_unit_test(test_profile_pattern_list_match_substring_and_glob),
                cmocka_unit_test(test_profile_db_load_etc_overrides_share_by_file_name),
                cmocka_unit_test(test_profile_db_load_fifo_and_dir_conf_skipped_without_blocking),
                cmocka_unit_test(test_profile_parse_junk_is_refused_without_crash),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
