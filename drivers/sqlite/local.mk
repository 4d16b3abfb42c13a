# drivers/sqlite: the SQLite driver (libsqlite3), always built.
libmigratore_a_SOURCES += \
	drivers/sqlite/sqlite.c drivers/sqlite/sqlite.h
