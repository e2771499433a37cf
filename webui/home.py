"""The first screen: what docai does, which engine is in use and whether a VLM server answers,
where the data lives, and the bundled example one click away."""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

from docai.webui.uploads import uploads_dir

_log = logging.getLogger(__name__)

ENGINE_WORDS = {
    "text": "text: the PDF text layer or Tesseract OCR, layout rules and a small offline model, on the CPU",
    "openai": "openai: page images sent to an OpenAI-compatible server serving MiniCPM-V",
    "transformers": "transformers: MiniCPM-V run in this process (needs the weights, ideally a GPU)",
}


def example_invoice() -> Path | None:
    """The bundled example invoice (examples/invoice.pdf next to the package), when it is installed."""
    path = Path(__file__).resolve().parents[1] / "examples" / "invoice.pdf"
    return path if path.is_file() else None


def vlm_status(options: Any) -> tuple[bool, str]:
    """Whether the configured OpenAI-compatible server answers (a 2 s check), in words."""
    from docai.engines import engine_status

    status = engine_status("openai", options)
    return status.usable, status.why


def data_location(service: Any) -> str:
    """Where results and uploads are kept: the database (password masked) and the uploads folder."""
    try:
        db = service.db.display_url
    except Exception as e:  # an unreachable database is shown, not raised: the page must still load
        db = f"cannot open the database: {e}"
    return f"Database: {db} · uploads: {uploads_dir()}"


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def status_html(service: Any) -> str:
    """The engine in use, the VLM server's state and the data location, for the first screen."""
    opts = service.options
    usable, why = vlm_status(opts)
    vlm = (
        f'<span class="docai-badge docai-ok">VLM server reachable</span> {_e(why)}'
        if usable
        else f'<span class="docai-badge docai-review">no VLM server</span> {_e(why)}'
    )
    engine = ENGINE_WORDS.get(opts.engine, opts.engine)
    return (
        f'<div class="docai-panel" id="engine-status"><div>Engine in use: <b>{_e(engine)}</b></div>'
        f'<div style="margin-top:0.35rem">{vlm}</div>'
        f'<div class="docai-meta" id="data-location" style="margin-top:0.35rem">'
        f"{_e(data_location(service))}</div>"
        "</div>"
    )


def welcome_html(has_example: bool) -> str:
    """What docai does and how to start, in three steps."""
    start = (
        "Or press <b>Try the example invoice</b> to see a result in a few seconds."
        if has_example
        else "The bundled example is not installed here; upload any invoice or receipt."
    )
    return (
        '<div class="docai-panel" id="welcome"><h3>Turn PDFs and scans into checked data</h3>'
        "<p>docai reads invoices, receipts, statements and reports and fills the fields of a schema. "
        "Every value is linked to the box on the page it came from, with a confidence and the checks "
        "it passed, so you can see why to trust it. <b>Ask</b> answers questions with cited pages; "
        "<b>Batch</b> runs many files or a zip; <b>History</b> keeps every run and answer.</p>"
        '<ol class="docai-steps"><li>Upload a PDF or an image (left).</li>'
        "<li>Choose a schema: a bundled example such as invoice, or your own fields.</li>"
        "<li>Press <b>Extract</b>: one card per file, then each value on its page.</li></ol>"
        f"<p>{start}</p></div>"
    )
