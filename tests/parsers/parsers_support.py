"""Builders for the parser tests: scanned pages (text rendered to an image), image files, CLI runs."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def render_text_image(
    lines: list[str],
    size_pt: tuple[float, float] = (360, 240),
    dpi: int = 200,
    font: str = "helv",
    fontsize=14,
):
    """An upright scan-like image (PIL, RGB) of `lines` printed on a page of `size_pt`."""
    import pymupdf
    from PIL import Image

    doc = pymupdf.open()
    page = doc.new_page(width=size_pt[0], height=size_pt[1])
    for i, line in enumerate(lines):
        page.insert_text((24, 40 + i * fontsize * 1.8), line, fontsize=fontsize, fontname=font)
    pix = page.get_pixmap(dpi=dpi)
    img = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    doc.close()
    return img


def image_pdf(path: Path, images, dpi: int = 200) -> Path:
    """A PDF with no text layer: each image fills one page at `dpi`."""
    import io

    import pymupdf

    doc = pymupdf.open()
    for img in images:
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        page = doc.new_page(width=img.width * 72 / dpi, height=img.height * 72 / dpi)
        page.insert_image(page.rect, stream=buf.getvalue())
    doc.save(path)
    doc.close()
    return path


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, timeout: float = 120) -> CliResult:
    """`docai ARGS` in a fresh interpreter, as a user runs it."""
    proc = subprocess.run(
        [sys.executable, "-m", "docai", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


SAMPLE_LINES = [
    "INVOICE NUMBER 48213",
    "Customer Harbour Freight Limited",
    "Total amount due 1250.75 dollars",
    "Payment within thirty days",
]


def _root_conftest():
    """tests/conftest.py as a module (its name `conftest` is shadowed here by tests/parsers/conftest.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("docai_tests_root_conftest", REPO / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_ROOT = _root_conftest()
EVALDATA = _ROOT.EVALDATA
requires_evaldata = _ROOT.requires_evaldata
