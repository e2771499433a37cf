"""Migrations: an old database is upgraded on open without losing rows; models match migrations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from docai.errors import StorageError
from docai.storage import default_database_url, open_database
from docai.storage.connection import make_engine
from docai.storage.migrate import current_revision, head_revision, upgrade


def test_database_at_first_revision_is_upgraded_without_losing_rows(db_url: str) -> None:
    engine = make_engine(db_url)
    assert upgrade(engine, "0001") == "0001"
    now = "2024-05-01 10:00:00"
    with engine.begin() as conn:
        # no explicit ids: PostgreSQL sequences must stay in step (a fresh database numbers from 1)
        sha, digest, schema_json = "ab" * 32, "cd" * 32, json.dumps({"properties": {"total": {}}})
        rows = [
            "INSERT INTO documents (sha256, size_bytes, mime, page_count, first_seen) "
            f"VALUES ('{sha}', 10, 'application/pdf', 2, '{now}')",
            "INSERT INTO document_names (document_id, name, first_seen, last_seen) "
            f"VALUES (1, 'old.pdf', '{now}', '{now}')",
            "INSERT INTO schemas (name, hash, json, created_at) "
            f"VALUES ('inv', '{digest}', '{schema_json}', '{now}')",
            f"INSERT INTO schema_names (name, schema_id, saved_at) VALUES ('inv', 1, '{now}')",
            "INSERT INTO runs (document_id, schema_id, engine, model, options, options_key, status, "
            "started_at, finished_at, duration_s) "
            f"VALUES (1, 1, 'text', NULL, '{{}}', 'k', 'ok', '{now}', '{now}', 1.5)",
            "INSERT INTO results (run_id, data, notes, errors) VALUES (1, '{\"total\": 7}', '[]', '[]')",
            "INSERT INTO answers (question, text, found, citations, engine, duration_s, created_at) "
            f"VALUES ('q?', 'yes', TRUE, '[{{\"page_no\": 2}}]', 'text', 0.5, '{now}')",
            "INSERT INTO answer_documents (answer_id, document_id, position) VALUES (1, 1, 0)",
        ]
        for sql in rows:
            conn.execute(text(sql))
    with engine.connect() as conn:
        cols = {c["name"] for c in inspect(conn).get_columns("answers")}
    assert "score" not in cols  # really the old schema
    engine.dispose()

    db = open_database(db_url)
    try:
        assert db.revision() == head_revision() != "0001"
        run = db.get_run(1)
        assert run is not None and run.file_name == "old.pdf" and run.schema_name == "inv"
        assert run.extraction.data == {"total": 7} and run.status == "ok"
        assert run.started_at.isoformat().startswith("2024-05-01T10:00:00")
        [answer] = db.list_answers()
        assert (
            answer.text == "yes" and answer.answer.citations[0].page_no == 2 and answer.answer.score is None
        )
        assert db.get_schema("inv") == {"properties": {"total": {}}}
        # the new columns work
        from docai.results import Answer

        new_id = db.save_answer([1], Answer("q2", "no", False, score=0.3, usage={"input_tokens": 1}), 0.1)
        assert db.get_answer(new_id).answer.score == 0.3
    finally:
        db.close()


def test_models_and_migrations_agree(db: object) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from docai.storage.models import Base

    with db.engine.connect() as conn:  # type: ignore[attr-defined]
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_database_from_a_newer_docai_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    open_database(path).close()
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    assert current_revision(engine) == "9999_future"
    engine.dispose()
    with pytest.raises(StorageError, match="newer"):
        open_database(path)


def test_unusable_locations_are_storage_errors(tmp_path: Path) -> None:
    not_db = tmp_path / "notes.txt"
    not_db.write_text("this is not a database, just text that is long enough to be a header" * 20)
    with pytest.raises(StorageError):
        open_database(not_db)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="cannot create"):
        open_database(blocker / "sub" / "docai.db")
    with pytest.raises(StorageError):
        open_database("nosuchdialect://user@host/db")
    with pytest.raises(StorageError, match="SQLite or PostgreSQL, not mysql"):
        open_database("mysql+pymysql://user@host/db")  # a dialect docai has no write statements for
    with pytest.raises(StorageError):
        open_database("postgresql+psycopg2://nobody@127.0.0.1:1/none")


def test_default_location_follows_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCAI_DB", str(tmp_path / "here.db"))
    assert default_database_url() == f"sqlite:///{tmp_path / 'here.db'}"
    monkeypatch.setenv("DOCAI_DB", "postgresql+psycopg2://u@h/db")
    assert default_database_url() == "postgresql+psycopg2://u@h/db"
    monkeypatch.delenv("DOCAI_DB")
    monkeypatch.setenv("DOCAI_HOME", str(tmp_path / "home"))
    assert default_database_url() == f"sqlite:///{tmp_path / 'home' / 'docai.db'}"
    db = open_database()
    try:
        assert (tmp_path / "home" / "docai.db").is_file() and db.revision() == head_revision()
    finally:
        db.close()
    monkeypatch.delenv("DOCAI_HOME")
    import platformdirs

    assert default_database_url().startswith("sqlite:///" + platformdirs.user_data_dir("docai"))


def test_head_from_the_files_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    from docai.storage.migrate import alembic_config, declared_revisions

    scripts = ScriptDirectory.from_config(alembic_config())
    chain = declared_revisions()
    assert chain is not None and set(chain) == {s.revision for s in scripts.walk_revisions()}
    assert all(chain[s.revision] == s.down_revision for s in scripts.walk_revisions())
    assert head_revision() == scripts.get_current_head()


def test_opening_a_current_database_does_not_import_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "current.db"
    open_database(path).close()  # the first open migrates (Alembic is needed then)
    code = (
        "import sys; from docai.storage import open_database;"
        f"db = open_database({str(path)!r}); print(db.revision(), 'alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [head_revision(), "False"]
