#!/usr/bin/env bash
# `npm run test:pg`: the API suite (test/api, or the files given) on PostgreSQL, self-contained:
# starts a throwaway cluster (scripts/pg-throwaway.sh), runs vitest against it with
# MNEMO_TEST_DATABASE_URL, stops the cluster on any exit. Exit: vitest's.
set -uo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/pg-throwaway.sh)" || { echo "test:pg: could not start PostgreSQL"; exit 1; }
trap 'scripts/pg-throwaway.sh stop "$DIR"' EXIT INT TERM
echo "test:pg: PostgreSQL $("$BIN/psql" "$URL" -Atc 'show server_version') at $URL"
if [ "$#" -eq 0 ]; then set -- test/api; fi
MNEMO_TEST_DATABASE_URL="$URL" npx vitest run "$@"
