"""Options checked once, before any file is read: a value that would fail every file is a usage error
(exit 2), not one failed run per file."""

from __future__ import annotations

import os
from pathlib import Path

from docai.errors import InputError, OptionError
from docai.option_spec import check_value
from docai.options import Options, option_specs


def check_values(options: Options) -> None:
    """OptionError naming the first option outside its choices (its `Literal` type) or its range."""
    for name, spec in option_specs().items():
        check_value(spec, getattr(options, name))


def check_options(options: Options) -> None:
    """OptionError naming the first option that can never work."""
    check_values(options)
    _check_pages(options.pages)
    if options.ocr != "never" and not (options.ocr == "auto" and _reads_page_images(options.engine)):
        _check_lang(options.lang)


def _reads_page_images(engine: str) -> bool:
    from docai.engines import engine_capabilities

    return engine_capabilities(engine).reads_page_images


def _check_pages(spec: str | None) -> None:
    from docai.parsers.page_ranges import check_page_spec

    try:
        check_page_spec(spec)
    except InputError as e:
        raise OptionError(f"--pages: {e}") from None


def _check_lang(lang: str) -> None:
    from docai.parsers.ocr import check_lang
    from docai.parsers.ocr_script import split_auto

    base, _ = split_auto(lang)
    try:
        check_lang(base)
    except InputError as e:
        raise OptionError(f"--lang: {e}") from None


def check_out_path(path: str | os.PathLike[str] | None) -> None:
    """OptionError unless `path` can be written (its folder is made if missing), before any work."""
    if path is None:
        return
    p = Path(path)
    if p.is_dir():
        raise OptionError(f"--out {p}: is a folder, give a file name")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        existed = p.exists()
        with p.open("a", encoding="utf-8"):
            pass
        if not existed:
            p.unlink()
    except OSError as e:
        raise OptionError(f"--out {p}: cannot write there ({e.strerror or e})") from None
