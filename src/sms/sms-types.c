/* Shared SMS types: time stamp conversion (23.040 9.2.3.11) and the
 * to_string tables.  See sms-types.h. */
#include "sms/sms-types.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
        y -= m <= 2;
        int64_t era = (y >= 0 ? y : y - 399) / 400;
        unsigned yoe = (unsigned)(y - era * 400);
        unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + (int64_t)doe - 719468;
}

int sms_time_to_epoch_usec(const SmsTime *t, uint64_t *ret_usec) {
        if (!t || t->month < 1 || t->month > 12 || t->day < 1 || t->day > 31 || t->hour > 23 ||
            t->minute > 59 || t->second > 59)
                return -EINVAL;
        int64_t s = days_from_civil(t->year, t->month, t->day) * 86400 + t->hour * 3600 +
                    t->minute * 60 + t->second - (int64_t)t->tz_quarter_hours * 15 * 60;
        if (s < 0)
                return -ERANGE;
        *ret_usec = (uint64_t)s * UINT64_C(1000000);
        return 0;
}

int sms_time_format(const SmsTime *t, char *buf, size_t size) {
        int q = t->tz_quarter_hours;
        int r = snprintf(buf, size, "%04u-%02u-%02uT%02u:%02u:%02u%c%02d:%02d", t->year, t->month, t->day,
                         t->hour, t->minute, t->second, q < 0 ? '-' : '+', abs(q) / 4, abs(q) % 4 * 15);
        if (r < 0 || (size_t)r >= size)
                return -ENOBUFS;
        return r;
}

SmsStatusCategory sms_status_category(uint8_t st) {
        if (st <= 0x1F)
                return SMS_STATUS_DELIVERED;
        if (st <= 0x3F)
                return SMS_STATUS_PENDING;
        return SMS_STATUS_FAILED;
}

const char *sms_type_to_string(SmsType t) {
        static const char *const table[_SMS_TYPE_MAX] = {
                [SMS_TYPE_DELIVER] = "deliver",
                [SMS_TYPE_SUBMIT] = "submit",
                [SMS_TYPE_STATUS_REPORT] = "status-report",
        };
        return (unsigned)t < _SMS_TYPE_MAX ? table[t] : NULL;
}

const char *sms_encoding_to_string(SmsEncoding e) {
        static const char *const table[_SMS_ENCODING_MAX] = {
                [SMS_ENCODING_GSM7] = "gsm7",
                [SMS_ENCODING_UCS2] = "ucs2",
                [SMS_ENCODING_8BIT] = "8bit",
        };
        return (unsigned)e < _SMS_ENCODING_MAX ? table[e] : NULL;
}

const char *sms_status_category_to_string(SmsStatusCategory c) {
        static const char *const table[_SMS_STATUS_CATEGORY_MAX] = {
                [SMS_STATUS_DELIVERED] = "delivered",
                [SMS_STATUS_PENDING] = "pending",
                [SMS_STATUS_FAILED] = "failed",
        };
        return (unsigned)c < _SMS_STATUS_CATEGORY_MAX ? table[c] : NULL;
}
