"""Born-digital PDFs: text layer words and boxes (rotation too), page ranges, passwords, rasterizers."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from PIL import ImageChops

from docai.errors import InputError
from docai.options import Options
from docai.parsers import detect_mime, file_sha256, load_document


def _ink_in(image, box, scale: float) -> int:
    """How many dark pixels the page image has inside `box` (points)."""
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    crop = image.crop((x0, y0, max(x1, x0 + 1), max(y1, y0 + 1))).convert("L")
    return sum(1 for v in crop.tobytes() if v < 128)


def test_born_digital_words_come_from_layer(text_pdf) -> None:
    path = text_pdf("a.pdf", [[(72, 100, "Quarterly revenue grew strongly"), (72, 130, "Net income 42")]])
    with load_document(path, Options(ocr="auto")) as doc:
        assert doc.page_count == 1 and doc.mime == "application/pdf" and not doc.encrypted
        assert doc.sha256 == file_sha256(path)
        page = doc.page(1)
        assert page.text_source == "layer"
        assert [w.text for w in page.words] == [
            "Quarterly",
            "revenue",
            "grew",
            "strongly",
            "Net",
            "income",
            "42",
        ]
        assert all(w.conf is None for w in page.words)
        first = page.words[0]
        assert 70 <= first.bbox[0] <= 74 and 85 <= first.bbox[1] < first.bbox[3] <= 104
        assert page.text.splitlines() == ["Quarterly revenue grew strongly", "Net income 42"]


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_page_words_in_display_coordinates(tmp_path: Path, rotation: int) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=400, height=300)
    page.insert_text((40, 60), "Rotated words sit where they show", fontsize=16)
    page.set_rotation(rotation)
    path = tmp_path / "rot.pdf"
    doc.save(path)
    with load_document(path) as d:
        p = d.page(1)
        assert p.rotation == rotation
        assert (p.width, p.height) == ((300, 400) if rotation in (90, 270) else (400, 300))
        assert p.text_source == "layer" and len(p.words) == 6
        image = p.render(dpi=72)
        assert image.size == (round(p.width), round(p.height))
        for w in p.words:
            x0, y0, x1, y1 = w.bbox
            assert 0 <= x0 < x1 <= p.width and 0 <= y0 < y1 <= p.height
            assert _ink_in(image, w.bbox, 1.0) > 5, w
        tall = [w for w in p.words if (w.bbox[3] - w.bbox[1]) > (w.bbox[2] - w.bbox[0])]
        assert (len(tall) >= 4) == (rotation in (90, 270))


def test_page_ranges_select_pages(text_pdf) -> None:
    path = text_pdf("r.pdf", [[(72, 72, f"page {i} here now")] for i in range(1, 6)])
    with load_document(path, Options(pages="2,4-")) as doc:
        assert doc.page_numbers == [2, 4, 5]
        assert [p.page_no for p in doc.pages()] == [2, 4, 5]
        assert [p.words[1].text for p in doc.pages()] == ["2", "4", "5"]
    with pytest.raises(InputError, match="past the end"):
        load_document(path, Options(pages="9"))


def _encrypted(tmp_path: Path, text_pdf) -> Path:
    src = text_pdf("plain.pdf", [[(72, 72, "Secret figures inside here")]])
    doc = pymupdf.open(src)
    out = tmp_path / "locked.pdf"
    doc.save(out, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="s3cret", owner_pw="owner-pw")
    return out


def test_encrypted_pdf(tmp_path: Path, text_pdf) -> None:
    path = _encrypted(tmp_path, text_pdf)
    with pytest.raises(InputError, match="encrypted"):
        load_document(path)
    with pytest.raises(InputError, match="wrong password"):
        load_document(path, Options(password="nope"))
    with load_document(path, Options(password="s3cret")) as doc:
        assert doc.encrypted
        assert doc.page(1).text == "Secret figures inside here"


def test_pdf2image_renders_like_pymupdf(tmp_path: Path, text_pdf) -> None:
    path = text_pdf("p.pdf", [[(72, 100, "Same pixels from either renderer")]], size=(300, 200))
    with (
        load_document(path, Options(rasterizer="pymupdf")) as a,
        load_document(path, Options(rasterizer="pdf2image")) as b,
    ):
        ia, ib = a.page(1).render(dpi=144), b.page(1).render(dpi=144)
    assert abs(ia.width - ib.width) <= 1 and abs(ia.height - ib.height) <= 1
    assert ia.mode == ib.mode == "RGB"
    # Both show the text in the same place: their dark-pixel boxes nearly coincide.
    ba = ImageChops.invert(ia.convert("L")).point(lambda v: 255 if v > 128 else 0).getbbox()
    bb = ImageChops.invert(ib.convert("L")).point(lambda v: 255 if v > 128 else 0).getbbox()
    assert ba is not None and bb is not None
    assert all(abs(x - y) <= 3 for x, y in zip(ba, bb, strict=True))


def test_pdf2image_encrypted_with_password(tmp_path: Path, text_pdf) -> None:
    path = _encrypted(tmp_path, text_pdf)
    with load_document(path, Options(rasterizer="pdf2image", password="s3cret")) as doc:
        img = doc.page(1).render(dpi=72)
    assert img.size == (595, 842)
    assert img.convert("L").getextrema()[0] < 100  # the text is drawn


def test_detect_mime_ignores_names(tmp_path: Path, text_pdf) -> None:
    pdf = text_pdf("x.png", [[(72, 72, "pdf named png")]])
    assert detect_mime(pdf) == "application/pdf"
    fake = tmp_path / "y.pdf"
    fake.write_text("just some notes, not a pdf")
    assert detect_mime(fake) == "application/octet-stream"


def test_usable_text_layer_rules() -> None:
    from docai.document import Word
    from docai.parsers.loader import usable_text_layer

    def words(*texts: str) -> list[Word]:
        return [Word(t, (0, 0, 1, 1)) for t in texts]

    assert usable_text_layer(words("Total", "due", "42.00"))
    assert usable_text_layer(words("合计", "金额", "人民币"))
    assert not usable_text_layer(words("Total", "due"))  # too few to judge: OCR looks too
    assert not usable_text_layer(words("···", "··", "····", "ab"))
    assert not usable_text_layer(words("\ufffd\ufffd", "\ufffdx", "ok", "fine", "\ufffd\ufffd\ufffd"))


def test_pages_from_several_threads(text_pdf) -> None:
    """One Document shared by worker threads gives the same words and pixels as a single thread."""
    from concurrent.futures import ThreadPoolExecutor

    pages = [[(72, 72 + 14 * j, f"page {i} line {j} value {i * j}") for j in range(20)] for i in range(1, 41)]
    path = text_pdf("many.pdf", pages)

    def read(doc, n: int) -> tuple[list[str], bytes]:
        page = doc.page(n)
        return [w.text for w in page.words], page.render(dpi=30).tobytes()

    with load_document(path) as doc:
        expected = [read(doc, n) for n in range(1, 41)]
    with load_document(path) as doc, ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda n: read(doc, n), [n for _ in range(3) for n in range(1, 41)]))
    assert got == expected * 3
