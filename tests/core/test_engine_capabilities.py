"""The service and the batch runner read what engines declare, not lists of engine names."""

from __future__ import annotations

from docai.batch_runner import runs_in_threads
from docai.engines import Capabilities, Engine, engine_capabilities, register_engine
from docai.options import Options
from docai.service import _ingest_options


class _ImageServerEngine(Engine):
    """Declares what a VLM behind a server would; never asked to read a document here."""

    name = "caps-image-server"
    capabilities = Capabilities(reads_page_images=True, parallelism="threads")

    def extract(self, *args, **kwargs):  # pragma: no cover - not called
        raise NotImplementedError

    def ask(self, *args, **kwargs):  # pragma: no cover - not called
        raise NotImplementedError


def test_builtin_engines_declare_images_and_parallelism():
    assert engine_capabilities("openai").reads_page_images
    assert engine_capabilities("openai").parallelism == "threads"
    assert engine_capabilities("transformers").reads_page_images
    assert engine_capabilities("transformers").parallelism == "processes"
    assert not engine_capabilities("text").reads_page_images
    assert engine_capabilities("text").parallelism == "processes"


def test_unknown_engine_has_the_defaults():
    assert engine_capabilities("no-such-engine") == Capabilities()


def test_a_registered_engine_class_is_read_not_its_name():
    register_engine(_ImageServerEngine.name, _ImageServerEngine)
    assert runs_in_threads(_ImageServerEngine.name)
    assert not runs_in_threads("text")
    opts = Options(engine=_ImageServerEngine.name, ocr="auto")
    assert _ingest_options(opts).ocr == "never"
    assert _ingest_options(Options(engine="text", ocr="auto")).ocr == "auto"
    assert _ingest_options(opts.replace(ocr="always")).ocr == "always"


def test_a_registered_factory_function_gets_the_defaults():
    register_engine("caps-factory", lambda options: _ImageServerEngine(options))
    assert engine_capabilities("caps-factory") == Capabilities()
