#!/usr/bin/env bash
# Runs Mongoose's own test suite against the embedded server (`npm run db` on a spare port).
# Usage: scripts/mongoose-suite.sh <path-to-mongoose-checkout> [extra mocha args...]
# The checkout needs its dev dependencies: (cd <checkout> && npm install --ignore-scripts).
# Results: the mocha summary is printed; the full log is left in $LOG (default /tmp/mongoose-suite.log).
set -euo pipefail

checkout=${1:?usage: scripts/mongoose-suite.sh <path-to-mongoose-checkout> [mocha args...]}
shift
checkout=$(cd "$checkout" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
port=${EMBEDDED_DB_PORT:-$((27100 + RANDOM % 800))}
data=$(mktemp -d /tmp/mongoose-suite-data.XXXXXX)
log=${LOG:-/tmp/mongoose-suite.log}

cd "$here"
npx tsc -p tsconfig.json >/dev/null || true   # other people's files may not compile; ours must
EMBEDDED_DB_PORT=$port DATA_DIR=$data node dist/src/embedded-db/main.js >"$data.server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
for _ in $(seq 1 50); do
  grep -q listening "$data.server.log" 2>/dev/null && break
  sleep 0.2
done

cd "$checkout"
status=0
MONGOOSE_TEST_URI="mongodb://127.0.0.1:$port/mongoose_test" \
  npx mocha --exit --timeout 20000 --reporter dot --ignore "test/encryption/**/*.test.js" "$@" ./test/*.test.js >"$log" 2>&1 || status=$?
grep -E "^\s+[0-9]+ (passing|failing|pending)" "$log" || tail -20 "$log"
echo "full log: $log (mocha exit $status)"
