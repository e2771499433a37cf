"""Page range specs like `1-3,7,10-` (1-based, inclusive)."""

from __future__ import annotations

from docai.errors import InputError


def _parts(spec: str) -> list[tuple[int, int | None]]:
    """(first, last) per part, last None for an open end; InputError for a malformed part."""
    out: list[tuple[int, int | None]] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            if "-" in part:
                lo_s, hi_s = part.split("-", 1)
                lo = int(lo_s) if lo_s.strip() else 1
                hi = int(hi_s) if hi_s.strip() else None
            else:
                lo = hi = int(part)
        except ValueError:
            raise InputError(f"bad page range {part!r} (use forms like 1-3,7,10-)") from None
        if lo < 1 or (hi is not None and hi < lo):
            raise InputError(f"bad page range {part!r}")
        out.append((lo, hi))
    return out


def check_page_spec(spec: str | None) -> None:
    """InputError unless `spec` is well formed and selects a page of a long enough document."""
    if spec is not None and spec.strip() and not _parts(spec):
        raise InputError(f"page range {spec!r} selects no page")


def parse_page_ranges(spec: str | None, page_count: int) -> list[int]:
    """Selected 1-based page numbers, sorted and unique. None or '' selects every page."""
    if spec is None or not spec.strip():
        return list(range(1, page_count + 1))
    selected: set[int] = set()
    for lo, hi in _parts(spec):
        if lo > page_count:
            raise InputError(f"page {lo} is past the end of the document ({page_count} pages)")
        selected.update(range(lo, min(hi or page_count, page_count) + 1))
    if not selected:
        raise InputError(f"page range {spec!r} selects no page")
    return sorted(selected)
