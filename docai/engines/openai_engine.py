"""The `openai` engine: MiniCPM-V (or any vision model) behind an OpenAI-compatible server.

vLLM, SGLang, llama.cpp's llama-server and Ollama all speak `/v1/chat/completions`. Pages go as base64
image data URLs, the schema as `response_format` (dropped with a note when the server rejects it),
thinking as `chat_template_kwargs.enable_thinking`. Calls retry with exponential backoff on 429, 5xx,
connection errors and timeouts. One semaphore per engine caps requests in flight, so threads running
many documents (`extract_many`) keep a server busy without flooding it. The engine is thread-safe.
"""

from __future__ import annotations

import base64
import io
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from docai.engines.base import Capabilities
from docai.engines.vlm.common import Reply, Request
from docai.engines.vlm.engine import VLMEngine
from docai.errors import EngineError, EngineUnavailable
from docai.options import Options
from docai.results import Extraction

if TYPE_CHECKING:
    from PIL.Image import Image

    from docai.document import Document

_log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

DEFAULT_MODEL = "openbmb/MiniCPM-V-4_5"
BACKOFF_S = 0.5
"""First retry waits this long, then twice as long each time (capped at MAX_BACKOFF_S)."""
MAX_BACKOFF_S = 8.0
_SCHEMA_WORDS = ("response_format", "json_schema", "guided", "structured", "grammar", "schema")


def encode_image(image: Image, fmt: str = "png") -> str:
    """A `data:` URL of the image (PNG keeps small print sharp; JPEG for photos is smaller)."""
    buf = io.BytesIO()
    if fmt.lower() in ("jpg", "jpeg"):
        image.convert("RGB").save(buf, format="JPEG", quality=92)
        mime = "image/jpeg"
    else:
        image.save(buf, format="PNG", optimize=False)
        mime = "image/png"
    return f"data:{mime};base64,{base64.b64encode(buf.getvalue()).decode('ascii')}"


class OpenAIEngine(VLMEngine):
    """Vision-language extraction and QA through an OpenAI-compatible chat completions endpoint."""

    name = "openai"
    capabilities = Capabilities(supports_images=True, supports_schema_constraint=True, supports_thinking=True)

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        if not options.base_url:
            raise EngineUnavailable(
                "the openai engine needs a server: --base-url http://HOST:PORT/v1 (or DOCAI_OPENAI_BASE_URL)"
            )
        self.base_url = options.base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {options.api_key}"} if options.api_key else {}
        timeout = httpx.Timeout(options.timeout_s, connect=min(10.0, options.timeout_s))
        n = max(1, options.concurrency)
        limits = httpx.Limits(max_connections=n + 4, max_keepalive_connections=n + 4)
        self._client = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout, limits=limits)
        self._slots = threading.BoundedSemaphore(n)
        self._lock = threading.Lock()
        # options.extra["response_format"] = false: never send the schema as response_format (servers
        # without a reasoning parser otherwise constrain the thinking part too)
        self._schema_ok = str(options.extra.get("response_format", True)).lower() not in ("false", "off", "0")
        self._model: str | None = options.model

    # ------------------------------------------------------------------ Engine API

    @property
    def model(self) -> str | None:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._served_model() or DEFAULT_MODEL
        return self._model

    def extract_many(self, documents: Sequence[Document], schema: dict[str, Any]) -> list[Extraction]:
        """Extract every document, `options.concurrency` requests in flight at once; results in order.

        A document whose requests fail after retries gives a `failed` Extraction with the error; the
        others go on (a batch records an error per file)."""

        def one(doc: Document) -> Extraction:
            try:
                return self.extract(doc, schema)
            except EngineError as e:
                return Extraction({}, "failed", errors=[str(e)], engine=self.name, model=self.model)

        return self.map_calls(one, list(documents))

    def close(self) -> None:
        self._client.close()

    @classmethod
    def availability(cls, options: Options) -> tuple[bool, str]:
        """Usable when a server is configured and answers `GET /models` (2 s timeout)."""
        if not options.base_url:
            return False, "no server configured (set --base-url or DOCAI_OPENAI_BASE_URL)"
        url = options.base_url.rstrip("/") + "/models"
        headers = {"Authorization": f"Bearer {options.api_key}"} if options.api_key else {}
        try:
            r = httpx.get(url, headers=headers, timeout=2.0)
        except httpx.HTTPError as e:
            return False, f"cannot reach {options.base_url}: {type(e).__name__}"
        if r.status_code >= 400:
            return False, f"{url} answered HTTP {r.status_code}"
        try:
            ids = [m.get("id") for m in r.json().get("data", []) if isinstance(m, dict)]
        except ValueError:
            ids = []
        shown = ", ".join(str(i) for i in ids[:3]) or "no model list"
        return True, f"server at {options.base_url} ({shown})"

    # ------------------------------------------------------------------ ModelCaller

    def map_calls(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """Run `fn` over items on threads; the semaphore, not the pool size, bounds requests in flight."""
        if len(items) <= 1:
            return [fn(x) for x in items]
        with ThreadPoolExecutor(max_workers=min(len(items), max(1, self.options.concurrency))) as pool:
            return list(pool.map(fn, items))

    def call(self, request: Request) -> Reply:
        payload = self._payload(request)
        notes: list[str] = []
        body = self._post(payload)
        if body is None:  # the server rejected response_format: remember, and send the prompt alone
            payload.pop("response_format", None)
            notes.append(
                "the server rejected response_format (JSON Schema); the schema was sent in the prompt only"
            )
            body = self._post(payload)
            if body is None:
                raise EngineError(f"{self.base_url}: the server rejected the request (HTTP 400)")
        return self._reply(body, notes)

    # ------------------------------------------------------------------ internals

    def _payload(self, request: Request) -> dict[str, Any]:
        fmt = str(self.options.extra.get("image_format", "png"))
        content: list[dict[str, Any]] = []
        for part in request.parts:
            if isinstance(part, str):
                if content and content[-1]["type"] == "text":
                    content[-1]["text"] += "\n" + part
                else:
                    content.append({"type": "text", "text": part})
            else:
                content.append({"type": "image_url", "image_url": {"url": encode_image(part, fmt)}})
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "system", "content": request.system}, {"role": "user", "content": content}],
            "max_tokens": request.max_tokens,
            "temperature": self.options.temperature,
            "chat_template_kwargs": {"enable_thinking": request.think},
        }
        if request.response_schema is not None and self._schema_ok:
            payload["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": request.schema_name,
                    "schema": request.response_schema,
                    "strict": False,
                },
            }
        return payload

    def _post(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """The response JSON; None when a 400 blames response_format (caller retries without it)."""
        attempts = max(0, self.options.retries) + 1
        why = ""
        unreachable = False  # every attempt failed to connect: the server is not there (exit 6)
        for attempt in range(attempts):
            if attempt:
                time.sleep(min(MAX_BACKOFF_S, BACKOFF_S * 2 ** (attempt - 1)))
            try:
                with self._slots:
                    r = self._client.post("/chat/completions", json=payload)
            except httpx.TimeoutException:
                why = f"no answer within {self.options.timeout_s:g} s"
                _log.warning("%s: %s (attempt %d/%d)", self.base_url, why, attempt + 1, attempts)
                continue
            except httpx.TransportError as e:
                unreachable = isinstance(e, httpx.ConnectError)
                why = f"connection failed ({type(e).__name__}: {e})"
                _log.warning("%s: %s (attempt %d/%d)", self.base_url, why, attempt + 1, attempts)
                continue
            unreachable = False
            if r.status_code == 429 or r.status_code >= 500:
                why = f"HTTP {r.status_code}: {_snippet(r)}"
                _log.warning("%s: %s (attempt %d/%d)", self.base_url, why, attempt + 1, attempts)
                continue
            if r.status_code == 400 and "response_format" in payload:
                text = r.text.lower()
                if any(w in text for w in _SCHEMA_WORDS):
                    with self._lock:
                        self._schema_ok = False
                    _log.info("%s rejected response_format: %s", self.base_url, _snippet(r))
                    return None
            if r.status_code >= 400:
                hint = " (check --model)" if r.status_code == 404 else ""
                if r.status_code == 400 and "image" in r.text.lower() and "at most" in r.text.lower():
                    hint = " (lower DOCAI_PAGES_PER_REQUEST or raise the server's image limit per prompt)"
                raise EngineError(f"{self.base_url}: HTTP {r.status_code}: {_snippet(r)}{hint}")
            try:
                body = r.json()
            except ValueError:
                raise EngineError(f"{self.base_url}: the server's reply is not JSON: {_snippet(r)}") from None
            if not isinstance(body, dict) or not body.get("choices"):
                raise EngineError(f"{self.base_url}: the reply has no choices: {_snippet(r)}")
            return body
        error = EngineUnavailable if unreachable else EngineError
        raise error(f"{self.base_url}: {why} after {attempts} attempt(s)")

    def _reply(self, body: dict[str, Any], notes: list[str]) -> Reply:
        choice = body["choices"][0] or {}
        message = choice.get("message") or {}
        content = message.get("content") or ""
        if isinstance(content, list):  # some servers return content parts
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        reasoning = message.get("reasoning_content") or message.get("reasoning")
        if choice.get("finish_reason") == "length":
            notes.append(f"the reply hit max_tokens ({self.options.max_tokens}) and may be cut")
        usage = body.get("usage") if isinstance(body.get("usage"), dict) else None
        if usage:
            usage = {k: v for k, v in usage.items() if isinstance(v, int)}
        return Reply(content, reasoning if isinstance(reasoning, str) else None, usage, notes)

    def _served_model(self) -> str | None:
        try:
            r = self._client.get("/models", timeout=5.0)
            data = r.json().get("data") if r.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            return None
        if isinstance(data, list) and data and isinstance(data[0], dict):
            return data[0].get("id")
        return None


def _snippet(r: httpx.Response) -> str:
    text = " ".join(r.text.split())
    return text[:300] or r.reason_phrase
