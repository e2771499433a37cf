"""Page range specs like `1-3,7,10-` (1-based, inclusive)."""

from __future__ import annotations

from docai.errors import InputError


def parse_page_ranges(spec: str | None, page_count: int) -> list[int]:
    """Selected 1-based page numbers, sorted and unique. None or '' selects every page."""
    if spec is None or not spec.strip():
        return list(range(1, page_count + 1))
    selected: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            if "-" in part:
                lo_s, hi_s = part.split("-", 1)
                lo = int(lo_s) if lo_s.strip() else 1
                hi = int(hi_s) if hi_s.strip() else page_count
            else:
                lo = hi = int(part)
        except ValueError:
            raise InputError(f"bad page range {part!r} (use forms like 1-3,7,10-)") from None
        if lo < 1 or hi < lo:
            raise InputError(f"bad page range {part!r}")
        if lo > page_count:
            raise InputError(f"page {lo} is past the end of the document ({page_count} pages)")
        selected.update(range(lo, min(hi, page_count) + 1))
    if not selected:
        raise InputError(f"page range {spec!r} selects no page")
    return sorted(selected)
