"""The web UI's engine inputs are the options they set: widgets made from the options' types, values typed
by them, and the three tab handlers take them in ENGINE_INPUT_OPTIONS order."""

from __future__ import annotations

import inspect

import gradio as gr
import pytest

from docai.errors import OptionError
from docai.options import Options, option_specs
from docai.webui.ask_tab import make_ask_handler
from docai.webui.batch_tab import make_batch_handler
from docai.webui.common import engine_overrides
from docai.webui.engine_inputs import ENGINE_INPUT_OPTIONS, LABELS, build_engine_inputs
from docai.webui.extract_tab import make_extract_handler


class _Service:
    options = Options(engine="text", model="m-1", think=False)


def test_inputs_are_options_with_labels() -> None:
    assert set(ENGINE_INPUT_OPTIONS) <= set(option_specs())
    assert set(LABELS) <= set(ENGINE_INPUT_OPTIONS)


@pytest.mark.parametrize("make", [make_extract_handler, make_ask_handler, make_batch_handler])
def test_handlers_take_the_inputs_in_order(make) -> None:
    params = [p for p in inspect.signature(make(_Service())).parameters if p != "progress"]
    assert tuple(params[-len(ENGINE_INPUT_OPTIONS) :]) == ENGINE_INPUT_OPTIONS


def test_widgets_follow_the_option_types_and_the_service() -> None:
    with gr.Blocks():
        inputs = build_engine_inputs(_Service())
    kinds = {name: type(w).__name__ for name, w in inputs.widgets.items()}
    assert kinds["think"] == kinds["force"] == "Checkbox"
    assert kinds["engine"] == "Dropdown" and kinds["model"] == kinds["lang"] == "Textbox"
    assert inputs.model.value == "m-1" and inputs.think.value is False
    assert inputs.pages.value == "" and inputs.force.value is False  # per-run inputs start blank
    assert [w.elem_id for w in inputs.all] == [n.replace("_", "-") for n in ENGINE_INPUT_OPTIONS]


def test_overrides_are_typed_and_blanks_dropped() -> None:
    got = engine_overrides("openai", " m ", "", False, " 1-2 ", False, "")
    assert got == {"engine": "openai", "model": "m", "think": False, "pages": "1-2"}
    assert engine_overrides(None, None, None, None, None, True, "eng")["force"] is True
    with pytest.raises(OptionError, match="think"):
        engine_overrides(None, None, None, "sometimes", None, False)  # type: ignore[arg-type]
