#!/usr/bin/env bash
# A local MariaDB read replica for the bulk-read tests (test/replica): scripts/replica.sh start|stop|status
#
#   start   makes sure the primary (127.0.0.1:3306) writes a binary log (restarting it once if it does not),
#           creates and starts a second mariadbd on 127.0.0.1:3307 with a data directory of its own, and
#           replicates the primary into it by GTID from the primary's current position. Databases that already
#           exist on the primary when replication is (re)seeded are NOT copied: they go on the replica's
#           replicate_ignore_db list, so their later changes cannot stop the replica. Databases created
#           afterwards (the tests' own) replicate. Idempotent: a running, replicating replica is left alone;
#           stopped replication threads are restarted; broken replication is re-seeded (loudly).
#           The last line printed is the replica's URL.
#   stop    stops the replica server (the primary keeps running, with its binary log on).
#   status  prints the replication summary; exits 0 only when both replication threads run.
#
# Needs root (start-stop-daemon, chown). Every wait is bounded; every failure exits non-zero with the reason.
set -euo pipefail

PRIMARY_HOST=127.0.0.1
PRIMARY_PORT=3306
PRIMARY_PIDFILE=/run/mysqld/mysqld.pid
REPLICA_PORT="${REPLICA_PORT:-3307}"
REPLICA_HOME="${REPLICA_HOME:-/var/lib/mysql-replica}"
REPLICA_DATADIR="${REPLICA_HOME}/data"
REPLICA_SOCKET=/run/mysqld/mysqld-replica.sock
REPLICA_PIDFILE=/run/mysqld/mysqld-replica.pid
REPLICA_LOG=/var/log/mysql/replica-error.log
# Databases present on the primary when replication was seeded; the replica ignores them.
IGNORE_FILE="${REPLICA_HOME}/replicate-ignore-db"
REPL_USER=repl
REPL_PASSWORD="${REPL_PASSWORD:-repl-local-only}"
WAIT_SECS="${REPLICA_WAIT_SECS:-60}"
SHUTDOWN_WAIT_SECS="${REPLICA_SHUTDOWN_WAIT_SECS:-180}"
MARIADBD=/usr/sbin/mariadbd
LOCK_FILE=/run/lock/margin-replica.lock
SYSTEM_DBS="'mysql','information_schema','performance_schema','sys'"

log() { echo "== replica: $*"; }
warn() { echo "replica.sh: WARNING: $*" >&2; }
die() {
  echo "replica.sh: FATAL: $*" >&2
  exit 1
}

# --------------------------------------------------------------------------------------------- helpers

primary_sql() { mysql --protocol=TCP -h"$PRIMARY_HOST" -P"$PRIMARY_PORT" -uroot -N -B -e "$1"; }
replica_sql() { mysql --protocol=TCP -h127.0.0.1 -P"$REPLICA_PORT" -uroot -N -B -e "$1"; }
primary_up() { mysqladmin --protocol=TCP -h"$PRIMARY_HOST" -P"$PRIMARY_PORT" -uroot --connect-timeout=2 ping >/dev/null 2>&1; }
replica_up() { mysqladmin --protocol=TCP -h127.0.0.1 -P"$REPLICA_PORT" -uroot --connect-timeout=2 ping >/dev/null 2>&1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# The pid in a pid file, when that process is alive.
live_pid() {
  local pid
  [[ -s "$1" ]] || return 1
  pid="$(tr -dc '0-9' <"$1")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # A zombie (or a process being torn down after SIGKILL) holds no port and no files.
  [[ "$(ps -o stat= -p "$pid" 2>/dev/null)" != Z* ]] || return 1
  echo "$pid"
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.5 s; fails loudly after SECONDS.
wait_for() {
  local secs="$1" what="$2" i
  shift 2
  for ((i = 0; i < secs * 2; i++)); do
    "$@" && return 0
    sleep 0.5
  done
  die "timed out after ${secs}s waiting for ${what}"
}

not_port_open() { ! port_open "$1"; }
replica_up_or_gone() { replica_up || ! live_pid "$REPLICA_PIDFILE" >/dev/null; }
no_live_pid() { ! live_pid "$1" >/dev/null; }

replica_log_tail() {
  echo "---- last lines of ${REPLICA_LOG}:" >&2
  tail -n 30 "$REPLICA_LOG" >&2 2>/dev/null || true
}

# SHOW SLAVE STATUS as "Field: value" lines (empty when replication is not configured).
slave_status() { mysql --protocol=TCP -h127.0.0.1 -P"$REPLICA_PORT" -uroot -e 'SHOW SLAVE STATUS\G'; }
field() { sed -n "s/^ *$1: //p" <<<"$2" | head -n 1; }

# ------------------------------------------------------------------------------------------- primary

ensure_primary_binlog() {
  if ! primary_up; then
    log "primary is not answering on ${PRIMARY_PORT}: starting it with binary logging"
    start_primary_with_binlog
  fi
  local log_bin server_id
  log_bin="$(primary_sql 'SELECT @@log_bin')"
  if [[ "$log_bin" != 1 ]]; then
    log "primary has binary logging OFF: restarting it with --log-bin (connections to it are cut)"
    mysqladmin --protocol=TCP -h"$PRIMARY_HOST" -P"$PRIMARY_PORT" -uroot shutdown ||
      die "could not shut the primary down (mysqladmin shutdown failed)"
    wait_for "$SHUTDOWN_WAIT_SECS" "the primary to close port ${PRIMARY_PORT}" not_port_open "$PRIMARY_PORT"
    wait_for "$SHUTDOWN_WAIT_SECS" "the primary process to exit" no_live_pid "$PRIMARY_PIDFILE"
    start_primary_with_binlog
    log_bin="$(primary_sql 'SELECT @@log_bin')"
    [[ "$log_bin" == 1 ]] || die "the primary restarted but @@log_bin is still ${log_bin}"
  fi
  server_id="$(primary_sql 'SELECT @@server_id')"
  [[ "$server_id" != 2 ]] || die "the primary's server_id is 2, the replica's own; it must differ"
  log "primary ${PRIMARY_HOST}:${PRIMARY_PORT}: log_bin=1, server_id=${server_id}, binlog_format=$(primary_sql 'SELECT @@binlog_format')"
}

start_primary_with_binlog() {
  if port_open "$PRIMARY_PORT"; then
    die "port ${PRIMARY_PORT} is open but MariaDB does not answer a ping there; not touching it"
  fi
  install -d -o mysql -g mysql /run/mysqld
  # Same configuration as always (/etc/mysql/my.cnf: datadir, socket, user, pid file, log), plus the binlog.
  # --pidfile keeps start-stop-daemon from mistaking the replica (the same binary) for the primary.
  start-stop-daemon --start --oknodo --background --pidfile "$PRIMARY_PIDFILE" --exec "$MARIADBD" -- \
    --log-bin=mariadb-bin --server-id=1 --binlog-format=ROW --binlog-expire-logs-seconds=172800 ||
    die "start-stop-daemon could not start the primary"
  wait_for "$WAIT_SECS" "the primary to answer on ${PRIMARY_PORT} (see /var/log/mysql/error.log)" primary_up
}

# ------------------------------------------------------------------------------------------- replica

ensure_replica_datadir() {
  install -d -o mysql -g mysql -m 0750 "$REPLICA_HOME" "$REPLICA_DATADIR"
  if [[ -d "$REPLICA_DATADIR/mysql" ]]; then return 0; fi
  if [[ -n "$(ls -A "$REPLICA_DATADIR")" ]]; then
    die "${REPLICA_DATADIR} is not empty but has no system tables (an interrupted install?); remove it and retry"
  fi
  log "initialising ${REPLICA_DATADIR}"
  if ! mariadb-install-db --no-defaults --user=mysql --datadir="$REPLICA_DATADIR" \
    --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
    >"$REPLICA_HOME/install-db.log" 2>&1; then
    cat "$REPLICA_HOME/install-db.log" >&2
    rm -rf "${REPLICA_DATADIR:?}"/*
    die "mariadb-install-db failed"
  fi
}

start_replica_server() {
  if replica_up; then
    local sid
    sid="$(replica_sql 'SELECT @@server_id')"
    [[ "$sid" == 2 ]] || die "something answers on ${REPLICA_PORT} with server_id=${sid}; it is not this replica"
    log "replica already running on ${REPLICA_PORT}"
    return 0
  fi
  if port_open "$REPLICA_PORT"; then
    die "port ${REPLICA_PORT} is taken by something that does not answer as MariaDB"
  fi
  if live_pid "$REPLICA_PIDFILE" >/dev/null; then
    # Starting up (crash recovery) or going down: give it a bounded while to do either.
    log "a replica process ($(live_pid "$REPLICA_PIDFILE")) exists but does not answer yet: waiting"
    wait_for "$WAIT_SECS" "the replica process to answer or exit (else run '$0 stop')" replica_up_or_gone
    if replica_up; then
      log "replica answers on ${REPLICA_PORT}"
      return 0
    fi
  fi
  install -d -o mysql -g mysql /run/mysqld
  log "starting the replica server on 127.0.0.1:${REPLICA_PORT}"
  # --no-defaults: nothing from /etc/mysql/my.cnf (the primary's port, datadir, pid file) leaks in.
  # --skip-slave-start: replication starts only after the ignore list is applied (ensure_replication).
  start-stop-daemon --start --oknodo --background --pidfile "$REPLICA_PIDFILE" --exec "$MARIADBD" -- \
    --no-defaults --user=mysql --datadir="$REPLICA_DATADIR" \
    --port="$REPLICA_PORT" --bind-address=127.0.0.1 --socket="$REPLICA_SOCKET" --pid-file="$REPLICA_PIDFILE" \
    --log-error="$REPLICA_LOG" --server-id=2 --read-only=1 --skip-log-bin --skip-slave-start \
    --relay-log=replica-relay-bin --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    --innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=2 ||
    die "start-stop-daemon could not start the replica"
  local i
  for ((i = 0; i < WAIT_SECS * 2; i++)); do
    # Answers over the socket first: root@127.0.0.1 may not exist yet on a fresh data directory.
    if mysqladmin --socket="$REPLICA_SOCKET" -uroot --connect-timeout=2 ping >/dev/null 2>&1; then break; fi
    if ((i > 4)) && ! live_pid "$REPLICA_PIDFILE" >/dev/null && ! pgrep -f -- "--pid-file=${REPLICA_PIDFILE}" >/dev/null; then
      replica_log_tail
      die "the replica server exited during start-up"
    fi
    sleep 0.5
  done
  mysqladmin --socket="$REPLICA_SOCKET" -uroot --connect-timeout=2 ping >/dev/null 2>&1 || {
    replica_log_tail
    die "timed out after ${WAIT_SECS}s waiting for the replica to answer"
  }
}

# root@127.0.0.1 without a password, as on the primary.
ensure_replica_root_tcp() {
  if replica_sql 'SELECT 1' >/dev/null 2>&1; then return 0; fi
  log "granting root@127.0.0.1 (no password) on the replica"
  mysql --socket="$REPLICA_SOCKET" -uroot -e "
    CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
    CREATE USER IF NOT EXISTS 'root'@'::1' IDENTIFIED BY '';
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'::1' WITH GRANT OPTION;" ||
    die "could not create root@127.0.0.1 on the replica"
  replica_sql 'SELECT 1' >/dev/null || die "root@127.0.0.1 still cannot log in to the replica"
}

# ----------------------------------------------------------------------------------------- replication

# Sets replicate_ignore_db to the saved list (the threads must be stopped for that).
apply_ignore_list() {
  local want have
  want="$(cat "$IGNORE_FILE" 2>/dev/null || true)"
  have="$(replica_sql 'SELECT @@replicate_ignore_db')"
  if [[ "$want" == "$have" ]]; then return 0; fi
  replica_sql "STOP SLAVE; SET GLOBAL replicate_ignore_db = '${want}'" ||
    die "could not set replicate_ignore_db on the replica"
}

# Replication from the primary's current GTID position, on an empty replica.
seed_replication() {
  log "seeding replication from the primary's current position"
  primary_sql "SET SESSION sql_log_bin = 0;
    CREATE USER IF NOT EXISTS '${REPL_USER}'@'127.0.0.1' IDENTIFIED BY '${REPL_PASSWORD}';
    CREATE USER IF NOT EXISTS '${REPL_USER}'@'%' IDENTIFIED BY '${REPL_PASSWORD}';
    ALTER USER '${REPL_USER}'@'127.0.0.1' IDENTIFIED BY '${REPL_PASSWORD}';
    ALTER USER '${REPL_USER}'@'%' IDENTIFIED BY '${REPL_PASSWORD}';
    GRANT REPLICATION SLAVE ON *.* TO '${REPL_USER}'@'127.0.0.1';
    GRANT REPLICATION SLAVE ON *.* TO '${REPL_USER}'@'%';" || die "could not create the replication user on the primary"
  # Position first, then the list: a database created in between is ignored rather than half-replicated.
  local pos dbs stale
  pos="$(primary_sql 'SELECT @@gtid_current_pos')"
  dbs="$(primary_sql "SELECT GROUP_CONCAT(schema_name ORDER BY schema_name SEPARATOR ',')
    FROM information_schema.schemata WHERE schema_name NOT IN (${SYSTEM_DBS})")"
  [[ "$dbs" == NULL ]] && dbs=""
  replica_sql "STOP SLAVE; RESET SLAVE ALL" || die "could not reset replication on the replica"
  # The replica starts empty: anything left from an earlier seeding is dropped.
  stale="$(replica_sql "SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN (${SYSTEM_DBS})")"
  for db in $stale; do replica_sql "DROP DATABASE \`${db}\`" || die "could not drop ${db} on the replica"; done
  printf '%s' "$dbs" >"$IGNORE_FILE"
  apply_ignore_list
  replica_sql "SET GLOBAL gtid_slave_pos = '${pos}';
    CHANGE MASTER TO MASTER_HOST='${PRIMARY_HOST}', MASTER_PORT=${PRIMARY_PORT}, MASTER_USER='${REPL_USER}',
      MASTER_PASSWORD='${REPL_PASSWORD}', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=2;" ||
    die "CHANGE MASTER TO failed on the replica"
  log "replicating from GTID '${pos}'; not replicated (they predate the replica): ${dbs:-none}"
}

# 0 when both threads run; 1 when replication is broken (an error); 2 while it is still connecting.
replication_state() {
  local s io sql
  s="$(slave_status)"
  io="$(field Slave_IO_Running "$s")"
  sql="$(field Slave_SQL_Running "$s")"
  [[ "$io" == Yes && "$sql" == Yes ]] && return 0
  if [[ "$(field Last_SQL_Errno "$s")" != 0 || "$(field Last_IO_Errno "$s")" == 1236 ]]; then return 1; fi
  if [[ "$io" == No && "$(field Last_IO_Errno "$s")" != 0 ]]; then return 1; fi
  return 2
}

# Waits for both threads; returns 1 on a replication error, dies on a time-out.
wait_replicating() {
  local i rc
  for ((i = 0; i < WAIT_SECS * 2; i++)); do
    rc=0
    replication_state || rc=$?
    # Healthy twice in a row: a restarted SQL thread shows "Yes" for a moment before it hits its error again.
    if [[ $rc == 0 ]]; then
      sleep 0.5
      replication_state || rc=$?
      [[ $rc == 0 ]] && return 0
    fi
    [[ $rc == 1 ]] && return 1
    sleep 0.5
  done
  print_status >&2 || true
  die "timed out after ${WAIT_SECS}s waiting for both replication threads to run"
}

ensure_replication() {
  local s
  s="$(slave_status)"
  if [[ -z "$(field Master_Host "$s")" || ! -f "$IGNORE_FILE" ]]; then
    seed_replication
  else
    apply_ignore_list
  fi
  replica_sql 'START SLAVE' || die "START SLAVE failed on the replica"
  if wait_replicating; then return 0; fi
  s="$(slave_status)"
  warn "replication is broken: IO error $(field Last_IO_Errno "$s") '$(field Last_IO_Error "$s")'," \
    "SQL error $(field Last_SQL_Errno "$s") '$(field Last_SQL_Error "$s")'"
  warn "re-seeding: the replica's databases are dropped and replication restarts from the primary's current position"
  seed_replication
  replica_sql 'START SLAVE' || die "START SLAVE failed on the replica"
  wait_replicating || {
    print_status >&2 || true
    die "replication is still broken after re-seeding"
  }
}

print_status() {
  if ! replica_up; then
    echo "replica: NOT RUNNING (127.0.0.1:${REPLICA_PORT})"
    return 1
  fi
  local s
  s="$(slave_status)"
  if [[ -z "$(field Master_Host "$s")" ]]; then
    echo "replica: running on 127.0.0.1:${REPLICA_PORT}, replication NOT CONFIGURED"
    return 1
  fi
  local primary_pos="(primary down)"
  primary_up && primary_pos="$(primary_sql 'SELECT @@gtid_current_pos')"
  cat <<EOF
replica:               mysql://root@127.0.0.1:${REPLICA_PORT}/ (server_id $(replica_sql 'SELECT @@server_id'), read_only $(replica_sql 'SELECT @@read_only'))
source:                $(field Master_Host "$s"):$(field Master_Port "$s") as $(field Master_User "$s"), Using_Gtid=$(field Using_Gtid "$s")
Slave_IO_Running:      $(field Slave_IO_Running "$s")
Slave_SQL_Running:     $(field Slave_SQL_Running "$s")
Seconds_Behind_Master: $(field Seconds_Behind_Master "$s")
gtid_slave_pos:        $(replica_sql 'SELECT @@gtid_slave_pos')
primary gtid pos:      ${primary_pos}
Last_IO_Error:         $(field Last_IO_Errno "$s") $(field Last_IO_Error "$s")
Last_SQL_Error:        $(field Last_SQL_Errno "$s") $(field Last_SQL_Error "$s")
Replicate_Ignore_DB:   $(field Replicate_Ignore_DB "$s")
EOF
  [[ "$(field Slave_IO_Running "$s")" == Yes && "$(field Slave_SQL_Running "$s")" == Yes ]]
}

# ----------------------------------------------------------------------------------------------- stop

stop_replica() {
  if replica_up; then
    log "stopping the replica server on ${REPLICA_PORT}"
    replica_sql 'STOP SLAVE' || warn "STOP SLAVE failed; shutting down anyway"
    mysqladmin --protocol=TCP -h127.0.0.1 -P"$REPLICA_PORT" -uroot shutdown || die "mysqladmin shutdown of the replica failed"
  elif live_pid "$REPLICA_PIDFILE" >/dev/null; then
    log "the replica process does not answer: terminating it"
    start-stop-daemon --stop --oknodo --pidfile "$REPLICA_PIDFILE" --exec "$MARIADBD" --retry "TERM/${SHUTDOWN_WAIT_SECS}/KILL/5" ||
      die "could not stop the replica process"
  else
    log "replica is not running"
    return 0
  fi
  wait_for "$SHUTDOWN_WAIT_SECS" "the replica to close port ${REPLICA_PORT}" not_port_open "$REPLICA_PORT"
  wait_for "$SHUTDOWN_WAIT_SECS" "the replica process to exit" no_live_pid "$REPLICA_PIDFILE"
  log "replica stopped (the primary keeps running)"
}

# ----------------------------------------------------------------------------------------------- main

usage() {
  echo "usage: $0 start|stop|status" >&2
  exit 2
}

main() {
  [[ $# == 1 ]] || usage
  case "$1" in
    start | stop) ;;
    status)
      print_status
      return
      ;;
    *) usage ;;
  esac
  [[ "$(id -u)" == 0 ]] || die "must run as root (it starts mariadbd through start-stop-daemon)"
  for tool in mysql mysqladmin mariadb-install-db start-stop-daemon flock "$MARIADBD"; do
    command -v "$tool" >/dev/null || die "${tool} is not installed"
  done
  # One start/stop at a time (parallel CI steps).
  exec 9>"$LOCK_FILE"
  flock -w 300 9 || die "another replica.sh holds ${LOCK_FILE}"
  if [[ "$1" == stop ]]; then
    stop_replica
    return
  fi
  ensure_primary_binlog
  ensure_replica_datadir
  start_replica_server
  ensure_replica_root_tcp
  ensure_replication
  print_status
  echo "mysql://root@127.0.0.1:${REPLICA_PORT}/"
}

main "$@"
