/* Network state bookkeeping (3GPP TS 27.007 7.2 <stat> values).  Several
 * registration families report at once on LTE modems (+CREG says
 * "searching" while +CEREG says "home"): the combination rule lives here
 * and nowhere else. */
#include "netreg/netreg-state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/strutil.h"

static const char *const status_names[_NETREG_STATUS_MAX] = {
        [NETREG_STATUS_IDLE] = "idle",
        [NETREG_STATUS_HOME] = "home",
        [NETREG_STATUS_SEARCHING] = "searching",
        [NETREG_STATUS_DENIED] = "denied",
        [NETREG_STATUS_UNKNOWN] = "unknown",
        [NETREG_STATUS_ROAMING] = "roaming",
};

const char *netreg_status_to_string(NetRegStatus s) {
        if ((unsigned)s >= _NETREG_STATUS_MAX)
                return NULL;
        return status_names[s];
}

NetRegStatus netreg_status_from_stat(int stat) {
        switch (stat) {
        case 0:
                return NETREG_STATUS_IDLE;
        case 1:
        case 6: /* registered for SMS only, home */
        case 9: /* CSFB not preferred, home */
                return NETREG_STATUS_HOME;
        case 2:
                return NETREG_STATUS_SEARCHING;
        case 3:
        case 8: /* emergency bearer services only */
                return NETREG_STATUS_DENIED;
        case 5:
        case 7:
        case 10:
                return NETREG_STATUS_ROAMING;
        default:
                return NETREG_STATUS_UNKNOWN;
        }
}

int netreg_state_init(NetRegState *s) {
        *s = (NetRegState){ .quality = 0, .status = NETREG_STATUS_UNKNOWN };
        for (size_t i = 0; i < _NETREG_FAMILY_MAX; i++)
                s->stat[i] = -1;
        s->operator_name = strdup("");
        return s->operator_name ? 0 : -ENOMEM;
}

void netreg_state_done(NetRegState *s) {
        free(s->operator_name);
        s->operator_name = NULL;
}

unsigned netreg_state_set_quality(NetRegState *s, uint32_t percent) {
        if (percent > 100)
                percent = 100;
        if (s->quality == percent)
                return 0;
        s->quality = percent;
        return NETREG_CHANGED_SIGNAL;
}

NetRegStatus netreg_state_combine(const int stat[_NETREG_FAMILY_MAX]) {
        /* Rank of each unregistered status; higher wins. */
        static const int rank[_NETREG_STATUS_MAX] = {
                [NETREG_STATUS_IDLE] = 1,
                [NETREG_STATUS_UNKNOWN] = 2,
                [NETREG_STATUS_SEARCHING] = 3,
                [NETREG_STATUS_DENIED] = 4,
        };
        bool any = false, roaming = false;
        NetRegStatus best = NETREG_STATUS_UNKNOWN;
        int best_rank = 0;

        for (size_t i = 0; i < _NETREG_FAMILY_MAX; i++) {
                NetRegStatus st;

                if (stat[i] < 0)
                        continue;
                any = true;
                st = netreg_status_from_stat(stat[i]);
                if (st == NETREG_STATUS_HOME)
                        return NETREG_STATUS_HOME;
                if (st == NETREG_STATUS_ROAMING) {
                        roaming = true;
                        continue;
                }
                if (rank[st] > best_rank) {
                        best_rank = rank[st];
                        best = st;
                }
        }
        if (roaming)
                return NETREG_STATUS_ROAMING;
        return any ? best : NETREG_STATUS_UNKNOWN;
}

unsigned netreg_state_set_stat(NetRegState *s, NetRegFamily family, int stat) {
        NetRegStatus st;

        if ((unsigned)family >= _NETREG_FAMILY_MAX)
                return 0;
        s->stat[family] = stat;
        st = netreg_state_combine(s->stat);
        if (st == s->status)
                return 0;
        s->status = st;
        return NETREG_CHANGED_REGISTRATION;
}

unsigned netreg_state_set_operator(NetRegState *s, const char *name) {
        char *copy;

        if (!name)
                name = "";
        if (s->operator_name && streq(s->operator_name, name))
                return 0;
        copy = strdup(name);
        if (!copy)
                return 0; /* keep the old name; the next poll retries */
        free(s->operator_name);
        s->operator_name = copy;
        return NETREG_CHANGED_OPERATOR;
}
