"""What a `docai serve` process is configured with (flags fill it; tests build it directly)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from docai.errors import InputError
from docai.options import Options

LOOPBACK_NAMES = {"localhost"}
# The server runs files on `--workers` threads of its own: BLAS/OpenMP pools inside them oversubscribe
# the cores (measured on the 2-core test machine: 0.6 s a one-page invoice with the default pools,
# 0.15 s with one thread each).
ONE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def use_one_thread_pools() -> None:
    """Call before NumPy or torch load: one BLAS/OpenMP thread per worker (values already set win)."""
    import os

    for key, value in ONE_THREAD_ENV.items():
        os.environ.setdefault(key, value)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class ServerConfig:
    """One server's settings. `auth=False` is only accepted on a loopback address."""

    host: str = "127.0.0.1"
    port: int = 8000
    auth: bool = True
    options: Options = field(default_factory=Options)
    db: str | None = None
    allowed_paths: list[Path] = field(default_factory=list)
    upload_dir: Path | None = None
    max_upload_mb: float = 50.0
    workers: int | None = None  # None: 1 here, the cluster's CPUs on Ray
    executor: str = "local"
    ray_address: str | None = None
    lease_s: float = 30.0
    ui: bool = True
    public_docs: bool = False  # /docs and /openapi.json without a key (`--public-docs`)
    retention_days: float = 30.0  # ended jobs and unused uploads older than this are removed; 0 keeps all
    webhook_attempts: int = 5
    webhook_backoff_s: float = 0.5
    webhook_timeout_s: float = 10.0

    def check(self) -> None:
        """Refuse settings that would be unsafe or cannot work, with a one-line reason."""
        if not self.auth and not is_loopback(self.host):
            raise InputError(f"--no-auth is only allowed on a loopback address, not {self.host}")
        if self.executor not in ("local", "ray"):
            raise InputError(f"unknown executor {self.executor!r} (local or ray)")
        if self.workers is not None and self.workers < 1:
            raise InputError("--workers must be at least 1")
        if self.max_upload_mb <= 0:
            raise InputError("--max-upload-mb must be above 0")
        if self.retention_days < 0:
            raise InputError("--retention-days must be 0 (keep everything) or more")
        for p in self.allowed_paths:
            if not p.is_dir():
                raise InputError(f"--allow-path {p}: not a folder")

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def heartbeat_s(self) -> float:
        return max(0.2, self.lease_s / 3)
