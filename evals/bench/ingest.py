"""Ingest benchmark: docai's parsers against bare PyMuPDF doing the same work in the same run.

    .venv/bin/python -m docai.evals.bench.ingest [--pages N] [--repeat R] [--json-out FILE]
        [--ocr-receipts N] [--only words|render|encode|rss ...] [--interleave document|page]

Figures:
- text-layer words per page: `load_document(..., ocr="never")` then `doc.page(n).words` (page
  loading, size checks and Word objects included), vs PyMuPDF's `doc[n].get_text("words")`;
- rasterize + slice per page: `render_page_slices(page)`, what the VLM engines' client-side slicing
  calls (overview and slices at the sizes `plan_slices` gives for the page at `render_dpi_for_page`,
  from one interpretation of the page), vs PyMuPDF rendering the same pixels (the overview size and
  the refined size) and vs one PyMuPDF render at the refined size alone; the docai side is timed
  from an already loaded Page, as an engine gets it, and its pixels are checked (untimed) to be the
  bare renders' own: the overview byte for byte, the slices crops of the refined render;
- client-side slicing as the OpenAI engine goes on: CPU per page of the page's labelled images and of
  encoding them as PNG and as JPEG data URLs (what the render + slice cost compares with);
- peak RSS of `docai inspect --json` (a subprocess) over a generated 1,000-page PDF;
- with `--ocr-receipts N`: Tesseract on N SROIE receipt scans at 1x, 1.5x and 2x (slow: ~1 s each).

Corpus: FinanceBench filings from ../shared/evaldata when present, else a generated report PDF. Each
timing is the best of `--repeat` rounds (the machine is shared; the minimum is the least disturbed).
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_log = logging.getLogger(__name__)

EVALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "evaldata" / "financebench" / "pdfs"


def _generated_pdf(path: Path, pages: int, lines: int = 45) -> Path:
    import pymupdf

    doc = pymupdf.open()
    for i in range(pages):
        page = doc.new_page(width=612, height=792)
        page.insert_text((54, 50), f"Annual report {2000 + i % 25} - section {i + 1}", fontsize=16)
        for j in range(lines):
            page.insert_text(
                (54, 80 + j * 15), f"Line {j}: revenue {i * 97 + j:,} cost {j * 13:,} margin", fontsize=9
            )
        page.draw_rect(pymupdf.Rect(400, 600, 560, 740), color=(0.2, 0.3, 0.8), fill=(0.8, 0.85, 1))
    doc.save(path)
    doc.close()
    return path


def corpus(max_pages: int, tmp: Path) -> list[tuple[Path, list[int]]]:
    """(pdf, 1-based pages) pairs: up to `max_pages` pages spread over the FinanceBench PDFs."""
    import pymupdf

    pdfs = sorted(EVALDATA.glob("*.pdf")) if EVALDATA.is_dir() else []
    if not pdfs:
        return [(_generated_pdf(tmp / "generated.pdf", max_pages), list(range(1, max_pages + 1)))]
    per_doc = max(10, max_pages // 4)
    out: list[tuple[Path, list[int]]] = []
    left = max_pages
    for p in pdfs:
        if left <= 0:
            break
        with pymupdf.open(p) as d:
            n = min(per_doc, d.page_count, left)
        out.append((p, list(range(1, n + 1))))
        left -= n
    return out


def bench_words(docs: list[tuple[Path, list[int]]], repeat: int) -> dict[str, float]:
    import pymupdf

    from docai.options import Options
    from docai.parsers import load_document

    n = sum(len(pages) for _, pages in docs)
    count = [0, 0]

    def one_round() -> tuple[float, float]:
        """Page by page, docai and bare PyMuPDF in turn (alternating who goes first)."""
        spent = [0.0, 0.0]
        count[0] = count[1] = 0
        turn = 0
        for path, pages in docs:
            with load_document(path, Options(ocr="never")) as ours, pymupdf.open(path) as bare:
                for no in pages:
                    for k in range(2):
                        i = (k + turn) % 2
                        t = time.perf_counter()
                        if i == 0:
                            count[0] += len(ours.page(no).words)
                        else:
                            count[1] += sum(1 for w in bare[no - 1].get_text("words") if w[4].strip())
                        spent[i] += time.perf_counter() - t
                    turn += 1
        return spent[0], spent[1]

    rounds = [one_round() for _ in range(repeat)]
    t_ours, t_bare = (min(r[i] for r in rounds) for i in range(2))
    if count[0] != count[1]:
        _log.warning("word counts differ: docai %d, PyMuPDF %d", count[0], count[1])
    return {
        "pages": n,
        "docai_ms_per_page": 1000 * t_ours / n,
        "pymupdf_ms_per_page": 1000 * t_bare / n,
        "ratio": t_ours / t_bare,
        "words_docai": count[0],
        "words_pymupdf": count[1],
    }


def _plans(docs: list[tuple[Path, list[int]]]) -> dict[tuple[Path, int], Any]:
    """The slice plan of every page, worked out once outside the timers (both sides render these)."""
    from docai.options import Options
    from docai.parsers import load_document
    from docai.parsers.page_slices import plan_page

    plans: dict[tuple[Path, int], Any] = {}
    for path, pages in docs:
        with load_document(path, Options(ocr="never")) as doc:
            for no in pages:
                plans[(path, no)] = plan_page(doc.page(no))
    return plans


def _bare_render(page: Any, sizes: list[tuple[int, int]]) -> list[Any]:
    import pymupdf

    return [
        page.get_pixmap(matrix=pymupdf.Matrix(w / page.rect.width, h / page.rect.height), alpha=False)
        for w, h in sizes
    ]


def check_render_pixels(docs: list[tuple[Path, list[int]]], plans: dict[tuple[Path, int], Any]) -> int:
    """Pages whose docai overview is byte for byte PyMuPDF's render at that size and whose slices are
    crops of its render at the refined size (what the timed sides produce, checked untimed)."""
    import pymupdf
    from PIL import Image

    from docai.options import Options
    from docai.parsers import load_document
    from docai.parsers.page_slices import render_page_slices

    same = 0
    for path, pages in docs:
        with load_document(path, Options(ocr="never")) as ours, pymupdf.open(path) as bare:
            for no in pages:
                plan = plans[(path, no)]
                overview, pieces, _ = render_page_slices(ours.page(no))
                sizes = [plan.overview_size] + ([plan.refine_size] if plan.refine_size else [])
                pixmaps = _bare_render(bare[no - 1], sizes)
                ok = overview.tobytes() == pixmaps[0].samples
                if plan.grid is not None and ok:
                    refined = Image.frombytes("RGB", plan.refine_size, pixmaps[1].samples)
                    (cols, _), (sw, sh) = plan.grid, plan.slice_size
                    boxes = [((i % cols) * sw, (i // cols) * sh) for i in range(len(pieces))]
                    crops = [refined.crop((x, y, x + sw, y + sh)).tobytes() for x, y in boxes]
                    ok = crops == [p.tobytes() for p in pieces]
                same += ok
    return same


def bench_render(
    docs: list[tuple[Path, list[int]]], repeat: int, interleave: str = "page"
) -> dict[str, float]:
    import pymupdf

    from docai.options import Options
    from docai.parsers import load_document
    from docai.parsers.page_slices import render_page_slices

    n = sum(len(pages) for _, pages in docs)
    plans = _plans(docs)
    pixels = sum(
        p.overview_size[0] * p.overview_size[1]
        + (p.refine_size[0] * p.refine_size[1] if p.refine_size else 0)
        for p in plans.values()
    )

    def one_round() -> tuple[float, ...]:
        """The three variants in turn (rotating who goes first), each on its own open document so that
        MuPDF's caches help none of them more than the others: page by page (`interleave="page"`, the
        default), or a document's pages at a time, each variant starting it with an empty glyph cache
        (`"document"`: as an engine renders one document's pages in a row; page by page, MuPDF's
        glyph cache, 1 MB for the whole process, is shared by all three, each one's glyphs evicting
        the others'). Wall seconds of the three, then their CPU seconds (this thread's:
        what a busy machine does not inflate as much)."""
        spent = [0.0] * 6
        turn = 0
        for path, pages in docs:
            with (
                load_document(path, Options(ocr="never")) as ours,
                pymupdf.open(path) as same,
                pymupdf.open(path) as refined,
            ):

                def job(
                    no: int, i: int, docs3: tuple[Any, Any, Any] = (ours, same, refined), pdf: Path = path
                ) -> tuple[Any, Callable[[Any], object]]:
                    """Variant `i`'s page `no` (loaded here, untimed: docai's with its words) and its work."""
                    plan = plans[(pdf, no)]
                    sizes = (
                        [plan.refine_size, plan.overview_size] if plan.refine_size else [plan.overview_size]
                    )
                    if i == 0:
                        return docs3[0].page(no), render_page_slices
                    return docs3[i][no - 1], lambda pg, s=sizes[: 3 - i]: _bare_render(pg, s)

                def timed(i: int, page: Any, fn: Callable[[Any], object]) -> None:
                    t, c = time.perf_counter(), time.thread_time()
                    fn(page)
                    spent[i] += time.perf_counter() - t
                    spent[3 + i] += time.thread_time() - c

                if interleave == "page":
                    for no in pages:
                        for k in range(3):
                            timed((k + turn) % 3, *job(no, (k + turn) % 3))
                        turn += 1
                    continue
                for k in range(3):
                    i = (k + turn) % 3
                    pymupdf.mupdf.fz_purge_glyph_cache()
                    for no in pages:
                        timed(i, *job(no, i))
                turn += 1
        return tuple(spent)

    rounds = [one_round() for _ in range(repeat)]
    return _render_figures(rounds, n, interleave, pixels, check_render_pixels(docs, plans))


def _render_figures(
    rounds: list[tuple[float, ...]], n: int, interleave: str, pixels: float, identical: int
) -> dict[str, float]:
    """The best round of each variant (wall, then CPU) as per-page times and ratios."""
    t_ours, t_same, t_refined, c_ours, c_same, c_refined = (min(r[i] for r in rounds) for i in range(6))
    return {
        "pages": n,
        "interleave": interleave,
        "megapixels_per_page": pixels / n / 1e6,
        "pages_with_identical_pixels": identical,
        "docai_ms_per_page": 1000 * t_ours / n,
        "pymupdf_same_pixels_ms_per_page": 1000 * t_same / n,
        "pymupdf_refined_only_ms_per_page": 1000 * t_refined / n,
        "ratio": t_ours / t_same,
        "ratio_vs_refined_only": t_ours / t_refined,
        "docai_cpu_ms_per_page": 1000 * c_ours / n,
        "pymupdf_refined_only_cpu_ms_per_page": 1000 * c_refined / n,
        "cpu_ratio": c_ours / c_same,
        "cpu_ratio_vs_refined_only": c_ours / c_refined,
    }


def bench_encode(docs: list[tuple[Path, list[int]]]) -> dict[str, float]:
    """CPU per page of what the OpenAI engine does next with client-side slicing: the page's labelled
    images (`page_images`: render + slice) and each one's data URL, PNG (the default) and JPEG."""
    from docai.engines.openai_engine import encode_image
    from docai.engines.vlm.pages import page_images
    from docai.options import Options
    from docai.parsers import load_document
    from docai.parsers.slicing import SliceConfig

    n = sum(len(pages) for _, pages in docs)
    spent = {"images": 0.0, "png": 0.0, "jpeg": 0.0}
    for path, pages in docs:
        with load_document(path, Options(ocr="never")) as doc:
            for no in pages:
                page = doc.page(no)  # loading the page (its words) is not part of this figure
                c = time.thread_time()
                images = [im for _, im in page_images(page, SliceConfig(), True).images]
                spent["images"] += time.thread_time() - c
                for fmt in ("png", "jpeg"):
                    c = time.thread_time()
                    for im in images:
                        encode_image(im, fmt)
                    spent[fmt] += time.thread_time() - c
    return {"pages": n} | {f"{k}_cpu_ms_per_page": 1000 * v / n for k, v in spent.items()}


def bench_ocr_scale(receipts: int, factors: tuple[float, ...] = (1.0, 1.5, 2.0)) -> dict[str, Any]:
    """OCR of SROIE receipt scans at their own pixels vs upscaled: words matching the set's line
    boxes (multiset recall/precision) and seconds per image. Chooses loader.SMALL_IMAGE_UPSCALE."""
    import collections
    import csv

    from PIL import Image

    from docai.parsers.ocr import ocr_words

    root = EVALDATA.parent.parent / "sroie"
    out: dict[str, Any] = {}
    for factor in factors:
        hit = truth_n = found = 0
        spent = 0.0
        for i in range(receipts):
            truth: collections.Counter[str] = collections.Counter()
            with open(root / "box" / f"{i:03d}.csv", encoding="utf-8", errors="replace") as f:
                for row in csv.reader(f):
                    if len(row) >= 9:
                        truth.update(",".join(row[8:]).split())
            with Image.open(root / "images" / f"{i:03d}.jpg") as im:
                img = im.convert("RGB")
            if factor != 1.0:
                img = img.resize(
                    (round(img.width * factor), round(img.height * factor)), Image.Resampling.LANCZOS
                )
            t = time.perf_counter()
            got = collections.Counter(w.text for w in ocr_words(img, factor, "eng"))
            spent += time.perf_counter() - t
            hit += sum((truth & got).values())
            truth_n += sum(truth.values())
            found += sum(got.values())
        out[f"{factor:g}x"] = {
            "recall": hit / max(truth_n, 1),
            "precision": hit / max(found, 1),
            "seconds_per_image": spent / max(receipts, 1),
        }
    return out


def bench_inspect_rss(tmp: Path, pages: int = 1000) -> dict[str, float]:
    path = _generated_pdf(tmp / "long.pdf", pages, lines=20)
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter();"
        "r = subprocess.run([sys.executable, '-m', 'docai', 'inspect', '--json', sys.argv[1]],"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True)
    code, peak_kb, secs = out.stdout.split()
    return {
        "pages": pages,
        "exit_code": int(code),
        "peak_rss_mb": int(peak_kb) / 1024,
        "seconds": float(secs),
    }


PARTS = ("words", "render", "encode", "rss")


def _rows(result: dict[str, Any], ocr_receipts: int) -> list[tuple[str, str]]:
    """The printed table: one (label, value) per figure that was measured."""
    rows = [("corpus", f"{result['corpus']}: {result['pages']} pages of {len(result['documents'])} PDFs")]
    if words := result.get("words"):
        rows += [
            ("words: docai ms/page", f"{words['docai_ms_per_page']:.2f}"),
            ("words: PyMuPDF ms/page", f"{words['pymupdf_ms_per_page']:.2f}"),
            ("words: ratio", f"{words['ratio']:.2f}x"),
        ]
    if render := result.get("rasterize_slice"):
        rows += [
            ("raster+slice: MP/page", f"{render['megapixels_per_page']:.2f}"),
            ("raster+slice: sides take turns by", render["interleave"]),
            ("raster+slice: pages with PyMuPDF's pixels", f"{render['pages_with_identical_pixels']}"),
            ("raster+slice: docai ms/page", f"{render['docai_ms_per_page']:.2f}"),
            ("raster: PyMuPDF same pixels ms/page", f"{render['pymupdf_same_pixels_ms_per_page']:.2f}"),
            ("raster+slice: ratio (target <= 1.25)", f"{render['ratio']:.2f}x"),
            ("raster: PyMuPDF refined size only", f"{render['pymupdf_refined_only_ms_per_page']:.2f}"),
            (
                "raster+slice: ratio vs refined only (target <= 1.4)",
                f"{render['ratio_vs_refined_only']:.2f}x",
            ),
            (
                "raster+slice: CPU ratios (same pixels / refined only)",
                f"{render['cpu_ratio']:.2f}x / {render['cpu_ratio_vs_refined_only']:.2f}x",
            ),
        ]
    if enc := result.get("encode_openai"):
        rows.append(
            (
                "client slicing CPU ms/page: images / PNG / JPEG",
                f"{enc['images_cpu_ms_per_page']:.1f} / {enc['png_cpu_ms_per_page']:.1f}"
                f" / {enc['jpeg_cpu_ms_per_page']:.1f}",
            )
        )
    if rss := result.get("inspect_1000_pages"):
        rows += [
            ("inspect 1,000 pages: peak RSS MB", f"{rss['peak_rss_mb']:.0f} (exit {rss['exit_code']})"),
            ("inspect 1,000 pages: seconds", f"{rss['seconds']:.1f}"),
        ]
    for factor, m in (result.get("ocr_scale_sroie") or {}).items():
        rows.append(
            (
                f"OCR {ocr_receipts} receipts at {factor}",
                f"recall {m['recall']:.3f}  precision {m['precision']:.3f}"
                f"  {m['seconds_per_image']:.2f} s/image",
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=120, help="pages of the corpus to time (default 120)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per timing; the best counts")
    parser.add_argument("--json-out", type=Path, help="also write the numbers here as JSON")
    parser.add_argument(
        "--ocr-receipts", type=int, default=0, help="also time OCR scale factors on this many SROIE receipts"
    )
    parser.add_argument(
        "--interleave",
        choices=("page", "document"),
        default="page",
        help="raster sides take turns page by page (default), or a document at a time, each from an "
        "empty glyph cache",
    )
    parser.add_argument(
        "--only", choices=PARTS, action="append", help="run only this part (repeatable; default: all)"
    )
    args = parser.parse_args(argv)
    parts = set(args.only or PARTS)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="docai-bench-") as tmp_s:
        tmp = Path(tmp_s)
        docs = corpus(args.pages, tmp)
        source = "financebench" if EVALDATA.is_dir() and any(EVALDATA.glob("*.pdf")) else "generated"
        result |= {"corpus": source, "documents": [p.name for p, _ in docs]}
        result["pages"] = sum(len(pages) for _, pages in docs)
        if "words" in parts:
            result["words"] = bench_words(docs, args.repeat)
        if "render" in parts:
            result["rasterize_slice"] = bench_render(docs, args.repeat, args.interleave)
        if "encode" in parts:
            result["encode_openai"] = bench_encode(docs)
        if "rss" in parts:
            result["inspect_1000_pages"] = bench_inspect_rss(tmp)
    sroie = EVALDATA.parent.parent / "sroie"
    if args.ocr_receipts and sroie.is_dir():
        result["ocr_scale_sroie"] = bench_ocr_scale(args.ocr_receipts)
    result["self_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = _rows(result, args.ocr_receipts)
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        sys.stdout.write(f"{k:<{width}}  {v}\n")
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
