"""docai's own schemas (bundled examples, `fields:` shorthand) skip the JSON Schema metaschema pass to
keep a cold start cheap; these tests check that skipping it loses nothing: each of them passes the
metaschema, and a user's schema is still checked against it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from docai.errors import SchemaError
from docai.schema import example_schema, example_schema_names, resolve_schema
from docai.schema.check import check_schema
from docai.schema.shorthand import _TYPES


@pytest.mark.parametrize("name", example_schema_names())
def test_bundled_examples_pass_the_metaschema(name: str) -> None:
    raw = example_schema(name)
    assert check_schema(raw, metaschema=True) == resolve_schema(name).schema


def test_every_shorthand_type_passes_the_metaschema() -> None:
    fields = ", ".join(f"f_{t} {t}" for t in _TYPES)
    lists = ", ".join(f"l_{t} list[{t}]" for t in _TYPES)
    spec = f"fields:{fields}, {lists}, items list[description, amount number, when date]"
    resolved = resolve_schema(spec)
    assert len(resolved.schema["properties"]) == 2 * len(_TYPES) + 1
    check_schema(resolved.schema, metaschema=True)


def test_a_users_schema_is_still_checked_against_the_metaschema() -> None:
    bad = {"type": "object", "properties": {"po": {"type": "string", "minLength": -1}}}
    with pytest.raises(SchemaError, match="invalid JSON Schema"):
        resolve_schema(bad)
    with pytest.raises(SchemaError, match="invalid JSON Schema"):
        resolve_schema('{"type": "object", "properties": {"po": {"type": "string", "maxLength": "x"}}}')


def test_resolving_a_bundled_name_imports_no_jsonschema() -> None:
    probe = (
        "import sys; from docai.schema import resolve_schema; resolve_schema('invoice'); "
        "resolve_schema('fields:total number'); print('jsonschema' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "False", out.stderr
