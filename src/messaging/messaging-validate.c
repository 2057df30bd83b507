/* Messaging.Send argument checks, see messaging-validate.h. */
#include "messaging/messaging-validate.h"

#include <errno.h>
#include <string.h>

#include "sms/sms-segment.h"
#include "util/strutil.h"

static int fail(const char **ret_reason, const char *reason) {
        if (ret_reason)
                *ret_reason = reason;
        return -EINVAL;
}

int messaging_validate_number(const char *number, const char **ret_reason) {
        const char *p = number;
        size_t digits = 0;

        if (!number || !*number)
                return fail(ret_reason, "the number is empty");
        if (*p == '+')
                p++;
        for (; *p; p++) {
                if (*p < '0' || *p > '9')
                        return fail(ret_reason, "the number may only hold an optional leading '+' and digits");
                digits++;
        }
        if (digits < MESSAGING_NUMBER_DIGITS_MIN)
                return fail(ret_reason, "the number needs at least 3 digits");
        if (digits > MESSAGING_NUMBER_DIGITS_MAX)
                return fail(ret_reason, "the number has more than 20 digits");
        return 0;
}

int messaging_validate_text(const char *text, size_t *ret_parts, const char **ret_reason) {
        SmsSegmentPlan plan;
        size_t len;
        int r;

        if (!text || !*text)
                return fail(ret_reason, "the text is empty");
        len = strlen(text);
        if (!utf8_is_valid(text, len))
                return fail(ret_reason, "the text is not valid UTF-8");
        r = sms_segment_plan(text, len, NULL, &plan);
        if (r == -E2BIG)
                return fail(ret_reason, "the text needs more than 255 parts");
        if (r < 0)
                return fail(ret_reason, "the text cannot be encoded");
        if (ret_parts)
                *ret_parts = plan.n_parts;
        return 0;
}

int messaging_validate_validity(uint32_t minutes, const char **ret_reason) {
        if (minutes < MESSAGING_VALIDITY_MIN_MINUTES || minutes > MESSAGING_VALIDITY_MAX_MINUTES)
                return fail(ret_reason, "validity must be 5 to 635040 minutes");
        return 0;
}

int messaging_validate_class(uint32_t msg_class, const char **ret_reason) {
        if (msg_class > 3)
                return fail(ret_reason, "class must be 0 to 3");
        return 0;
}
