"""Bearer keys, per-key rate limits and request size limits, checked before any route runs.

Every path but /healthz needs a key unless the server runs with `--no-auth` on loopback. The API
docs (/docs, /openapi.json) need one too (they list every route a caller could try), unless the server
runs with `--public-docs`. A browser opens the web app once as /ui?key=TOKEN, or the docs as
/docs?key=TOKEN; the key then travels in an HttpOnly cookie (so the docs page can fetch /openapi.json).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from docai.server.errors import error_response
from docai.storage.keys import ApiKey, KeyStore

OPEN_PATHS = {"/healthz"}
DOC_PATHS = {"/docs", "/openapi.json", "/docs/oauth2-redirect", "/redoc"}
KEY_CACHE_S = 5.0
UI_PREFIX = "/ui"
COOKIE = "docai_key"


@dataclass
class Caller:
    """Who is calling: a key (None without auth) and how large an upload it may send."""

    key: ApiKey | None
    max_upload_bytes: int


class RateLimiter:
    """A token bucket per key: `rate_per_min` requests a minute, bursts up to that many."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[int, tuple[float, float]] = {}

    def allow(self, key_id: int, rate_per_min: int) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key_id, (float(rate_per_min), now))
            tokens = min(float(rate_per_min), tokens + (now - last) * rate_per_min / 60.0)
            if tokens < 1.0:
                self._buckets[key_id] = (tokens, now)
                return False
            self._buckets[key_id] = (tokens - 1.0, now)
            return True


class KeyGate:
    """The ASGI-level check run for every request (a Starlette http middleware function)."""

    def __init__(
        self, keys: KeyStore, *, auth: bool, max_upload_bytes: int, public_docs: bool = False
    ) -> None:
        self.keys = keys
        self.auth = auth
        self.open_paths = OPEN_PATHS | DOC_PATHS if public_docs else OPEN_PATHS
        self.max_upload_bytes = max_upload_bytes
        self.limiter = RateLimiter()
        self._cache: dict[str, tuple[float, ApiKey | None]] = {}
        self._lock = threading.Lock()

    def _lookup(self, token: str) -> ApiKey | None:
        """Keys are checked against the database at most every few seconds (a revoke lands in 5 s)."""
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(token)
        if hit is not None and now - hit[0] < KEY_CACHE_S:
            return hit[1]
        key = self.keys.verify(token)
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[token] = (now, key)
        if key is not None and (hit is None or hit[1] is None):
            self.keys.touch(key.id)
        return key

    def caller(self, request: Request) -> Caller | Response:
        """The caller of `request`, or the response that refuses it."""
        if not self.auth:
            return Caller(None, self.max_upload_bytes)
        token = _token(request)
        if not token:
            return error_response(401, "an API key is needed: send 'Authorization: Bearer <key>'")
        key = self._lookup(token)
        if key is None:
            return error_response(401, "unknown or revoked API key")
        if not self.limiter.allow(key.id, key.rate_per_min):
            return error_response(429, f"rate limit of {key.rate_per_min} requests a minute reached")
        limit = min(self.max_upload_bytes, int(key.max_upload_mb * 1024 * 1024))
        return Caller(key, limit)

    async def __call__(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.url.path in self.open_paths:
            return await call_next(request)
        found = self.caller(request)
        if isinstance(found, Response):
            return found
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > found.max_upload_bytes:
            return error_response(413, f"the request is larger than the {_mb(found.max_upload_bytes)} limit")
        request.state.caller = found
        response = await call_next(request)
        if _takes_key_param(request.url.path) and request.query_params.get("key"):
            # a browser opened /ui?key=TOKEN (or /docs?key=): keep the key in a cookie so the page's own
            # requests carry it
            response.set_cookie(COOKIE, request.query_params["key"], httponly=True, samesite="strict")
        return response


def _token(request: Request) -> str:
    """The bearer token, else the web app's cookie, else `?key=` on a web app page."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    if request.cookies.get(COOKIE):
        return request.cookies[COOKIE]
    if _takes_key_param(request.url.path):
        return request.query_params.get("key", "")
    return ""


def _takes_key_param(path: str) -> bool:
    """Pages a browser opens by hand, which cannot send a header: the web app and the API docs."""
    return path.startswith(UI_PREFIX) or path in DOC_PATHS


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB"


def caller_of(request: Request) -> Caller:
    """The caller the gate attached to `request`."""
    caller = getattr(request.state, "caller", None)
    if caller is None:  # routes mounted outside the gate never reach here
        raise RuntimeError("request passed no key gate")
    return caller
