#!/usr/bin/env bash
# Runs the standard llmstream benchmark matrix against any OpenAI-compatible streaming server
# (llmstream, vLLM, llama.cpp's llama-server, trtllm-serve, ...) and writes the reports under
# loadtest/results/<UTC time>-<label>/.
#
#   loadtest/run-matrix-url.sh URL [LABEL]
#   e.g. loadtest/run-matrix-url.sh http://127.0.0.1:8080 llamacpp-t2-np16
#
# Matrix (docs/performance.md): prompt 128 and 512 tokens x concurrency 1, 4, 16 (closed loop), 128 output
# tokens, greedy (temperature 0), ignore_eos; then a shared-prefix run (prefix-cache TTFT, cold vs warm) and
# a speculative-decoding edit run. Environment overrides:
#   MODEL=name          model field (default: first id of GET /v1/models)
#   TOKENIZER=f.gguf    count prompt tokens locally when the server has no /tokenize (llama.cpp has one)
#   PROMPT_LENS="128 512"  CONCURRENCY="1,4,16"  OUTPUT_LEN=128  REQUESTS=32  WARMUP=2
#   SLO_PROFILE=cpu-dev (a file in loadtest/slo/)   ENDPOINT=chat|completions   EXTRA="more bench flags"
#   SKIP_PREFIX=1 SKIP_EDIT=1 to leave out the extra runs
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
url="${1:?usage: run-matrix-url.sh URL [LABEL]}"
label="${2:-$(printf '%s' "$url" | sed -E 's#^https?://##; s#[^A-Za-z0-9._-]+#_#g')}"
out="${RESULTS_DIR:-$here/results}/$(date -u +%Y%m%dT%H%M%SZ)-$label"
mkdir -p "$out"

bench=("$root/bin/llmstream" bench --url "$url" --progress lines --endpoint "${ENDPOINT:-chat}"
       --slo "$here/slo/${SLO_PROFILE:-cpu-dev}.slo" --temperature 0)
[[ -n "${MODEL:-}" ]] && bench+=(--model "$MODEL")
[[ -n "${TOKENIZER:-}" ]] && bench+=(--tokenizer "$TOKENIZER")
# shellcheck disable=SC2206
[[ -n "${EXTRA:-}" ]] && bench+=(${EXTRA})

{
  echo "url: $url"
  echo "label: $label"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "llmstream commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "host: $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "bench: ${bench[*]}"
} > "$out/environment.txt"

for input in ${PROMPT_LENS:-128 512}; do
  echo "== prompt $input tokens, concurrency ${CONCURRENCY:-1,4,16}" >&2
  "${bench[@]}" --workload random --input-len "$input" --output-len "${OUTPUT_LEN:-128}" --ignore-eos \
      --sweep "concurrency=${CONCURRENCY:-1,4,16}" --requests "${REQUESTS:-32}" --warmup "${WARMUP:-2}" \
      --json-out "$out/matrix-p$input.json" --html-out "$out/matrix-p$input.html" | tee "$out/matrix-p$input.txt"
done

if [[ -z "${SKIP_PREFIX:-}" ]]; then
  # 4 prefixes of 1024 tokens + 64 unique tokens each; one request at a time so every warm request can hit.
  echo "== shared prefix" >&2
  "${bench[@]}" --workload shared-prefix --prefix-len 1024 --num-prefixes 4 --input-len 64 --output-len 32 \
      --ignore-eos --concurrency 1 --requests "${PREFIX_REQUESTS:-16}" --warmup "${WARMUP:-2}" --scrape-metrics \
      --json-out "$out/shared-prefix.json" --html-out "$out/shared-prefix.html" | tee "$out/shared-prefix.txt"
fi

if [[ -z "${SKIP_EDIT:-}" ]]; then
  # Answers that repeat the prompt; no ignore_eos so a real model stops where the edit ends.
  echo "== edit tasks (speculative decoding)" >&2
  "${bench[@]}" --workload "$here/workloads/edit-tasks.jsonl" --concurrency 1 --requests "${EDIT_REQUESTS:-10}" \
      --warmup "${WARMUP:-2}" --scrape-metrics \
      --json-out "$out/edit.json" --html-out "$out/edit.html" | tee "$out/edit.txt"
fi

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/environment.txt"
echo "results in $out" >&2
