# docs/: man pages.
dist_man_MANS += docs/migratore.1
dist_man_MANS += docs/migratore-inventory.5
