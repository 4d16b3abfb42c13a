# tests/lib/python.sh - the bookkeeping table the Python tool makes on
# MySQL/MariaDB, for the TAP integration scripts. Source after engines.sh.
#
#   python_table [TEXT_TYPE]   creates `migratore` in the current MySQL
#                              database with the DDL the Python tool uses
#                              (upstream-behaviour.md section 12 T11:
#                              latin1, int(11), duplicate hash/btree
#                              indexes); TEXT_TYPE (default longtext) is
#                              the type of its error and traceback columns
#   python_mark TIMESTAMP      the row its 0.6 `mark` writes (uuid
#                              da023aab-..., a Run, success), next id

PY_MARK_UUID=da023aab-736d-40a6-8e9b-c6175c1241f5

python_table() {
	local text=${1:-longtext} keys= c
	for c in object_id uuid timestamp name result start end duration; do
		keys="$keys, KEY \`migratore_${c}_hash\` (\`$c\`) USING HASH, KEY \`migratore_${c}_btree\` (\`$c\`) USING BTREE"
	done
	sql mysql "CREATE TABLE \`migratore\` (
  \`object_id\` int(11) NOT NULL, \`uuid\` varchar(255) DEFAULT NULL, \`timestamp\` int(11) DEFAULT NULL,
  \`name\` varchar(255) DEFAULT NULL, \`description\` longtext DEFAULT NULL, \`result\` varchar(255) DEFAULT NULL,
  \`error\` $text DEFAULT NULL, \`traceback\` $text DEFAULT NULL, \`operator\` longtext DEFAULT NULL,
  \`operation\` longtext DEFAULT NULL, \`start\` int(11) DEFAULT NULL, \`end\` int(11) DEFAULT NULL,
  \`duration\` int(11) DEFAULT NULL, \`start_s\` varchar(255) DEFAULT NULL, \`end_s\` varchar(255) DEFAULT NULL,
  PRIMARY KEY (\`object_id\`)$keys
) ENGINE=InnoDB DEFAULT CHARSET=latin1"
}

python_mark() { # TIMESTAMP
	sql mysql "INSERT INTO migratore (object_id, uuid, timestamp, description, result, operation, operator, start, \`end\`, duration, start_s, end_s)
 SELECT COALESCE(MAX(object_id), 0) + 1, '$PY_MARK_UUID', $1, 'marks the initial stage of the data source', 'success', 'Run', 'Administrator', $1, $1, 0, '27 Nov 2026 09:10:00', '27 Nov 2026 09:10:00' FROM migratore"
}
