"""What the Review tab's buttons, clicks and keys do: each handler reads the tab's state (a plain dict),
calls the service and returns the whole view again. No business logic: docai.review decides.

The state: run_id, version (the one shown: saving names it, so a reviewer who was overtaken gets a
conflict instead of overwriting), field, page, path, image_size and pending (evidence picked on the
page for the value box).
"""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from docai.errors import DocaiError, InputError
from docai.results import Evidence
from docai.review import FieldView, default_reviewer
from docai.review_values import coerce_value, schema_at
from docai.storage.corrections import ReviewConflict
from docai.webui.history_tab import document_path_for_run
from docai.webui.review_page import Picked, parse_box, pick_box, pick_word, render_page
from docai.webui.tables import cell

_log = logging.getLogger(__name__)

QUEUE_HEADERS = ["run", "file", "schema", "status", "risk", "to review", "why"]
FIELD_HEADERS = ["field", "value", "engine value", "state", "conf", "why"]
EMPTY: dict[str, Any] = {}


def _frame(headers: list[str], rows: list[list[Any]]) -> Any:
    import pandas as pd

    return pd.DataFrame(rows, columns=headers)


def reviewer_of(request: gr.Request | None) -> str:
    """The logged-in (`--auth`) user, else the OS user running the app."""
    name = getattr(request, "username", None) if request is not None else None
    return str(name) if name else default_reviewer()


def queue_rows(items: list[Any]) -> list[list[Any]]:
    return [
        [i.run_id, i.file_name, i.schema, i.status, i.risk, f"{i.to_review}/{i.fields}", "; ".join(i.reasons)]
        for i in items
    ]


def field_rows(views: list[FieldView]) -> list[list[Any]]:
    return [
        [
            v.path,
            cell(v.value),
            cell(v.engine_value),
            v.state,
            f"{v.confidence:.2f}" if v.confidence is not None else "",
            "; ".join(v.reasons),
        ]
        for v in views
    ]


def _next_open(views: list[FieldView], after: str | None) -> str | None:
    """The next field still to confirm after `after` (wrapping), flagged ones first."""
    paths = [v.path for v in views]
    start = paths.index(after) + 1 if after in paths else 0
    order = paths[start:] + paths[:start]
    states = {v.path: v.state for v in views}
    for wanted in ("needs_review", "engine"):
        for p in order:
            if states[p] == wanted and p != after:
                return p
    return after if after in paths else (paths[0] if paths else None)


class ReviewActions:
    """The handlers, over one service."""

    def __init__(self, service: Any) -> None:
        self.service = service

    # -- the view ---------------------------------------------------------------------------------
    def view(self, st: dict[str, Any], message: str = "") -> tuple[Any, ...]:
        """(state, fields table, field, value, check, image, page, note, status) for the state's run."""
        if not st.get("run_id"):
            blank = _frame(FIELD_HEADERS, [])
            return st, blank, "", "", "", None, 1, "Open a file from the queue.", message
        run = self.service.reviews.run(int(st["run_id"]))
        views = self.service.reviews.fields(run)
        field = st.get("field") if st.get("field") in {v.path for v in views} else _next_open(views, None)
        chosen = next((v for v in views if v.path == field), None)
        evidence = run.extraction.evidence if run.extraction else {}
        page_no = st.get("page") if st.get("keep_page") else None
        if page_no is None and chosen is not None and chosen.evidence and chosen.evidence.page_no:
            page_no = chosen.evidence.page_no
        path = st.get("path") or document_path_for_run(run)
        shown = render_page(path, evidence, page_no, field, {v.path: v.state for v in views})
        image_size = list(shown.image.size) if shown.image is not None else [1, 1]
        version = run.review.version if run.review else 0
        new = {**st, "field": field, "page": shown.page_no, "path": path, "version": version}
        new.update(image_size=image_size, keep_page=False, pending=None)
        open_count = sum(v.state in ("needs_review", "engine") for v in views)
        status = (
            f"run {run.id} ({run.file_name}): {run.status}, version {version}, {open_count} field(s) open"
        )
        value = cell(chosen.value) if chosen else ""
        check = "; ".join(chosen.reasons) if chosen and chosen.reasons else ""
        table = _frame(FIELD_HEADERS, field_rows(views))
        return (
            new,
            table,
            field or "",
            value,
            check,
            shown.image,
            shown.page_no,
            shown.note,
            _join(message, status),
        )

    # -- queue and files --------------------------------------------------------------------------
    def list_queue(self, schema: str | None, batch: str | None) -> tuple[Any, Any]:
        try:
            items = self.service.review_queue(schema=schema or None, batch=(batch or "").strip() or None)
        except DocaiError as e:
            raise gr.Error(str(e), print_exception=False) from None
        labels = sorted({i.schema for i in items})
        return _frame(QUEUE_HEADERS, queue_rows(items)), gr.Dropdown(choices=labels)

    def open_run(self, run_id: float | None, st: dict[str, Any]) -> tuple[Any, ...]:
        if not run_id:
            raise gr.Error("click a file in the queue or type its run id", print_exception=False)
        try:
            return self.view({"run_id": int(run_id)})
        except DocaiError as e:
            raise gr.Error(str(e), print_exception=False) from None

    def next_file(self, st: dict[str, Any], schema: str | None, batch: str | None) -> tuple[Any, ...]:
        items = self.service.review_queue(schema=schema or None, batch=(batch or "").strip() or None)
        others = [i.run_id for i in items if i.run_id != st.get("run_id")]
        if not others:
            return self.view(st, "The queue has no other file.")
        return self.view({"run_id": others[0]})

    # -- fields -----------------------------------------------------------------------------------
    def pick_field(self, st: dict[str, Any], evt: gr.SelectData) -> tuple[Any, ...]:
        row = getattr(evt, "row_value", None)
        if not row or not st.get("run_id"):
            return self.view(st)
        return self.view({**st, "field": str(row[0])})

    def next_field(self, st: dict[str, Any]) -> tuple[Any, ...]:
        if not st.get("run_id"):
            return self.view(st)
        views = self.service.reviews.fields(self.service.reviews.run(int(st["run_id"])))
        return self.view({**st, "field": _next_open(views, st.get("field"))})

    def show_page(self, st: dict[str, Any], page: float | None) -> tuple[Any, ...]:
        return self.view({**st, "page": int(page or 1), "keep_page": True})

    def check_value(self, st: dict[str, Any], value: str) -> str:
        """The value as the schema types it, or why it is refused (shown as it is typed)."""
        if not st.get("run_id") or not st.get("field"):
            return ""
        run = self.service.reviews.run(int(st["run_id"]))
        prop = schema_at(self.service.reviews.schema_of(run), st["field"])
        try:
            typed = coerce_value(prop, value)
        except InputError as e:
            return f"refused: {e}"
        kind = (prop or {}).get("format") or (prop or {}).get("type") or "text"
        return f"ok: {typed!r} ({kind})" if typed is not None else "ok: empty (clears the field)"

    # -- saving -----------------------------------------------------------------------------------
    def _save(self, st: dict[str, Any], action: Any, done: str) -> tuple[Any, ...]:
        try:
            action()
        except ReviewConflict as e:
            return self.view({**st, "pending": None}, f"Conflict: {e}")
        except DocaiError as e:
            raise gr.Error(str(e), print_exception=False) from None
        run = self.service.reviews.run(int(st["run_id"]))
        views = self.service.reviews.fields(run)
        nxt = _next_open(views, st.get("field"))
        if run.status == "reviewed":
            done += f"; every field confirmed: run {run.id} is reviewed"
        return self.view({**st, "field": nxt}, done)

    def save_value(self, st: dict[str, Any], value: str, request: gr.Request) -> tuple[Any, ...]:
        if not st.get("run_id") or not st.get("field"):
            raise gr.Error("open a file and choose a field first", print_exception=False)
        pending = st.get("pending")
        evidence = Evidence.from_dict(pending) if pending else None
        field = st["field"]
        return self._save(
            st,
            lambda: self.service.correct(
                int(st["run_id"]),
                field,
                value,
                reviewer=reviewer_of(request),
                evidence=evidence,
                version=st["version"],
            ),
            f"Saved {field} = {value!r}",
        )

    def accept_field(self, st: dict[str, Any], request: gr.Request) -> tuple[Any, ...]:
        if not st.get("run_id") or not st.get("field"):
            raise gr.Error("open a file and choose a field first", print_exception=False)
        field = st["field"]
        return self._save(
            st,
            lambda: self.service.accept(
                int(st["run_id"]), [field], reviewer=reviewer_of(request), version=st["version"]
            ),
            f"Accepted {field}",
        )

    def accept_all(self, st: dict[str, Any], request: gr.Request) -> tuple[Any, ...]:
        if not st.get("run_id"):
            raise gr.Error("open a file first", print_exception=False)
        return self._save(
            st,
            lambda: self.service.accept(
                int(st["run_id"]), None, reviewer=reviewer_of(request), version=st["version"]
            ),
            "Accepted every open field",
        )

    # -- taking a value from the page -------------------------------------------------------------
    def _take(self, st: dict[str, Any], picked: Picked | None) -> tuple[dict[str, Any], str, str]:
        if picked is None:
            return st, gr.skip(), "no word there: click on a word or drag a box around the words"
        new = {**st, "pending": picked.evidence().to_dict()}
        return new, picked.text, self.check_value(st, picked.text)

    def click_page(self, st: dict[str, Any], evt: gr.SelectData) -> tuple[Any, ...]:
        """A click on the page image: the word under it fills the value box (and becomes the evidence)."""
        if not st.get("path") or not st.get("field") or not isinstance(evt.index, list | tuple):
            return st, gr.skip(), "open a file and choose a field first"
        x, y = float(evt.index[0]), float(evt.index[1])
        picked = pick_word(st["path"], int(st["page"]), (x, y), tuple(st["image_size"]))  # type: ignore[arg-type]
        return self._take(st, picked)

    def drag_box(self, st: dict[str, Any], box_text: str) -> tuple[Any, ...]:
        """A box dragged on the page image (pixels, from the page script): the words inside it."""
        box = parse_box(box_text)
        if box is None or not st.get("path") or not st.get("field"):
            return st, gr.skip(), "open a file and choose a field first"
        return self._take(st, pick_box(st["path"], int(st["page"]), box, tuple(st["image_size"])))  # type: ignore[arg-type]

    def export(self, st: dict[str, Any], schema: str | None) -> list[str]:
        """The reviewed values of the open file's schema (or the chosen one) as CSV."""
        import tempfile
        from pathlib import Path

        name = schema or (
            self.service.reviews.run(int(st["run_id"])).schema_hash if st.get("run_id") else None
        )
        if not name:
            raise gr.Error("open a file or choose a schema to export", print_exception=False)
        target = Path(tempfile.mkdtemp(prefix="docai-review-")) / "reviewed.csv"
        try:
            return [str(p) for p in self.service.export(name, "csv", target)]
        except DocaiError as e:
            raise gr.Error(str(e), print_exception=False) from None


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)
