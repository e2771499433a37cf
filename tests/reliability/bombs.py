"""Hostile and broken inputs built byte by byte (no library writes files like these)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def shared_stream_pdf(path: Path, pages: int) -> Path:
    """`pages` pages that all draw one shared content stream: tiny file, huge page count."""
    objs = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"",  # the page tree, filled below
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    content = b"BT /F1 11 Tf 72 720 Td (Total: 1) Tj ET"
    objs.append(b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream")
    first_page = len(objs) + 1
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    objs[1] = b"<</Type/Pages/Count %d/Kids[%s]>>" % (pages, kids)
    page = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 3 0 R>>>>>>"
    objs.extend([page] * pages)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def zero_pages_pdf(path: Path) -> Path:
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return path


def png(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims `width` x `height` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    body = chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + header + body)
    return path


def deep_schema(levels: int) -> str:
    """A JSON Schema nested `levels` objects deep."""
    head = '{"type": "object", "properties": {"a": ' * levels
    return head + '{"type": "string"}' + "}}" * levels


def wide_fields(count: int) -> str:
    return ", ".join(f"field_{i} number" for i in range(count))
