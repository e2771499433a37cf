"""The run commands' option flags are made from docai/options.py: every flagged option has its flag,
`--set KEY=VALUE` reaches any option, and bad names or values are one-line usage errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf
import pytest
import typer.main

from docai.cli.main import app, main
from docai.cli.run_cmds import ASK_OPTIONS, BATCH_OPTIONS, EXTRACT_OPTIONS
from docai.option_spec import specs_of
from docai.options import IngestOptions
from docai.storage import open_database


def _pdf(path: Path, pages: int = 1) -> Path:
    doc = pymupdf.open()
    for n in range(pages):
        doc.new_page().insert_text((72, 72), f"Total: {n + 1}2.50", fontsize=11)
    doc.save(path)
    doc.close()
    return path


def _command_flags(name: str) -> set[str]:
    group = typer.main.get_command(app)
    command = group.commands[name]  # type: ignore[attr-defined]
    return {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}


@pytest.mark.parametrize(
    ("command", "groups", "left_out"),
    [
        ("extract", EXTRACT_OPTIONS, set()),
        ("ask", ASK_OPTIONS, {"force"}),
        ("batch", BATCH_OPTIONS, set()),
        ("inspect", (IngestOptions,), set()),
    ],
)
def test_every_flagged_option_of_the_command_has_its_flag(command: str, groups: tuple, left_out: set) -> None:
    have = _command_flags(command)
    assert "--set" in have
    for group in groups:
        for name, spec in specs_of(group).items():
            if spec.flag and name not in left_out:
                for decl in spec.flag:
                    assert set(decl.split("/")) <= have, f"{command} lacks {decl}"
    if "force" in left_out:
        assert "--force" not in have


def _run_options(db: Path, stdout: str) -> dict:
    """The options stored with the run `docai extract` just printed."""
    database = open_database(str(db))
    try:
        return database.get_run(json.loads(stdout)["run_id"]).options
    finally:
        database.close()


def test_set_and_flags_reach_the_run(tmp_path: Path, fake_engine: type, monkeypatch, capsys) -> None:
    db = tmp_path / "runs.db"
    monkeypatch.setenv("DOCAI_DB", str(db))
    pdf = _pdf(tmp_path / "a.pdf")
    args = ["extract", str(pdf), "--fields", "total", "-e", "fake", "--max-pages", "7"]
    assert main([*args, "--set", "semantic=false", "--set", "image-format=jpeg"]) == 0
    stored = _run_options(db, capsys.readouterr().out)
    assert (stored["semantic"], stored["image_format"], stored["max_pages"]) == (False, "jpeg", 7)
    assert main([*args, "--set", "max_pages=3", "--max-pages", "4"]) == 0  # the flag wins over --set
    assert _run_options(db, capsys.readouterr().out)["max_pages"] == 4


def test_max_pages_flag_refuses_a_longer_document(tmp_path: Path, fake_engine: type, capsys) -> None:
    pdf = _pdf(tmp_path / "three.pdf", pages=3)
    code = main(["extract", str(pdf), "--fields", "total", "-e", "fake", "--max-pages", "2"])
    assert code == 3
    assert "3 pages, over the limit of 2" in capsys.readouterr().err
    assert main(["extract", str(pdf), "--fields", "total", "-e", "fake", "--max-pages", "3"]) == 0


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--set", "nope=1"], "unknown option 'nope' in --set"),
        (["--set", "think=maybe"], "option think in --set must be true or false"),
        (["--set", "slicing"], "give KEY=VALUE"),
        (["--min-confidence", "1.5"], "min-confidence must be at most 1"),
        (["--workers", "0"], "workers must be at least 1"),
        (["--server", "tgi"], "--server must be one of auto, vllm"),
    ],
)
def test_bad_option_is_a_one_line_usage_error(tmp_path: Path, extra: list[str], needle: str, cli) -> None:
    pdf = _pdf(tmp_path / "a.pdf")
    command = "batch" if "--workers" in extra else "extract"
    target = str(tmp_path) if command == "batch" else str(pdf)
    proc = cli(command, target, "--fields", "total", *extra)
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr


def test_config_options_lists_every_option(capsys) -> None:
    from docai.options import option_specs

    assert main(["config", "options", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["key"] for r in rows} == set(option_specs())
    by_key = {r["key"]: r for r in rows}
    assert by_key["max_pages"]["flag"] == "--max-pages" and by_key["max_pages"]["env"] == ["DOCAI_MAX_PAGES"]
    assert by_key["semantic"]["flag"] == "--set semantic=..." and by_key["semantic"]["section"] == "text"
    assert by_key["concurrency"]["changes_results"] is False


@pytest.mark.parametrize(
    ("config", "env", "needle"),
    [
        ("[text]\nmax_tokens = 3\n", {}, "unknown option 'max_tokens' in [text]"),
        ("typo_option = 1\n", {}, "unknown option 'typo_option'"),
        ("", {"DOCAI_MAX_PAGES": "many"}, "option max_pages in DOCAI_MAX_PAGES must be a whole number"),
    ],
)
def test_bad_config_or_variable_is_a_one_line_usage_error(
    tmp_path: Path, cli, monkeypatch, config, env, needle
):
    cfg = tmp_path / "config.toml"
    cfg.write_text(config)
    monkeypatch.setenv("DOCAI_CONFIG", str(cfg))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    proc = cli("config", "show")
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
