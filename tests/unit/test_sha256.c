/* Unit tests for common/sha256: FIPS 180-4 vectors and block boundaries. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "common/sha256.h"

/* Criterion runs each case in a new process: pass indices, not pointers. */
#define NCASES(table) (sizeof(table) / sizeof((table)[0]))
#define CASE_INDICES(table)                                                    \
	do {                                                                   \
		static size_t idx_[NCASES(table)];                             \
		size_t i_;                                                     \
		for (i_ = 0; i_ < NCASES(table); i_++)                         \
			idx_[i_] = i_;                                         \
		return cr_make_param_array(size_t, idx_, NCASES(table));       \
	} while (0)

struct vector {
	const char *input;
	size_t repeat; /* input repeated this many times */
	const char *hex;
};

static const struct vector vectors[] = {
	{ "", 1,
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", 1,
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  1,
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	{ "a", 1000000,
	  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
	/* lengths around the 56- and 64-byte padding boundaries (sha256sum) */
	{ "a", 55,
	  "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
	{ "a", 56,
	  "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
	{ "a", 63,
	  "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
	{ "a", 64,
	  "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
	{ "a", 65,
	  "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
	{ "a", 119,
	  "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
	{ "a", 120,
	  "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
};

ParameterizedTestParameters(sha256, vectors)
{
	CASE_INDICES(vectors);
}

static char *
expand(const struct vector *v, size_t *len)
{
	size_t n = strlen(v->input), i;
	char *s = malloc(n * v->repeat + 1);

	cr_assert_not_null(s);
	for (i = 0; i < v->repeat; i++)
		memcpy(s + i * n, v->input, n);
	*len = n * v->repeat;
	return s;
}

ParameterizedTest(size_t *i, sha256, vectors)
{
	const struct vector *v = &vectors[*i];
	char out[SHA256_HEX_LEN + 1];
	size_t len;
	char *s = expand(v, &len);

	sha256_hex(s, len, out);
	cr_assert_str_eq(out, v->hex, "length %zu", len);
	free(s);
}

ParameterizedTestParameters(sha256, vectors_incremental)
{
	CASE_INDICES(vectors);
}

/* Feeding the same bytes in uneven pieces gives the same digest. */
ParameterizedTest(size_t *i, sha256, vectors_incremental)
{
	const struct vector *v = &vectors[*i];
	static const size_t chunks[] = { 1, 3, 63, 64, 65, 1000 };
	char out[SHA256_HEX_LEN + 1];
	struct sha256 c;
	size_t len, off, k = 0, n;
	char *s = expand(v, &len);

	sha256_init(&c);
	for (off = 0; off < len; off += n) {
		n = chunks[k++ % 6];
		if (n > len - off)
			n = len - off;
		sha256_update(&c, s + off, n);
	}
	sha256_final_hex(&c, out);
	cr_assert_str_eq(out, v->hex, "length %zu", len);
	free(s);
}

Test(sha256, differs_on_one_byte)
{
	char a[SHA256_HEX_LEN + 1], b[SHA256_HEX_LEN + 1];

	sha256_hex("CREATE TABLE t (x int);\n", 24, a);
	sha256_hex("CREATE TABLE t (x int); \n", 25, b);
	cr_assert_str_neq(a, b);
}
