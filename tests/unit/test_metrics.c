/*
 * orchestrator/metrics: a run's Prometheus metrics, from synthetic
 * outcomes: the series of each target and of the run, label escaping, an
 * unknown count left out, and the last-success times kept from the file a
 * failing run replaces.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "config/options.h"
#include "config/target.h"
#include "orchestrator/metrics.h"
#include "orchestrator/outcome.h"
#include "orchestrator/report.h"

#define NT 3

struct fixture {
	struct target *t[NT];
	struct outcome o[NT];
	struct report_row rows[NT];
	struct options opts;
	struct report r;
};

static struct target *
mk_target(const char *name, const char *engine)
{
	struct target *t = target_new();

	free(t->name);
	free(t->engine);
	t->name = strdup(name);
	t->engine = strdup(engine);
	return t;
}

/* ok (2 applied), failed (1 pending), not-reached (pending unknown). */
static void
fixture_build(struct fixture *f, const char *name0)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	options_init(&f->opts);
	f->t[0] = mk_target(name0, "postgres");
	f->t[1] = mk_target("my-02", "mysql");
	f->t[2] = mk_target("sq-03", "sqlite");
	for (i = 0; i < NT; i++) {
		outcome_init(&f->o[i]);
		f->rows[i].t = f->t[i];
		f->rows[i].o = &f->o[i];
	}
	f->o[0].started = true;
	f->o[0].status = OUT_OK;
	f->o[0].applied = 2;
	f->o[0].pending = 0;
	f->o[0].seconds = 1.25;
	f->o[0].attempts = 1;
	f->o[0].last_end = 1800000100.5;
	f->o[1].started = true;
	f->o[1].status = OUT_FAILED;
	f->o[1].applied = 0;
	f->o[1].pending = 1;
	f->o[1].seconds = 0.5;
	f->o[2].status = OUT_NOT_REACHED;
	f->o[2].pending = -1;
	f->r.tool_version = "1.2.3";
	f->r.run_id = "20270115T020000Z-abcd";
	f->r.command = "upgrade";
	f->r.inventory = "/etc/mig \"x\"\\y/fleet.yaml";
	f->r.start = 1800000000;
	f->r.end = 1800000200;
	f->r.opts = &f->opts;
	f->r.rows = f->rows;
	f->r.n = NT;
}

static void
fixture_free(struct fixture *f)
{
	size_t i;

	for (i = 0; i < NT; i++) {
		outcome_release(&f->o[i]);
		target_free(f->t[i]);
	}
	options_release(&f->opts);
}

static char *
render(struct fixture *f, const char *previous)
{
	struct buf out = BUF_INIT;

	metrics_render(&f->r, previous, &out);
	return buf_detach(&out);
}

static void
has_line(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
		p += n;
	}
	cr_assert_fail("no line\n  %s\nin\n%s", line, text);
}

#define PG "command=\"upgrade\",target=\"pg-01\",engine=\"postgres\""
#define MY "command=\"upgrade\",target=\"my-02\",engine=\"mysql\""
#define SQ "command=\"upgrade\",target=\"sq-03\",engine=\"sqlite\""

Test(metrics, every_target_series)
{
	struct fixture f;
	char *m;

	fixture_build(&f, "pg-01");
	m = render(&f, NULL);
	has_line(m, "# HELP migratore_target_status The target's status in "
		    "this run (the status label; always 1).");
	has_line(m, "# TYPE migratore_target_status gauge");
	has_line(m, "migratore_target_status{" PG ",status=\"ok\"} 1");
	has_line(m, "migratore_target_status{" MY ",status=\"failed\"} 1");
	has_line(m, "migratore_target_status{" SQ ",status=\"not-reached\"} 1");
	has_line(m, "migratore_target_success{" PG "} 1");
	has_line(m, "migratore_target_success{" MY "} 0");
	has_line(m, "migratore_target_applied_migrations{" PG "} 2");
	has_line(m, "migratore_target_applied_migrations{" SQ "} 0");
	has_line(m, "migratore_target_pending_migrations{" MY "} 1");
	cr_assert_null(strstr(m, "migratore_target_pending_migrations{" SQ),
		       "an unknown pending count is left out");
	has_line(m, "migratore_target_duration_seconds{" PG "} 1.250");
	has_line(m, "migratore_target_last_success_timestamp_seconds{" PG
		    "} 1800000100.500");
	cr_assert_null(strstr(m, "last_success_timestamp_seconds{" MY),
		       "no success, nothing before: no sample");
	free(m);
	fixture_free(&f);
}

Test(metrics, the_run)
{
	struct fixture f;
	char *m;

	fixture_build(&f, "pg-01");
	m = render(&f, NULL);
	has_line(m, "migratore_run_info{command=\"upgrade\",inventory=\"/etc/"
		    "mig \\\"x\\\"\\\\y/fleet.yaml\",run_id=\"20270115T020000Z-"
		    "abcd\",version=\"1.2.3\"} 1");
	has_line(m, "migratore_run_targets{command=\"upgrade\",status=\"ok\"} 1");
	has_line(m, "migratore_run_targets{command=\"upgrade\",status="
		    "\"nothing-to-do\"} 0");
	has_line(m, "migratore_run_targets{command=\"upgrade\",status="
		    "\"not-reached\"} 1");
	has_line(m, "migratore_run_success{command=\"upgrade\"} 0");
	has_line(m, "migratore_run_exit_code{command=\"upgrade\"} 1");
	has_line(m, "migratore_run_start_timestamp_seconds{command="
		    "\"upgrade\"} 1800000000");
	has_line(m, "migratore_run_end_timestamp_seconds{command="
		    "\"upgrade\"} 1800000200");
	has_line(m, "migratore_run_duration_seconds{command=\"upgrade\"} 200");
	cr_assert_null(strstr(m, "migratore_run_last_success_timestamp_"
				 "seconds{"),
		       "a failed run and no earlier file: no sample");
	free(m);
	fixture_free(&f);
}

Test(metrics, label_values_are_escaped)
{
	struct fixture f;
	char *m;

	fixture_build(&f, "we\"ird\\name\nx");
	m = render(&f, NULL);
	has_line(m, "migratore_target_success{command=\"upgrade\",target="
		    "\"we\\\"ird\\\\name\\nx\",engine=\"postgres\"} 1");
	free(m);
	fixture_free(&f);
}

/* A failing night keeps the last success of the file it replaces, for the
 * same series only; a success replaces it. */
Test(metrics, last_success_survives_a_failing_night)
{
	const char *previous =
	    "# HELP whatever\n"
	    "migratore_target_last_success_timestamp_seconds{" MY
	    "} 1790000000.250\n"
	    "migratore_target_last_success_timestamp_seconds{" PG
	    "} 1790000001\n"
	    "migratore_target_last_success_timestamp_seconds{command="
	    "\"dry_upgrade\",target=\"sq-03\",engine=\"sqlite\"} 1790000002\n"
	    "migratore_target_last_success_timestamp_seconds{" SQ "} junk\n"
	    "migratore_run_last_success_timestamp_seconds{command=\"upgrade\"} "
	    "1790000003";
	struct fixture f;
	char *m;

	fixture_build(&f, "pg-01");
	m = render(&f, previous);
	has_line(m, "migratore_target_last_success_timestamp_seconds{" MY
		    "} 1790000000.250");
	has_line(m, "migratore_target_last_success_timestamp_seconds{" PG
		    "} 1800000100.500");
	cr_assert_null(strstr(m, "last_success_timestamp_seconds{" SQ),
		       "another command's series and a junk value are not "
		       "taken");
	has_line(m, "migratore_run_last_success_timestamp_seconds{command="
		    "\"upgrade\"} 1790000003");
	free(m);
	f.o[1].status = OUT_NOTHING_TO_DO;
	f.o[2].status = OUT_NOTHING_TO_DO;
	f.o[2].attempts = 1;
	f.o[2].last_end = 1800000150;
	m = render(&f, previous);
	has_line(m, "migratore_run_last_success_timestamp_seconds{command="
		    "\"upgrade\"} 1800000200");
	has_line(m, "migratore_target_last_success_timestamp_seconds{" SQ
		    "} 1800000150");
	free(m);
	fixture_free(&f);
}

/* Every family: HELP, TYPE gauge, then its samples together. */
Test(metrics, families_are_declared_before_their_samples)
{
	struct fixture f;
	char *m, *line, *save = NULL;
	char family[128] = "";

	fixture_build(&f, "pg-01");
	m = render(&f, NULL);
	for (line = strtok_r(m, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t n = strcspn(line, "{ ");

		if (strncmp(line, "# TYPE ", 7) == 0) {
			cr_assert(strstr(line, " gauge") != NULL, "%s", line);
			snprintf(family, sizeof(family), "%.*s",
				 (int)strcspn(line + 7, " "), line + 7);
		} else if (line[0] != '#') {
			cr_assert(strlen(family) == n &&
				      strncmp(line, family, n) == 0,
				  "%s outside its family %s", line, family);
		}
	}
	free(m);
	fixture_free(&f);
}
