#!/bin/sh
# Regenerate the build system. Nothing else: configure does the checking.
exec autoreconf -fi
