/*
 * SHA-256 after FIPS 180-4 section 6.2, written for clarity over speed;
 * see sha256.h.
 */
#include "config.h"

#include "common/sha256.h"

#include <string.h>

#include "common/banned.h"

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t
ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

#define BSIG0(x) (ror((x), 2) ^ ror((x), 13) ^ ror((x), 22))
#define BSIG1(x) (ror((x), 6) ^ ror((x), 11) ^ ror((x), 25))
#define SSIG0(x) (ror((x), 7) ^ ror((x), 18) ^ ((x) >> 3))
#define SSIG1(x) (ror((x), 17) ^ ror((x), 19) ^ ((x) >> 10))
#define CH(x, y, z) (((x) & ((y) ^ (z))) ^ (z))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))

/*
 * One round; the eight working variables rotate by renaming (the caller
 * passes them shifted by one) instead of by copying, which doubles speed.
 */
#define ROUND(a, b, c, d, e, f, g, h, i)                                       \
	do {                                                                   \
		uint32_t t_ = (h) + BSIG1(e) + CH(e, f, g) + sha256_k[i] +     \
			      w[i];                                            \
		(d) += t_;                                                     \
		(h) = t_ + BSIG0(a) + MAJ(a, b, c);                            \
	} while (0)

static void
sha256_block(struct sha256 *c, const unsigned char *p)
{
	uint32_t w[64], a, b, cc, d, e, f, g, h;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = SSIG1(w[i - 2]) + w[i - 7] + SSIG0(w[i - 15]) + w[i - 16];
	a = c->h[0];
	b = c->h[1];
	cc = c->h[2];
	d = c->h[3];
	e = c->h[4];
	f = c->h[5];
	g = c->h[6];
	h = c->h[7];
	for (i = 0; i < 64; i += 8) {
		ROUND(a, b, cc, d, e, f, g, h, i);
		ROUND(h, a, b, cc, d, e, f, g, i + 1);
		ROUND(g, h, a, b, cc, d, e, f, i + 2);
		ROUND(f, g, h, a, b, cc, d, e, i + 3);
		ROUND(e, f, g, h, a, b, cc, d, i + 4);
		ROUND(d, e, f, g, h, a, b, cc, i + 5);
		ROUND(cc, d, e, f, g, h, a, b, i + 6);
		ROUND(b, cc, d, e, f, g, h, a, i + 7);
	}
	c->h[0] += a;
	c->h[1] += b;
	c->h[2] += cc;
	c->h[3] += d;
	c->h[4] += e;
	c->h[5] += f;
	c->h[6] += g;
	c->h[7] += h;
}

void
sha256_init(struct sha256 *c)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(c->h, h0, sizeof(h0));
	c->nbytes = 0;
	c->nblock = 0;
}

void
sha256_update(struct sha256 *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t n;

	c->nbytes += len;
	if (c->nblock > 0) {
		n = 64 - c->nblock < len ? 64 - c->nblock : len;
		memcpy(c->block + c->nblock, p, n);
		c->nblock += n;
		p += n;
		len -= n;
		if (c->nblock < 64)
			return;
		sha256_block(c, c->block);
		c->nblock = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		sha256_block(c, p);
	if (len > 0)
		memcpy(c->block, p, len);
	c->nblock = len;
}

void
sha256_final(struct sha256 *c, unsigned char out[SHA256_DIGEST_LEN])
{
	uint64_t bits = c->nbytes * 8;
	int i;

	/* Padding: a 1 bit, zeros, then the length in bits, big-endian. */
	c->block[c->nblock++] = 0x80;
	if (c->nblock > 56) {
		memset(c->block + c->nblock, 0, 64 - c->nblock);
		sha256_block(c, c->block);
		c->nblock = 0;
	}
	memset(c->block + c->nblock, 0, 56 - c->nblock);
	for (i = 0; i < 8; i++)
		c->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_block(c, c->block);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

void
sha256_final_hex(struct sha256 *c, char out[SHA256_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[SHA256_DIGEST_LEN];
	int i;

	sha256_final(c, d);
	for (i = 0; i < SHA256_DIGEST_LEN; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[SHA256_HEX_LEN] = '\0';
}

void
sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
	struct sha256 c;

	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final_hex(&c, out);
}
