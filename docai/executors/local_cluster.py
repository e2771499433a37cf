"""A Ray cluster on 127.0.0.1 for tests and benchmarks: `ray start --head` plus worker nodes, each a
raylet process of its own. Its processes are found by the cluster's own temp dir and ended by pid, so
other Ray clusters on the machine are left alone. Linux only (reads /proc)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RAY = Path(sys.executable).parent / "ray"


def _pids_with(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(entry.name))
    return kids


def _kill(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


class LocalRayCluster:
    """Head node with no CPUs (it only schedules) and worker nodes of one CPU each."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.address = f"127.0.0.1:{port}"
        self.temp_dir = tempfile.mkdtemp(prefix="dray", dir="/tmp")
        quiet = {"RAY_USAGE_STATS_ENABLED": "0", "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
        fast_death = {"RAY_health_check_period_ms": "1000", "RAY_health_check_failure_threshold": "3"}
        self.env = {**os.environ, **quiet, **fast_death, "OMP_THREAD_LIMIT": "1"}
        self.workers: list[int] = []

    def _ray(self, *args: str) -> None:
        subprocess.run([str(RAY), "start", *args, "--node-ip-address=127.0.0.1", "--disable-usage-stats"],
                       env=self.env, check=True, capture_output=True, timeout=180)  # fmt: skip

    def start(self) -> LocalRayCluster:
        self._ray("--head", f"--port={self.port}", "--num-cpus=0", "--include-dashboard=false",
                  f"--temp-dir={self.temp_dir}")  # fmt: skip
        return self

    def add_worker(self) -> int:
        """Start a worker node; returns its raylet's pid."""
        before = set(self._raylets())
        self._ray(f"--address={self.address}", "--num-cpus=1")
        deadline = time.monotonic() + 60
        while not (new := set(self._raylets()) - before):
            assert time.monotonic() < deadline, "worker node did not start"
            time.sleep(0.2)
        pid = new.pop()
        self.workers.append(pid)
        return pid

    def _raylets(self) -> list[int]:
        return [p for p in _pids_with(self.temp_dir) if "raylet/raylet" in _cmd(p)]

    def kill_worker(self, raylet_pid: int) -> None:
        """The node dies at once: its raylet and the worker processes under it get SIGKILL."""
        _kill([*_children(raylet_pid), raylet_pid])

    def shutdown(self) -> None:
        pids = _pids_with(self.temp_dir)
        _kill([kid for p in pids for kid in _children(p)] + pids)


def _cmd(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
