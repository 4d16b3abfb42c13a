-- migratore: uuid = 7c9e6679-7425-40de-944b-e07fc1f90ae7
-- migratore: timestamp = 1700000200
-- migratore: run
SELECT 1;
