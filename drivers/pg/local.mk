# drivers/pg: the PostgreSQL driver (libpq).
libmigratore_a_SOURCES += \
	drivers/pg/pg.c drivers/pg/pg.h \
	drivers/pg/pgstmt.c drivers/pg/pgstmt.h
