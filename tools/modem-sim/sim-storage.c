/* Message storage of the simulated modem (3GPP TS 27.005 3.1 <mem>,
 * <stat>).  See sim-storage.h. */
#include "sim-storage.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const mem_names[_SIM_MEM_MAX] = {
        [SIM_MEM_SM] = "SM",
        [SIM_MEM_ME] = "ME",
        [SIM_MEM_SR] = "SR",
};

static const char *const stat_names[] = {
        [SIM_STAT_REC_UNREAD] = "REC UNREAD",
        [SIM_STAT_REC_READ] = "REC READ",
        [SIM_STAT_STO_UNSENT] = "STO UNSENT",
        [SIM_STAT_STO_SENT] = "STO SENT",
        [SIM_STAT_ALL] = "ALL",
};

const char *sim_mem_to_string(SimMem mem) {
        if (mem < 0 || mem >= _SIM_MEM_MAX)
                return NULL;
        return mem_names[mem];
}

SimMem sim_mem_from_string(const char *s) {
        if (!s)
                return SIM_MEM_INVALID;
        for (int i = 0; i < _SIM_MEM_MAX; i++)
                if (strcasecmp(s, mem_names[i]) == 0)
                        return (SimMem)i;
        if (strcasecmp(s, "MT") == 0)
                return SIM_MEM_ME;
        return SIM_MEM_INVALID;
}

const char *sim_stat_to_string(SimStat stat) {
        if ((int)stat < 0 || stat > SIM_STAT_ALL)
                return NULL;
        return stat_names[stat];
}

int sim_stat_from_string(const char *s) {
        if (!s)
                return -EINVAL;
        for (int i = 0; i <= SIM_STAT_ALL; i++)
                if (strcasecmp(s, stat_names[i]) == 0)
                        return i;
        return -EINVAL;
}

int sim_storage_init(SimStorage *s, unsigned sm_total, unsigned me_total, unsigned sr_total) {
        unsigned totals[_SIM_MEM_MAX] = {sm_total, me_total, sr_total};

        memset(s, 0, sizeof(*s));
        for (int i = 0; i < _SIM_MEM_MAX; i++) {
                s->slots[i] = calloc(totals[i] ? totals[i] : 1, sizeof(SimSlot));
                if (!s->slots[i]) {
                        sim_storage_done(s);
                        return -ENOMEM;
                }
                s->total[i] = totals[i];
        }
        return 0;
}

void sim_storage_done(SimStorage *s) {
        for (int i = 0; i < _SIM_MEM_MAX; i++) {
                if (!s->slots[i])
                        continue;
                for (unsigned k = 0; k < s->total[i]; k++)
                        free(s->slots[i][k].hex);
                free(s->slots[i]);
                s->slots[i] = NULL;
        }
}

unsigned sim_storage_used(const SimStorage *s, SimMem mem) {
        unsigned n = 0;

        if (mem < 0 || mem >= _SIM_MEM_MAX)
                return 0;
        for (unsigned k = 0; k < s->total[mem]; k++)
                n += s->slots[mem][k].used;
        return n;
}

static int pdu_tpdu_len(const char *hex, unsigned *ret) {
        size_t n = strlen(hex);
        unsigned smsc;

        if (n < 4 || n % 2)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (!isxdigit((unsigned char)hex[i]))
                        return -EINVAL;
        smsc = (unsigned)strtoul((char[]){hex[0], hex[1], 0}, NULL, 16);
        if (n / 2 < smsc + 2)
                return -EINVAL;
        *ret = (unsigned)(n / 2 - smsc - 1);
        return 0;
}

int sim_storage_add(SimStorage *s, SimMem mem, SimStat stat, const char *hex, unsigned *ret_slot) {
        unsigned tpdu_len;
        char *copy;
        int r;

        if (mem < 0 || mem >= _SIM_MEM_MAX || !hex)
                return -EINVAL;
        r = pdu_tpdu_len(hex, &tpdu_len);
        if (r < 0)
                return r;
        for (unsigned k = 0; k < s->total[mem]; k++) {
                SimSlot *slot = &s->slots[mem][k];
                if (slot->used)
                        continue;
                copy = strdup(hex);
                if (!copy)
                        return -ENOMEM;
                for (char *p = copy; *p; p++)
                        *p = (char)toupper((unsigned char)*p);
                slot->used = true;
                slot->stat = stat;
                slot->hex = copy;
                slot->tpdu_len = tpdu_len;
                if (ret_slot)
                        *ret_slot = k;
                return 0;
        }
        return -ENOSPC;
}

SimSlot *sim_storage_get(SimStorage *s, SimMem mem, unsigned slot) {
        if (mem < 0 || mem >= _SIM_MEM_MAX || slot >= s->total[mem])
                return NULL;
        if (!s->slots[mem][slot].used)
                return NULL;
        return &s->slots[mem][slot];
}

int sim_storage_delete(SimStorage *s, SimMem mem, unsigned slot) {
        SimSlot *p;

        if (mem < 0 || mem >= _SIM_MEM_MAX || slot >= s->total[mem])
                return -ERANGE;
        p = &s->slots[mem][slot];
        free(p->hex);
        *p = (SimSlot){0};
        return 0;
}

int sim_storage_delete_flag(SimStorage *s, SimMem mem, int flag) {
        int n = 0;

        if (mem < 0 || mem >= _SIM_MEM_MAX || flag < 1 || flag > 4)
                return -EINVAL;
        for (unsigned k = 0; k < s->total[mem]; k++) {
                SimSlot *p = &s->slots[mem][k];
                bool del;

                if (!p->used)
                        continue;
                switch (flag) {
                case 1:
                        del = p->stat == SIM_STAT_REC_READ;
                        break;
                case 2:
                        del = p->stat == SIM_STAT_REC_READ || p->stat == SIM_STAT_STO_SENT;
                        break;
                case 3:
                        del = p->stat != SIM_STAT_REC_UNREAD;
                        break;
                default:
                        del = true;
                        break;
                }
                if (del) {
                        sim_storage_delete(s, mem, k);
                        n++;
                }
        }
        return n;
}

int sim_storage_resize(SimStorage *s, SimMem mem, unsigned total) {
        SimSlot *p;

        if (mem < 0 || mem >= _SIM_MEM_MAX || total == 0 || total > 100000)
                return -EINVAL;
        for (unsigned k = total; k < s->total[mem]; k++)
                if (s->slots[mem][k].used)
                        return -EBUSY;
        p = realloc(s->slots[mem], total * sizeof(SimSlot));
        if (!p)
                return -ENOMEM;
        if (total > s->total[mem])
                memset(p + s->total[mem], 0, (total - s->total[mem]) * sizeof(SimSlot));
        s->slots[mem] = p;
        s->total[mem] = total;
        return 0;
}
