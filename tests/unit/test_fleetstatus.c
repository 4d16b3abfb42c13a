/* Unit tests for orchestrator/fleetstatus: the version skew, the targets
 * that need a look, one line per target, and the strict rule, from the
 * brief statuses workers send. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "common/jsonparse.h"
#include "common/xmalloc.h"
#include "orchestrator/fleetstatus.h"

#define NT 5

struct fixture {
	struct target *t[NT];
	struct outcome o[NT];
	struct report_row rows[NT];
};

static const char *const latest_c =
    "{\"uuid\":\"c\",\"timestamp\":1003,\"file\":\"1003_c.sql\","
    "\"description\":\"add currency\"}";
static const char *const latest_b =
    "{\"uuid\":\"b\",\"timestamp\":1002,\"file\":\"1002_b.sql\","
    "\"description\":\"\"}";

/* A brief status as worker/status.c writes it (the fields read here). */
static char *
brief(const char *latest, int pending, int drifted, int failed,
      const char *problems)
{
	return xasprintf(
	    "{\"schema_version\":1,\"engine\":\"sqlite\",\"pending\":%d,"
	    "\"drifted\":%d,\"counts\":{\"failed\":%d,\"partial\":0},"
	    "\"latest\":%s,\"last_run\":{\"result\":\"%s\","
	    "\"age_seconds\":%d},\"problems\":[%s]}",
	    pending, drifted, failed, latest ? latest : "null",
	    failed ? "error" : "success", failed ? 90 : 7200,
	    problems ? problems : "");
}

static void
add(struct fixture *f, int i, const char *name, enum outcome_status st,
    char *doc)
{
	f->t[i] = target_new();
	free(f->t[i]->name);
	f->t[i]->name = xstrdup(name);
	outcome_init(&f->o[i]);
	f->o[i].status = st;
	if (doc) {
		/* a long one comes in pieces, without separators */
		char *head = xstrndup(doc, 10);

		outcome_add_result(&f->o[i], head);
		free(head);
		outcome_add_result(&f->o[i], doc + 10);
		free(doc);
	} else {
		f->o[i].reason = xstrdup("cannot connect\nmore");
	}
	f->rows[i].t = f->t[i];
	f->rows[i].o = &f->o[i];
}

static void
fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	add(f, 0, "a", OUT_OK, brief(latest_c, 0, 0, 0, NULL));
	add(f, 1, "bb", OUT_OK, brief(latest_c, 0, 1, 0,
			"{\"state\":\"drifted\",\"file\":\"1001_a.sql\","
			"\"note\":\"its run section changed\"}"));
	add(f, 2, "c", OUT_OK, brief(latest_b, 1, 0, 1,
			"{\"state\":\"failed\",\"file\":\"1003_c.sql\","
			"\"note\":\"boom\"}"));
	add(f, 3, "d", OUT_OK, brief(NULL, 3, 0, 0, NULL));
	add(f, 4, "e", OUT_UNREACHABLE, NULL);
}

static void
fixture_release(struct fixture *f)
{
	int i;

	for (i = 0; i < NT; i++) {
		outcome_release(&f->o[i]);
		target_free(f->t[i]);
	}
}

Test(fleetstatus, skew_problems_and_one_line_per_target)
{
	struct fixture f;
	struct fleetstatus fs;
	struct buf b = BUF_INIT;

	fixture_init(&f);
	fleetstatus_build(&fs, f.rows, NT, false, 0);
	fleetstatus_text(&fs, false, &b);
	cr_expect_str_eq(
	    b.ptr,
	    "Version skew (the latest applied migration of each target):\n"
	    "  1003 add currency: 2 targets\n"
	    "  1002 1002_b.sql: 1 target\n"
	    "  nothing applied: 1 target\n"
	    "  no status: 1 target\n"
	    "\n"
	    "Failed, drifted or without status:\n"
	    "  bb      drifted  1001_a.sql: its run section changed\n"
	    "  c       failed   1003_c.sql: boom\n"
	    "  e       unreachable: cannot connect\n"
	    "\n"
	    "TARGET  ENGINE  LATEST APPLIED     PENDING  DRIFTED  LAST RUN\n"
	    "a       sqlite  1003 add currency        0        0  success, 2h ago\n"
	    "bb      sqlite  1003 add currency        0        1  success, 2h ago\n"
	    "c       sqlite  1002 1002_b.sql          1        0  failed, 1m ago\n"
	    "d       sqlite  -                        3        0  success, 2h ago\n"
	    "e       sqlite  unreachable: cannot connect\n"
	    "\n"
	    "5 targets: 1 up to date, 1 behind, 1 failed, 1 drifted, 1 "
	    "unreachable\n");
	cr_expect_not(fleetstatus_fails(&fs), "not strict");
	buf_release(&b);
	fleetstatus_release(&fs);
	fleetstatus_build(&fs, f.rows, NT, true, 0);
	cr_expect(fleetstatus_fails(&fs));
	fleetstatus_release(&fs);
	fixture_release(&f);
}

Test(fleetstatus, strict_passes_when_every_target_is_up_to_date)
{
	struct fixture f;
	struct fleetstatus fs;

	memset(&f, 0, sizeof(f));
	add(&f, 0, "a", OUT_OK, brief(latest_c, 0, 0, 0, NULL));
	add(&f, 1, "b", OUT_OK, brief(latest_c, 0, 0, 0, NULL));
	fleetstatus_build(&fs, f.rows, 2, true, 0);
	cr_expect_not(fleetstatus_fails(&fs));
	cr_expect_eq(fs.nskew, 1);
	cr_expect_eq(fs.skew[0].targets, 2);
	fleetstatus_release(&fs);
	outcome_release(&f.o[0]);
	outcome_release(&f.o[1]);
	target_free(f.t[0]);
	target_free(f.t[1]);
}

Test(fleetstatus, the_json_member)
{
	struct fixture f;
	struct fleetstatus fs;
	struct buf b = BUF_INIT;
	struct json_value *v = NULL;
	struct err e = ERR_INIT;
	const struct json_value *s, *t;
	struct json j;

	fixture_init(&f);
	fleetstatus_build(&fs, f.rows, NT, true, 0);
	json_init(&j, &b, true);
	json_object_begin(&j, NULL);
	fleetstatus_json(&fs, &j);
	json_object_end(&j);
	cr_assert_eq(json_parse(b.ptr, b.len, "t", &v, &e), 0, "%s", e.msg);
	s = json_get(v, "status");
	cr_expect(json_as_bool(json_get(s, "strict"), false));
	cr_expect_eq(json_as_int(json_get(json_get(s, "counts"), "not_reached"),
				 -1),
		     1);
	cr_expect_eq(json_as_int(json_get(json_get(s, "counts"), "up_to_date"),
				 -1),
		     1);
	cr_assert_eq(json_count(json_get(s, "skew")), 3);
	cr_expect_eq(json_as_int(json_get(json_index(json_get(s, "skew"), 0),
					  "targets"),
				 -1),
		     2);
	cr_expect(json_is(json_get(json_index(json_get(s, "skew"), 2), "uuid"),
			  JSON_NULL));
	t = json_index(json_get(s, "targets"), 4);
	cr_expect_str_eq(json_as_string(json_get(t, "state")), "not_reached");
	cr_expect_str_eq(json_as_string(json_get(t, "reason")),
			 "cannot connect\nmore");
	t = json_index(json_get(s, "targets"), 2);
	cr_expect_str_eq(json_as_string(json_get(t, "state")), "failed");
	cr_expect_eq(json_count(json_get(t, "problems")), 1);
	json_value_free(v);
	buf_release(&b);
	fleetstatus_release(&fs);
	fixture_release(&f);
}
