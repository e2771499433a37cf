"""docai's ingest and table finding against peer tools, on the same documents in the same run.

    python -m docai.evals.bench.peers [--docs 3] [--pages 40] [--table-docs 15] [--json-out FILE]

Speed: pages per second to get words/text from born-digital PDFs (FinanceBench filings when
../shared/evaldata is here, else synthetic annual reports) for docai's loader, raw PyMuPDF,
pdfplumber and pymupdf4llm. Tables: detection and structure scores on ICDAR 2013 for docai's
finder, pdfplumber and camelot (stream). Tools that are not installed are listed as skipped.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docai.evals.datasets import default_data_path
from docai.evals.datasets.tables import FoundTable

_log = logging.getLogger(__name__)


def pick_documents(n_docs: int, n_pages: int, tmp: Path) -> list[tuple[Path, int]]:
    """(pdf, pages to read) for up to `n_docs` FinanceBench filings, else synthetic annual reports."""
    import pymupdf

    root = default_data_path("financebench") / "pdfs"
    paths = sorted(root.glob("*.pdf"))[:n_docs] if root.is_dir() else []
    if not paths:
        from docai.evals.synth import generate

        out = generate("annual_report", n_docs, tmp / "reports", seed=1)
        paths = sorted(out.glob("*.pdf"))
    picked = []
    for p in paths:
        with pymupdf.open(p) as doc:
            picked.append((p, min(n_pages, doc.page_count)))
    return picked


def _docai(path: Path, pages: int) -> None:
    from docai.options import Options
    from docai.parsers.loader import load_document

    with load_document(path, Options(ocr="never", pages=f"1-{pages}")) as doc:
        for page in doc.pages():
            _ = page.words


def _pymupdf(path: Path, pages: int) -> None:
    import pymupdf

    with pymupdf.open(path) as doc:
        for i in range(pages):
            doc[i].get_text("words")


def _pdfplumber(path: Path, pages: int) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[:pages]:
            page.extract_words()


def _pymupdf4llm(path: Path, pages: int) -> None:
    import pymupdf4llm

    pymupdf4llm.to_markdown(str(path), pages=list(range(pages)), show_progress=False)


TEXT_TOOLS: dict[str, tuple[str | None, Callable[[Path, int], None]]] = {
    "docai (load_document words)": (None, _docai),
    "pymupdf get_text(words)": ("pymupdf", _pymupdf),
    "pdfplumber extract_words": ("pdfplumber", _pdfplumber),
    "pymupdf4llm to_markdown": ("pymupdf4llm", _pymupdf4llm),
}


def _installed(module: str | None) -> bool:
    return module is None or importlib.util.find_spec(module) is not None


def text_speed(docs: list[tuple[Path, int]], only: set[str] | None = None) -> dict[str, Any]:
    """Pages per second for each text tool (all of TEXT_TOOLS, or the names in `only`)."""
    total = sum(n for _, n in docs)
    out: dict[str, Any] = {"pages": total, "tools": {}, "skipped": []}
    for name, (module, fn) in TEXT_TOOLS.items():
        if only is not None and name not in only:
            continue
        if not _installed(module):
            out["skipped"].append(name)
            continue
        fn(docs[0][0], 1)  # import and first-call costs out of the timing
        start = time.perf_counter()
        for path, n in docs:
            fn(path, n)
        seconds = time.perf_counter() - start
        out["tools"][name] = {"seconds": round(seconds, 3), "pages_per_s": round(total / seconds, 1)}
    base = out["tools"].get("docai (load_document words)", {}).get("pages_per_s")
    for figures in out["tools"].values():
        figures["vs_docai"] = round(figures["pages_per_s"] / base, 3) if base else None
    return out


def pdfplumber_tables(path: Path, page_no: int) -> list[FoundTable]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        page = pdf.pages[page_no - 1]
        return [
            FoundTable(tuple(t.bbox), [[str(c or "") for c in row] for row in t.extract()])
            for t in page.find_tables()
        ]


def camelot_tables(path: Path, page_no: int) -> list[FoundTable]:
    import warnings

    import camelot
    import pymupdf

    with pymupdf.open(path) as doc:
        height = doc[page_no - 1].rect.height
    found = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # camelot warns for every empty text area
        tables = camelot.read_pdf(str(path), pages=str(page_no), flavor="stream")
    for t in tables:
        x0, y0, x1, y1 = t._bbox  # PDF coordinates, origin bottom-left
        grid = t.df.astype(str).values.tolist()
        found.append(FoundTable((x0, height - y1, x1, height - y0), grid))
    return found


def table_scores(n_docs: int) -> dict[str, Any]:
    from docai.evals.datasets.tables import (
        evaluate_tables,
        find_page_tables,
        load_icdar2013,
        table_finder_name,
    )

    root = default_data_path("icdar2013-tables")
    if not root.is_dir():
        return {"skipped": f"no ICDAR 2013 data at {root}"}
    ds = load_icdar2013(root).limit(n_docs)
    finders = {
        f"docai ({table_finder_name()})": (None, find_page_tables),
        "pdfplumber find_tables": ("pdfplumber", pdfplumber_tables),
        "camelot stream": ("camelot", camelot_tables),
    }
    out: dict[str, Any] = {"documents": n_docs, "tables": len(ds.tables), "tools": {}, "skipped": []}
    for name, (module, finder) in finders.items():
        if not _installed(module):
            out["skipped"].append(name)
            continue
        r = evaluate_tables(ds, finder=finder, finder_name=name)
        out["tools"][name] = {
            "pages_per_s": r["pages_per_s"],
            "detection_f1": r["detection"]["f1"],
            "structure_f1": r["structure"]["f1"],
            "cell_accuracy": r["cell_accuracy"],
        }
    return out


def format_report(r: dict[str, Any]) -> str:
    t = r["text"]
    lines = [f"text/words extraction, {t['pages']} pages of born-digital PDFs:"]
    for name, f in t["tools"].items():
        lines.append(f"  {name:32} {f['pages_per_s']:8.1f} pages/s  ({f['vs_docai']}x docai)")
    lines += [f"  {name}: not installed" for name in t["skipped"]]
    tb = r["tables"]
    if "skipped" in tb and isinstance(tb["skipped"], str):
        lines.append(f"tables: {tb['skipped']}")
    else:
        lines.append(f"tables, ICDAR 2013 ({tb['documents']} documents, {tb['tables']} tables):")
        for name, f in tb["tools"].items():
            lines.append(
                f"  {name:45} detect F1 {f['detection_f1']:.3f}  structure F1 {f['structure_f1']:.3f}  "
                f"cell acc {f['cell_accuracy']}  {f['pages_per_s']} pages/s"
            )
        lines += [f"  {name}: not installed" for name in tb["skipped"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docai.evals.bench.peers", description=__doc__)
    parser.add_argument("--docs", type=int, default=3, help="Documents for the speed test.")
    parser.add_argument("--pages", type=int, default=40, help="Pages per document for the speed test.")
    parser.add_argument("--table-docs", type=int, default=15, help="ICDAR 2013 documents for table scores.")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="docai-peers-") as tmp:
        docs = pick_documents(args.docs, args.pages, Path(tmp))
        result = {"documents": [f"{p.name}:{n}" for p, n in docs], "text": text_speed(docs)}
    result["tables"] = table_scores(args.table_docs)
    sys.stdout.write(format_report(result) + "\n")
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
