"""The pure parts of the UI's views: cards, the evidence page HTML, advice, follow-up questions, the
VLM server check against a real local HTTP server, and the tab list."""

from __future__ import annotations

import http.server
import itertools
import json
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from docai.options import Options
from docai.results import Check, Evidence, FieldReport
from docai.service import _with_context
from docai.webui import cards, home, page_html, uploads
from docai.webui.common import what_to_do


def item(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "inv.pdf",
        "path": None,
        "status": "ok",
        "error": None,
        "data": {"invoice_number": "A-1", "total": 10.0, "due_date": None},
        "evidence": {
            "invoice_number": Evidence(1, (10, 10, 50, 20), "A-1", 0.9).to_dict(),
            "total": Evidence(1, (400, 700, 450, 712), "10.00", 0.8).to_dict(),
        },
        "fields": {},
        "review": [],
        "reasoning": None,
        "run_id": 3,
        "duration_s": 0.5,
        "cached": False,
    }
    base.update(kw)
    return base


def test_card_shows_review_reasons_failed_checks_and_ungrounded_fields() -> None:
    fields = {
        "total": FieldReport(0.4, True, [Check("sum", False, "items add up to 9.00")]).to_dict(),
        "invoice_number": FieldReport(0.2, False, []).to_dict(),
    }
    html = cards.card_html(item(status="review", fields=fields, review=["total does not add up"]))
    assert 'data-status="review"' in html and "needs review" in html
    assert "total does not add up" in html and "total: sum: items add up to 9.00" in html
    assert "invoice_number: value not found on the page" in html
    assert "lowest 20% (invoice_number)" in html
    assert "not found: due_date" in html


def test_card_for_a_failed_file_says_what_to_do_and_escapes() -> None:
    html = cards.card_html(item(name="<b>x</b>.pdf", status="failed", error="x.pdf: not a PDF or an image"))
    assert "&lt;b&gt;x&lt;/b&gt;.pdf" in html and "<b>x</b>" not in html
    assert "What to do: upload a PDF or an image" in html
    refused = cards.cards_html([], ["big.pdf: 60.0 MB is over the 50 MB limit per file"])
    assert "Not processed" in refused and "DOCAI_UI_MAX_UPLOAD_MB" in refused


def test_field_rows_are_long_form_with_flags() -> None:
    checks = [Check("sum", False, "off by 1"), Check("type", True), Check("format", True)]
    fields = {"total": FieldReport(0.4, True, checks).to_dict()}
    rows = cards.field_rows([item(fields=fields)])
    by_field = {r[1]: r for r in rows}
    assert set(by_field) == {"invoice_number", "total", "due_date"}
    assert by_field["total"][3:] == ["40%", "failed check", "✗ sum: off by 1; ✓ 2 passed"]
    assert by_field["invoice_number"][3] == "90%"  # the evidence's confidence when no report


def test_page_html_puts_labels_in_the_gutter_and_escapes() -> None:
    data = {"note": "<img src=x onerror=alert(1)>", "total": 5}
    it = item(
        data=data,
        evidence={
            "note": Evidence(1, (100, 421, 300, 431), "<img src=x onerror=alert(1)>").to_dict(),
            "total": Evidence(1, (100, 420, 200, 430), "5").to_dict(),
        },
        fields={"total": FieldReport(0.3, False, []).to_dict()},
    )
    marks = page_html.field_marks(it)
    out = page_html.page_html(Image.new("RGB", (60, 84), "white"), (600.0, 842.0), marks, "total", "Page 1")
    assert "<img src=x" not in out and "&lt;img src=x" in out
    assert 'class="docai-box weak sel" data-field="total"' in out
    assert "left:16.667%" in out and "top:49.881%" in out  # points as % of the page
    gutter = out.split('class="docai-gutter"', 1)[1]
    assert gutter.count("docai-label") == 2  # labels live beside the page, not on it
    assert "data:image/jpeg;base64," in out


def test_label_positions_never_overlap_and_stay_on_the_page() -> None:
    placed = page_html.label_positions([50.0, 50.1, 50.2, 99.0, 99.5], 842 / 595)
    gap = page_html.LABEL_HEIGHT_PX / (page_html.NOMINAL_WIDTH_PX * 842 / 595) * 100
    ordered = sorted(placed)
    assert all(b - a >= gap - 1e-9 for a, b in itertools.pairwise(ordered))
    assert max(placed) <= 100 and min(placed) >= 0
    assert placed[0] == 50.0


def test_what_to_do_gives_a_next_step() -> None:
    assert "password" in what_to_do("a.pdf: the PDF is encrypted; give its password")
    assert "Base URL" in what_to_do("cannot reach http://127.0.0.1:9/v1: ConnectError")
    assert "zip" in what_to_do("docs.zip: entry '../x.pdf' refused: unsafe path (outside the archive)")
    assert what_to_do("something odd")  # never empty


@pytest.mark.parametrize(
    ("question", "borrows"),
    [
        ("What was Q4 revenue?", False),
        ("What was EBITDA?", False),
        ("How much was net income in 2024?", False),
        ("and in 2023?", True),
        ("What about its margin?", True),
        ("in 2023?", True),
    ],
)
def test_only_real_follow_ups_borrow_the_previous_question(question: str, borrows: bool) -> None:
    history = [("What was total revenue in 2024?", "3,032.2")]
    asked = _with_context(question, history)
    assert (asked != question) is borrows
    assert _with_context(question, None) == question


@pytest.fixture
def models_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 answering GET /v1/models like an OpenAI-compatible server."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"data": [{"id": "openbmb/MiniCPM-V-4_5"}]}).encode()
            self.send_response(200 if self.path == "/v1/models" else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()


def test_vlm_status_reports_a_reachable_and_an_unreachable_server(models_server: str) -> None:
    usable, why = home.vlm_status(Options(engine="text", base_url=models_server))
    assert usable and "MiniCPM-V-4_5" in why
    usable, why = home.vlm_status(Options(engine="text", base_url="http://127.0.0.1:9/v1"))
    assert not usable and "cannot reach" in why
    assert not home.vlm_status(Options(engine="text", base_url=None))[0]


def test_unpack_zip_tells_each_refused_entry(tmp_path: Path) -> None:
    archive = tmp_path / "in.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../up.pdf", b"%PDF-1.4")
        zf.writestr("ok.pdf", b"%PDF-1.4 ok")
        zf.writestr("notes.txt", b"text")
        link = zipfile.ZipInfo("link.pdf")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
    told: list[str] = []
    out = uploads.unpack_zip(archive, tmp_path / "out", refused=told)
    assert [p.name for p in out] == ["0000_ok.pdf"]
    assert len(told) == 3 and all(t.startswith("in.zip: entry ") for t in told)
    assert any("'../up.pdf' refused: unsafe path" in t for t in told)
    assert any("'link.pdf' refused: a symbolic link" in t for t in told)
    assert any("'notes.txt' skipped" in t for t in told)


def extra_tab(ctx: Any) -> None:
    import gradio as gr

    gr.Markdown(f"extra tab over {type(ctx.service).__name__}", elem_id="extra")


def test_a_tab_is_one_line_in_the_tab_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docai.service import Service
    from docai.webui import app as app_module

    monkeypatch.setattr(app_module, "TABS", [*app_module.TABS, ("Extra", "extra", f"{__name__}:extra_tab")])
    with Service(Options(engine="text"), db=str(tmp_path / "ui.db")) as service:
        blocks = app_module.build_app(service)
    labels = [c["props"].get("label") for c in blocks.config["components"] if c["type"] == "tabitem"]
    assert labels == ["Extract", "Ask", "Batch", "History", "Review", "Extra"]


def test_a_cited_box_has_no_label_over_the_text() -> None:
    from docai.webui.evidence import BOX_COLOR, draw_boxes

    image = Image.new("RGB", (400, 200), "white")
    box = (50.0, 40.0, 100.0, 60.0)  # 2 px per point: pixels 100..200 x 80..120
    labelled = draw_boxes(image, (200.0, 100.0), [("total", box)])
    bare = draw_boxes(image, (200.0, 100.0), [("", box)])
    assert labelled.getpixel((104, 70)) == BOX_COLOR  # the label's fill above the box
    assert bare.getpixel((104, 70)) == (255, 255, 255)
    assert bare.getpixel((99, 100)) == BOX_COLOR  # the outline is still drawn
