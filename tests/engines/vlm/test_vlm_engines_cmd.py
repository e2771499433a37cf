"""`docai engines`: what can run here and why not, through the real CLI entry point."""

from __future__ import annotations

import json

from docai.cli.main import main


def test_engines_json_lists_every_engine_with_reasons(server, capsys, tmp_path):
    code = main(["engines", "--json", "--base-url", server.url, "--model", str(tmp_path / "no-model")])
    assert code == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert {"text", "transformers", "openai"} <= set(rows)
    assert rows["openai"]["usable"] is True and server.url in rows["openai"]["why"]
    assert rows["transformers"]["usable"] is False and "not found locally" in rows["transformers"]["why"]


def test_engines_table_without_server(capsys, monkeypatch):
    monkeypatch.setenv("DOCAI_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert main(["engines"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "no" in lines["openai"].split() and "cannot reach http://127.0.0.1:9/v1" in lines["openai"]
