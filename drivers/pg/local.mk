# drivers/pg: the PostgreSQL driver (libpq).
libmigratore_a_SOURCES += drivers/pg/pg.c drivers/pg/pg.h
