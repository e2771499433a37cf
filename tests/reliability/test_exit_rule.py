"""The one exit-code rule over per-file results (docai/cli/exit_codes.py)."""

from __future__ import annotations

import pytest

from docai.cli.exit_codes import for_batch, for_results
from docai.file_result import FileResult


def _r(status: str, code: int | None = None) -> FileResult:
    if status == "failed":
        return FileResult.failed("f.pdf", "why", "text", None, error_code=code)
    return FileResult("f.pdf", "0" * 64, 1, status, {}, {}, "text", None, 0.1)


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        ([("ok", None)], 0),
        ([("reviewed", None), ("ok", None)], 0),
        ([("ok", None), ("review", None)], 1),
        ([("partial", None)], 1),
        ([("invalid", None)], 1),
        ([("failed", None)], 1),
        ([("failed", 3)], 3),
        ([("ok", None), ("failed", 3), ("failed", 6)], 6),
        ([("partial", None), ("failed", 5)], 5),
    ],
)
def test_for_results(statuses: list[tuple[str, int | None]], code: int) -> None:
    assert for_results([_r(s, c) for s, c in statuses]) == code


def test_for_batch() -> None:
    assert for_batch({"ok": 3, "reviewed": 1, "failed": 0}, False) == 0
    assert for_batch({"ok": 3, "partial": 1}, False) == 1
    assert for_batch({"ok": 3, "review": 1}, False) == 1
    assert for_batch({"ok": 3}, True) == 130
