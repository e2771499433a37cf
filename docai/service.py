"""The service layer: the one place that loads documents, picks the engine, uses the cache and stores results.

The CLI, the web UI and library callers (`docai.extract`, `docai.ask`, `docai.batch`) all go through here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docai.document import Document, Page
from docai.engines import Engine, create_engine
from docai.errors import DocaiError, InputError
from docai.file_result import AskResult, BatchSummary, FileResult, ProgressEvent
from docai.options import Options, load_options
from docai.parsers import detect_mime, file_sha256, load_document
from docai.results import Answer
from docai.schema import ResolvedSchema, resolve_schema

if TYPE_CHECKING:
    from docai.storage import Database, RunRecord, SchemaInfo
    from docai.storage.records import DocumentInfo

_log = logging.getLogger(__name__)

__all__ = ["AskResult", "BatchSummary", "FileResult", "ProgressEvent", "Service", "ask", "batch", "extract"]

ProgressFn = Callable[[ProgressEvent], None]


def options_key(options: Options) -> str:
    """Hash of the options that change a result: part of the cache key."""
    canon = json.dumps(options.result_key(), sort_keys=True, default=str)
    return hashlib.sha256(canon.encode()).hexdigest()[:32]


def _engine_key(options: Options) -> str:
    d = options.public_dict()
    for k in ("pages", "force", "workers", "db", "extra", "password"):
        d.pop(k, None)
    d["api_key"] = options.api_key
    return json.dumps(d, sort_keys=True, default=str)


class Service:
    """docai's operations over one database and one set of default options."""

    def __init__(self, options: Options | None = None, *, db: str | None = None) -> None:
        self.options = options or load_options()
        self._db_url = db if db is not None else self.options.db
        self._db: Database | None = None
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()

    # -- plumbing -------------------------------------------------------------------------------------
    @property
    def db(self) -> Database:
        if self._db is None:
            from docai.storage import open_database

            self._db = open_database(self._db_url)
        return self._db

    def _options(self, overrides: dict[str, Any]) -> Options:
        unknown = set(overrides) - set(Options.__dataclass_fields__)
        if unknown:
            raise InputError(f"unknown option(s): {', '.join(sorted(unknown))}")
        given = {k: v for k, v in overrides.items() if v is not None}
        return self.options.replace(**given) if given else self.options

    def engine(self, options: Options) -> Engine:
        """One engine per distinct configuration, reused across calls (models load once)."""
        key = _engine_key(options)
        with self._lock:
            engine = self._engines.get(key)
            if engine is None:
                engine = create_engine(options)
                self._engines[key] = engine
            return engine

    def close(self) -> None:
        for engine in self._engines.values():
            engine.close()
        self._engines.clear()
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Service:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schemas --------------------------------------------------------------------------------------
    def resolve_schema(self, schema: Any) -> ResolvedSchema:
        return resolve_schema(schema, saved=self._saved_schema)

    def _saved_schema(self, name: str) -> dict[str, Any] | None:
        return self.db.get_schema(name)

    def list_schemas(self) -> list[SchemaInfo]:
        return self.db.list_schemas()

    def save_schema(self, name: str, schema: Any) -> ResolvedSchema:
        resolved = self.resolve_schema(schema)
        self.db.save_schema(resolved.schema, name)
        return ResolvedSchema(name, resolved.schema, resolved.hash)

    # -- extraction -----------------------------------------------------------------------------------
    def extract(
        self,
        paths: Sequence[str | Path] | str | Path,
        schema: Any,
        *,
        progress: ProgressFn | None = None,
        **overrides: Any,
    ) -> list[FileResult]:
        """Extract `schema` from each file. A bad file gives a `failed` result; it never stops the others."""
        options = self._options(overrides)
        resolved = self.resolve_schema(schema)
        schema_id, _ = self.db.save_schema(resolved.schema, resolved.name)
        files = [paths] if isinstance(paths, str | Path) else list(paths)
        engine = self.engine(options)
        return [
            self.extract_file(
                Path(p), resolved, schema_id, options, engine, index=i, total=len(files), progress=progress
            )
            for i, p in enumerate(files)
        ]

    def extract_file(
        self,
        path: Path,
        resolved: ResolvedSchema,
        schema_id: int,
        options: Options,
        engine: Engine | None = None,
        *,
        include_failed: bool = False,
        index: int = 0,
        total: int = 1,
        progress: ProgressFn | None = None,
    ) -> FileResult:
        """One file through cache, ingest, engine and storage. Failures become a `failed` FileResult."""
        started = time.perf_counter()
        name = str(path)
        # the model the engine will name in its result (a server's, when --model is not given), so a
        # cached run is found again: runs are stored under that name
        model = options.model or (engine.model if engine is not None else None)
        try:
            if not path.exists():
                raise InputError(f"{path}: no such file")
            if path.is_dir():
                raise InputError(f"{path}: is a directory, not a document")
            sha = file_sha256(path)
        except OSError as e:
            return FileResult.failed(name, f"{path}: cannot read ({e.strerror})", options.engine, model)
        except InputError as e:
            return FileResult.failed(name, str(e), options.engine, model)
        key = options_key(options)
        if not options.force:
            hit = self.db.find_cached_run(sha, resolved.hash, options.engine, model, key, include_failed)
            if hit is not None:
                return self._from_record(name, hit, cached=True, started=started)
        try:
            document = load_document(path, _ingest_options(options), sha256=sha)
        except DocaiError as e:
            try:
                size, mime = path.stat().st_size, detect_mime(path)
            except OSError:
                size, mime = 0, "application/octet-stream"
            doc_id = self.db.upsert_document(sha, path.name, size, mime, None)
            run_id = self.db.start_run(doc_id, schema_id, options.engine, model, options.result_key(), key)
            elapsed = time.perf_counter() - started
            self.db.fail_run(run_id, str(e), elapsed)
            return FileResult.failed(
                name, str(e), options.engine, model, sha256=sha, run_id=run_id, duration_s=elapsed
            )
        with document:
            doc_id = self.db.upsert_document(
                sha, path.name, document.size_bytes, document.mime, document.page_count
            )
            run_id = self.db.start_run(doc_id, schema_id, options.engine, model, options.result_key(), key)
            seen_pages = _record_pages(document)
            pages_total = len(document.page_numbers)

            def on_page(done: int, _total: int) -> None:
                if progress:
                    progress(ProgressEvent(name, index, total, done, pages_total, "page"))

            if progress:
                progress(ProgressEvent(name, index, total, 0, pages_total, "start"))
            error: str | None = None
            try:
                engine = engine or self.engine(options)
                extraction = engine.extract(document, resolved.schema, progress=on_page)
            except KeyboardInterrupt:  # stopped by the user: leave no unfinished run behind
                self.db.discard_run(run_id)
                raise
            except DocaiError as e:
                error = str(e)
            except Exception as e:  # an engine bug must not stop a batch; keep the reason
                _log.exception("engine %s crashed on %s", options.engine, path)
                error = f"internal error in engine {options.engine}: {type(e).__name__}: {e}"
            elapsed = time.perf_counter() - started
            if error is not None:
                self.db.fail_run(run_id, error, elapsed)
                return FileResult.failed(
                    name,
                    error,
                    options.engine,
                    model,
                    sha256=sha,
                    run_id=run_id,
                    duration_s=elapsed,
                    page_count=pages_total,
                )
            self.db.finish_run(run_id, extraction, elapsed)
            if seen_pages:
                self.db.save_pages(doc_id, sorted(seen_pages.values()))
        if progress:
            progress(ProgressEvent(name, index, total, pages_total, pages_total, "done"))
        return FileResult(
            file=name,
            sha256=sha,
            run_id=run_id,
            status=extraction.status,
            data=extraction.data,
            evidence=extraction.evidence,
            engine=extraction.engine or options.engine,
            model=extraction.model or model,
            duration_s=elapsed,
            error="; ".join(extraction.errors) or None,
            page_count=pages_total,
            extraction=extraction,
        )

    @staticmethod
    def _from_record(name: str, run: RunRecord, *, cached: bool, started: float) -> FileResult:
        ex = run.extraction
        return FileResult(
            file=name,
            sha256=run.sha256,
            run_id=run.id,
            status=run.status,
            data=ex.data if ex else None,
            evidence=ex.evidence if ex else {},
            engine=run.engine,
            model=run.model,
            duration_s=time.perf_counter() - started,
            cached=cached,
            error=run.error,
            extraction=ex,
        )

    # -- questions ------------------------------------------------------------------------------------
    def ask(
        self,
        paths: Sequence[str | Path] | str | Path,
        question: str,
        *,
        history: list[tuple[str, str]] | None = None,
        **overrides: Any,
    ) -> AskResult:
        """Answer `question` over all `paths` as one corpus, citing pages. A bad file is an InputError."""
        if not question or not question.strip():
            raise InputError("the question is empty")
        options = self._options(overrides)
        files = [paths] if isinstance(paths, str | Path) else list(paths)
        if not files:
            raise InputError("no document to ask about")
        started = time.perf_counter()
        documents = []
        try:
            for p in files:
                documents.append(load_document(p, _ingest_options(options)))
            doc_ids = [
                self.db.upsert_document(d.sha256, d.path.name, d.size_bytes, d.mime, d.page_count)
                for d in documents
            ]
            engine = self.engine(options)
            query = _with_context(question.strip(), history)
            answer = engine.ask(documents, query, cache=self.db.blob_cache())
        finally:
            for d in documents:
                d.close()
        answer = _restore_question(answer, question.strip())
        elapsed = time.perf_counter() - started
        answer_id = self.db.save_answer(doc_ids, answer, elapsed)
        return AskResult(answer, [str(p) for p in files], elapsed, answer_id)

    # -- batch ----------------------------------------------------------------------------------------
    def batch(
        self,
        folder: str | Path,
        schema: Any,
        *,
        glob: str | None = None,
        out: str | Path | None = None,
        retry_failed: bool = False,
        on_result: Callable[[FileResult], None] | None = None,
        progress: ProgressFn | None = None,
        **overrides: Any,
    ) -> BatchSummary:
        """Extract every document under `folder`; resumable (done files come from the cache)."""
        from docai.batch_runner import run_batch

        options = self._options(overrides)
        resolved = self.resolve_schema(schema)
        return run_batch(
            self,
            Path(folder),
            resolved,
            options,
            glob=glob,
            out=Path(out) if out else None,
            retry_failed=retry_failed,
            on_result=on_result,
            progress=progress,
        )

    # -- history and export ---------------------------------------------------------------------------
    def history(
        self,
        limit: int = 50,
        schema: str | None = None,
        status: str | None = None,
        query: str | None = None,
        since: datetime | None = None,
    ) -> list[RunRecord]:
        """Runs, newest first; `query` matches file names, `schema` a name or hash prefix."""
        return self.db.list_runs(limit=limit, schema=schema, status=status, query=query, since=since)

    def get_run(self, run_id: int) -> RunRecord | None:
        return self.db.get_run(run_id)

    def export(self, schema: str, fmt: str, path: str | Path, *, all_runs: bool = False) -> list[Path]:
        """Write a schema's results as a table (line items as a second one); returns the files written."""
        from docai.storage.export import FORMATS, export_runs

        if fmt not in FORMATS:
            raise InputError(f"unknown export format {fmt!r} (one of: {', '.join(FORMATS)})")
        runs = self.db.runs_for_schema(schema, latest_per_document=not all_runs)
        if not runs:
            raise InputError(f"no results stored for schema {schema!r}")
        return export_runs(runs, fmt, Path(path))  # type: ignore[arg-type]

    def get_schema(self, name: str) -> dict[str, Any] | None:
        return self.db.get_schema(name)

    def delete_schema(self, name: str) -> int:
        return self.db.delete_schema(name)

    def get_document(self, ref: str) -> DocumentInfo:
        return self.db.get_document(ref)

    def delete_document(self, ref: str) -> int:
        return self.db.delete_document(ref)


IMAGE_ENGINES = {"openai", "transformers"}


def _ingest_options(options: Options) -> Options:
    """VLM engines read page images: `--ocr auto` skips Tesseract for them (`always` still runs it)."""
    if options.engine in IMAGE_ENGINES and options.ocr == "auto":
        return options.replace(ocr="never")
    return options


def _record_pages(document: Document) -> dict[int, tuple[int, float, float, str, str]]:
    """Note each page's size, text source and text as the engine loads it, to store without reading twice."""
    seen: dict[int, tuple[int, float, float, str, str]] = {}
    load = document.load_page

    def recording_load(page_no: int) -> Page:
        page = load(page_no)
        seen[page_no] = (page.page_no, page.width, page.height, page.text_source, page.text)
        return page

    document.load_page = recording_load
    return seen


_FOLLOW_UP_WORDS = {"and", "what", "how", "which", "it", "its", "that", "this", "those", "they", "then"}


def _with_context(question: str, history: list[tuple[str, str]] | None) -> str:
    """A short follow-up ('and in 2023?') borrows the previous question's words for retrieval."""
    if not history:
        return question
    words = question.lower().split()
    if len(words) <= 6 and words and (words[0] in _FOLLOW_UP_WORDS or len(words) <= 3):
        return f"{history[-1][0]} {question}"
    return question


def _restore_question(answer: Answer, question: str) -> Answer:
    answer.question = question
    return answer


# -- the library API ---------------------------------------------------------------------------------------
def _service(db: str | None, overrides: dict[str, Any]) -> Service:
    return Service(load_options({k: v for k, v in overrides.items() if v is not None}), db=db)


def extract(
    paths: Sequence[str | Path] | str | Path, schema: Any, *, db: str | None = None, **options: Any
) -> FileResult | list[FileResult]:
    """Extract `schema` from one file (returns a FileResult) or several (returns a list)."""
    with _service(db, options) as service:
        results = service.extract(paths, schema)
    return results[0] if isinstance(paths, str | Path) else results


def ask(
    paths: Sequence[str | Path] | str | Path, question: str, *, db: str | None = None, **options: Any
) -> AskResult:
    """Answer `question` from the documents, citing pages."""
    with _service(db, options) as service:
        return service.ask(paths, question)


def batch(
    folder: str | Path,
    schema: Any,
    *,
    db: str | None = None,
    glob: str | None = None,
    out: str | Path | None = None,
    retry_failed: bool = False,
    **options: Any,
) -> BatchSummary:
    """Extract every document under `folder`, resuming a previous run."""
    with _service(db, options) as service:
        return service.batch(folder, schema, glob=glob, out=out, retry_failed=retry_failed)
