"""Answers kept in the engine's blob cache: the same question over the same documents is answered once.

A key names everything an answer depends on: each document's index key (its bytes, the ingest options
and the embedding model), the question, every option that can change a result (`Options.result_key`),
and a hash of the source code that reads pages and answers questions (the text engine, the parsers,
value parsing), so an upgraded docai never replays an answer an older one gave. A cached answer says
so in its notes.

One thing a key cannot name: on a long document the vectors of passages embedded for earlier questions
can lift a passage for a later one, so asking again after other questions could rank differently than
the first time. The first answer is the one kept (it was right for the index it was given).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import threading
from pathlib import Path

from docai.engines.base import BlobCache
from docai.options import Options
from docai.results import Answer

_log = logging.getLogger(__name__)

ANSWER_CACHE_VERSION = 1
CACHED_NOTE = "answered from the cache: the same question over the same documents was answered before"

_code_lock = threading.Lock()
_code_hash: str | None = None


def _source_dirs() -> list[Path]:
    """The text engine's folder (this one), the parsers' folder and value parsing (found, not imported)."""
    out = [Path(__file__).parent]
    for name in ("docai.parsers", "docai.values"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            out.extend(Path(p) for p in spec.submodule_search_locations)
        elif spec is not None and spec.origin:
            out.append(Path(spec.origin))
    return out


def code_hash() -> str:
    """SHA-256 (first 16 hex digits) of the .py sources that decide an answer; computed once a process."""
    global _code_hash
    with _code_lock:
        if _code_hash is None:
            h = hashlib.sha256()
            for root in _source_dirs():
                files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
                for f in files:
                    h.update(f.name.encode())
                    h.update(f.read_bytes())
            _code_hash = h.hexdigest()[:16]
        return _code_hash


def answer_key(index_keys: list[str], question: str, options: Options) -> str:
    """The cache key of one question over documents whose QA index keys are `index_keys`."""
    payload = json.dumps(
        {"indexes": index_keys, "question": question, "options": options.result_key()},
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return f"textqa-answer/v{ANSWER_CACHE_VERSION}/{code_hash()}/{digest}"


def cached_answer(cache: BlobCache | None, key: str) -> Answer | None:
    """The answer stored under `key`, with a note that it came from the cache; None when absent or bad."""
    if cache is None:
        return None
    blob = cache.get(key)
    if blob is None:
        return None
    try:
        answer = Answer.from_dict(json.loads(blob.decode("utf-8")))
    except (ValueError, KeyError, TypeError) as e:
        _log.warning("ignoring a damaged cached answer: %s", e)
        return None
    answer.notes = [n for n in answer.notes if not n.startswith("indexed ")] + [CACHED_NOTE]
    return answer


def store_answer(cache: BlobCache | None, key: str, answer: Answer) -> None:
    """Keep `answer` under `key` (no-op without a cache)."""
    if cache is not None:
        cache.put(key, json.dumps(answer.to_dict(), ensure_ascii=False).encode("utf-8"))
