"""Bundled schema names resolve without opening the database; saved names still come from it."""

from __future__ import annotations

import json
from pathlib import Path

from docai.options import Options
from docai.schema import example_schema
from docai.service import Service


def test_bundled_name_does_not_open_the_database(tmp_path: Path) -> None:
    with Service(Options(), db=str(tmp_path / "never.db")) as service:
        resolved = service.resolve_schema("invoice")
        assert resolved.schema["properties"].keys() == example_schema("invoice")["properties"].keys()
        assert service._db is None and not (tmp_path / "never.db").exists()


def test_saved_name_is_read_from_the_database(tmp_path: Path) -> None:
    mine = {"type": "object", "properties": {"po_number": {"type": "string"}}}
    with Service(Options(), db=str(tmp_path / "s.db")) as service:
        service.save_schema("purchase_order", json.dumps(mine))
    with Service(Options(), db=str(tmp_path / "s.db")) as service:
        assert set(service.resolve_schema("purchase_order").schema["properties"]) == {"po_number"}


def test_a_bundled_name_cannot_be_saved(tmp_path: Path) -> None:
    import pytest

    from docai.errors import OptionError

    mine = {"type": "object", "properties": {"po_number": {"type": "string"}}}
    with Service(Options(), db=str(tmp_path / "s.db")) as service:
        with pytest.raises(OptionError, match="bundled example") as e:
            service.save_schema("invoice", json.dumps(mine))
        assert e.value.exit_code == 2
        assert service.db.get_schema("invoice") is None  # nothing was stored under it
        # the name still means the bundled schema
        assert "po_number" not in service.resolve_schema("invoice").schema["properties"]
