"""API keys of `docai serve`: made once (the token is shown then), kept only as a SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from docai.errors import InputError
from docai.storage.base import DatabaseBase
from docai.storage.job_models import ApiKeyRow
from docai.storage.models import utcnow

TOKEN_PREFIX = "dk_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class ApiKey:
    id: int
    name: str
    prefix: str
    rate_per_min: int
    max_upload_mb: float
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "prefix": self.prefix,
            "rate_per_min": self.rate_per_min,
            "max_upload_mb": self.max_upload_mb,
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
        }


def _key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        row.id,
        row.name,
        row.prefix,
        row.rate_per_min,
        row.max_upload_mb,
        row.created_at,
        row.revoked_at,
        row.last_used_at,
    )


class KeyStore:
    """Key queries over one `Database`."""

    def __init__(self, db: DatabaseBase) -> None:
        self.db = db

    def create(
        self, name: str, *, rate_per_min: int = 600, max_upload_mb: float = 50.0
    ) -> tuple[ApiKey, str]:
        """A new key and its token (returned only here)."""
        if not name.strip():
            raise InputError("a key needs a name")
        if rate_per_min < 1 or max_upload_mb <= 0:
            raise InputError("the rate must be at least 1 a minute and the upload limit above 0 MB")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)

        def work(s: Session) -> ApiKey:
            row = ApiKeyRow(
                name=name.strip(),
                prefix=token[:10],
                token_hash=token_hash(token),
                rate_per_min=rate_per_min,
                max_upload_mb=max_upload_mb,
                created_at=utcnow(),
            )
            s.add(row)
            s.flush()
            return _key(row)

        return self.db._write(work, "creating a key"), token

    def list(self) -> list[ApiKey]:
        def work(s: Session) -> list[ApiKey]:
            return [_key(r) for r in s.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))]

        return self.db._read(work, "listing keys")

    def verify(self, token: str) -> ApiKey | None:
        """The active key with this token, or None."""
        digest = token_hash(token)

        def work(s: Session) -> ApiKey | None:
            row = s.scalar(select(ApiKeyRow).where(ApiKeyRow.token_hash == digest))
            return _key(row) if row is not None and row.revoked_at is None else None

        return self.db._read(work, "checking a key")

    def touch(self, key_id: int) -> None:
        def work(s: Session) -> None:
            s.execute(update(ApiKeyRow).where(ApiKeyRow.id == key_id).values(last_used_at=utcnow()))

        self.db._write(work, "noting a key's use")

    def revoke(self, ref: str) -> int:
        """Revoke keys by id, name or token prefix; returns how many were revoked."""

        def work(s: Session) -> int:
            conds = [ApiKeyRow.name == ref, ApiKeyRow.prefix == ref]
            if ref.isdigit():
                conds.append(ApiKeyRow.id == int(ref))
            return s.execute(
                update(ApiKeyRow)
                .where(or_(*conds), ApiKeyRow.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            ).rowcount

        n = self.db._write(work, "revoking a key")
        if n == 0:
            raise InputError(f"no active key {ref!r}")
        return n
