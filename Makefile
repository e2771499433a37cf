# Two entry points: `make demo` and `make test`. Both work on a fresh Debian machine with Python 3.11.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd tesseract-ocr-chi-sim poppler-utils

.PHONY: setup system-deps demo test test-serving lint bench clean

system-deps:
	@missing=""; for p in $(APT_PACKAGES) $(EXTRA_APT); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "please install:$$missing (sudo apt-get install$$missing)"; exit 1; fi; fi

$(BIN)/docai: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[dev]"
	touch $(BIN)/docai

setup: system-deps $(BIN)/docai

demo: setup
	$(BIN)/docai extract examples/invoice.pdf --schema invoice  # verified: ok, exit 0 (tests/verify/test_demo_invoice.py)
	$(BIN)/docai ask examples/annual_report.pdf "What was total revenue in 2024?"

test: EXTRA_APT = chromium
test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -p no:cacheprovider

# Every benchmark of BENCHMARKS.md, one after the other (about 15 minutes on 2 idle cores);
# BENCH_ARGS="--only ingest long_ask" for some of them.
bench: $(BIN)/docai
	OMP_THREAD_LIMIT=1 $(BIN)/python -m docai.evals.bench.all $(BENCH_ARGS)

# docai against a real vLLM (CPU build, its own venv outside the repo, reused once installed) serving a
# tiny random MiniCPM-V 4.6 built by the tests. First run: about 4 min install (6 GB); then a few minutes.
VLLM_VENV ?= $(HOME)/.cache/docai/vllm-venv
test-serving: setup
	DOCAI_VLLM_VENV=$(VLLM_VENV) scripts/serving/setup_vllm.sh
	DOCAI_SERVING=1 DOCAI_VLLM_VENV=$(VLLM_VENV) $(BIN)/python -m pytest -q -p no:cacheprovider tests/serving

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
