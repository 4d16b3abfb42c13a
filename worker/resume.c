/* Resuming after committed statements: their checksums; see resume.h. */
#include "config.h"

#include "worker/resume.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/sha256.h"
#include "common/banned.h"

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	       c == '\v';
}

void
resume_sum(const char *sql, char out[RESUME_SUM_LEN + 1])
{
	char hex[SHA256_HEX_LEN + 1];
	struct sha256 c;
	const char *p = sql, *run;

	sha256_init(&c);
	while (blank(*p))
		p++;
	while (*p) {
		for (run = p; *p && !blank(*p); p++)
			;
		sha256_update(&c, run, (size_t)(p - run));
		while (blank(*p))
			p++;
		if (*p)
			sha256_update(&c, " ", 1);
	}
	sha256_final_hex(&c, hex);
	memcpy(out, hex, RESUME_SUM_LEN);
	out[RESUME_SUM_LEN] = '\0';
}

void
resume_sums(const struct stmt_list *l, int n, struct buf *out)
{
	resume_sums_from(l, 0, n, out);
}

void
resume_sums_from(const struct stmt_list *l, int from, int n, struct buf *out)
{
	char sum[RESUME_SUM_LEN + 1];
	int i;

	for (i = from; i < n && (size_t)i < l->n; i++) {
		resume_sum(l->v[i].sql, sum);
		buf_addf(out, "%s%s", i ? "," : "", sum);
	}
}

void
resume_mark(const struct stmt_list *l, int i, struct buf *out)
{
	char sum[RESUME_SUM_LEN + 1];

	if (i < 0 || (size_t)i >= l->n)
		return;
	resume_sum(l->v[i].sql, sum);
	buf_addf(out, "%s!%s", i ? "," : "", sum);
}

bool
resume_in_doubt(const char *sums, int committed, char sum[RESUME_SUM_LEN + 1])
{
	const char *p = sums;
	int i;

	for (i = 0; p && *p && i < committed; i++) {
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	if (p == NULL || i < committed || p[0] != '!' ||
	    strcspn(p + 1, ",") != RESUME_SUM_LEN)
		return false;
	memcpy(sum, p + 1, RESUME_SUM_LEN);
	sum[RESUME_SUM_LEN] = '\0';
	return true;
}

static int
changed(const struct migration *m, const struct stmt_list *l, int i,
	int committed, const char *then, size_t len, struct err *e)
{
	char now[RESUME_SUM_LEN + 1] = "";
	char where[600];

	if ((size_t)i < l->n) {
		resume_sum(l->v[i].sql, now);
		snprintf(where, sizeof(where), "statement %d of %zu (%s:%d) "
					       "changed",
			 i + 1, l->n, m->filename, l->v[i].line);
	} else {
		snprintf(where, sizeof(where),
			 "statement %d is gone (the file has %zu now)", i + 1,
			 l->n);
	}
	return err_set(e, ERR_STATE,
		       "%s (%s): %s after an earlier run committed it "
		       "(checksum %.*s then, %s now): the first %d "
		       "statement%s committed, and the rest can run after "
		       "them only as they were. Restore statement %d, or say "
		       "what is true: `migratore rebuild %s` runs statement "
		       "%d on as the file is now, `migratore skip` records "
		       "the migration without running it",
		       m->filename, m->uuid, where, (int)len, then,
		       now[0] ? now : "none", committed,
		       committed == 1 ? "" : "s", i + 1, m->uuid,
		       committed + 1);
}

int
resume_check(const struct migration *m, const struct stmt_list *l,
	     int committed, const char *sums, struct err *e)
{
	char now[RESUME_SUM_LEN + 1];
	const char *p = sums;
	size_t len;
	int i;

	for (i = 0; p && *p && i < committed; i++) {
		len = strcspn(p, ",");
		if ((size_t)i >= l->n)
			return changed(m, l, i, committed, p, len, e);
		resume_sum(l->v[i].sql, now);
		if (len != RESUME_SUM_LEN || memcmp(p, now, len) != 0)
			return changed(m, l, i, committed, p, len, e);
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}
