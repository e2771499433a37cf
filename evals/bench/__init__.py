"""Benchmarks: each module is a `python -m docai.evals.bench.NAME` command printing one run's figures."""
