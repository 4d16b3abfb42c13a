# docs/: man pages and the documents they point to.
dist_man_MANS += docs/migratore.1 docs/migratore-inventory.5
EXTRA_DIST += docs/fleet.md docs/reports.md docs/report-schema.md \
	docs/hacking.md docs/security.md
