# drivers/sqlite
