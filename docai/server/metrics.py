"""Counters and histograms in the Prometheus text format, without a client library."""

from __future__ import annotations

import threading
from collections import defaultdict

Labels = tuple[tuple[str, str], ...]
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


def _labels(labels: Labels, extra: str = "") -> str:
    parts = [f'{k}="{v}"' for k, v in labels]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}" if parts else ""


class Metrics:
    """Thread-safe counters and histograms, rendered by `render()` for GET /metrics."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._help: dict[str, tuple[str, str]] = {}
        self._counters: dict[str, dict[Labels, float]] = defaultdict(dict)
        self._hists: dict[str, dict[Labels, list[float]]] = defaultdict(dict)

    def counter(self, name: str, help_text: str) -> None:
        self._help[name] = ("counter", help_text)

    def histogram(self, name: str, help_text: str) -> None:
        self._help[name] = ("histogram", help_text)

    def inc(self, name: str, value: float = 1.0, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            series = self._counters[name]
            series[key] = series.get(key, 0.0) + value

    def observe(self, name: str, seconds: float, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            series = self._hists[name].setdefault(key, [0.0] * (len(LATENCY_BUCKETS) + 2))
            for i, bound in enumerate(LATENCY_BUCKETS):
                if seconds <= bound:
                    series[i] += 1
            series[-2] += 1  # count (the +Inf bucket)
            series[-1] += seconds  # sum

    def render(self) -> str:
        lines: list[str] = []
        with self._lock:
            for name, (kind, help_text) in sorted(self._help.items()):
                lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
                if kind == "counter":
                    series = self._counters.get(name) or {(): 0.0}
                    lines += [f"{name}{_labels(k)} {v:g}" for k, v in sorted(series.items())]
                    continue
                for key, values in sorted(self._hists.get(name, {}).items()):
                    for bound, n in zip(LATENCY_BUCKETS, values, strict=False):
                        le = f'le="{bound:g}"'
                        lines.append(f"{name}_bucket{_labels(key, le)} {n:g}")
                    inf = 'le="+Inf"'
                    lines.append(f"{name}_bucket{_labels(key, inf)} {values[-2]:g}")
                    lines.append(f"{name}_count{_labels(key)} {values[-2]:g}")
                    lines.append(f"{name}_sum{_labels(key)} {values[-1]:.6f}")
        return "\n".join(lines) + "\n"


def server_metrics() -> Metrics:
    """The metrics `docai serve` keeps."""
    m = Metrics()
    m.counter("docai_http_requests_total", "HTTP requests by route and status code.")
    m.histogram("docai_http_request_seconds", "HTTP request latency by route.")
    m.counter("docai_jobs_total", "Jobs created and ended, by state.")
    m.counter("docai_files_total", "Files finished by jobs, by status.")
    m.counter("docai_pages_total", "Pages read by finished files.")
    m.counter("docai_errors_total", "Failed files and server errors, by kind.")
    m.histogram("docai_file_seconds", "Time to extract one file, by engine.")
    m.counter("docai_webhook_deliveries_total", "Webhook attempts by outcome.")
    return m
