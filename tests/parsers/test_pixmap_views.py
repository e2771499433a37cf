"""Renders over MuPDF's pixmaps (`pixmap_views`): the same pixels as PyMuPDF's own render, crops that
are views, and lifetimes and writes handled as Pillow handles any image over a buffer."""

from __future__ import annotations

import gc
import io
import pickle
import weakref
from pathlib import Path

import pymupdf
import pytest
from PIL import Image, ImageDraw

from docai.options import Options
from docai.parsers import load_document
from docai.parsers.page_slices import render_page_slices
from docai.parsers.pixmap_views import PixmapImage, render_rgb_sizes


def _busy_pdf(path: Path, rotation: int = 0, cropbox: pymupdf.Rect | None = None) -> Path:
    """Text in colours, a half-transparent fill over text, a gradient-like picture: what MuPDF blends."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    for i in range(34):
        page.insert_text((40, 50 + i * 21), f"Line {i}: net revenue {i * 1234:,} and costs", fontsize=11)
    blue, red = (0.2, 0.5, 0.9), (0.8, 0.1, 0.1)
    page.draw_rect(pymupdf.Rect(60, 200, 400, 330), color=red, fill=blue, fill_opacity=0.45)
    picture = Image.new("RGB", (64, 48))
    picture.putdata([(x * 4, y * 5, (x + y) * 2) for y in range(48) for x in range(64)])
    buf = io.BytesIO()
    picture.save(buf, format="PNG")
    page.insert_image(pymupdf.Rect(380, 560, 580, 710), stream=buf.getvalue())
    page.set_rotation(rotation)
    if cropbox is not None:
        page.set_cropbox(cropbox)
    doc.save(path)
    doc.close()
    return path


def _direct(page: pymupdf.Page, size: tuple[int, int]) -> bytes:
    """PyMuPDF's usual render (alpha-free RGB) at exactly `size`."""
    w, h = size
    matrix = pymupdf.Matrix(w / page.rect.width, h / page.rect.height)
    matrix.e, matrix.f = -page.rect.x0 * matrix.a, -page.rect.y0 * matrix.d
    pix = page.get_pixmap(matrix=matrix, alpha=False)
    assert (pix.width, pix.height) == size
    return pix.samples


@pytest.mark.parametrize(
    ("rotation", "cropbox"), [(0, None), (90, None), (0, pymupdf.Rect(30, 40, 560, 760))]
)
def test_same_pixels_as_pymupdf_render(tmp_path: Path, rotation: int, cropbox: pymupdf.Rect | None) -> None:
    path = _busy_pdf(tmp_path / "p.pdf", rotation, cropbox)
    with pymupdf.open(path) as doc:
        page = doc[0]
        sizes = [(392, 504), (1176, 1512)] if rotation == 0 else [(504, 392), (1512, 1176)]
        images = render_rgb_sizes(page, sizes)
        for image, size in zip(images, sizes, strict=True):
            assert isinstance(image, PixmapImage) and image.mode == "RGB" and image.size == size
            assert image.readonly
            assert image.tobytes() == _direct(page, size)


def test_crops_are_views_with_the_same_pixels(tmp_path: Path) -> None:
    with pymupdf.open(_busy_pdf(tmp_path / "p.pdf")) as doc:
        (image,) = render_rgb_sizes(doc[0], [(1176, 1512)])
    private = image.copy()
    assert type(private) is Image.Image and private.tobytes() == image.tobytes()
    boxes = [(c * 392, r * 504, (c + 1) * 392, (r + 1) * 504) for r in range(3) for c in range(3)]
    boxes += [(1175, 1511, 1176, 1512), (0, 0, 1176, 1512), (7, 1500, 1176, 1512)]
    for box in boxes:
        view = image.crop(box)
        assert isinstance(view, PixmapImage) and view._samples is image._samples, box
        assert view.tobytes() == private.crop(box).tobytes(), box
    nested = image.crop((392, 504, 784, 1008)).crop((10, 20, 300, 504))
    assert isinstance(nested, PixmapImage)
    assert nested.tobytes() == private.crop((402, 524, 692, 1008)).tobytes()
    # Boxes a view cannot give (outside the image, fractions) are Pillow's own crops.
    for box in [(-5, -5, 100, 100), (1100, 1400, 1300, 1600), (10.5, 3, 200, 100)]:
        crop = image.crop(box)
        assert not isinstance(crop, PixmapImage)
        assert crop.tobytes() == private.crop(box).tobytes(), box


def test_views_outlive_the_document_and_free_the_pixmap(tmp_path: Path) -> None:
    path = _busy_pdf(tmp_path / "p.pdf")
    with load_document(path, Options(ocr="never")) as doc:
        _overview, pieces, _plan = render_page_slices(doc.page(1))
        expected = [p.tobytes() for p in pieces]
    samples = pieces[0]._samples
    assert samples is not None and all(p._samples is samples for p in pieces)
    buffer = weakref.ref(samples.buffer)
    del samples
    gc.collect()
    assert [p.tobytes() for p in pieces] == expected  # the document is closed, the pixels are kept
    last = pieces[-1]
    del pieces
    gc.collect()
    assert buffer() is not None  # one slice still holds the refined pixmap
    assert last.tobytes() == expected[-1]
    del last
    gc.collect()
    assert buffer() is None


def test_writing_copies_first(tmp_path: Path) -> None:
    with pymupdf.open(_busy_pdf(tmp_path / "p.pdf")) as doc:
        (image,) = render_rgb_sizes(doc[0], [(600, 800)])
    sibling = image.crop((0, 0, 600, 800))
    before = sibling.tobytes()
    ImageDraw.Draw(image).rectangle((0, 0, 99, 99), fill=(255, 0, 0))
    assert not image.readonly and image.getpixel((50, 50)) == (255, 0, 0)
    assert sibling.tobytes() == before  # the pixmap itself was not written
    corner = image.crop((0, 0, 100, 100))
    assert not isinstance(corner, PixmapImage) and corner.getpixel((10, 10)) == (255, 0, 0)


def test_a_pickled_view_is_a_plain_copy(tmp_path: Path) -> None:
    with pymupdf.open(_busy_pdf(tmp_path / "p.pdf")) as doc:
        (image,) = render_rgb_sizes(doc[0], [(600, 800)])
    view = image.crop((100, 200, 500, 700))
    back = pickle.loads(pickle.dumps(view))
    assert back.tobytes() == view.tobytes() and back._samples is None
    assert back.crop((0, 0, 50, 50)).tobytes() == view.crop((0, 0, 50, 50)).tobytes()


def test_slices_encode_and_convert_like_copies(tmp_path: Path) -> None:
    """What engines do with a slice: PNG and JPEG bytes (the OpenAI engine), arrays (processors)."""
    np = pytest.importorskip("numpy")
    with pymupdf.open(_busy_pdf(tmp_path / "p.pdf")) as doc:
        (image,) = render_rgb_sizes(doc[0], [(1176, 1512)])
    view = image.crop((784, 1008, 1176, 1512))
    private = Image.frombytes("RGB", view.size, view.tobytes())
    for fmt in ("PNG", "JPEG"):
        a, b = io.BytesIO(), io.BytesIO()
        view.save(a, format=fmt)
        private.save(b, format=fmt)
        assert a.getvalue() == b.getvalue(), fmt
    assert np.array_equal(np.asarray(view), np.asarray(private))
    assert np.asarray(view).shape == (504, 392, 3)
    assert view.convert("RGBA").getpixel((0, 0))[3] == 255


@pytest.mark.parametrize("rotation", [0, 90])
def test_page_slices_are_direct_renders(tmp_path: Path, rotation: int) -> None:
    """The VLM path's overview is PyMuPDF's render at the overview size, and its slices are crops of
    its render at the refined size, byte for byte (no resampling anywhere)."""
    path = _busy_pdf(tmp_path / "p.pdf", rotation)
    with load_document(path, Options(ocr="never")) as doc:
        overview, pieces, plan = render_page_slices(doc.page(1))
    assert plan.grid is not None and plan.slice_size is not None and plan.refine_size is not None
    with pymupdf.open(path) as bare:
        page = bare[0]
        assert overview.size == plan.overview_size
        assert overview.tobytes() == _direct(page, plan.overview_size)
        refined = Image.frombytes("RGB", plan.refine_size, _direct(page, plan.refine_size))
    cols, _rows = plan.grid
    sw, sh = plan.slice_size
    assert len(pieces) == plan.n_slices
    for i, piece in enumerate(pieces):
        c, r = i % cols, i // cols
        assert piece.size == plan.slice_size
        assert piece.tobytes() == refined.crop((c * sw, r * sh, (c + 1) * sw, (r + 1) * sh)).tobytes(), i


def test_this_pillow_maps_views() -> None:
    """CI's Pillow takes the zero-copy path; if an upgrade breaks it, this test says so."""
    from docai.parsers import pixmap_views

    assert pixmap_views.views_supported()


def test_a_pillow_that_cannot_map_gets_copies_with_the_same_pixels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docai.parsers import pixmap_views

    path = _busy_pdf(tmp_path / "p.pdf")
    sizes = [(392, 504), (1176, 1512)]
    with pymupdf.open(path) as doc:
        views = [im.tobytes() for im in render_rgb_sizes(doc[0], sizes)]
        monkeypatch.setattr(pixmap_views, "views_supported", lambda: False)
        copies = render_rgb_sizes(doc[0], sizes)
        assert not any(isinstance(im, PixmapImage) for im in copies)
        assert [im.tobytes() for im in copies] == views
        assert [im.tobytes() for im in copies] == [
            Image.frombytes("RGB", s, _direct(doc[0], s)).tobytes() for s in sizes
        ]
