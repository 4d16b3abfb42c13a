# drivers/: the driver interface and registry. Each engine's directory adds
# its own sources through drivers/<engine>/local.mk.
libmigratore_a_SOURCES += \
	drivers/batch.c \
	drivers/driver.c drivers/driver.h \
	drivers/textfit.c drivers/textfit.h
