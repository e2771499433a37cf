"""Stored answers (with the documents they were asked over) and the key -> bytes blob cache."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from docai.errors import InputError, StorageError
from docai.results import Answer
from docai.storage.base import DatabaseBase
from docai.storage.models import AnswerDocument, AnswerRow, BlobRow, DocumentRow, utcnow
from docai.storage.records import AnswerRecord, answer_record

_log = logging.getLogger(__name__)


class DatabaseBlobCache:
    """`BlobCache` (docai.engines.base) backed by the blobs table; a put replaces the old value."""

    def __init__(self, db: DatabaseBase) -> None:
        self._db = db

    def get(self, key: str) -> bytes | None:
        return self._db._read(
            lambda s: s.scalar(select(BlobRow.value).where(BlobRow.key == key)), "reading a blob"
        )

    def put(self, key: str, value: bytes) -> None:
        if not isinstance(value, bytes | bytearray | memoryview):
            raise StorageError(f"blob {key!r} must be bytes, not {type(value).__name__}")
        data = bytes(value)

        def work(s: Session) -> None:
            row = s.scalar(select(BlobRow).where(BlobRow.key == key))
            if row is None:
                self._db._insert_ignore(
                    s, BlobRow, {"key": key, "value": data, "created_at": utcnow()}, ["key"]
                )
                row = s.scalar(select(BlobRow).where(BlobRow.key == key))
            if row is not None:
                row.value = data
                row.created_at = utcnow()

        self._db._write(work, "writing a blob")

    def delete(self, key: str) -> None:
        def work(s: Session) -> None:
            row = s.scalar(select(BlobRow).where(BlobRow.key == key))
            if row is not None:
                s.delete(row)

        self._db._write(work, "deleting a blob")


class AnswersMixin(DatabaseBase):
    def blob_cache(self) -> DatabaseBlobCache:
        return DatabaseBlobCache(self)

    def save_answer(self, document_ids: list[int], answer: Answer, duration_s: float) -> int:
        """Store an answer linked to its documents (in the order given); returns its id."""

        def work(s: Session) -> int:
            ids = list(dict.fromkeys(document_ids))
            known = set(s.scalars(select(DocumentRow.id).where(DocumentRow.id.in_(ids))))
            missing = [i for i in ids if i not in known]
            if missing:
                raise StorageError(f"no document with id {missing[0]}")
            row = AnswerRow(
                question=answer.question,
                text=answer.text,
                found=bool(answer.found),
                citations=[c.to_dict() for c in answer.citations],
                reasoning=answer.reasoning,
                raw_output=answer.raw_output,
                engine=answer.engine,
                model=answer.model,
                duration_s=float(duration_s),
                created_at=utcnow(),
                score=answer.score,
                notes=list(answer.notes),
                usage=dict(answer.usage) if answer.usage else None,
                also_retrieved=[c.to_dict() for c in answer.also_retrieved],
            )
            row.links = [AnswerDocument(document_id=d, position=i) for i, d in enumerate(ids)]
            s.add(row)
            s.flush()
            return row.id

        return self._write(work, "saving an answer")

    def list_answers(self, limit: int = 50, offset: int = 0) -> list[AnswerRecord]:
        """Answers, newest first."""

        def work(s: Session) -> list[AnswerRecord]:
            q = select(AnswerRow).order_by(AnswerRow.created_at.desc(), AnswerRow.id.desc()).offset(offset)
            rows = list(s.scalars(q.limit(limit) if limit and limit > 0 else q))
            return [self._answer(s, r) for r in rows]

        return self._read(work)

    def get_answer(self, answer_id: int) -> AnswerRecord:
        def work(s: Session) -> AnswerRecord:
            row = s.get(AnswerRow, answer_id)
            if row is None:
                raise InputError(f"no answer with id {answer_id}")
            return self._answer(s, row)

        return self._read(work)

    def _answer(self, s: Session, row: AnswerRow) -> AnswerRecord:
        links = sorted(row.links, key=lambda link: link.position)
        ids = [link.document_id for link in links]
        shas = dict(
            s.execute(select(DocumentRow.id, DocumentRow.sha256).where(DocumentRow.id.in_(ids))).all()
        )
        names = self._shown_names(s, ids)
        return answer_record(row, [(i, shas.get(i, ""), names.get(i, "")) for i in ids])
