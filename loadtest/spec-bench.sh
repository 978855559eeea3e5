#!/usr/bin/env bash
# Single-stream speculative decoding benchmark (issue: speculative decoding in the CPU engine):
# decode tok/s per stream on an edit task (output repeats the prompt) and on free generation, with
# speculation off, prompt lookup (ngram) and a draft model. Prints one aggregate JSON line per run
# (mean_tpot_ms, decode_tok_s_per_stream, spec_drafted, spec_accepted).
#
#   loadtest/spec-bench.sh TARGET.gguf [DRAFT.gguf]
#
# For random-weight models an unrelated draft accepts nothing: use a draft that shares the target's
# weights at lower precision, e.g. the Q4_0 file synthesized with the same seed as a Q8_0 target:
#   bin/llmstream model synth --shape smollm2-360m --quant Q8_0 --seed 1 -o target.gguf
#   bin/llmstream model synth --shape smollm2-360m --quant Q4_0 --seed 1 -o draft.gguf
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${1:?usage: spec-bench.sh TARGET.gguf [DRAFT.gguf]}"
draft="${2:-}"
run() { # workload spec [extra...]
  local wl="$1" spec="$2"; shift 2
  printf '%-18s %-6s ' "$(basename "$wl" .jsonl)" "$spec"
  "$root/bin/llmstream" generate -m "$target" --prompts "$wl" --concurrency 1 --ignore-eos --json \
      --spec "$spec" "$@" 2>/dev/null | tail -n 1
}
for wl in "$here/workloads/edit-tasks.jsonl" "$here/workloads/free-generation.jsonl"; do
  run "$wl" off
  run "$wl" ngram
  if [[ -n "$draft" ]]; then
    run "$wl" draft --draft-model "$draft"
  fi
done
