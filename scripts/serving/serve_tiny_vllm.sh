#!/usr/bin/env bash
# Serve a tiny random MiniCPM-V 4.6 with the CPU vLLM on 127.0.0.1:PORT (default 8000), in the
# foreground, with the flags `make test-serving` uses. For benchmarks and trying docai by hand:
#   scripts/serving/serve_tiny_vllm.sh 8000 &
#   python -m docai.evals.bench.serving_overhead --base-url http://127.0.0.1:8000/v1
# DOCAI_VLLM_THREADS=1 gives the server one compute thread (OMP_NUM_THREADS): on a small shared
# machine its two spinning OpenMP threads otherwise stall whenever any other process takes a core.
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT="${1:-8000}"
VENV="${DOCAI_VLLM_VENV:-$HOME/.cache/docai/vllm-venv}"
MODEL="${DOCAI_TINY_MODEL:-${TMPDIR:-/tmp}/docai-tiny-minicpmv46}"
scripts/serving/setup_vllm.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 VLLM_NO_USAGE_STATS=1 DO_NOT_TRACK=1
[ -f "$MODEL/config.json" ] || "$VENV/bin/python" tests/serving/tiny_model.py "$MODEL"
export VLLM_CPU_KVCACHE_SPACE=1 VLLM_CPU_OMP_THREADS_BIND=nobind
[ -z "${DOCAI_VLLM_THREADS:-}" ] || export OMP_NUM_THREADS="$DOCAI_VLLM_THREADS"
exec "$VENV/bin/python" -m vllm.entrypoints.openai.api_server --model "$MODEL" \
  --served-model-name tiny-minicpmv46 --host 127.0.0.1 --port "$PORT" \
  --max-model-len 8192 --dtype bfloat16 --enforce-eager --reasoning-parser qwen3 \
  --limit-mm-per-prompt '{"image":4,"video":0}' --max-num-seqs 4 \
  --structured-outputs-config '{"backend":"xgrammar","disable_any_whitespace":true}'
