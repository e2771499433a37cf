"""Pure helpers of the web UI: uploads, zip safety, drawing, the field-table schema, result tables."""

from __future__ import annotations

import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from docai.errors import InputError, SchemaError
from docai.results import Evidence
from docai.schema import check_schema
from docai.webui import evidence, schema_builder, tables, uploads


def test_store_upload_names_by_hash_and_sniffed_type(text_pdf, tmp_path: Path) -> None:
    pdf = text_pdf("../../evil name.pdf.exe", [[(72, 72, "hello world there")]])
    stored = uploads.store_upload(pdf, name="../../etc/passwd")
    assert stored.path.parent == uploads.data_dir() / "uploads"
    assert stored.path.name == f"{stored.sha256}.pdf"
    assert stored.name == "passwd"
    assert stored.named_path == stored.path.parent / stored.sha256 / "passwd.pdf"
    assert stored.named_path.read_bytes() == pdf.read_bytes()
    again = uploads.store_upload(pdf, name="<img src=x>发票 2024.PDF")
    assert again.path == stored.path and again.named_path.name == "img src_x_发票 2024.pdf"
    assert stored.path.read_bytes() == pdf.read_bytes()
    assert uploads.find_stored(stored.sha256) == stored.path
    text = tmp_path / "notes.pdf"
    text.write_text("just some text, no document")
    assert uploads.store_upload(text).path.suffix == ".bin"


def test_store_upload_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * 3000)
    with pytest.raises(InputError, match="limit"):
        uploads.store_upload(big, max_bytes=1000)
    monkeypatch.setenv("DOCAI_UI_MAX_UPLOAD_MB", "0.001")
    with pytest.raises(InputError, match="over the"):
        uploads.store_upload(big)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        uploads.store_upload(empty)


def test_unpack_zip_refuses_traversal_and_bombs(tmp_path: Path) -> None:
    archive = tmp_path / "in.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../../escape.pdf", b"%PDF-1.4 bad")
        zf.writestr("/abs/escape.pdf", b"%PDF-1.4 bad")
        zf.writestr("docs/a.pdf", b"%PDF-1.4 good a")
        zf.writestr("b.png", b"\x89PNG good b")
        zf.writestr("readme.txt", b"skip me")
    out = uploads.unpack_zip(archive, tmp_path / "out")
    assert [p.name for p in out] == ["0000_a.pdf", "0001_b.png"]
    assert all(p.parent == tmp_path / "out" for p in out)
    assert not list(tmp_path.rglob("escape.pdf"))
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.pdf", b"\0" * 200_000)
    with pytest.raises(InputError, match="exceed"):
        uploads.unpack_zip(bomb, tmp_path / "out2", max_total_bytes=100_000)
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="zip"):
        uploads.unpack_zip(tmp_path / "junk.zip", tmp_path / "out3")


def test_draw_boxes_scales_points_to_pixels() -> None:
    page = (200.0, 100.0)  # points
    image = Image.new("RGB", (400, 200), "white")  # 2 px per point
    out = evidence.draw_boxes(image, page, [("total", (50.0, 40.0, 100.0, 60.0))])
    assert image.getpixel((99, 100)) == (255, 255, 255)  # the input is not changed
    assert out.getpixel((99, 100)) == evidence.BOX_COLOR  # 50 pt -> 100 px, outline 2 px outside
    assert out.getpixel((150, 100)) == (255, 255, 255)  # inside the box stays clear
    assert out.getpixel((300, 190)) == (255, 255, 255)
    assert evidence.scale_bbox((50, 40, 100, 60), page, (400, 200)) == (100, 80, 200, 120)
    selected = evidence.draw_boxes(image, page, [("total", (50.0, 40.0, 100.0, 60.0))], selected="total")
    assert selected.getpixel((99, 100)) == evidence.SELECTED_COLOR


def test_draw_grid_lines() -> None:
    image = Image.new("RGB", (300, 200), "white")
    out = evidence.draw_grid(image, (3, 2))
    assert out.getpixel((100, 50)) == evidence.GRID_COLOR
    assert out.getpixel((50, 100)) == evidence.GRID_COLOR
    assert out.getpixel((50, 50)) == (255, 255, 255)
    assert evidence.draw_grid(image, None).getpixel((100, 50)) == (255, 255, 255)
    assert evidence.slice_grid_for_page(595, 842) is not None  # an A4 page is sliced


def test_render_evidence_page_from_a_real_pdf(text_pdf) -> None:
    pdf = text_pdf("two.pdf", [[(72, 100, "page one")], [(72, 100, "Total: $5.00")]])
    ev = {"total": Evidence(page_no=2, bbox=(72.0, 90.0, 160.0, 102.0), text="Total: $5.00", confidence=0.9)}
    view = evidence.render_evidence_page(pdf, ev, show_grid=True)
    assert view.page_no == 2 and view.page_count == 2
    assert view.image is not None and "1 field box" in view.note and "slice grid" in view.note
    x0, y0, _, _ = evidence.scale_bbox(ev["total"].bbox, (595, 842), view.image.size)
    assert view.image.getpixel((x0 - 2, y0 + 3)) == evidence.BOX_COLOR
    missing = evidence.render_evidence_page(pdf.with_name("gone.pdf"), ev)
    assert missing.image is None and "not available" in missing.note
    details = evidence.describe_field(ev, "total", 5.0)
    assert "page: 2" in details and "confidence: 0.90" in details and "source text: Total: $5.00" in details


def test_schema_from_table_round_trip() -> None:
    rows = [
        ["invoice_number", "text", "The invoice id"],
        ["total", "number", ""],
        ["issue_date", "date", None],
        ["items[].description", "text", ""],
        ["items[].amount", "money", ""],
        ["", "", ""],
    ]
    schema = schema_builder.schema_from_table(rows)
    check_schema(schema)
    props = schema["properties"]
    assert props["invoice_number"] == {"type": "string", "description": "The invoice id"}
    assert props["issue_date"]["format"] == "date"
    assert props["items"]["items"]["properties"]["amount"] == {"type": "number"}
    back = schema_builder.table_from_schema(schema)
    assert schema_builder.schema_from_table(back) == schema


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "empty"),
        ([["total", "banana", ""]], "unknown type"),
        ([["bad name", "text", ""]], "field name"),
        ([["a", "text", ""], ["a", "number", ""]], "twice"),
        ([["items", "text", ""], ["items[].x", "text", ""]], "both"),
    ],
)
def test_schema_from_table_errors(rows: list[list[str]], message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        schema_builder.schema_from_table(rows)


def test_result_tables() -> None:
    ok = SimpleNamespace(
        file="a.pdf",
        status="ok",
        error=None,
        data={
            "total": 12.5,
            "paid": True,
            "items": [{"description": "Pen", "amount": 2}, {"description": "Ink"}],
        },
    )
    bad = SimpleNamespace(file="b.txt", status="failed", error="b.txt: not a PDF", data=None)
    headers, rows = tables.file_rows([ok, bad])
    assert headers == ["file", "status", "error", "total", "paid", "items"]
    assert rows[0] == ["a.pdf", "ok", "", "12.5", "yes", "2 item(s)"]
    assert rows[1] == ["b.txt", "failed", "b.txt: not a PDF", "", "", ""]
    headers, rows = tables.item_rows([ok, bad])
    assert headers == ["file", "list", "#", "description", "amount"]
    assert rows == [["a.pdf", "items", "1", "Pen", "2"], ["a.pdf", "items", "2", "Ink", ""]]
    assert tables.value_at(ok.data, "items[1].description") == "Ink"
    assert tables.value_at(ok.data, "items[5].description") is None
    assert tables.field_paths(ok.data, {"extra": 1}) == [
        "total",
        "paid",
        "items[0].description",
        "items[0].amount",
        "items[1].description",
        "extra",
    ]
