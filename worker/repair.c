/* `repair`: a Repair row with a drifted migration's current checksum. */
#include "config.h"

#include "worker/repair.h"

#include <string.h>
#include <time.h>

#include "worker/drift.h"
#include "common/banned.h"

static void
repair_row(const struct runner *r, const struct migration *m, int64_t now,
	   char *when, struct ledger_row *row)
{
	memset(row, 0, sizeof(*row));
	row->uuid = m->uuid;
	row->timestamp = m->timestamp;
	row->name = m->filename;
	row->description = m->description;
	row->result = (char *)"success";
	row->operator_name = r->t->operator_name;
	row->operation = (char *)"Repair";
	row->start = row->end = now;
	ledger_format_time(now, when);
	row->start_s = row->end_s = when;
	row->checksum = (char *)drift_checksum(m, r->t->engine);
	row->committed = -1;
	row->run_id = (char *)r->run_id;
	row->host = (char *)r->host;
}

static int
append(struct runner *r, const struct ledger_row *row, int64_t *id,
       struct err *e)
{
	int rc;

	/* a text the table cannot hold is fitted to it as in every row;
	 * the description is the only free text here, and the file has it */
	if ((rc = db_begin(r->db, e)) < 0)
		return rc;
	if ((rc = ledger_append(r->db, r->ledger, row, id, NULL, e)) < 0 ||
	    (rc = db_commit(r->db, e)) < 0)
		db_rollback(r->db, &(struct err){ 0 });
	return rc;
}

int
repair_record(struct runner *r, const struct migration *m, struct err *e)
{
	struct step_result res;
	struct ledger_row row;
	char when[32];
	int rc;

	memset(&res, 0, sizeof(res));
	res.m = m;
	res.operation = "Repair";
	res.start = (int64_t)time(NULL);
	res.committed = res.total = -1;
	repair_row(r, m, res.start, when, &row);
	sink_step_begin(r->sink, m, "Repair", false);
	rc = append(r, &row, &res.object_id, e);
	res.ok = rc == 0;
	res.error = rc == 0 ? NULL : e->msg;
	sink_step_end(r->sink, &res);
	if (rc == 0)
		r->sum->applied++;
	else
		r->sum->failed++;
	return rc;
}
