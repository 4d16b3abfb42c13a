# drivers/mysql: the MySQL and MariaDB driver (MariaDB Connector/C).
libmigratore_a_SOURCES += \
	drivers/mysql/mysql.c drivers/mysql/mysql.h \
	drivers/mysql/mystmt.c drivers/mysql/mystmt.h
