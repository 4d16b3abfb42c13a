/* list and errors: bookkeeping rows as text blocks or a JSON array. */
#include "config.h"

#include "worker/rowlist.h"

#include "common/json.h"
#include "common/banned.h"

/* One row as the Python tool printed it. */
static void
row_text(const struct ledger_row *r, bool with_error, struct buf *b)
{
	char ts[32];

	ledger_format_time(r->timestamp, ts);
	buf_addf(b, "ID          : %lld\n", (long long)r->object_id);
	buf_addf(b, "UUID        : %s\n", r->uuid ? r->uuid : "");
	buf_addf(b, "Timestamp   : %lld (%s)\n", (long long)r->timestamp, ts);
	buf_addf(b, "Description : %s\n", r->description ? r->description : "");
	buf_addf(b, "Operation   : %s\n", r->operation ? r->operation : "");
	buf_addf(b, "Operator    : %s\n",
		 r->operator_name ? r->operator_name : "");
	buf_addf(b, "Duration    : %lld %s\n", (long long)r->duration,
		 r->duration == 1 ? "second" : "seconds");
	buf_addf(b, "Start time  : %s\n", r->start_s ? r->start_s : "");
	buf_addf(b, "End time    : %s", r->end_s ? r->end_s : "");
	if (with_error)
		buf_addf(b, "\nError       :  %s", r->error ? r->error : "");
	if (ledger_row_baseline(r))
		buf_addf(b, "\nBaseline    : every migration up to %lld (%s) "
			    "counts as applied",
			 (long long)r->timestamp, ts);
}

/* One row as an object of --format json. */
static void
row_json(struct json *j, const struct ledger_row *r)
{
	json_object_begin(j, NULL);
	json_int(j, "id", r->object_id);
	json_string(j, "uuid", r->uuid);
	json_int(j, "timestamp", r->timestamp);
	json_string(j, "name", r->name);
	json_string(j, "description", r->description);
	json_string(j, "result", r->result);
	json_string(j, "error", r->error);
	json_string(j, "operation", r->operation);
	json_string(j, "operator", r->operator_name);
	json_int(j, "start", r->start);
	json_int(j, "end", r->end);
	json_int(j, "duration", r->duration);
	json_string(j, "start_s", r->start_s);
	json_string(j, "end_s", r->end_s);
	json_string(j, "checksum", r->checksum);
	if (r->committed >= 0)
		json_int(j, "committed", r->committed);
	else
		json_null(j, "committed");
	json_string(j, "run_id", r->run_id);
	json_string(j, "host", r->host);
	json_bool(j, "baseline", ledger_row_baseline(r));
	json_object_end(j);
}

void
rowlist_render(const struct ledger *l, bool errors, bool json,
	       struct buf *out)
{
	struct json j;
	size_t i, n = 0;

	if (json) {
		json_init(&j, out, true);
		json_array_begin(&j, NULL);
	}
	for (i = 0; i < l->n; i++) {
		const struct ledger_row *r = &l->v[i];

		if (ledger_row_success(r) == errors)
			continue;
		if (json) {
			row_json(&j, r);
			continue;
		}
		if (n++ > 0)
			buf_addc(out, '\n');
		row_text(r, errors, out);
		buf_addc(out, '\n');
	}
	if (json) {
		json_array_end(&j);
		buf_addc(out, '\n');
	}
	/* the last newline is the sink's to write */
	if (out->len > 0)
		buf_truncate(out, out->len - 1);
}
