#!/usr/bin/env bash
# Starts `bin/llmstream serve` on a model and runs the standard matrix against it (run-matrix-url.sh),
# then stops the server. Results go to loadtest/results/<UTC time>-llmstream-<model>/ (server log included).
#
#   loadtest/run-matrix.sh [MODEL.gguf]
#
# Without a model it synthesizes the reference shape once: smollm2-360m, Q8_0, random weights
# (`bin/llmstream model synth`), cached in $LLMSTREAM_CACHE or ~/.cache/llmstream/.
# Environment: PORT (default 8090), HOST (127.0.0.1), SERVE_ARGS (extra serve flags), READY_TIMEOUT (600 s),
# and everything run-matrix-url.sh reads. Build first: mvn -q -DskipTests package
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
port="${PORT:-8090}"
host="${HOST:-127.0.0.1}"
model="${1:-}"

if [[ -z "$model" ]]; then
  cache="${LLMSTREAM_CACHE:-$HOME/.cache/llmstream}"
  model="$cache/synth-smollm2-360m-q8_0.gguf"
  if [[ ! -f "$model" ]]; then
    mkdir -p "$cache"
    "$root/bin/llmstream" model synth --shape smollm2-360m --quant Q8_0 -o "$model"
  fi
fi
[[ -f "$model" ]] || { echo "run-matrix: no model file $model" >&2; exit 1; }

name="$(basename "$model" .gguf)"
log="$(mktemp -t llmstream-serve.XXXXXX.log)"
# shellcheck disable=SC2086
"$root/bin/llmstream" serve --model "$model" --port "$port" --host "$host" ${SERVE_ARGS:-} >"$log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap cleanup EXIT

url="http://$host:$port"
deadline=$(( $(date +%s) + ${READY_TIMEOUT:-600} ))
until curl -fsS -o /dev/null "$url/v1/models"; do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "run-matrix: the server exited; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  if (( $(date +%s) > deadline )); then
    echo "run-matrix: $url not ready after ${READY_TIMEOUT:-600} s" >&2
    exit 1
  fi
  sleep 1
done

export RESULTS_DIR="${RESULTS_DIR:-$here/results}"
"$here/run-matrix-url.sh" "$url" "llmstream-$name"
latest="$(ls -1td "$RESULTS_DIR"/*-"llmstream-$name" | head -n1)"
cp "$log" "$latest/server.log"
echo "serve: bin/llmstream serve --model $model --port $port --host $host ${SERVE_ARGS:-}" >> "$latest/environment.txt"
