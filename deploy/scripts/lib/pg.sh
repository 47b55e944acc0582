# shellcheck shell=bash
# PostgreSQL client access for backup.sh, restore.sh and restore-drill.sh.
#   compose mode: the tools inside the running postgres container (always the server's own version, 17);
#   local mode:   the tools on PATH, connecting with the usual PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD);
#                 they must be version 17 or newer (Debian 12's client is 15: use the server's own binaries).

PG_MODE="${PG_MODE:-compose}"

# pg TOOL ARGS...: run a PostgreSQL client tool; stdin and stdout pass through.
pg() {
  local tool="$1"
  shift
  if [[ "$PG_MODE" == compose ]]; then
    compose exec -T postgres "$tool" -U "${POSTGRES_USER:-chatbot}" "$@"
  else
    "$tool" "$@"
  fi
}

pg_check_version() {
  local version major
  version="$(pg pg_dump --version)" || die "pg_dump does not run (mode $PG_MODE)"
  major="$(sed -E 's/^[^0-9]*([0-9]+).*/\1/' <<<"$version")"
  ((major >= 17)) || die "pg_dump is version $major ($version); the server is PostgreSQL 17: use its own client tools"
}

# pg_row_counts DATABASE: "schema.table<TAB>rows" for every user table, sorted.
pg_row_counts() {
  pg psql -X -q -At -F $'\t' -v ON_ERROR_STOP=1 -d "$1" <<'SQL' | LC_ALL=C sort
SELECT format('SELECT %L, count(*) FROM %I.%I', schemaname || '.' || relname, schemaname, relname)
FROM pg_stat_user_tables ORDER BY 1
\gexec
SQL
}
