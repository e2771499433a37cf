"""Flag types shared by commands (typer Annotated aliases), so every command spells an option the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Engine = Annotated[str | None, typer.Option("--engine", "-e", help="text | transformers | openai")]
Model = Annotated[str | None, typer.Option("--model", "-m", help="Model id or local path.")]
BaseUrl = Annotated[
    str | None, typer.Option("--base-url", help="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
]
ApiKey = Annotated[
    str | None, typer.Option("--api-key", help="API key for --base-url (or DOCAI_OPENAI_API_KEY).")
]
Server = Annotated[
    str | None,
    typer.Option("--server", help="auto | vllm | sglang | llamacpp | ollama | openai (openai engine)."),
]
Think = Annotated[bool | None, typer.Option("--think/--no-think", help="Thinking mode for VLM engines.")]
Pages = Annotated[str | None, typer.Option("--pages", help="Page ranges, e.g. 1-3,7.")]
Password = Annotated[str | None, typer.Option("--password", help="Password of encrypted PDFs.")]
Ocr = Annotated[str | None, typer.Option("--ocr", help="auto | always | never")]
Lang = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="OCR languages, e.g. eng, chi_sim, eng+deu, taken as given; auto (default) = eng plus the "
        "installed pack for a weak page's script; eng+deu+auto adds that to eng+deu.",
    ),
]
Rasterizer = Annotated[str | None, typer.Option("--rasterizer", help="pymupdf | pdf2image")]
Concurrency = Annotated[int | None, typer.Option("--concurrency", help="Parallel requests (openai engine).")]
Slicing = Annotated[str | None, typer.Option("--slicing", help="server | client (openai engine).")]
MaxTokens = Annotated[int | None, typer.Option("--max-tokens", help="Cap on generated tokens.")]
PagesPerRequest = Annotated[
    int | None,
    typer.Option("--pages-per-request", help="Page images per VLM request (default: from the budget)."),
]
MaxContext = Annotated[
    int | None, typer.Option("--max-context", help="The model's context budget in tokens.")
]
Device = Annotated[
    str | None, typer.Option("--device", help="auto | cuda | cuda:1 | mps | cpu (transformers).")
]
Dtype = Annotated[
    str | None, typer.Option("--dtype", help="auto | bfloat16 | float16 | float32 (transformers).")
]
LoadIn4bit = Annotated[
    bool | None, typer.Option("--load-in-4bit/--no-load-in-4bit", help="4-bit weights (needs bitsandbytes).")
]
VerifyWith = Annotated[
    str | None,
    typer.Option("--verify-with", help="A second engine (text) whose reading each field must agree with."),
]
MinConfidence = Annotated[
    float | None,
    typer.Option(
        "--min-confidence",
        min=0.0,
        max=1.0,
        help="Least confidence of every field for `ok` (default: calibrated).",
    ),
]
Force = Annotated[bool, typer.Option("--force", help="Run again even if a cached result exists.")]
Schema = Annotated[
    str | None,
    typer.Option(
        "--schema", "-s", help="JSON Schema file, JSON text, saved name, or example (invoice, ...)."
    ),
]
Fields = Annotated[
    str | None,
    typer.Option(
        "--fields", help='Shorthand schema: "invoice_number, total number, items list[desc, amount number]"'
    ),
]

_CHOICES = {
    "ocr": ("auto", "always", "never"),
    "rasterizer": ("pymupdf", "pdf2image"),
    "slicing": ("server", "client"),
    "verify_with": ("text", "openai", "transformers"),
    "server": ("auto", "vllm", "sglang", "llamacpp", "ollama", "openai"),
}


def check_choices(**values: str | None) -> None:
    """Reject a value outside its choices with a usage error (exit 2)."""
    for name, value in values.items():
        allowed = _CHOICES.get(name)
        if value is not None and allowed and value not in allowed:
            flag = "--" + name.replace("_", "-")
            raise typer.BadParameter(f"must be one of {', '.join(allowed)}", param_hint=flag)


# the eval commands (`docai eval run`, `docai eval reviewed`)
EvalLimit = Annotated[int | None, typer.Option("--limit", "-n", min=1, help="Only the first N documents.")]
ReportOut = Annotated[Path | None, typer.Option("--out", "-o", help="Write the full JSON report here.")]
JsonReport = Annotated[bool, typer.Option("--json", help="Print the JSON report instead of tables.")]
