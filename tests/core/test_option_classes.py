"""The options classes are the one place options are declared: every reader (config file, environment,
cache key, engine key, checks) follows them, and unknown names are refused with the name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from docai.cache_key import engine_key, options_key
from docai.errors import OptionError
from docai.option_checks import check_values
from docai.option_spec import OptionSpec, specs_of
from docai.options import (
    ENGINE_OPTIONS,
    SECTIONS,
    Options,
    TextOptions,
    load_options,
    option_specs,
    typed_values,
)

DOCAI = Path(__file__).resolve().parents[2] / "docai"


def _other_value(spec: OptionSpec) -> Any:
    """A valid value of the option that differs from its default."""
    if spec.choices:
        return next(c for c in spec.choices if c != spec.default)
    if spec.kind is bool:
        return not spec.default
    if spec.kind is int:
        return (spec.default or 0) + 3
    if spec.kind is float:
        return min((spec.default or 0.0) + 0.5, spec.at_most) if spec.at_most else (spec.default or 0.0) + 7.5
    return "1-2" if spec.name == "pages" else f"other-{spec.name}"


def test_every_option_is_declared_in_one_class_of_a_section() -> None:
    groups = {cls.__name__ for cls in SECTIONS.values()}
    for name, spec in option_specs().items():
        assert spec.group in groups, name
        assert spec.help.strip(), name
    for cls in ENGINE_OPTIONS.values():
        assert specs_of(cls), cls  # declared with opt(); a field without it raises TypeError


@pytest.mark.parametrize("name", sorted(option_specs()))
def test_each_option_is_in_the_cache_key_or_declared_neutral(name: str) -> None:
    spec = option_specs()[name]
    base = Options()
    changed = base.replace(**{name: _other_value(spec)})
    check_values(changed)  # the changed value is a valid one
    if spec.neutral:
        assert options_key(changed) == options_key(base), f"{name} is declared neutral but moves the key"
    else:
        assert options_key(changed) != options_key(base), f"{name} can change a result but is not in the key"


@pytest.mark.parametrize("name", sorted(option_specs()))
def test_engine_key_follows_all_but_per_call_options(name: str) -> None:
    spec = option_specs()[name]
    base = Options()
    changed = base.replace(**{name: _other_value(spec)})
    assert (engine_key(changed) == engine_key(base)) is spec.per_call


@pytest.mark.parametrize("name", sorted(option_specs()))
def test_every_option_has_its_environment_variable(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = option_specs()[name]
    value = _other_value(spec)
    monkeypatch.setenv(f"DOCAI_{name.upper()}", str(value).lower() if spec.kind is bool else str(value))
    assert getattr(load_options(), name) == value


def test_unknown_names_are_refused_with_the_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(OptionError, match="'nope' in arguments"):
        load_options({"nope": 1})
    cfg = tmp_path / "config.toml"
    monkeypatch.setenv("DOCAI_CONFIG", str(cfg))
    cfg.write_text("[text]\nmax_tokens = 3\n")  # an option, but not the text engine's
    with pytest.raises(OptionError, match=r"'max_tokens' in \[text\]"):
        load_options()
    cfg.write_text("[nonsense]\nx = 1\n")
    with pytest.raises(OptionError, match="'nonsense'"):
        load_options()


def test_config_file_sections_and_legacy_extra_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        'engine = "openai"\n[openai]\nconcurrency = 8\nmax_tokens = 100\nimage_format = "jpeg"\n'
        "[text]\nsemantic = false\n[extra]\nembed_max_passages = 5000\n"
    )
    monkeypatch.setenv("DOCAI_CONFIG", str(cfg))
    opts = load_options()
    assert (opts.engine, opts.concurrency, opts.max_tokens, opts.image_format) == ("openai", 8, 100, "jpeg")
    assert opts.semantic is False and opts.embed_max_passages == 5000
    assert opts.section(TextOptions) == TextOptions(semantic=False, embed_max_passages=5000)


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        ({"think": "maybe"}, "think in here must be true or false, not 'maybe'"),
        ({"max_tokens": "lots"}, "max_tokens in here must be a whole number"),
        ({"temperature": True}, "temperature in here must be a number"),
        ({"lang": 3}, "lang in here must be text"),
        ({"ocr": None}, "ocr in here cannot be empty"),
    ],
)
def test_badly_typed_values_name_the_option(values: dict[str, Any], needle: str) -> None:
    with pytest.raises(OptionError, match=re.escape(needle)):
        typed_values(values, "here")


def test_values_are_typed_from_the_declared_types() -> None:
    typed = typed_values(
        {"think": "off", "max-tokens": "12", "min_confidence": 1, "db": Path("/tmp/x.db"), "semantic": "yes"},
        "here",
    )
    assert typed == {
        "think": False,
        "max_tokens": 12,
        "min_confidence": 1.0,
        "db": "/tmp/x.db",
        "semantic": True,
    }


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"slicing": "both"}, "--slicing must be one of server, client, not 'both'"),
        ({"image_format": "gif"}, "--set image_format must be one of png, jpeg, jpg"),
        ({"verify_with": "nope"}, "--verify-with must be one of text, openai, transformers"),
        ({"workers": 0}, "workers must be at least 1"),
        ({"min_confidence": 1.5}, "min-confidence must be at most 1"),
        ({"max_pages": -1}, "max-pages must be at least 0"),
    ],
)
def test_choices_and_ranges_come_from_the_declarations(change: dict[str, Any], needle: str) -> None:
    with pytest.raises(OptionError, match=re.escape(needle)):
        check_values(Options().replace(**change))


def test_server_choices_are_the_server_profiles() -> None:
    from docai.engines.vlm.servers import PROFILES, SERVER_CHOICES

    assert option_specs()["server"].choices == SERVER_CHOICES
    assert set(SERVER_CHOICES) - {"auto"} <= set(PROFILES)


def test_no_untyped_extra_is_read_anywhere() -> None:
    pattern = re.compile(r"options\.extra\b|\.extra\.get\(|\.extra\[")
    offenders = [
        f"{path.relative_to(DOCAI.parent)}:{n}"
        for path in sorted(DOCAI.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
    assert "extra" not in option_specs()


def test_secrets_are_masked_and_not_in_the_result_key() -> None:
    opts = Options(api_key="sk-secret", password="pw")
    assert {k for k, s in option_specs().items() if s.secret} == {"api_key", "password"}
    assert "sk-secret" not in str(opts.result_key()) and "pw" not in str(opts.result_key().values())
    assert opts.public_dict()["api_key"] == "***" and opts.public_dict()["password"] == "***"


def test_options_settable_per_request_are_options() -> None:
    from docai.server.inputs import REMOTE_OPTIONS

    assert set(REMOTE_OPTIONS) <= set(option_specs())
