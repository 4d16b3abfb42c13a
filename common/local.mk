# common/: primitives shared by every layer, and the frame protocol between
# a fleet worker and its coordinator.
libmigratore_a_SOURCES += \
	common/banned.h \
	common/buf.c common/buf.h \
	common/err.c common/err.h \
	common/fdutil.c common/fdutil.h \
	common/intern.c common/intern.h \
	common/json.c common/json.h \
	common/jsonparse.c common/jsonparse.h \
	common/log.c common/log.h \
	common/proto.c common/proto.h \
	common/runinfo.c common/runinfo.h \
	common/safefile.c common/safefile.h \
	common/sha256.c common/sha256.h \
	common/spelling.c common/spelling.h \
	common/strv.c common/strv.h \
	common/wire.c common/wire.h \
	common/xmalloc.c common/xmalloc.h
