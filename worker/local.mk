# worker: sources of this layer
libmigratore_a_SOURCES += \
	worker/lexer.c worker/lexer.h \
	worker/migration.c worker/migration.h \
	worker/migset.c worker/migset.h
