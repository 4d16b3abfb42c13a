# drivers/mysql
