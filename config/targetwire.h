/*
 * A target's resolved settings as bytes (common/wire.h), so that the fleet
 * coordinator can hand one target to its spawner (orchestrator/spawner.h),
 * a process forked before the inventory was loaded. Every field of struct
 * target goes over, the password and the source of each key included:
 * the worker must run with exactly the settings the coordinator resolved.
 *
 * The bytes hold the password: never log them, and wipe the buffer
 * (targetwire_wipe) once they are sent. A field added to struct target
 * must be added here, and to the round trip of tests/unit/test_targetwire.c.
 */
#ifndef MIG_TARGETWIRE_H
#define MIG_TARGETWIRE_H

#include "common/buf.h"
#include "common/wire.h"
#include "config/target.h"

/* Append t to out. */
void targetwire_put(struct buf *out, const struct target *t);

/* The next target of r, or NULL when the bytes are not one (r is then
 * bad). The caller frees it with target_free. */
struct target *targetwire_get(struct wire_reader *r);

/* Overwrite a buffer that held an encoded target, then empty it. */
void targetwire_wipe(struct buf *b);

#endif
