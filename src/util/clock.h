/* An injectable monotonic clock.  Code that measures timeouts or expiry
 * asks a Clock for "now" so tests can move time by hand. */
#pragma once

#include <stdint.h>

#define USEC_PER_SEC UINT64_C(1000000)
#define USEC_PER_MSEC UINT64_C(1000)
#define NSEC_PER_USEC UINT64_C(1000)
#define USEC_INFINITY UINT64_MAX

typedef struct Clock {
        /* Monotonic microseconds. */
        uint64_t (*now)(void *userdata);
        /* Wall clock, microseconds since the epoch (timestamps of records). */
        uint64_t (*realtime)(void *userdata);
        void *userdata;
} Clock;

/* The system clock (CLOCK_MONOTONIC / CLOCK_REALTIME). */
const Clock *clock_system(void);

static inline uint64_t clock_now(const Clock *c) {
        return c->now(c->userdata);
}

static inline uint64_t clock_realtime(const Clock *c) {
        return c->realtime(c->userdata);
}

/* A clock for tests: both readings come from *fake (microseconds). */
typedef struct FakeClock {
        Clock clock;
        uint64_t mono;
        uint64_t real;
} FakeClock;

void fake_clock_init(FakeClock *f, uint64_t mono, uint64_t real);
static inline void fake_clock_advance(FakeClock *f, uint64_t usec) {
        f->mono += usec;
        f->real += usec;
}

uint64_t now_usec_monotonic(void);
uint64_t now_usec_realtime(void);
