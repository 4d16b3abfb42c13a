/*
 * A statement in doubt: one that commits on its own (MySQL/MariaDB DDL;
 * with `transaction = off`, one whose effect the catalogue shows) is
 * marked in flight in the progress table before it runs (resume.h says
 * how), and counted committed after. A run killed or cut off between the
 * two leaves the mark: the next run does not know whether the statement
 * committed, so it asks the catalogue (db_stmt_effect) before it resumes.
 * Found there, the statement committed and the run resumes after it; not
 * found, it resumes at it; when the catalogue cannot tell (a CREATE
 * TRIGGER, a statement changed since, a USE before it), nothing runs and
 * the operator, who can look, says which with `rebuild --from`.
 */
#ifndef MIG_WORKER_INDOUBT_H
#define MIG_WORKER_INDOUBT_H

#include "common/buf.h"
#include "common/err.h"
#include "drivers/driver.h"
#include "worker/ledger.h"
#include "worker/lexer.h"
#include "worker/migration.h"

/*
 * Where the run section of m (its statements l) resumes: *from, the
 * statements the progress table counts committed, is moved past a
 * statement in doubt that the catalogue shows committed. 0, with what
 * was found in note (empty when nothing was in doubt):
 *   "0042_x.sql: statement 2 (0042_x.sql:8) had committed before the
 *    previous run ended (found in the catalogue): resuming at statement 3"
 * or ERR_STATE when the catalogue cannot tell, nothing run:
 *   "0042_x.sql (uuid): statement 2 of 3 (0042_x.sql:8) was running when
 *    the previous run ended, and whether it committed is unknown (the
 *    catalogue cannot show its effect): CREATE TRIGGER ...; nothing was
 *    run. Check the database, then say what is true: `migratore rebuild uuid --from 3` if it committed, `migratore
 *    rebuild uuid --from 2` if it did not"
 */
int indoubt_resolve(struct db *db, const struct ledger *ledger,
		    const struct migration *m, const struct stmt_list *l,
		    int *from, struct buf *note, struct err *e);

#endif
