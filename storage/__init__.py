"""docai.storage: SQLAlchemy models, Alembic migrations and the `Database` API over them."""

from docai.storage.connection import default_database_url
from docai.storage.database import Database, open_database
from docai.storage.records import AnswerRecord, RunRecord, SchemaInfo
from docai.storage.schemas import schema_hash

__all__ = [
    "AnswerRecord",
    "Database",
    "RunRecord",
    "SchemaInfo",
    "default_database_url",
    "open_database",
    "schema_hash",
]
