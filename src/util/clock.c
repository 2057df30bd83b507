/* System and fake clocks; see clock.h. */
#include "util/clock.h"

#include <time.h>

uint64_t now_usec_monotonic(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / NSEC_PER_USEC;
}

uint64_t now_usec_realtime(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / NSEC_PER_USEC;
}

static uint64_t system_now(void *userdata) {
        return now_usec_monotonic();
}

static uint64_t system_realtime(void *userdata) {
        return now_usec_realtime();
}

static const Clock system_clock = {
        .now = system_now,
        .realtime = system_realtime,
};

const Clock *clock_system(void) {
        return &system_clock;
}

static uint64_t fake_now(void *userdata) {
        return ((FakeClock *)userdata)->mono;
}

static uint64_t fake_realtime(void *userdata) {
        return ((FakeClock *)userdata)->real;
}

void fake_clock_init(FakeClock *f, uint64_t mono, uint64_t real) {
        f->clock.now = fake_now;
        f->clock.realtime = fake_realtime;
        f->clock.userdata = f;
        f->mono = mono;
        f->real = real;
}
