# common/: primitives shared by every layer.
libmigratore_a_SOURCES += \
	common/banned.h \
	common/buf.c common/buf.h \
	common/err.c common/err.h \
	common/json.c common/json.h \
	common/log.c common/log.h \
	common/runinfo.c common/runinfo.h \
	common/strv.c common/strv.h \
	common/xmalloc.c common/xmalloc.h
libmigratore_a_SOURCES += common/sha256.c common/sha256.h
