"""JSON Schemas stored by content hash; names point at their most recently saved version."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from docai.errors import InputError, SchemaError
from docai.storage.base import DatabaseBase, is_hex_prefix
from docai.storage.models import RunRow, SchemaName, SchemaRow, utcnow
from docai.storage.records import SchemaInfo, schema_info

_log = logging.getLogger(__name__)


def canonical_json(schema: dict[str, Any]) -> str:
    return json.dumps(schema, sort_keys=True, separators=(",", ":"))


def schema_hash(schema: dict[str, Any]) -> str:
    """sha256 hex of the canonical JSON (sorted keys, no spaces): the schema's identity."""
    return hashlib.sha256(canonical_json(schema).encode("utf-8")).hexdigest()


class SchemasMixin(DatabaseBase):
    def save_schema(self, schema: dict[str, Any], name: str | None = None) -> tuple[int, str]:
        """Store a schema (same content = same row) and, if named, make `name` point at it."""
        if not isinstance(schema, dict):
            raise SchemaError("a schema must be a JSON object")
        try:
            digest = schema_hash(schema)
        except (TypeError, ValueError) as e:
            raise SchemaError(f"the schema is not plain JSON: {e}") from None
        name = name.strip() if name else None

        def work(s: Session) -> tuple[int, str]:
            now = utcnow()
            values = {"hash": digest, "json": schema, "name": name, "created_at": now}
            self._insert_ignore(s, SchemaRow, values, ["hash"])
            schema_id = s.scalar(select(SchemaRow.id).where(SchemaRow.hash == digest))
            assert schema_id is not None
            if name:
                s.execute(update(SchemaRow).where(SchemaRow.id == schema_id).values(name=name))
                link = {"name": name, "schema_id": schema_id, "saved_at": now}
                self._insert_ignore(s, SchemaName, link, ["name", "schema_id"])
                s.execute(
                    update(SchemaName)
                    .where(SchemaName.name == name, SchemaName.schema_id == schema_id)
                    .values(saved_at=now)
                )
            return schema_id, digest

        return self._write(work, "saving a schema")

    def get_schema(self, name_or_hash: str) -> dict[str, Any] | None:
        """A schema by name (its latest version), full hash or hash prefix (6+ chars); None if unknown."""

        def work(s: Session) -> dict[str, Any] | None:
            row = self._resolve_schema(s, name_or_hash)
            return dict(row.json) if row is not None else None

        return self._read(work)

    def get_schema_info(self, name_or_hash: str) -> SchemaInfo | None:
        def work(s: Session) -> SchemaInfo | None:
            row = self._resolve_schema(s, name_or_hash)
            return schema_info(row) if row is not None else None

        return self._read(work)

    def list_schemas(self) -> list[SchemaInfo]:
        """Every stored schema version, named ones first (by name), newest first within a name."""

        def work(s: Session) -> list[SchemaInfo]:
            rows = list(s.scalars(select(SchemaRow)))
            rows.sort(key=lambda r: (r.name is None, r.name or "", -r.created_at.timestamp(), -r.id))
            return [schema_info(r) for r in rows]

        return self._read(work)

    def delete_schema(self, name: str) -> int:
        """Forget a name. Versions left with no name and no runs are deleted; returns how many were."""

        def work(s: Session) -> int:
            ids = list(s.scalars(select(SchemaName.schema_id).where(SchemaName.name == name)))
            ids += list(s.scalars(select(SchemaRow.id).where(SchemaRow.name == name)))
            if not ids:
                raise InputError(f"no schema named {name!r}")
            s.execute(delete(SchemaName).where(SchemaName.name == name))
            removed = 0
            for schema_id in sorted(set(ids)):
                row = s.get(SchemaRow, schema_id)
                if row is None:
                    continue
                other = s.scalar(
                    select(SchemaName.name)
                    .where(SchemaName.schema_id == schema_id)
                    .order_by(SchemaName.saved_at.desc(), SchemaName.id.desc())
                    .limit(1)
                )
                row.name = other
                has_runs = s.scalar(select(RunRow.id).where(RunRow.schema_id == schema_id).limit(1))
                if other is None and has_runs is None:
                    s.delete(row)
                    removed += 1
            return removed

        return self._write(work, "deleting a schema")

    @staticmethod
    def _resolve_schema(s: Session, ref: str) -> SchemaRow | None:
        ref = (ref or "").strip()
        if not ref:
            return None
        latest = s.scalar(
            select(SchemaName.schema_id)
            .where(SchemaName.name == ref)
            .order_by(SchemaName.saved_at.desc(), SchemaName.id.desc())
            .limit(1)
        )
        if latest is not None:
            return s.get(SchemaRow, latest)
        row = s.scalar(select(SchemaRow).where(SchemaRow.hash == ref.lower()))
        if row is not None:
            return row
        if is_hex_prefix(ref):
            rows = list(s.scalars(select(SchemaRow).where(SchemaRow.hash.startswith(ref.lower())).limit(2)))
            if len(rows) > 1:
                raise InputError(f"schema hash prefix {ref!r} is ambiguous; give more characters")
            if rows:
                return rows[0]
        return None
