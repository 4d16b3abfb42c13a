/* Templates of discover entries: placeholders by number and name, literal
 * braces, environment references expanded once (never in a row's values),
 * and every error with its message. */
#include "config.h"

#include "config/template.h"

#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "common/buf.h"

/* Criterion runs each case in a new process: pass an index, not a pointer. */
#define NCASES(table) (sizeof(table) / sizeof((table)[0]))
#define CASE_INDICES(table)                                                    \
	do {                                                                   \
		static size_t idx_[NCASES(table)];                             \
		size_t i_;                                                     \
		for (i_ = 0; i_ < NCASES(table); i_++)                         \
			idx_[i_] = i_;                                         \
		return cr_make_param_array(size_t, idx_, NCASES(table));       \
	} while (0)

static char *const env[] = { (char *)"REGION=eu", (char *)"EMPTY=", NULL };

/* The query's columns and one row for every case. */
static const char *const columns[] = { "nspname", "region", "id" };
static const char *const row[] = { "t_0042", "us", "${REGION}{1..2}$" };

struct fill_case {
	const char *tmpl;
	const char *want;
	bool fields;
};

static const struct fill_case fill_cases[] = {
	{ "tenant-{0}", "tenant-t_0042", true },
	{ "{nspname}", "t_0042", true },
	{ "{region}-{nspname}-{1}", "us-t_0042-us", true },
	{ "plain", "plain", false },
	{ "", "", false },
	{ "{{0}}", "{0}", false },
	{ "{{{0}}}", "{t_0042}", true },
	{ "${REGION}-{0}", "eu-t_0042", true },
	{ "${NOPE:-x}{0}", "xt_0042", true },
	{ "$${0}", "$t_0042", true },
	{ "$$REGION", "$REGION", false },
	/* a value is data: never expanded again, whatever it holds */
	{ "{id}", "${REGION}{1..2}$", true },
	{ "${EMPTY}{_x}", NULL, true }, /* no column _x: see bind below */
};

ParameterizedTestParameters(template, fill)
{
	CASE_INDICES(fill_cases);
}

ParameterizedTest(size_t *i, template, fill)
{
	const struct fill_case *c = &fill_cases[*i];
	struct buf out = BUF_INIT, why = BUF_INIT;
	struct template *t;

	cr_assert_eq(template_compile(c->tmpl, env, &t, &why), 0, "%s: %s",
		     c->tmpl, why.ptr);
	cr_assert_eq(template_has_fields(t), c->fields, "%s", c->tmpl);
	if (!c->want) {
		cr_assert_eq(template_bind(t, columns, 3, &why), -1);
		cr_assert_str_eq(why.ptr, "no column '_x' (the query returned "
					  "nspname, region, id)");
	} else {
		cr_assert_eq(template_bind(t, columns, 3, &why), 0, "%s",
			     why.ptr);
		cr_assert(template_fill(t, row, &out, &why), "%s", why.ptr);
		cr_assert_str_eq(out.ptr, c->want, "%s", c->tmpl);
	}
	template_free(t);
	buf_release(&out);
	buf_release(&why);
}

struct bad_case {
	const char *tmpl;
	const char *why;
};

static const struct bad_case bad_cases[] = {
	{ "t-{1..3}",
	  "'{1..3}' is not a placeholder: write a column's number or name in "
	  "braces ({0}, {nspname}), '{{' and '}}' for braces" },
	{ "{}", "'{}' is not a placeholder: write a column's number or name "
		"in braces ({0}, {nspname}), '{{' and '}}' for braces" },
	{ "{a b}", "'{a b}' is not a placeholder: write a column's number or "
		   "name in braces ({0}, {nspname}), '{{' and '}}' for braces" },
	{ "{0", "'{' is not a placeholder: write a column's number or name in "
		"braces ({0}, {nspname}), '{{' and '}}' for braces" },
	{ "a}b", "a lone '}': write '}}' for a brace" },
	{ "{0}${NOPE}", "${NOPE} is not set" },
	{ "${NOPE}{0}", "${NOPE} is not set" },
	{ "$HOME/{0}",
	  "'$' must start ${VAR} or ${VAR:-default}; write '$$' for a '$'" },
	{ "${oops", "malformed ${...} reference: write ${NAME} or "
		    "${NAME:-default}" },
	{ "{99999999999}",
	  "'{99999999999}' is not a placeholder: write a column's number or "
	  "name in braces ({0}, {nspname}), '{{' and '}}' for braces" },
};

ParameterizedTestParameters(template, refused)
{
	CASE_INDICES(bad_cases);
}

ParameterizedTest(size_t *i, template, refused)
{
	const struct bad_case *c = &bad_cases[*i];
	struct buf why = BUF_INIT;
	struct template *t = (struct template *)1;

	cr_assert_eq(template_compile(c->tmpl, env, &t, &why), -1, "%s",
		     c->tmpl);
	cr_assert_null(t);
	cr_assert_str_eq(why.ptr, c->why);
	buf_release(&why);
}

Test(template, bind_by_number_counts_the_columns)
{
	struct buf why = BUF_INIT;
	struct template *t;

	cr_assert_eq(template_compile("{3}", env, &t, &why), 0);
	cr_assert_eq(template_bind(t, columns, 3, &why), -1);
	cr_assert_str_eq(why.ptr, "no column 3 (the query returned 3 columns, "
				  "counted from 0)");
	template_free(t);
	buf_reset(&why);
	cr_assert_eq(template_compile("{name}", env, &t, &why), 0);
	cr_assert_eq(template_bind(t, columns, 0, &why), -1);
	cr_assert_str_eq(why.ptr, "no column 'name' (the query returned )");
	template_free(t);
	buf_release(&why);
}

Test(template, a_null_cell_is_named)
{
	static const char *const nulls[] = { "t_1", NULL, NULL };
	struct buf out = BUF_INIT, why = BUF_INIT;
	struct template *t;

	cr_assert_eq(template_compile("{0}-{region}", env, &t, &why), 0);
	cr_assert_eq(template_bind(t, columns, 3, &why), 0);
	cr_assert_not(template_fill(t, nulls, &out, &why));
	cr_assert_str_eq(why.ptr, "column 'region' is NULL");
	buf_reset(&why);
	template_free(t);
	cr_assert_eq(template_compile("{2}", env, &t, &why), 0);
	cr_assert_eq(template_bind(t, columns, 3, &why), 0);
	cr_assert_not(template_fill(t, nulls, &out, &why));
	cr_assert_str_eq(why.ptr, "column 2 is NULL");
	template_free(t);
	buf_release(&out);
	buf_release(&why);
}

Test(template, marks_the_columns_it_takes)
{
	bool used[3] = { false, false, false };
	struct buf why = BUF_INIT;
	struct template *t;

	cr_assert_eq(template_compile("{id}/{0}/{0}", env, &t, &why), 0);
	cr_assert_eq(template_bind(t, columns, 3, &why), 0);
	template_mark(t, used);
	cr_assert(used[0] && !used[1] && used[2]);
	template_free(t);
	buf_release(&why);
}
