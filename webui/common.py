"""Glue shared by the tabs: reading the engine and schema inputs, storing uploads, showing errors.

No business logic: everything here only turns widget values into service arguments and back.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docai.errors import DocaiError, InputError
from docai.webui.engine_inputs import ENGINE_INPUT_OPTIONS, overrides_from_inputs
from docai.webui.schema_builder import schema_from_table
from docai.webui.uploads import StoredUpload, store_upload

_log = logging.getLogger(__name__)

SCHEMA_MODES = ("Saved or example", "JSON or shorthand", "Field table")


def ui_error(err: BaseException | str) -> Exception:
    """A gr.Error whose text is escaped: toasts may render HTML, messages may quote user input."""
    import gradio as gr

    return gr.Error(html.escape(str(err)), print_exception=False)


def engine_overrides(
    engine: str | None,
    model: str | None,
    base_url: str | None,
    think: bool | None,
    pages: str | None,
    force: bool,
    lang: str | None = None,
) -> dict[str, Any]:
    """Service overrides from the engine widgets (ENGINE_INPUT_OPTIONS order); blanks mean 'use the
    configured default'."""
    values = (engine, model, base_url, think, pages, force, lang)
    return overrides_from_inputs(dict(zip(ENGINE_INPUT_OPTIONS, values, strict=True)))


def table_rows(value: Any) -> list[list[Any]]:
    """Rows of a Dataframe input whatever shape gradio hands over (DataFrame, dict, list)."""
    if value is None:
        return []
    if hasattr(value, "values") and hasattr(value, "columns"):
        return [list(r) for r in value.values.tolist()]
    if isinstance(value, dict):
        return [list(r) for r in value.get("data") or []]
    return [list(r) for r in value]


def schema_input(mode: str | None, name: str | None, text: str | None, table: Any) -> Any:
    """What to hand `service.resolve_schema`: a name, JSON/shorthand text, or a schema dict."""
    mode = mode or SCHEMA_MODES[0]
    if mode == SCHEMA_MODES[2]:
        return schema_from_table(table_rows(table))
    if mode == SCHEMA_MODES[1]:
        if not text or not text.strip():
            raise InputError("the schema editor is empty: paste a JSON Schema or fields like 'total number'")
        return text
    if not name or not name.strip():
        raise InputError("choose a saved or example schema")
    return name.split(" (", 1)[0].strip()


def file_path(item: Any) -> str:
    """The local path of one gr.File value (str, dict or FileData-like)."""
    if isinstance(item, str | Path):
        return str(item)
    if isinstance(item, dict):
        return str(item.get("path") or item.get("name"))
    return str(getattr(item, "path", None) or getattr(item, "name", item))


def store_files(
    files: Sequence[Any] | Any | None, names: Sequence[str] | None = None
) -> tuple[list[StoredUpload], list[str]]:
    """Copy uploads under the data dir (shown as `names` when given). Returns the stored files and one
    error line per refused file."""
    if files is None:
        return [], []
    items = files if isinstance(files, list | tuple) else [files]
    stored: list[StoredUpload] = []
    errors: list[str] = []
    for i, item in enumerate(items):
        path = file_path(item)
        try:
            stored.append(store_upload(path, name=names[i] if names else Path(path).name))
        except DocaiError as e:
            errors.append(str(e))
    return stored, errors


def message_text(content: Any) -> str:
    """Plain text of a chatbot message's content (a string, a content dict, or a list of them)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    if isinstance(content, list | tuple):
        return "\n".join(t for t in (message_text(c) for c in content) if t)
    return str(getattr(content, "text", "") or "")


def chat_pairs(messages: Sequence[Any] | None) -> list[tuple[str, str]]:
    """(question, answer) pairs from chatbot messages (stored HTML-escaped), for service.ask(history=...)."""
    pairs: list[tuple[str, str]] = []
    pending: str | None = None
    for m in messages or []:
        role = m.get("role") if isinstance(m, dict) else getattr(m, "role", None)
        text = html.unescape(
            message_text(m.get("content") if isinstance(m, dict) else getattr(m, "content", None))
        )
        if role == "user":
            pending = text
        elif role == "assistant" and pending is not None:
            pairs.append((pending, text.split("\n\nCited:", 1)[0]))
            pending = None
    return pairs


_ADVICE = (
    (("over the", "mb limit"), "split or compress the file, or raise DOCAI_UI_MAX_UPLOAD_MB"),
    (("is empty",), "the file has no content: upload the document itself"),
    (("encrypted", "password"), "remove the PDF's password and upload it again"),
    (("not a pdf or an image", "not a readable", "damaged", "cannot be read"),
     "upload a PDF or an image (PNG, JPEG, TIFF, WebP); re-export the file if it is damaged"),
    (("unsafe path", "symbolic link", "outside the archive"),
     "that zip entry was skipped: zip the documents themselves, without links or paths leading out"),
    (("not a readable zip",), "upload a .zip made by a standard zip tool, or the documents one by one"),
    (("cannot reach", "connect", "server", "timed out", "http "),
     "start the model server (or fix its Base URL), or choose the text engine under Engine and options"),
    (("schema",), "fix the schema as the message says and run again"),
    (("page range", "past the end", "selects no page"), "fix the Pages box (e.g. 1-3,5) or leave it blank"),
    (("ocr language",), "use an installed language such as eng or chi_sim, or leave the box blank"),
)  # fmt: skip


def what_to_do(message: str) -> str:
    """A short next step for an error message a user sees."""
    low = (message or "").lower()
    for words, advice in _ADVICE:
        if any(w in low for w in words):
            return advice
    return "check the file and run again; the run and its error are kept in History"
