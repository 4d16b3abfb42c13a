-- migratore: uuid = 8d0f7780-7425-40de-944b-e07fc1f90ae7
-- migratore: timestamp = 1700000100
-- migratore: run
SELECT 1;
