#!/usr/bin/env bash
# `npm run test:pg`: the API suite (test/api; arguments go to vitest, e.g. a file name) on
# PostgreSQL, self-contained: starts a throwaway cluster (scripts/pg-throwaway.sh), runs
# vitest against it with MNEMO_TEST_DATABASE_URL, stops the cluster on any exit. Exit: vitest's.
# The fuzz files run a tenth of their cases here (MNEMO_FUZZ_SCALE, unless set): the same
# properties, whose full count the SQLite run of the suite has already tried.
set -uo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/pg-throwaway.sh)" || { echo "test:pg: could not start PostgreSQL"; exit 1; }
trap 'scripts/pg-throwaway.sh stop "$DIR"' EXIT
trap 'exit 130' INT TERM
echo "test:pg: PostgreSQL $("$BIN/psql" "$URL" -Atc 'show server_version') at $URL"
# test/api unless a file filter is given (vitest options: write them as --name=value).
files=test/api
for arg in "$@"; do case "$arg" in -*) ;; *) files= ;; esac; done
MNEMO_FUZZ_SCALE="${MNEMO_FUZZ_SCALE:-0.1}" MNEMO_TEST_DATABASE_URL="$URL" npx vitest run $files "$@"
