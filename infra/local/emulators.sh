#!/usr/bin/env bash
# Run the Firebase Emulator Suite offline: `emulators.sh start` (make dev) or `emulators.sh exec CMD` (make test).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PROJECT=demo-sessions
ONLY=functions,firestore,pubsub,tasks,auth,hosting

eval "$("$ROOT/.venv/bin/python" infra/local/toolchain.py --out "$ROOT/.local")"
export PATH="$ROOT/node_modules/.bin:$PATH"
export FIREBASE_CLI_DISABLE_UPDATE_CHECK=true   # offline: no registry ping on start
export GCLOUD_PROJECT=$PROJECT
# A Python worker may take longer than the default 30 s to start while the machine is busy (a test suite's
# bursts); past it the emulator drops the request ("Failed to load function").
export FUNCTIONS_DISCOVERY_TIMEOUT=${FUNCTIONS_DISCOVERY_TIMEOUT:-90}
# Logs of the Java emulators go to .local/, not the repo root.
mkdir -p "$ROOT/.local/logs"

banner() {
  for _ in $(seq 1 180); do
    if curl -fsS -o /dev/null "http://127.0.0.1:5000/api/v1/health" 2>/dev/null; then
      cat <<TXT

  ================================================================
   Local stack is up (project $PROJECT, all offline)
   API base URL   http://127.0.0.1:5000/api/v1   (try /api/v1/health)
   OpenAPI        http://127.0.0.1:5000/api/v1/openapi.json
   Web client     http://127.0.0.1:5000/
   Firestore      127.0.0.1:8080   Auth 127.0.0.1:9099   Pub/Sub 127.0.0.1:8085
   Tasks          127.0.0.1:9499   Functions 127.0.0.1:5001
   Ops CLI        ./bin/sessions-ops --help      Stop: Ctrl-C
  ================================================================
TXT
      return
    fi
    sleep 1
  done
  echo "emulators.sh: the API did not answer on :5000 within 180 s; see the log above" >&2
}

case "${1:-}" in
  start)
    banner &
    cd "$ROOT/.local/logs" && exec firebase --config "$ROOT/firebase.json" emulators:start --project "$PROJECT" --only "$ONLY"
    ;;
  exec)
    shift
    cd "$ROOT/.local/logs"
    status=0
    firebase --config "$ROOT/firebase.json" emulators:exec --project "$PROJECT" --only "$ONLY" \
      --log-verbosity "${EMULATOR_LOG_VERBOSITY:-QUIET}" "cd '$ROOT' && $*" || status=$?
    # The functions emulator can leave Python workers behind; they would hold ports the next run wants.
    pkill -f "$ROOT/functions/venv/bin/functions-framework" 2>/dev/null || true
    exit "$status"
    ;;
  *)
    echo "usage: $0 start | exec COMMAND" >&2
    exit 2
    ;;
esac
