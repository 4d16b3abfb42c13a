/*
 * SHA-256 (FIPS 180-4), for the checksums of migration files and sections.
 * Small and dependency-free: a checksum must be computable before anything
 * is linked against a crypto library, and it never needs to be fast beyond
 * hashing a directory of text files.
 *
 * Incremental use: sha256_init, any number of sha256_update, sha256_final.
 * The context holds no allocation; after sha256_final it must be initialised
 * again before reuse. sha256_hex does all three for one buffer and writes 64
 * lower-case hex digits and a NUL.
 */
#ifndef MIG_SHA256_H
#define MIG_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 64

struct sha256 {
	uint32_t h[8];
	uint64_t nbytes;          /* total length hashed so far */
	unsigned char block[64];  /* pending partial block */
	size_t nblock;            /* bytes in block */
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
void sha256_final(struct sha256 *c, unsigned char out[SHA256_DIGEST_LEN]);
/* sha256_final, written as hex into out (65 bytes with the NUL). */
void sha256_final_hex(struct sha256 *c, char out[SHA256_HEX_LEN + 1]);
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

#endif
