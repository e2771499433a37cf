"""The engine inputs the Extract, Ask and Batch tabs share, made from the options they set (docai/options.py).

Each input is one option: a checkbox for a bool, a dropdown for one with choices (the engine's are the
registered engines), a text box otherwise; its help is the option's. The tab handlers take the inputs'
values in `ENGINE_INPUT_OPTIONS` order after their own (a test checks the three handlers against it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docai.options import option_specs, typed_values

ENGINE_INPUT_OPTIONS = ("engine", "model", "base_url", "think", "pages", "force", "lang")
"""The options the web UI's engine accordion sets, in the order the handlers take them."""

LABELS = {
    "engine": "Engine",
    "model": "Model (blank: engine default)",
    "base_url": "Base URL (openai engine)",
    "think": "Thinking (reasoning trace)",
    "pages": "Pages (e.g. 1-3,5; blank: all)",
    "force": "Ignore cached results",
    "lang": "OCR languages for scans (eng, chi_sim, eng+chi_sim; blank: auto, by each page's script)",
}
"""What the web UI calls each input (the option's name where missing)."""

PER_RUN = frozenset({"pages", "force", "lang"})
"""Inputs that start blank (a choice for this run) instead of at the service's configured value."""


@dataclass
class EngineInputs:
    """The widgets of ENGINE_INPUT_OPTIONS, by option name."""

    widgets: dict[str, Any]

    @property
    def all(self) -> list[Any]:
        return [self.widgets[name] for name in ENGINE_INPUT_OPTIONS]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["widgets"][name]
        except KeyError:
            raise AttributeError(name) from None


def _widget(name: str, value: Any) -> Any:
    import gradio as gr

    spec = option_specs()[name]
    label = LABELS.get(name, name)
    elem_id = name.replace("_", "-")
    if spec.kind is bool:
        return gr.Checkbox(value=bool(value), label=label, elem_id=elem_id)
    choices = list(spec.choices) if spec.choices else None
    if name == "engine":
        from docai.engines import engine_names

        choices = engine_names()
    if choices:
        return gr.Dropdown(choices, value=value, label=label, elem_id=elem_id)
    return gr.Textbox(value="" if value is None else str(value), label=label, elem_id=elem_id)


def build_engine_inputs(service: Any) -> EngineInputs:
    """The 'Engine and options' accordion, each input starting at the service's value."""
    import gradio as gr

    opts = service.options
    with gr.Accordion("Engine and options", open=False):
        widgets = {
            name: _widget(name, None if name in PER_RUN else getattr(opts, name))
            for name in ENGINE_INPUT_OPTIONS
        }
    return EngineInputs(widgets)


def overrides_from_inputs(values: dict[str, Any]) -> dict[str, Any]:
    """Service overrides from input values by option name: blanks (and an unticked `force`) mean 'use the
    configured default'; the rest typed as their option (OptionError for a bad value or name)."""
    given: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "" or (name == "force" and not value):
            continue
        given[name] = value
    return typed_values(given, "the engine inputs")
