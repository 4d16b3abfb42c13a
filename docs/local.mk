# docs/: man pages.
dist_man_MANS += docs/migratore.1
