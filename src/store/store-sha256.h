/* SHA-256 (FIPS 180-4), for the store's part fingerprints: a received
 * PDU is remembered by its hash so a copy re-read after a crash is known
 * as a duplicate without keeping the (personal) PDU once a message is
 * deleted.  Small and dependency-free on purpose. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define STORE_SHA256_SIZE 32
#define STORE_SHA256_HEX_SIZE (2 * STORE_SHA256_SIZE + 1)

void store_sha256(const void *data, size_t size, uint8_t ret[STORE_SHA256_SIZE]);
/* Lower-case hex digest into ret (65 bytes with the NUL). */
void store_sha256_hex(const void *data, size_t size, char ret[STORE_SHA256_HEX_SIZE]);
