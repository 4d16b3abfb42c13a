# drivers/pg
