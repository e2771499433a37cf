"""Documents (by SHA-256 of their bytes), the names they were seen under, their pages, and deletion."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from docai.errors import InputError, StorageError
from docai.storage import core_writes
from docai.storage.base import DatabaseBase, is_hex_prefix
from docai.storage.models import (
    AnswerDocument,
    AnswerRow,
    DocumentName,
    DocumentRow,
    EvidenceRow,
    PageRow,
    ResultRow,
    RunRow,
    utcnow,
)

_log = logging.getLogger(__name__)


@dataclass
class DocumentInfo:
    id: int
    sha256: str
    names: list[str]
    size_bytes: int
    mime: str
    page_count: int | None
    first_seen: datetime


class DocumentsMixin(DatabaseBase):
    def upsert_document(
        self, sha256: str, filename: str, size_bytes: int, mime: str, page_count: int | None
    ) -> int:
        """The id of the document with these bytes; records `filename` as a name it was seen under."""
        return self._write(
            self.document_upsert(sha256, filename, size_bytes, mime, page_count), "saving a document"
        )

    def document_upsert(
        self, sha256: str, filename: str, size_bytes: int, mime: str, page_count: int | None
    ) -> Callable[[Session], int]:
        """`upsert_document`'s work, checked now, for a write transaction that does more."""
        sha = (sha256 or "").strip().lower()
        if len(sha) != 64 or not is_hex_prefix(sha):
            raise InputError(f"not a SHA-256 hex digest: {sha256!r}")
        if not filename:
            raise InputError("a document needs a file name")

        def work(s: Session) -> int:
            conn = s.connection()
            return core_writes.upsert_document(conn, sha, filename, size_bytes, mime, page_count, utcnow())

        return work

    def save_pages(self, document_id: int, pages: list[tuple[int, float, float, str, str]]) -> None:
        """Store (page_no, width, height, text_source, text) rows, replacing those page numbers."""
        if not pages:
            return
        self._write(lambda s: store_pages(s, document_id, pages), "saving pages")

    def get_pages(self, document_id: int) -> list[tuple[int, float, float, str, str]]:
        """The stored pages of a document, in page order."""

        def work(s: Session) -> list[tuple[int, float, float, str, str]]:
            rows = s.scalars(
                select(PageRow).where(PageRow.document_id == document_id).order_by(PageRow.page_no)
            )
            return [(r.page_no, r.width, r.height, r.text_source, r.text) for r in rows]

        return self._read(work)

    def get_document(self, ref: str) -> DocumentInfo:
        """A document by sha256 prefix (>= 6 hex chars) or file name; InputError if none or ambiguous."""
        return self._read(lambda s: self._document_info(s, self._resolve_document(s, ref)))

    def list_documents(self, limit: int = 100) -> list[DocumentInfo]:
        def work(s: Session) -> list[DocumentInfo]:
            ids = s.scalars(select(DocumentRow.id).order_by(DocumentRow.id.desc()).limit(limit))
            return [self._document_info(s, i) for i in ids]

        return self._read(work)

    def delete_document(self, ref: str) -> int:
        """Delete a document (sha256 prefix or file name) with its pages, runs, results, evidence and
        answer links; answers left without any document go too. Returns the number deleted (1)."""

        def work(s: Session) -> int:
            doc_id = self._resolve_document(s, ref)
            run_ids = select(RunRow.id).where(RunRow.document_id == doc_id)
            result_ids = select(ResultRow.id).where(ResultRow.run_id.in_(run_ids))
            s.execute(delete(EvidenceRow).where(EvidenceRow.result_id.in_(result_ids)))
            s.execute(delete(ResultRow).where(ResultRow.run_id.in_(run_ids)))
            s.execute(delete(RunRow).where(RunRow.document_id == doc_id))
            s.execute(delete(PageRow).where(PageRow.document_id == doc_id))
            s.execute(delete(DocumentName).where(DocumentName.document_id == doc_id))
            answer_ids = list(
                s.scalars(select(AnswerDocument.answer_id).where(AnswerDocument.document_id == doc_id))
            )
            s.execute(delete(AnswerDocument).where(AnswerDocument.document_id == doc_id))
            if answer_ids:
                still_linked = select(AnswerDocument.answer_id).where(
                    AnswerDocument.answer_id.in_(answer_ids)
                )
                s.execute(
                    delete(AnswerRow).where(AnswerRow.id.in_(answer_ids), AnswerRow.id.not_in(still_linked))
                )
            s.execute(delete(DocumentRow).where(DocumentRow.id == doc_id))
            _log.info("deleted document %d (%s)", doc_id, ref)
            return 1

        return self._write(work, "deleting a document")

    @staticmethod
    def _resolve_document(s: Session, ref: str) -> int:
        ref = (ref or "").strip()
        if not ref:
            raise InputError("give a document's sha256 prefix (6+ characters) or file name")
        by_name = set(s.scalars(select(DocumentName.document_id).where(DocumentName.name == ref)))
        by_sha: set[int] = set()
        if is_hex_prefix(ref):
            by_sha = set(s.scalars(select(DocumentRow.id).where(DocumentRow.sha256.startswith(ref.lower()))))
        found = by_name | by_sha
        if not found:
            hint = "" if is_hex_prefix(ref) or len(ref) >= 6 else " (a sha256 prefix needs 6+ characters)"
            raise InputError(f"no document matches {ref!r}{hint}")
        if len(found) > 1:
            shas = s.scalars(select(DocumentRow.sha256).where(DocumentRow.id.in_(found)))
            listing = ", ".join(sorted(h[:12] for h in shas))
            raise InputError(
                f"{ref!r} matches {len(found)} documents ({listing}); give a longer sha256 prefix"
            )
        return found.pop()

    @staticmethod
    def _document_info(s: Session, doc_id: int) -> DocumentInfo:
        doc = s.get(DocumentRow, doc_id)
        assert doc is not None
        names = sorted(doc.names, key=lambda n: (n.last_seen, n.id), reverse=True)
        return DocumentInfo(
            id=doc.id,
            sha256=doc.sha256,
            names=[n.name for n in names],
            size_bytes=doc.size_bytes,
            mime=doc.mime,
            page_count=doc.page_count,
            first_seen=doc.first_seen,
        )


def store_pages(s: Session, document_id: int, pages: list[tuple[int, float, float, str, str]]) -> None:
    """Inside a write transaction: (page_no, width, height, text_source, text) rows, replacing those
    page numbers; the last row of a page number given twice wins."""
    if s.get(DocumentRow, document_id) is None:
        raise StorageError(f"no document with id {document_id}")
    core_writes.store_pages(s.connection(), document_id, pages)
