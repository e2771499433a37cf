"""Make a born-digital PDF look scanned: render, tilt a little, blur, add noise, JPEG, and re-wrap."""

from __future__ import annotations

import io
import logging
import random
from pathlib import Path
from typing import Any

_log = logging.getLogger(__name__)


def degrade(image: Any, rng: random.Random) -> Any:
    """A scanned-looking copy of a PIL image (grey, slight rotation, blur, noise, JPEG artefacts)."""
    import numpy as np
    from PIL import Image, ImageFilter

    img = image.convert("L")
    angle = rng.uniform(-1.5, 1.5)
    img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.3, 0.9)))
    arr = np.asarray(img, dtype=np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(4, 12), arr.shape)
    arr = np.clip(arr * rng.uniform(0.9, 1.0) + noise + rng.uniform(0, 12), 0, 255).astype(np.uint8)
    img = Image.fromarray(arr, mode="L")
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=rng.randint(55, 85))
    buf.seek(0)
    return Image.open(buf).convert("L")


def scan_pdf(src: Any, dest: Path, rng: random.Random, dpi: int = 150, as_png: bool = False) -> Path:
    """Write a scanned version of the open PyMuPDF document `src` as an image-only PDF (or a PNG)."""
    import pymupdf
    from PIL import Image

    images = []
    for page in src:
        pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        images.append((degrade(Image.frombytes("L", (pix.width, pix.height), pix.samples), rng), page.rect))
    if as_png and len(images) == 1:
        dest = dest.with_suffix(".png")
        images[0][0].save(dest, dpi=(dpi, dpi))
        return dest
    out = pymupdf.open()
    for img, rect in images:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=80)
        page = out.new_page(width=rect.width, height=rect.height)
        page.insert_image(page.rect, stream=buf.getvalue())
    out.save(dest, garbage=3, deflate=True)
    out.close()
    return dest
