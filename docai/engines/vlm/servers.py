"""What each OpenAI-compatible server does differently with a vision-language model, in one table.

A `ServerProfile` says how thinking is switched, where reasoning comes back, whether a JSON grammar
and thinking work in the same request, and whether log-probabilities can be asked for. `--server auto`
(the default) picks the profile from what the server reports about itself in `GET /v1/models`
(`owned_by`); any name given explicitly wins. Facts behind the table: README, "Using MiniCPM-V 4.5";
only the vLLM row is checked here against a real server (`make test-serving`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from docai.errors import InputError

ServerName = Literal["vllm", "sglang", "llamacpp", "ollama", "openai"]
SERVER_CHOICES = ("auto", "vllm", "sglang", "llamacpp", "ollama", "openai")


@dataclass(frozen=True)
class ServerProfile:
    """How one kind of server is driven."""

    name: ServerName
    thinking: Literal["chat_template_kwargs", "reasoning_effort", "none"]
    """`chat_template_kwargs.enable_thinking` (vLLM, SGLang, llama.cpp with --jinja), `reasoning_effort`
    (Ollama's /v1, where "none" turns thinking off), or no switch at all (a hosted API)."""
    reasoning_fields: tuple[str, ...]
    """Message keys that may hold the reasoning, first found wins (`<think>` in content always works)."""
    schema_with_thinking: bool
    """False where a JSON grammar breaks thinking (llama.cpp): think unconstrained first, then a
    constrained second pass without thinking turns the reply into the schema."""
    logprobs: bool
    """Whether `logprobs: true` is sent (per-token log-probabilities for per-field confidence)."""

    def thinking_fields(self, think: bool) -> dict[str, Any]:
        """The request fields that switch thinking on or off on this server."""
        if self.thinking == "chat_template_kwargs":
            return {"chat_template_kwargs": {"enable_thinking": think}}
        if self.thinking == "reasoning_effort":
            return {} if think else {"reasoning_effort": "none"}
        return {}


PROFILES: dict[str, ServerProfile] = {
    "vllm": ServerProfile(
        "vllm",
        "chat_template_kwargs",
        ("reasoning", "reasoning_content"),
        schema_with_thinking=True,  # the grammar applies after </think>
        logprobs=True,
    ),
    "sglang": ServerProfile(
        "sglang", "chat_template_kwargs", ("reasoning_content", "reasoning"), True, logprobs=True
    ),
    "llamacpp": ServerProfile(
        "llamacpp", "chat_template_kwargs", ("reasoning_content", "reasoning"), False, logprobs=True
    ),
    "ollama": ServerProfile("ollama", "reasoning_effort", ("reasoning", "reasoning_content"), True, False),
    "openai": ServerProfile("openai", "none", ("reasoning", "reasoning_content"), True, logprobs=True),
}

_OWNERS = {"vllm": "vllm", "sglang": "sglang", "llamacpp": "llamacpp", "llama.cpp": "llamacpp"}


def detect_server(models_body: Any, base_url: str = "") -> tuple[ServerName, str]:
    """(profile name, why) from a `GET /models` body: vLLM, SGLang and llama.cpp name themselves in
    `owned_by`; Ollama says `library` (or the model's namespace) and listens on 11434 by default.
    Anything else is treated as a plain OpenAI-compatible API."""
    data = models_body.get("data") if isinstance(models_body, dict) else None
    owners = [str(m.get("owned_by", "")).lower() for m in data or [] if isinstance(m, dict)]
    for owner in owners:
        if owner in _OWNERS:
            return _OWNERS[owner], f"/models says owned_by {owner!r}"  # type: ignore[return-value]
    if "library" in owners or ":11434" in base_url:
        return "ollama", "owned_by 'library' or port 11434 (Ollama)"
    return "openai", "the server did not name itself; plain OpenAI-compatible requests"


def profile_for(name: str) -> ServerProfile:
    """The profile of an explicit `--server` name (not 'auto')."""
    try:
        return PROFILES[name]
    except KeyError:
        raise InputError(f"unknown server {name!r}: give one of {', '.join(SERVER_CHOICES)}") from None
