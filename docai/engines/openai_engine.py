"""The `openai` engine: MiniCPM-V (or any vision model) behind an OpenAI-compatible server.

vLLM, SGLang, llama.cpp's llama-server and Ollama all speak `/v1/chat/completions`. Pages go as base64
image data URLs, the schema as `response_format` (dropped with a note when the server rejects it).
What differs per server (the thinking switch, where reasoning comes back, grammar with thinking,
log-probabilities) is in a `ServerProfile` (vlm/servers.py), detected from `/models`. Calls retry
with exponential backoff on 429, 5xx, connection errors and timeouts. One semaphore per engine caps
requests in flight, so threads running many documents (`extract_many`) keep a server busy without
flooding it (a batch runs twice as many files as slots, so the next files are rendered and encoded
while `concurrency` requests are in flight). The engine is thread-safe.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from docai.engines.base import Capabilities
from docai.engines.vlm.common import ImageLimitError, Reply, Request, add_usage
from docai.engines.vlm.engine import VLMEngine
from docai.engines.vlm.logprobs import token_logprobs
from docai.engines.vlm.servers import ServerProfile, detect_server, profile_for
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
_IMAGE_LIMIT_RE = re.compile(r"at most (\d+) image", re.IGNORECASE)
_SCHEMA_WORDS = ("response_format", "json_schema", "guided", "structured", "grammar", "schema")
_JSON = {"Content-Type": "application/json"}


def encode_image(image: Image, fmt: str = "png") -> str:
    """A `data:` URL of the image (PNG keeps small print sharp; JPEG for photos is smaller)."""
    buf = io.BytesIO()
    if fmt.lower() in ("jpg", "jpeg"):
        image.convert("RGB").save(buf, format="JPEG", quality=92)
        mime = "image/jpeg"
    else:
        # zlib level 3, not Pillow's 6: lossless all the same, 48 against 71 ms a page and smaller files
        # on rendered pages (313 against 355 KiB over 40 pages; BENCHMARKS.md, Ingest).
        image.save(buf, format="PNG", optimize=False, compress_level=3)
        mime = "image/png"
    return f"data:{mime};base64,{base64.b64encode(buf.getvalue()).decode('ascii')}"


class OpenAIEngine(VLMEngine):
    """Vision-language extraction and QA through an OpenAI-compatible chat completions endpoint."""

    name = "openai"
    capabilities = Capabilities(
        supports_images=True,
        supports_schema_constraint=True,
        supports_thinking=True,
        reads_page_images=True,
        parallelism="threads",
    )

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
        # plain http has no TLS: skip loading the CA bundle (tens of ms of CPU, before the first request)
        verify = self.base_url.lower().startswith("https:")
        self._client = httpx.Client(
            base_url=self.base_url, headers=headers, timeout=timeout, limits=limits, verify=verify
        )
        self._slots = threading.BoundedSemaphore(n)
        self._sent = 0  # requests that took a slot, for wait_for_requests
        self._sent_cond = threading.Condition()
        self._lock = threading.Lock()
        # response_format = false: never send the schema as response_format (servers without a
        # reasoning parser otherwise constrain the thinking part too)
        self._schema_ok = options.response_format
        self._model: str | None = options.model
        self._models_body: dict[str, Any] | None = None
        explicit = options.server != "auto"
        self._profile: ServerProfile | None = profile_for(options.server) if explicit else None

    # ------------------------------------------------------------------ Engine API

    @property
    def model(self) -> str | None:
        """`--model`, else the first model the server lists (asked again while it does not answer)."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _first_model(self._served_models())
        return self._model or DEFAULT_MODEL

    @property
    def profile(self) -> ServerProfile:
        """The server's profile: `--server` when given, else detected from `GET /models` once it answers."""
        if self._profile is not None:
            return self._profile
        with self._lock:
            body = self._served_models()
            name, why = detect_server(body, self.base_url)
            if not body:  # not reachable yet: plain requests now, detection again next time
                return profile_for(name)
            _log.info("%s: server profile %s (%s)", self.base_url, name, why)
            self._profile = profile_for(name)
        return self._profile

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

    def requests_sent(self) -> int:
        """Requests that have taken a slot since the engine was made (retries included)."""
        with self._sent_cond:
            return self._sent

    def wait_for_requests(self, n: int, timeout: float) -> bool:
        """Block until `n` requests have taken a slot (see requests_sent) or `timeout` s have passed."""
        with self._sent_cond:
            return self._sent_cond.wait_for(lambda: self._sent >= n, timeout)

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
        # page groups of one document: no more threads than slots, each holds its pages' images
        with ThreadPoolExecutor(max_workers=min(len(items), max(1, self.options.concurrency))) as pool:
            return list(pool.map(fn, items))

    def call(self, request: Request) -> Reply:
        reply, finish = self._call_once(request)
        if request.think and finish == "length" and not reply.content.strip() and reply.reasoning:
            # vLLM's reasoning parser (llama.cpp's too): a think block cut by max_tokens leaves content
            # null and the grammar never started. Ask once more without thinking; keep the thinking.
            reply.notes.append(
                f"the think block did not close within max_tokens ({request.max_tokens}) and no answer "
                "came; asked again with thinking off"
            )
            again, _ = self._call_once(replace(request, think=False))
            reasoning = "\n\n".join(r for r in (reply.reasoning, again.reasoning) if r)
            usage = add_usage(reply.usage, again.usage)
            return Reply(again.content, reasoning, usage, reply.notes + again.notes, again.tokens)
        return reply

    def _call_once(self, request: Request) -> tuple[Reply, str | None]:
        payload = self._payload(request)
        notes: list[str] = []
        if "response_format" not in payload and request.response_schema is not None and self._schema_ok:
            notes.append(
                f"{self.profile.name}: a JSON grammar and thinking do not mix; this pass was unconstrained "
                "and a constrained pass without thinking repairs it if needed"
            )
        body = self._post(payload)
        if body is None:  # the server rejected response_format: remember, and send the prompt alone
            payload.pop("response_format", None)
            notes.append(
                "the server rejected response_format (JSON Schema); the schema was sent in the prompt only"
            )
            body = self._post(payload)
            if body is None:
                raise EngineError(f"{self.base_url}: the server rejected the request (HTTP 400)")
        return self._reply(body, notes, request.max_tokens)

    # ------------------------------------------------------------------ internals

    def _payload(self, request: Request) -> dict[str, Any]:
        fmt = self.options.image_format
        content: list[dict[str, Any]] = []
        for part in request.parts:
            if isinstance(part, str):
                if content and content[-1]["type"] == "text":
                    content[-1]["text"] += "\n" + part
                else:
                    content.append({"type": "text", "text": part})
            else:
                content.append({"type": "image_url", "image_url": {"url": encode_image(part, fmt)}})
        profile = self.profile
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "system", "content": request.system}, {"role": "user", "content": content}],
            "max_tokens": request.max_tokens,
            "temperature": self.options.temperature,
            **profile.thinking_fields(request.think),
        }
        if profile.logprobs and request.response_schema is not None:
            payload["logprobs"] = True
        constrained = profile.schema_with_thinking or not request.think
        if request.response_schema is not None and self._schema_ok and constrained:
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
        # encoded once, before taking a slot (the slot is for the server's time); as httpx's json= does
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        why = ""
        unreachable = False  # every attempt failed to connect: the server is not there (exit 6)
        for attempt in range(attempts):
            if attempt:
                time.sleep(min(MAX_BACKOFF_S, BACKOFF_S * 2 ** (attempt - 1)))
            try:
                with self._slots:
                    with self._sent_cond:
                        self._sent += 1
                        self._sent_cond.notify_all()
                    r = self._client.post("/chat/completions", content=data, headers=_JSON)
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
                    _log.warning(
                        "%s rejected the schema as response_format; it goes in the prompt only: %s",
                        self.base_url,
                        _snippet(r),
                    )
                    return None
            if r.status_code >= 400:
                hint = " (check --model)" if r.status_code == 404 else ""
                limit = _IMAGE_LIMIT_RE.search(r.text) if r.status_code == 400 else None
                if limit:
                    hint = " (lower --pages-per-request or raise the server's image limit per prompt)"
                    message = f"{self.base_url}: HTTP 400: {_error_message(r)}{hint}"
                    raise ImageLimitError(message, int(limit.group(1)))
                raise EngineError(f"{self.base_url}: HTTP {r.status_code}: {_error_message(r)}{hint}")
            try:
                body = r.json()
            except ValueError:
                raise EngineError(f"{self.base_url}: the server's reply is not JSON: {_snippet(r)}") from None
            if not isinstance(body, dict) or not body.get("choices"):
                raise EngineError(f"{self.base_url}: the reply has no choices: {_snippet(r)}")
            return body
        error = EngineUnavailable if unreachable else EngineError
        raise error(f"{self.base_url}: {why} after {attempts} attempt(s)")

    def _reply(self, body: dict[str, Any], notes: list[str], max_tokens: int) -> tuple[Reply, str | None]:
        """The reply and its finish_reason. `max_tokens` is the request's own limit (a repair pass or
        an ask may use another than options.max_tokens)."""
        choice = body["choices"][0] or {}
        message = choice.get("message") or {}
        content = message.get("content") or ""  # vLLM sends null when everything was reasoning
        if isinstance(content, list):  # some servers return content parts
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        content = content.replace("\x00", "")  # NUL is never text, and PostgreSQL refuses it
        found = [message.get(k) for k in self.profile.reasoning_fields]
        reasoning = next((r.replace("\x00", "") for r in found if isinstance(r, str) and r), None)
        finish = choice.get("finish_reason")
        if finish == "length":
            notes.append(f"the reply hit max_tokens ({max_tokens}) and may be cut")
        usage = _usage(body.get("usage"))
        tokens = token_logprobs(choice) if content else None
        return Reply(content, reasoning, usage, notes, tokens), finish

    def _served_models(self) -> dict[str, Any]:
        """The `GET /models` body, kept once the server answered it ({} while it does not)."""
        if self._models_body is None:
            try:
                r = self._client.get("/models", timeout=5.0)
                body = r.json() if r.status_code == 200 else None
            except (httpx.HTTPError, ValueError):
                body = None
            if not isinstance(body, dict):
                return {}
            self._models_body = body
        return self._models_body


def _first_model(body: dict[str, Any]) -> str | None:
    data = body.get("data")
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return data[0].get("id")
    return None


def _usage(raw: Any) -> dict[str, int] | None:
    """Integer counts of a usage block; vLLM's `completion_tokens_details.reasoning_tokens` kept flat."""
    if not isinstance(raw, dict):
        return None
    out = {k: v for k, v in raw.items() if isinstance(v, int)}
    details = raw.get("completion_tokens_details")
    if isinstance(details, dict) and isinstance(details.get("reasoning_tokens"), int):
        out["reasoning_tokens"] = details["reasoning_tokens"]
    return out


def _error_message(r: httpx.Response) -> str:
    """The server's own words: `error.message` of an OpenAI-style error body, else the body's start."""
    try:
        body = r.json()
    except ValueError:
        return _snippet(r)
    err = body.get("error") if isinstance(body, dict) else None
    message = err.get("message") if isinstance(err, dict) else err if isinstance(err, str) else None
    return " ".join(str(message).split())[:300] if message else _snippet(r)


def _snippet(r: httpx.Response) -> str:
    text = " ".join(r.text.split())
    return text[:300] or r.reason_phrase
