"""Tesseract OCR through pytesseract: words with boxes and confidences."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from docai.document import Word
from docai.errors import EngineUnavailable

if TYPE_CHECKING:
    from PIL.Image import Image

# OpenMP inside Tesseract thrashes on small machines; docai parallelises across pages instead.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def ocr_words(image: Image, scale: float, lang: str = "eng") -> list[Word]:
    """OCR `image`; boxes are divided by `scale` (pixels per point) to land in page points."""
    import pytesseract

    try:
        data = pytesseract.image_to_data(image, lang=lang, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError:
        raise EngineUnavailable(
            "tesseract is not installed (Debian: apt-get install tesseract-ocr)"
        ) from None
    except pytesseract.TesseractError as e:
        raise EngineUnavailable(f"tesseract failed for lang {lang!r}: {e.message.strip()[:200]}") from None
    words: list[Word] = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
        block = data["block_num"][i] * 1000 + data["par_num"][i]
        words.append(
            Word(
                text,
                (x / scale, y / scale, (x + w) / scale, (y + h) / scale),
                conf / 100.0,
                block,
                data["line_num"][i],
            )
        )
    return words
