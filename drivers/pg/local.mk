# drivers/pg: the PostgreSQL driver (libpq); ./configure --without-postgres
# leaves it out.
if WITH_POSTGRES
libmigratore_a_SOURCES += \
	drivers/pg/pg.c drivers/pg/pg.h drivers/pg/pgdb.h \
	drivers/pg/pgconn.c drivers/pg/pgconn.h \
	drivers/pg/pgpipe.c \
	drivers/pg/pgstmt.c drivers/pg/pgstmt.h \
	drivers/pg/pglogin.c drivers/pg/pglogin.h
endif
