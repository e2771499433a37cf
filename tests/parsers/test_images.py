"""Image files as pages: multi-page TIFF, WebP, PNG, JPEG with EXIF orientation."""

from __future__ import annotations

from pathlib import Path

import pytest
from parsers_support import SAMPLE_LINES, render_text_image
from PIL import Image

from docai.errors import InputError
from docai.options import Options
from docai.parsers import detect_mime, load_document


def test_multipage_tiff(tmp_path: Path) -> None:
    frames = [render_text_image([f"Page {n} of the fax", f"Reference {n}{n}{n}7"]) for n in (1, 2, 3)]
    path = tmp_path / "fax.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_lzw")
    assert detect_mime(path) == "image/tiff"
    with load_document(path, Options(osd=False)) as doc:
        assert doc.page_count == 3 and doc.mime == "image/tiff"
        pages = list(doc.pages())
    for n, page in zip((1, 2, 3), pages, strict=True):
        assert page.text_source == "ocr"
        assert (page.width, page.height) == frames[0].size  # 1 px = 1 pt
        assert f"{n}{n}{n}7" in {w.text for w in page.words}


def test_webp_page(tmp_path: Path) -> None:
    path = tmp_path / "note.webp"
    render_text_image(SAMPLE_LINES).save(path, format="WEBP", quality=90)
    with load_document(path, Options(pages="1")) as doc:
        assert doc.mime == "image/webp"
        page = doc.page(1)
        img = page.render(dpi=144)
    assert {"INVOICE", "48213", "Harbour"} <= {w.text for w in page.words}
    assert img.size == (round(page.width * 2), round(page.height * 2))


def test_jpeg_exif_orientation_is_applied(tmp_path: Path) -> None:
    upright = render_text_image(SAMPLE_LINES)
    stored = upright.rotate(90, expand=True)  # stored sideways; tag 6 says "turn 90 clockwise to view"
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "photo.jpg"
    stored.save(path, format="JPEG", quality=92, exif=exif)
    with load_document(path, Options(osd=False)) as doc:
        page = doc.page(1)
    assert (page.width, page.height) == upright.size
    assert {"INVOICE", "48213", "Freight"} <= {w.text for w in page.words}


@pytest.mark.parametrize("kind", ["garbage", "truncated_jpeg", "truncated_png"])
def test_unreadable_images(tmp_path: Path, kind: str) -> None:
    img = render_text_image(["some text"])
    if kind == "garbage":
        path = tmp_path / "x.png"
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    else:
        fmt = "JPEG" if kind == "truncated_jpeg" else "PNG"
        path = tmp_path / f"x.{fmt.lower()}"
        img.save(path, format=fmt)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError):
        load_document(path)


def test_tiff_frames_from_several_threads(tmp_path: Path) -> None:
    """Frames are selected with seek() on one open file; threads must not get each other's frame."""
    from concurrent.futures import ThreadPoolExecutor

    frames = [Image.new("RGB", (800, 1000), (i * 20, 255 - i * 20, 100)) for i in range(12)]
    path = tmp_path / "stack.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_lzw")

    def corner(doc, n: int) -> tuple[int, ...]:
        return doc.page(n).render(dpi=24).getpixel((5, 5))

    with load_document(path, Options(ocr="never")) as doc, ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda n: corner(doc, n), [n for _ in range(3) for n in range(1, 13)]))
    assert got == [(i * 20, 255 - i * 20, 100) for i in range(12)] * 3
