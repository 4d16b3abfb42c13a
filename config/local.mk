# config/: the single-target configuration (environment, .env, DB_URL) and
# the target it produces.
libmigratore_a_SOURCES += \
	config/dburl.c config/dburl.h \
	config/dotenv.c config/dotenv.h \
	config/settings.c config/settings.h \
	config/target.c config/target.h
