/* Message storage of the simulated modem: one slot array per memory
 * (SM = SIM, ME = modem flash, SR = status reports), each slot holding a
 * PDU (hex, with its SMSC field) and a 27.005 <stat>.  Indices are slot
 * numbers; the AT layer adds the profile's index base. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef enum SimMem {
        SIM_MEM_SM,
        SIM_MEM_ME,
        SIM_MEM_SR,
        _SIM_MEM_MAX,
        SIM_MEM_INVALID = -1,
} SimMem;

/* 27.005 3.1 <stat> in PDU mode. */
typedef enum SimStat {
        SIM_STAT_REC_UNREAD = 0,
        SIM_STAT_REC_READ = 1,
        SIM_STAT_STO_UNSENT = 2,
        SIM_STAT_STO_SENT = 3,
        SIM_STAT_ALL = 4,
} SimStat;

typedef struct SimSlot {
        bool used;
        SimStat stat;
        char *hex;         /* PDU with SMSC field, upper-case hex */
        unsigned tpdu_len; /* octets after the SMSC field */
} SimSlot;

typedef struct SimStorage {
        SimSlot *slots[_SIM_MEM_MAX];
        unsigned total[_SIM_MEM_MAX];
} SimStorage;

const char *sim_mem_to_string(SimMem mem);
/* "SM", "ME", "SR" (case-insensitive); "MT" is taken as ME. */
SimMem sim_mem_from_string(const char *s);
/* "REC UNREAD" ... "ALL" and back. */
const char *sim_stat_to_string(SimStat stat);
int sim_stat_from_string(const char *s);

int sim_storage_init(SimStorage *s, unsigned sm_total, unsigned me_total, unsigned sr_total);
void sim_storage_done(SimStorage *s);

unsigned sim_storage_used(const SimStorage *s, SimMem mem);
/* Stores in the first free slot.  -ENOSPC when full, -EINVAL on a bad PDU. */
int sim_storage_add(SimStorage *s, SimMem mem, SimStat stat, const char *hex, unsigned *ret_slot);
/* Borrowed; NULL when out of range or empty. */
SimSlot *sim_storage_get(SimStorage *s, SimMem mem, unsigned slot);
/* -ERANGE when out of range; 0 also for an empty slot. */
int sim_storage_delete(SimStorage *s, SimMem mem, unsigned slot);
/* Changes a memory's size.  -EBUSY when a used slot would be cut off. */
int sim_storage_resize(SimStorage *s, SimMem mem, unsigned total);
/* 27.005 +CMGD <delflag> 1..4.  Returns the number of deleted messages. */
int sim_storage_delete_flag(SimStorage *s, SimMem mem, int flag);
