# config/: the single-target configuration (environment, .env, DB_URL), the
# target it produces, and the fleet inventory (SPEC 8.1) with its rollout
# section. yamltree.c is the only user of <yaml.h>.
libmigratore_a_SOURCES += \
	config/dburl.c config/dburl.h \
	config/discovery.c config/discovery.h \
	config/dotenv.c config/dotenv.h \
	config/duration.c config/duration.h \
	config/engine.c config/engine.h \
	config/expansion.c config/expansion.h \
	config/inventory.c config/inventory.h \
	config/jsonlines.c config/jsonlines.h \
	config/options.c config/options.h \
	config/keytable.c config/keytable.h \
	config/problems.c config/problems.h \
	config/rollout.c config/rollout.h \
	config/selection.c config/selection.h \
	config/settings.c config/settings.h \
	config/target.c config/target.h \
	config/targetlayer.h config/targetmerge.c \
	config/targetspec.c config/targetspec.h \
	config/targetwire.c config/targetwire.h \
	config/template.c config/template.h \
	config/yamltree.c config/yamltree.h
