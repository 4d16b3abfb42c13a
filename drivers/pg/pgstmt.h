/*
 * Statement text for the PostgreSQL driver, kept apart from the connection
 * code because it is pure logic, tested without a server.
 */
#ifndef MIG_DRIVERS_PGSTMT_H
#define MIG_DRIVERS_PGSTMT_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"

/*
 * Append sql to out with every '?' placeholder replaced by $1..$n, in
 * order. A '?' inside a string ('...', E'...'), a quoted identifier, a
 * comment (-- and nesting slash-star ones) or a dollar-quoted body is text
 * and stays. ERR_INTERNAL when the count differs from nparams: a bug in
 * the caller. Positions the server reports refer to the translated text;
 * only the tool's own queries go through here, never a user's migration.
 */
int pgstmt_placeholders(const char *sql, size_t nparams, struct buf *out,
			struct err *e);

#endif
