"""The service layer: the one place that loads documents, picks the engine, uses the cache and stores results.

The CLI, the web UI and library callers (`docai.extract`, `docai.ask`, `docai.batch`) all go through here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docai.cache_key import engine_key, engine_version, options_key
from docai.document import Document
from docai.engines import Engine, create_engine, engine_capabilities
from docai.errors import DocaiError, InputError
from docai.file_result import AskResult, BatchSummary, FileResult, ProgressEvent
from docai.option_checks import check_options, check_out_path
from docai.options import Options, load_options, typed_values
from docai.parsers import detect_mime, file_sha256, load_document
from docai.parsers.page_ranges import parse_page_ranges
from docai.parsers.pdf import check_access
from docai.results import Answer
from docai.schema import ResolvedSchema, refuse_bundled_name, resolve_schema
from docai.verify import check_extraction, remember_pages

if TYPE_CHECKING:
    from docai.review import Reviews
    from docai.storage import Database, RunRecord, SchemaInfo
    from docai.storage.claims import LeaseKeeper
    from docai.storage.database import DocumentFacts
    from docai.storage.records import DocumentInfo

_log = logging.getLogger(__name__)

__all__ = ["AskResult", "BatchSummary", "FileResult", "ProgressEvent", "Service", "ask", "batch", "extract"]

ProgressFn = Callable[[ProgressEvent], None]

CLAIMED = "claimed"
"""Status of a `deferred` result: another live process is working on this document now."""
CLAIM_POLL_S = 0.5
HELD, DONE = "held", "done"  # docai.storage.claims' answers (storage is imported lazily)


@dataclass(frozen=True)
class _Job:
    """One file to extract, and the cache key its result is stored under."""

    path: Path
    sha: str
    resolved: ResolvedSchema
    schema_id: int
    options: Options
    key: str


def claim_key(sha: str, schema_hash: str, engine: str, model: str | None, key: str) -> str:
    from docai.storage.claims import claim_key as storage_claim_key

    return storage_claim_key(sha, schema_hash, engine, model, key)


def _checked_sha256(path: Path) -> str:
    """The file's SHA-256, or InputError for a missing file, a folder or an unreadable one."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a document")
    try:
        return file_sha256(path)
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None


def _size_and_mime(path: Path) -> tuple[int, str]:
    try:
        return path.stat().st_size, detect_mime(path)
    except OSError:
        return 0, "application/octet-stream"


def _renamed_error(error: str, stored_name: str, name: str) -> str:
    """A cached failure's message names the file at hand, not the one the same bytes failed under."""
    head, sep, rest = error.partition(": ")
    if sep and head != name and (head == stored_name or Path(head).name == stored_name):
        return f"{name}: {rest}"
    return error


def _selected_pages(count: int | None, pages: str | None) -> int | None:
    """How many pages `--pages` selects of a stored document (for the progress line of cached files)."""
    if count is None:
        return None
    try:
        return len(parse_page_ranges(pages, count))
    except InputError:
        return count


class Service:
    """docai's operations over one database and one set of default options."""

    def __init__(self, options: Options | None = None, *, db: str | None = None) -> None:
        self.options = options or load_options()
        self._db_url = db if db is not None else self.options.db
        self._db: Database | None = None
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()
        self._lease: LeaseKeeper | None = None

    # -- plumbing -------------------------------------------------------------------------------------
    @property
    def db_url(self) -> str | None:
        """What `db` opens (a path or URL; None: the default database); nothing is opened here."""
        return self._db_url

    @property
    def db(self) -> Database:
        if self._db is None:
            from docai.storage import open_database

            self._db = open_database(self._db_url)
        return self._db

    def _options(self, overrides: dict[str, Any]) -> Options:
        given = typed_values({k: v for k, v in overrides.items() if v is not None}, "arguments")
        options = self.options.replace(**given) if given else self.options
        check_options(options)  # a value that would fail every file fails once, before any work
        return options

    def engine(self, options: Options) -> Engine:
        """One engine per distinct configuration, reused across calls (models load once)."""
        key = engine_key(options)
        with self._lock:
            engine = self._engines.get(key)
            if engine is None:
                engine = create_engine(options)
                self._engines[key] = engine
            return engine

    def close(self) -> None:
        if self._lease is not None:
            self._lease.stop()
            self._lease = None
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
        """Save `schema` under `name`; a bundled example's name is refused (it would never be found:
        bundled names are looked up first, see `docai.schema`)."""
        refuse_bundled_name(name)
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
        defer_claimed: bool = False,
    ) -> FileResult:
        """One file through cache, claim, ingest, engine and storage. Failures become a `failed` result.

        A document another live process has claimed is waited for (then served from the cache), or, with
        `defer_claimed`, returned at once with status `claimed` for the caller to come back to.
        """
        started = time.perf_counter()
        name = str(path)
        try:
            sha = _checked_sha256(path)
            engine = engine or self.engine(options)
        except DocaiError as e:
            return FileResult.failed(name, str(e), options.engine, options.model, error_code=e.exit_code)
        if options.model is None and engine.model:
            # the model the engine will name in its result (a server's, when --model is not given), so a
            # cached run is found again: runs are stored under that name
            options = options.replace(model=engine.model)
        job = _Job(
            path,
            sha,
            resolved,
            schema_id,
            options,
            options_key(options, engine_version(options.engine, engine)),
        )
        while True:
            if not options.force:
                hit = self._cached(job, include_failed, started)
                if hit is not None:
                    return hit
            outcome = self._claim_and_run(job, engine, index, total, progress, started, include_failed)
            if outcome == DONE:
                continue  # another process finished it a moment ago: its result is in the cache now
            if isinstance(outcome, FileResult):
                return outcome
            if defer_claimed:
                return FileResult(name, sha, None, CLAIMED, None, {}, options.engine, options.model, 0.0)
            time.sleep(CLAIM_POLL_S)

    def _cached(self, job: _Job, include_failed: bool, started: float) -> FileResult | None:
        """The stored result for this exact job, if any (an encrypted PDF must be opened again first)."""
        o = job.options
        hit = self.db.find_cached_run(job.sha, job.resolved.hash, o.engine, o.model, job.key, include_failed)
        if hit is None:
            return None
        try:
            if hit.status != "failed":  # a stored failure holds no content to protect: served as it is
                check_access(job.path, o.password)
        except InputError as e:
            return FileResult.failed(str(job.path), str(e), o.engine, o.model, sha256=job.sha, error_code=3)
        result = self._from_record(str(job.path), hit, cached=True, started=started)
        result.page_count = _selected_pages(hit.page_count, o.pages)
        if result.error:
            result.error = _renamed_error(result.error, hit.file_name, job.path.name)
        return result

    def _claim_and_run(
        self,
        job: _Job,
        engine: Engine,
        index: int,
        total: int,
        progress: ProgressFn | None,
        started: float,
        include_failed: bool,
    ) -> FileResult | str:
        """Load, claim and run; HELD when another live process holds the claim, DONE when it finished
        the same job since the cache was looked up (nothing was done either way)."""
        o, name = job.options, str(job.path)
        try:
            document: Document | None = load_document(job.path, _ingest_options(o), sha256=job.sha)
            load_error: DocaiError | None = None
        except DocaiError as e:
            document, load_error = None, e
        try:
            if document is not None:
                facts = (job.sha, job.path.name, document.size_bytes, document.mime, document.page_count)
            else:
                size, mime = _size_and_mime(job.path)
                facts = (job.sha, job.path.name, size, mime, None)
            run_id = self._claim(job, facts, include_failed)
            if isinstance(run_id, str):
                return run_id
            if load_error is not None or document is None:
                elapsed = time.perf_counter() - started
                message = str(load_error)
                code = load_error.exit_code if load_error else 1
                self.db.fail_run(run_id, message, elapsed, code)
                return FileResult.failed(
                    name, message, o.engine, o.model, sha256=job.sha, run_id=run_id, duration_s=elapsed,
                    error_code=code,
                )  # fmt: skip
            return self._run_engine(job, engine, document, run_id, index, total, progress, started)
        finally:
            if document is not None:
                document.close()

    def _claim(self, job: _Job, facts: DocumentFacts, include_failed: bool) -> int | str:
        """Record the document and claim its run, in one write transaction."""
        o = job.options
        key = claim_key(job.sha, job.resolved.hash, o.engine, o.model, job.key)
        run_id = self.db.claim_document_run(
            facts, key, job.schema_id, o.engine, o.model, o.result_key(), job.key,
            unless_done=not o.force, include_failed=include_failed,
        )  # fmt: skip
        if isinstance(run_id, int) and self._lease is None:
            from docai.storage.claims import LeaseKeeper

            self._lease = LeaseKeeper(self.db)
        return run_id

    def _run_engine(
        self,
        job: _Job,
        engine: Engine,
        document: Document,
        run_id: int,
        index: int,
        total: int,
        progress: ProgressFn | None,
        started: float,
    ) -> FileResult:
        o, name, resolved = job.options, str(job.path), job.resolved
        remember_pages(document)  # the verification stage reads the engine's pages, not OCR again
        pages_total = len(document.page_numbers)

        def on_page(done: int, _total: int) -> None:
            if progress:
                progress(ProgressEvent(name, index, total, done, pages_total, "page"))

        if progress:
            progress(ProgressEvent(name, index, total, 0, pages_total, "start"))
        error: str | None = None
        code = 1
        try:
            extraction = engine.extract(document, resolved.schema, progress=on_page)
            extraction = check_extraction(extraction, document, resolved.schema, o, self.engine)
        except KeyboardInterrupt:  # stopped by the user: leave no unfinished run behind
            self.db.discard_run(run_id)
            raise
        except DocaiError as e:
            error, code = str(e), e.exit_code
        except Exception as e:  # an engine bug must not stop a batch; keep the reason
            _log.exception("engine %s crashed on %s", o.engine, job.path)
            error = f"internal error in engine {o.engine}: {type(e).__name__}: {e}"
        elapsed = time.perf_counter() - started
        if error is not None:
            self.db.fail_run(run_id, error, elapsed, code)
            return FileResult.failed(
                name, error, o.engine, o.model, sha256=job.sha, run_id=run_id, duration_s=elapsed,
                page_count=pages_total, error_code=code,
            )  # fmt: skip
        self.db.finish_run(run_id, extraction, elapsed, pages=sorted(document.loaded.values()) or None)
        if progress:
            progress(ProgressEvent(name, index, total, pages_total, pages_total, "done"))
        return FileResult(
            file=name,
            sha256=job.sha,
            run_id=run_id,
            status=extraction.status,
            data=extraction.data,
            evidence=extraction.evidence,
            engine=extraction.engine or o.engine,
            model=extraction.model or o.model,
            duration_s=elapsed,
            error="; ".join(extraction.errors) or None,
            page_count=pages_total,
            extraction=extraction,
        )

    @staticmethod
    def _from_record(name: str, run: RunRecord, *, cached: bool, started: float) -> FileResult:
        return FileResult.from_run(run, name, time.perf_counter() - started, cached=cached)

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
        executor: str = "local",
        ray_address: str | None = None,
        **overrides: Any,
    ) -> BatchSummary:
        """Extract every document under `folder`; resumable (done files come from the cache).

        `executor="ray"` runs each file as a task on the Ray cluster at `ray_address`."""
        from docai.batch_runner import run_batch

        options = self._options(overrides)
        check_out_path(out)
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
            executor=executor,
            ray_address=ray_address,
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
        self.reviews.annotate(runs)  # a column per field's review state
        return export_runs(runs, fmt, Path(path))  # type: ignore[arg-type]

    def get_schema(self, name: str) -> dict[str, Any] | None:
        return self.db.get_schema(name)

    # -- review (docai/review.py) ----------------------------------------------------------------------
    @property
    def reviews(self) -> Reviews:
        """The review queue, accept and correct over this service's database."""
        from docai.review import Reviews

        return Reviews(self.db)

    def review_queue(
        self, schema: str | None = None, batch: str | Path | None = None, limit: int = 0
    ) -> list[Any]:
        return self.reviews.queue(schema=schema, batch=batch, limit=limit)

    def correct(self, run_id: int, field: str, value: Any, *, reviewer: str | None = None, **kw: Any) -> Any:
        """Set a field of a run to a person's value (a new version; kw: evidence, version)."""
        from docai.review import default_reviewer

        return self.reviews.correct(run_id, field, value, reviewer or default_reviewer(), **kw)

    def accept(
        self, run_id: int, fields: list[str] | None = None, *, reviewer: str | None = None, **kw: Any
    ) -> Any:
        """Confirm a run's fields as they are (all open ones when none are named; kw: version)."""
        from docai.review import default_reviewer

        return self.reviews.accept(run_id, fields, reviewer or default_reviewer(), **kw)

    def delete_schema(self, name: str) -> int:
        return self.db.delete_schema(name)

    def get_document(self, ref: str) -> DocumentInfo:
        return self.db.get_document(ref)

    def delete_document(self, ref: str) -> int:
        return self.db.delete_document(ref)


def _ingest_options(options: Options) -> Options:
    """VLM engines read page images: `--ocr auto` skips Tesseract for them (`always` still runs it),
    unless `--verify-with` needs the words of scans for its second reading and for grounding."""
    if (
        options.ocr == "auto"
        and not options.verify_with
        and engine_capabilities(options.engine).reads_page_images
    ):
        return options.replace(ocr="never")
    return options


_FOLLOW_UP_STARTS = {"and", "also", "then", "or", "but"}
_REFERRING_WORDS = {"it", "its", "that", "those", "these", "they", "them", "their", "same"}
_PREPOSITIONS = {"in", "for", "at", "on", "during", "by", "from", "over"}


def _with_context(question: str, history: list[tuple[str, str]] | None) -> str:
    """A short follow-up ('and in 2023?', 'what about its margin?') borrows the previous question's words.

    A question that stands on its own ('What was Q4 revenue?') is answered as asked, so its answer
    never depends on what was asked before.
    """
    if not history:
        return question
    words = [w.strip("?,.!:;") for w in question.lower().split()]
    follow_up = (
        len(words) <= 6
        and bool(words)
        and (
            words[0] in _FOLLOW_UP_STARTS
            or words[:2] in (["what", "about"], ["how", "about"])
            or any(w in _REFERRING_WORDS for w in words)
            or (len(words) <= 2 and words[0] in _PREPOSITIONS)
        )
    )
    return f"{history[-1][0]} {question}" if follow_up else question


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
