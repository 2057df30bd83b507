/* The Profile struct, shared by profile.c, profile-parse.c and
 * profile-db.c only; everyone else goes through the accessors. */
#pragma once

#include "profile/profile.h"

#define PROFILE_MAX_USB_IDS 32
#define PROFILE_MAX_INIT 16
#define PROFILE_MAX_IFNUM 32

typedef struct ProfileUsbId {
        uint16_t vid;
        uint16_t pid;
        bool any_pid;
} ProfileUsbId;

struct Profile {
        char *path;
        char *id;
        char *name;
        char *evidence;

        ProfileUsbId usb[PROFILE_MAX_USB_IDS];
        size_t n_usb;
        char *match_manufacturer; /* pattern list */
        char *match_model;        /* pattern list */

        ProfileCapValue caps[_PROFILE_CAP_MAX];

        unsigned sms_modes;
        char *cnmi;
        ProfileDeliveryReport delivery_report;
        char *storages;
        unsigned ussd_quirks;
        ProfileVoiceDialect voice_dialect;
        char *dtmf_command;
        char *pcm_start;
        char *pcm_stop;
        ProfilePortRole pcm_port_role;
        char *gnss_start;
        char *gnss_stop;
        char *init[PROFILE_MAX_INIT + 1];
        size_t n_init;
        /* role by USB interface number, PROFILE_PORT_UNKNOWN if not listed */
        ProfilePortRole ports[PROFILE_MAX_IFNUM];
};

int profile_voice_dialect_from_string(const char *s, ProfileVoiceDialect *ret);
int profile_delivery_report_from_string(const char *s, ProfileDeliveryReport *ret);

/* Allocates an empty profile with every field at its "unknown" default. */
Profile *profile_alloc(void);
