#!/usr/bin/env bash
# Single-stream engine speed, the two numbers llama-bench reports: decode (tg128: 128 tokens generated
# after a 1-token prompt) and prefill (pp512: one 512-token prompt), through `llmstream generate`
# (no HTTP). Each is run RUNS times (default 3) in fresh JVMs after the engine's warm-up; prints every
# run and the median as one JSON line per model.
#
#   loadtest/single-stream.sh MODEL.gguf [MODEL.gguf ...]
#
# Environment: THREADS (default 2), RUNS (default 3). Build first: mvn -q -DskipTests package
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
threads="${THREADS:-2}"
runs="${RUNS:-3}"
[[ $# -ge 1 ]] || { echo "usage: single-stream.sh MODEL.gguf [MODEL.gguf ...]" >&2; exit 2; }

# A fixed text of about 512 tokens (the exact count the engine saw is reported as prefill_tokens).
prompt512="$(python3 -c "
import random
random.seed(7)
words='time river stone light garden window music paper silver morning forest ocean letter market winter'.split()
print(' '.join(random.choice(words) for _ in range(222)))")"

median() { python3 -c "import sys,statistics; v=[float(x) for x in sys.argv[1:]]; print(round(statistics.median(v),2))" "$@"; }

for model in "$@"; do
  tg=(); pp=(); ppn=0
  for ((i = 0; i < runs; i++)); do
    t=$("$root/bin/llmstream" generate -m "$model" -p "Once" -n 129 --ignore-eos --json --threads "$threads" 2>/dev/null \
        | python3 -c "import json,sys; print(json.load(sys.stdin)['timings']['decode_tok_s'])")
    read -r p n < <("$root/bin/llmstream" generate -m "$model" -p "$prompt512" -n 1 --json --threads "$threads" 2>/dev/null \
        | python3 -c "import json,sys; t=json.load(sys.stdin)['timings']; print(t['prefill_tok_s'], t['prompt_tokens'])")
    tg+=("$t"); pp+=("$p"); ppn="$n"
  done
  printf '{"model":"%s","threads":%s,"load_avg":"%s","decode_tok_s_runs":[%s],"decode_tok_s":%s,"prefill_tokens":%s,"prefill_tok_s_runs":[%s],"prefill_tok_s":%s}\n' \
    "$(basename "$model")" "$threads" "$(cut -d' ' -f1-3 /proc/loadavg)" \
    "$(IFS=,; echo "${tg[*]}")" "$(median "${tg[@]}")" "$ppn" "$(IFS=,; echo "${pp[*]}")" "$(median "${pp[@]}")"
done
