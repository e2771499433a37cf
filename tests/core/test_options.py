from pathlib import Path

import pytest

from docai.errors import InputError
from docai.options import load_options


def test_precedence_defaults_file_env_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('engine = "openai"\nconcurrency = 8\nlang = "deu"\n')
    monkeypatch.setenv("DOCAI_CONFIG", str(cfg))
    monkeypatch.setenv("DOCAI_CONCURRENCY", "12")
    monkeypatch.setenv("DOCAI_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    opts = load_options({"lang": "chi_sim", "think": None})
    assert opts.engine == "openai"  # file
    assert opts.concurrency == 12  # env beats file
    assert opts.lang == "chi_sim"  # flag beats everything
    assert opts.think is True  # None flag = not given
    assert opts.base_url == "http://127.0.0.1:9/v1"


def test_bad_values_are_input_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DOCAI_CONCURRENCY", "many")
    with pytest.raises(InputError, match="DOCAI_CONCURRENCY"):
        load_options()
    monkeypatch.delenv("DOCAI_CONCURRENCY")
    cfg = tmp_path / "c.toml"
    cfg.write_text("nonsense = 1\n")
    monkeypatch.setenv("DOCAI_CONFIG", str(cfg))
    with pytest.raises(InputError, match="nonsense"):
        load_options()


def test_result_key_has_no_secrets() -> None:
    opts = load_options({"api_key": "sk-secret", "password": "pw"})
    assert "sk-secret" not in str(opts.result_key())
    assert opts.public_dict()["api_key"] == "***"
