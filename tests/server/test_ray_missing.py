"""Without Ray installed, the ray executor is a one-line error naming the extra to install."""

from __future__ import annotations

import pytest


def test_missing_ray_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from docai.errors import EngineUnavailable
    from docai.executors import ray_executor

    real_import = builtins.__import__

    def no_ray(name: str, *args, **kwargs):
        if name == "ray":
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)  # Ray is installed here; this hides it
    with pytest.raises(EngineUnavailable, match=r"pip install 'docai\[ray\]'"):
        ray_executor.require_ray()


def test_batch_refuses_an_unknown_executor(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    from docai.cli.main import main

    (tmp_path / "d").mkdir()
    assert main(["batch", str(tmp_path / "d"), "--fields", "total number", "--executor", "spark"]) == 2
    assert "local or ray" in capsys.readouterr().err
