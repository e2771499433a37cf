"""The one rule for every command's exit code (README, "Exit codes").

0: every file `ok` (or `reviewed`: a person checked it); 1: some file is not (partial, review, invalid,
or failed for a reason with no code of its own), or `ask` found no answer. A file named on the command
line (`extract`) that failed with an error of its own code (3 bad input, 4 schema, 5 engine, 6 engine
unavailable, 7 storage) gives that code, the highest when files failed for different reasons; a batch
over a folder gives 1 when any file in it is not ok (its files' reasons are in the summary). Errors
raised before any file is read (2 usage, 3, 4, ...) carry their code in `docai.errors`; 130 for Ctrl-C.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docai.file_result import FileResult

OK = 0
NOT_OK = 1
USAGE = 2
INTERRUPTED = 130
OK_STATUSES = frozenset({"ok", "reviewed"})


def for_results(results: Iterable[FileResult]) -> int:
    """The exit code of `extract` or `batch` over these per-file results."""
    code = OK
    for r in results:
        if r.status in OK_STATUSES:
            continue
        own = r.error_code if r.status == "failed" and r.error_code and r.error_code > NOT_OK else NOT_OK
        code = max(code, own)
    return code


def for_batch(counts: dict[str, int], interrupted: bool) -> int:
    """The exit code of `batch` from its summary's counts by status."""
    if interrupted:
        return INTERRUPTED
    return NOT_OK if any(n for status, n in counts.items() if status not in OK_STATUSES) else OK


def for_answer(found: bool) -> int:
    return OK if found else NOT_OK
