/* migratore: argv, the command table, single-target versus fleet dispatch. */
#include "config.h"

#include <stdio.h>

int
main(void)
{
	puts("migratore " PACKAGE_VERSION);
	return 0;
}
