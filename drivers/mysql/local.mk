# drivers/mysql: the MySQL and MariaDB driver (MariaDB Connector/C);
# ./configure --without-mysql leaves it out.
if WITH_MYSQL
libmigratore_a_SOURCES += \
	drivers/mysql/mybatch.c drivers/mysql/mydb.h \
	drivers/mysql/myeffect.c drivers/mysql/myeffect.h \
	drivers/mysql/myquery.c \
	drivers/mysql/mysql.c drivers/mysql/mysql.h \
	drivers/mysql/mystmt.c drivers/mysql/mystmt.h
endif
