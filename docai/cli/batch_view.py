"""The batch progress bar: files, pages, rate and ETA, on stderr."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docai.file_result import FileResult, ProgressEvent


class BatchView:
    """A rich progress display fed by the service's callbacks (a no-op when disabled)."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._progress = None
        self._task = None
        self.pages = 0

    def __enter__(self) -> BatchView:
        return self

    def _start(self) -> None:
        """Shown from the first event on, so an error before any work prints no empty bar."""
        if self.enabled and self._progress is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("[bold]batch"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("files"),
                TextColumn("{task.fields[pages]} pages"),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("batch", total=None, pages=0, rate="")

    def on_progress(self, event: ProgressEvent) -> None:
        self._start()
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, total=event.file_total)

    def on_result(self, result: FileResult) -> None:
        self.pages += result.page_count or 0
        self._start()
        if self._progress is None or self._task is None:
            return
        self._progress.advance(self._task)
        task = self._progress.tasks[0]
        elapsed = task.elapsed or 0.0
        rate = f"{self.pages / elapsed:.1f} pages/s" if elapsed > 0 else ""
        self._progress.update(self._task, pages=self.pages, rate=rate)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
