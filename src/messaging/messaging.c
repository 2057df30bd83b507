/* The Messaging object: configuration, the job FIFO, URC registration and
 * the group-expiry timer.  See messaging.h; sending, receiving and status
 * reports live in messaging-send.c, messaging-receive.c and
 * messaging-report.c.  3GPP TS 27.005 3.2.3 (+CNMI), 3.2.2 (+CPMS),
 * 3.2.1 (+CSMS), 3.4.1 (indications). */
#include "messaging/messaging-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at/at-result.h"
#include "at/at-seq.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strutil.h"

#define DEFAULT_REPORT_WINDOW (7 * 24 * 3600 * USEC_PER_SEC)
#define DEFAULT_SEND_TIMEOUT (60 * USEC_PER_SEC)
#define EXPIRE_INTERVAL_MAX (60 * USEC_PER_SEC)
#define EXPIRE_INTERVAL_MIN (50 * USEC_PER_MSEC)

static const struct {
        int code;
        const char *reason;
} cms_reasons[] = {
        /* 24.011 E.2 / 23.040 cause values, as +CMS ERROR 0..127 */
        { 1, "unassigned-number" },
        { 8, "operator-barred" },
        { 10, "call-barred" },
        { 17, "network-failure" },
        { 21, "short-message-rejected" },
        { 22, "memory-capacity-exceeded" },
        { 27, "destination-out-of-service" },
        { 28, "unidentified-subscriber" },
        { 29, "facility-rejected" },
        { 30, "unknown-subscriber" },
        { 38, "network-out-of-order" },
        { 41, "temporary-failure" },
        { 42, "congestion" },
        { 47, "resources-unavailable" },
        { 50, "facility-not-subscribed" },
        { 69, "facility-not-implemented" },
        { 81, "invalid-reference" },
        { 95, "invalid-message" },
        { 96, "invalid-mandatory-information" },
        { 97, "message-type-unknown" },
        { 111, "protocol-error" },
        { 127, "interworking-error" },
        /* 27.005 3.2.5 */
        { 300, "me-failure" },
        { 301, "service-reserved" },
        { 302, "operation-not-allowed" },
        { 303, "operation-not-supported" },
        { 304, "invalid-pdu-parameter" },
        { 305, "invalid-text-parameter" },
        { 310, "sim-not-inserted" },
        { 311, "sim-pin-required" },
        { 312, "ph-sim-pin-required" },
        { 313, "sim-failure" },
        { 314, "sim-busy" },
        { 315, "sim-wrong" },
        { 316, "sim-puk-required" },
        { 320, "memory-failure" },
        { 321, "invalid-memory-index" },
        { 322, "memory-full" },
        { 330, "smsc-address-unknown" },
        { 331, "no-network-service" },
        { 332, "network-timeout" },
        { 340, "no-cnma-expected" },
        { 500, "unknown-error" },
};

const char *messaging_cms_error_to_reason(int code) {
        for (size_t i = 0; i < ELEMENTSOF(cms_reasons); i++)
                if (cms_reasons[i].code == code)
                        return cms_reasons[i].reason;
        return "rejected";
}

Job *messaging_job_free(Job *j) {
        if (!j)
                return NULL;
        sms_submit_free(j->submit);
        free(j->number);
        free(j->text);
        for (size_t i = 0; j->del_pdu && i < j->n_del; i++)
                free(j->del_pdu[i]);
        free(j->del_pdu);
        free(j->del);
        free(j->read_pdu);
        free(j);
        return NULL;
}

int64_t messaging_at(Messaging *m, const char *cmd, const char *const *prefixes, AtCommandFlags flags,
                     const char *payload, uint64_t timeout, AtResponseFunc cb) {
        AtCommand c = {
                .cmd = cmd,
                .prefixes = prefixes,
                .timeout_usec = timeout,
                .flags = flags,
                .payload = payload,
                .owner = m,
                .callback = cb,
                .userdata = m,
        };
        return at_chat_send(m->chat, &c);
}

static void job_run(Messaging *m) {
        Job *j = m->head;

        if (!j || m->running || m->freeing)
                return;
        m->running = true;
        switch (j->type) {
        case JOB_SWEEP:
                messaging_sweep_run(m, j);
                break;
        case JOB_READ:
                messaging_read_run(m, j);
                break;
        case JOB_SEND:
                messaging_send_run(m, j);
                break;
        default:
                messaging_job_done(m);
        }
}

static int on_kick(sd_event_source *s, void *userdata) {
        job_run(userdata);
        return 0;
}

static void schedule(Messaging *m) {
        if (m->freeing || m->running || !m->head || !m->setup_done || m->send_stalled)
                return;
        if (m->kick && sd_event_source_set_enabled(m->kick, SD_EVENT_ONESHOT) >= 0)
                return;
        job_run(m); /* no event loop (tests without one): run now */
}

int messaging_job_enqueue(Messaging *m, Job *j) {
        if (m->freeing) {
                messaging_job_free(j);
                return -ENODEV;
        }
        /* The same storage slot twice (a repeated indication) is read once. */
        if (j->type == JOB_READ)
                for (Job *k = m->head; k; k = k->next)
                        if (k->type == JOB_READ && k->index == j->index && streq(k->mem, j->mem) &&
                            !(k == m->head && m->running)) {
                                messaging_job_free(j);
                                return 0;
                        }
        if (j->type == JOB_SWEEP)
                m->sweeps_queued++;
        if (m->tail)
                m->tail->next = j;
        else
                m->head = j;
        m->tail = j;
        schedule(m);
        return 0;
}

void messaging_job_done(Messaging *m) {
        Job *j = m->head;

        if (!j)
                return;
        m->head = j->next;
        if (!m->head)
                m->tail = NULL;
        if (j->type == JOB_SWEEP && m->sweeps_queued > 0)
                m->sweeps_queued--;
        messaging_job_free(j);
        m->running = false;
        schedule(m);
}

size_t messaging_pending_jobs(Messaging *m) {
        size_t n = 0;

        for (Job *j = m->head; j; j = j->next)
                n++;
        return n;
}

/* ---- read memory ---------------------------------------------------- */

static void on_cpms(AtChat *chat, const AtResponse *resp, void *userdata) {
        Messaging *m = userdata;
        Job *j = m->head;
        void (*next)(Messaging *, Job *) = m->mem_next;

        if (resp->final == AT_FINAL_CANCELLED || m->freeing || !j)
                return;
        if (resp->final != AT_FINAL_OK) {
                /* A memory the modem does not have: this job cannot run. */
                log_warning("modem storage %s: AT+CPMS failed (%s)", j->mem, at_final_to_string(resp->final));
                m->cur_mem[0] = '\0';
                /* A lost reply or a busy SMS service passes; ERROR (no such
                 * memory) does not. */
                if (j->type != JOB_SEND && resp->final != AT_FINAL_ERROR)
                        m->sweep_again = true;
                if (j->type == JOB_SEND)
                        next(m, j);
                else
                        messaging_job_done(m);
                return;
        }
        memcpy(m->cur_mem, j->mem, sizeof(m->cur_mem));
        next(m, j);
}

void messaging_select_mem(Messaging *m, Job *j, void (*next)(Messaging *m, Job *j)) {
        char cmd[32];
        int64_t id;

        if (!j->mem[0] || streq(m->cur_mem, j->mem)) {
                next(m, j);
                return;
        }
        /* Only the read/delete memory (C19: +CMTI may name another memory
         * than the one selected); where new messages go stays as is. */
        snprintf(cmd, sizeof(cmd), "AT+CPMS=\"%s\"", j->mem);
        m->mem_next = next;
        id = messaging_at(m, cmd, AT_PREFIXES("+CPMS:"), 0, NULL, 0, on_cpms);
        if (id < 0)
                messaging_job_done(m);
}

/* ---- setup ---------------------------------------------------------- */

static const char *const csms_prefixes[] = { "+CSMS:", NULL };

static int parse_csms(const AtResponse *resp, void *userdata) {
        Messaging *m = userdata;

        for (size_t i = 0; i < resp->n_lines; i++) {
                const char *v = at_result_after_prefix(resp->lines[i], "+CSMS:");
                if (v)
                        m->cnma = v[0] == '1';
        }
        return 0;
}

static void on_setup_done(AtChat *chat, const AtSeqResult *result, void *userdata) {
        Messaging *m = userdata;

        if (result->final == AT_FINAL_CANCELLED || m->freeing)
                return;
        if (result->error < 0)
                log_warning("SMS setup failed at step %zu (%s)", result->index, at_final_to_string(result->final));
        else
                log_debug("SMS setup done (%s mode, +CNMI=%s)", m->text_mode ? "text" : "PDU", m->cnmi);
        /* Jobs wait for the setup: no AT+CPMS/AT+CMGL between its steps. */
        m->setup_done = true;
        schedule(m);
}


static bool line_mentions_memory_full(const char *line) {
        char low[128];
        size_t i;

        for (i = 0; line[i] && i < sizeof(low) - 1; i++)
                low[i] = (char)(line[i] >= 'A' && line[i] <= 'Z' ? line[i] - 'A' + 'a' : line[i]);
        low[i] = '\0';
        return strstr(low, "full") || strstr(low, "sms") || strstr(low, "message");
}

void messaging_on_memfull(AtChat *chat, const char *line, const char *pdu, void *userdata) {
        Messaging *m = userdata;

        /* "+QIND: SMS DONE" is not about memory; "+QIND: \"smsfull\",\"SM\"" is. */
        if (startswith(line, "+QIND:") && !strcasestr(line, "full"))
                return;
        if (startswith(line, "+CIEV:") && !line_mentions_memory_full(line))
                return;
        log_notice("modem reports SMS storage full, draining it");
        (void)messaging_sweep(m);
}

int messaging_sweep(Messaging *m) {
        int r;

        if (m->freeing)
                return -ENODEV;
        /* One sweep waiting is enough: it will list everything. */
        if (m->sweeps_queued > (m->running && m->head && m->head->type == JOB_SWEEP ? 1u : 0u) * m->n_storages)
                return 0;
        for (size_t i = 0; i < m->n_storages; i++) {
                Job *j = calloc(1, sizeof(*j));
                if (!j)
                        return -ENOMEM;
                j->type = JOB_SWEEP;
                memcpy(j->mem, m->storages[i], sizeof(j->mem));
                r = messaging_job_enqueue(m, j);
                if (r < 0)
                        return r;
        }
        return 0;
}

int messaging_expire_groups(Messaging *m) {
        _cleanup_free_ int64_t *ids = NULL;
        size_t n = 0;
        int r;

        r = store_groups_expire(m->store, clock_realtime(m->clock), m->group_max_age, &ids, &n);
        if (r < 0)
                return log_warning_errno(r, "cannot expire pending SMS groups: %m");
        for (size_t i = 0; i < n; i++) {
                log_info("SMS %lld: parts missing after the group's maximum age, published as partial",
                         (long long)ids[i]);
                if (m->cb.added)
                        m->cb.added(m, ids[i], true, m->cb.userdata);
        }
        return (int)n;
}

static uint64_t expire_interval(Messaging *m) {
        uint64_t i = m->group_max_age / 4;

        if (i > EXPIRE_INTERVAL_MAX)
                i = EXPIRE_INTERVAL_MAX;
        if (i < EXPIRE_INTERVAL_MIN)
                i = EXPIRE_INTERVAL_MIN;
        return i;
}

int messaging_retry_sweep(Messaging *m) {
        int r;

        if (!m->sweep_again || m->freeing)
                return 0;
        m->sweep_again = false;
        log_info("SMS storage: sweeping again after a failed read");
        r = messaging_sweep(m);
        return r < 0 ? r : 1;
}

void messaging_pending_add(Messaging *m, const struct PendingWrite *w) {
        struct PendingWrite *p = realloc(m->pending, (m->n_pending + 1) * sizeof(*p));

        if (!p) {
                log_error("out of memory: a store update after the modem's answer is lost");
                return;
        }
        m->pending = p;
        p[m->n_pending] = *w;
        if (w->pdu && !(p[m->n_pending].pdu = strdup(w->pdu)))
                return;
        m->n_pending++;
}

static int pending_write(Messaging *m, const struct PendingWrite *w) {
        int r;

        switch (w->kind) {
        case PENDING_PART_SENT:
                r = store_sms_part_sent(m->store, w->sms_id, w->seq, w->mr);
                if (r >= 0) {
                        log_info("SMS %lld: part %u recorded as sent", (long long)w->sms_id, w->seq);
                        if (!m->freeing)
                                messaging_notify(m, w->sms_id);
                }
                return r == -ENOENT ? 0 : r; /* deleted meanwhile: nothing to record */
        case PENDING_SLOT_FREED:
                return store_slot_freed(m->store, m->modem_key, w->pdu, w->mem, (int)w->index);
        }
        return 0;
}

void messaging_pending_retry(Messaging *m) {
        size_t kept = 0;

        for (size_t i = 0; i < m->n_pending; i++) {
                if (pending_write(m, &m->pending[i]) >= 0) {
                        free(m->pending[i].pdu);
                        continue;
                }
                m->pending[kept++] = m->pending[i];
        }
        m->n_pending = kept;
}

void messaging_tick(Messaging *m) {
        messaging_pending_retry(m);
        if (m->send_stalled) {
                m->send_stalled = false;
                schedule(m);
        }
        (void)messaging_retry_sweep(m);
        (void)messaging_expire_groups(m);
}

static int on_expire_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Messaging *m = userdata;

        messaging_tick(m);
        (void)sd_event_source_set_time_relative(s, expire_interval(m));
        (void)sd_event_source_set_enabled(s, SD_EVENT_ON);
        return 0;
}

static int parse_storages(Messaging *m, const char *list) {
        const char *p = list ? list : "SM";

        m->n_storages = 0;
        while (*p) {
                size_t n;

                while (*p == ' ' || *p == ',')
                        p++;
                n = strcspn(p, ", ");
                if (n == 0)
                        break;
                if (n >= sizeof(m->storages[0]) || m->n_storages == ELEMENTSOF(m->storages))
                        return -EINVAL;
                memcpy(m->storages[m->n_storages], p, n);
                m->storages[m->n_storages][n] = '\0';
                m->n_storages++;
                p += n;
        }
        if (m->n_storages == 0) {
                strcpy(m->storages[0], "SM");
                m->n_storages = 1;
        }
        return 0;
}

int messaging_new(AtChat *chat, sd_event *event, Store *store, const Clock *clock, const MessagingConfig *config,
                  const MessagingCallbacks *callbacks, Messaging **ret) {
        Messaging *m;
        int r;

        if (!chat || !store || !config || !config->modem_key || !*config->modem_key || !ret)
                return -EINVAL;
        if (config->cnmi && (strlen(config->cnmi) > 40 || strpbrk(config->cnmi, "\r\n\"")))
                return -EINVAL;
        m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        m->chat = at_chat_ref(chat);
        m->event = event ? sd_event_ref(event) : NULL;
        m->store = store;
        m->clock = clock ? clock : clock_system();
        if (callbacks)
                m->cb = *callbacks;
        m->modem_key = strdup(config->modem_key);
        m->cnmi = strdup(config->cnmi ? config->cnmi : "2,1,0,1,0");
        m->text_mode = config->text_mode;
        m->report_route = config->report_route;
        m->group_max_age = config->group_max_age_usec ?: STORE_DEFAULT_GROUP_MAX_AGE;
        m->report_window = config->report_window_usec ?: DEFAULT_REPORT_WINDOW;
        m->send_timeout = config->send_timeout_usec ?: DEFAULT_SEND_TIMEOUT;
        if (!m->modem_key || !m->cnmi) {
                messaging_free(m);
                return -ENOMEM;
        }
        r = parse_storages(m, config->storages);
        if (r < 0) {
                messaging_free(m);
                return r;
        }
        if (m->event) {
                r = sd_event_add_defer(m->event, &m->kick, on_kick, m);
                if (r >= 0) {
                        (void)sd_event_source_set_enabled(m->kick, SD_EVENT_OFF);
                        (void)sd_event_source_set_description(m->kick, "messaging-kick");
                        r = sd_event_add_time_relative(m->event, &m->expire_timer, CLOCK_MONOTONIC,
                                                       expire_interval(m), 1000, on_expire_timer, m);
                }
                if (r < 0) {
                        messaging_free(m);
                        return r;
                }
                (void)sd_event_source_set_description(m->expire_timer, "messaging-expire");
        }
        *ret = m;
        return 0;
}

Messaging *messaging_free(Messaging *m) {
        if (!m)
                return NULL;
        m->freeing = true;
        at_chat_cancel_owner(m->chat, m);
        while (m->head) {
                Job *j = m->head;
                m->head = j->next;
                if (j->type == JOB_SEND)
                        messaging_send_fail(m, j, "modem-gone");
                messaging_job_free(j);
        }
        messaging_pending_retry(m); /* a last try */
        for (size_t i = 0; i < m->n_pending; i++)
                free(m->pending[i].pdu);
        free(m->pending);
        sd_event_source_disable_unref(m->kick);
        sd_event_source_disable_unref(m->expire_timer);
        sd_event_unref(m->event);
        at_chat_unref(m->chat);
        free(m->modem_key);
        free(m->cnmi);
        free(m);
        return NULL;
}

const char *messaging_get_modem_key(Messaging *m) {
        return m->modem_key;
}

int messaging_start(Messaging *m) {
        static const struct {
                const char *prefix;
                bool pdu;
                AtUrcFunc func;
        } urcs[] = {
                { "+CMTI:", false, messaging_on_cmti },
                { "+CDSI:", false, messaging_on_cmti },
                { "+CMT:", true, messaging_on_cmt },
                { "+CDS:", true, messaging_on_cds },
                { "^SMMEMFULL", false, messaging_on_memfull },
                { "+CIEV:", false, messaging_on_memfull },
                { "+QIND:", false, messaging_on_memfull },
        };
        int r;

        if (m->started)
                return 0;
        /* Text mode: sending only.  Reading text-mode headers is not
         * implemented, and deleting what we cannot store faithfully would
         * lose the sender: received messages stay on the modem. */
        for (size_t i = 0; i < (m->text_mode ? 0 : ELEMENTSOF(urcs)); i++) {
                int64_t id = at_chat_register_urc(m->chat, urcs[i].prefix, urcs[i].pdu, urcs[i].func, m, m);
                if (id < 0)
                        return (int)id;
        }
        /* at_seq keeps a pointer to the table: it lives in m. */
        snprintf(m->cnmi_cmd, sizeof(m->cnmi_cmd), "AT+CNMI=%s", m->cnmi);
        m->setup[0] = (AtSeqStep){ m->text_mode ? "AT+CMGF=1" : "AT+CMGF=0" };
        m->setup[1] = (AtSeqStep){ "AT+CSMS?", csms_prefixes, .flags = AT_SEQ_OPTIONAL,
                                   .parse = parse_csms };
        m->setup[2] = (AtSeqStep){ m->cnmi_cmd, .flags = AT_SEQ_OPTIONAL };
        r = at_seq_run(m->chat, m->setup, ELEMENTSOF(m->setup), m, on_setup_done, m);
        if (r < 0)
                return r;
        m->started = true;
        if (m->text_mode) {
                log_notice("SMS: text-mode modem, messages are sent but received ones are left on the modem");
                return 0;
        }
        (void)messaging_expire_groups(m);
        return messaging_sweep(m);
}
