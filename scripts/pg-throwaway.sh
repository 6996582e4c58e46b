#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests (CI, and a developer who wants the API suite
# on PostgreSQL): initdb into a temp dir as the postgres user (initdb refuses root), a
# unix socket in that dir and 127.0.0.1 on a free port, no fsync (nothing here must
# survive a crash of the machine). Installs PostgreSQL from Debian's packages when
# initdb is missing.
#   start: prints `DIR=... BIN=... URL=...` (eval it); stop: pg-throwaway.sh stop DIR
set -euo pipefail
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

if [ "${1:-}" = stop ]; then
  BIN=$(find_bin)
  $SUDO runuser -u postgres -- "$BIN/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null 2>&1 || true
  $SUDO rm -rf "$2"
  exit 0
fi

if [ -z "$(find_bin)" ]; then
  echo "== installing PostgreSQL (Debian) for the API suite on PostgreSQL" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib >/dev/null
fi
BIN=$(find_bin)
PORT=${PORT:-$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}
DIR=$(mktemp -d -t mnemo-pg.XXXXXX)
$SUDO chown postgres:postgres "$DIR"
$SUDO chmod 700 "$DIR"
$SUDO runuser -u postgres -- "$BIN/initdb" -D "$DIR/data" -U mnemo --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
# Every user is trusted but one, mnemo_password, that must give its password (the test of
# a wrong password, test/api/serve-database-url.test.ts): pg_hba's first matching line wins.
$SUDO runuser -u postgres -- sed -i '1i host all mnemo_password 127.0.0.1/32 scram-sha-256' "$DIR/data/pg_hba.conf"
$SUDO runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 start \
  -o "-k $DIR -c listen_addresses=127.0.0.1 -p $PORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null
echo "DIR=$DIR BIN=$BIN URL=postgresql://mnemo@127.0.0.1:$PORT/postgres"
