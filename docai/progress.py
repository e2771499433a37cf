"""Progress of long work as log lines: one line every N items or every few seconds, whichever first.

Only long work logs: work of more items than one line's worth (`every`), or work that has been going
for `LONG_AFTER_S` seconds. A short document read in a second prints nothing; one that takes longer
gets its first line once it passes that mark, and a line when it ends.

Lines go to the `docai.progress` logger at INFO, which shows by default (the CLI logs WARNING and up
otherwise) and through `-q` does not: a terminal, a pipe and a log file all see the same lines, where a
redrawn progress bar would leave nothing in a log.
"""

from __future__ import annotations

import logging
import time

_log = logging.getLogger("docai.progress")
_log.setLevel(logging.INFO)

LONG_AFTER_S = 2.0
"""Work that has run this long is long, whatever its size (a slow scan, a VLM request)."""


def _quiet() -> bool:
    """The root logger was set quieter than warnings (the CLI's -q)."""
    return logging.getLogger().level > logging.WARNING


class ProgressLog:
    """`step(n)` after each item; for long work a line at the first item, then every `every` items or
    `seconds`, and at the last. Times are counted from `started` (a `time.perf_counter()` value;
    default: now); work is long when `total > every` or once `after_s` have passed."""

    def __init__(
        self,
        what: str,
        total: int,
        unit: str,
        every: int = 100,
        seconds: float = 10.0,
        started: float | None = None,
        after_s: float = LONG_AFTER_S,
    ) -> None:
        self.what, self.total, self.unit = what, total, unit
        self.every, self.seconds = max(1, every), seconds
        self.done = 0
        self._last_time = time.perf_counter()
        self._started = self._last_time if started is None else started
        self._last_done = 0
        self._after_s = after_s
        self._long = total > self.every

    def step(self, n: int = 1) -> None:
        self.done += n
        now = time.perf_counter()
        if not self._long:
            if now - self._started < self._after_s:
                return  # short so far: no line
            self._long = True
            self._emit(now)
            return
        due = self.done - self._last_done >= self.every or now - self._last_time >= self.seconds
        if self._last_done == 0 or due or self.done >= self.total:
            self._emit(now)

    def _emit(self, now: float) -> None:
        self._last_done, self._last_time = self.done, now
        if _quiet():
            return
        share = f" ({100 * self.done // self.total}%)" if self.total else ""  # 100% only when done
        _log.info(
            "%s: %s/%s %s%s, %.0f s", self.what, f"{self.done:,}", f"{self.total:,}", self.unit, share,
            now - self._started,
        )  # fmt: skip
