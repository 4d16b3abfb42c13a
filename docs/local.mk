# docs/: man pages and the documents they point to, installed into
# $(docdir) (/usr/local/share/doc/migratore by default), where the man
# pages' FILES section says they are (tests/integration/install.sh checks
# that every path there resolves after `make install`, and that every
# docs/*.md is installed).
dist_man_MANS += docs/migratore.1 docs/migratore-inventory.5
dist_doc_DATA = README.md docs/fleet.md docs/reports.md \
	docs/report-schema.md docs/hacking.md docs/security.md
