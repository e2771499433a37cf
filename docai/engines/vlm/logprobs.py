"""Per-field signals from token log-probabilities: which tokens of a JSON reply wrote which value.

Servers that return `logprobs` give one entry per generated token. The tokens' bytes are laid end to
end over the reply (bytes, because a token may hold half a character), each value's span is found by
scanning the JSON, and a field gets the lowest log-probability among the tokens overlapping its value
(one unsure digit makes an unsure amount). Nothing is guessed: when the tokens do not spell the reply
exactly, there is no signal.
"""

from __future__ import annotations

import json
from typing import Any

_DECODER = json.JSONDecoder(strict=False)  # raw control characters in strings, as find_json
_WS = " \t\n\r"


def token_logprobs(choice: dict[str, Any]) -> list[tuple[bytes, float]] | None:
    """(token bytes, logprob) pairs of a chat completion choice, or None when it has none."""
    block = choice.get("logprobs")
    items = block.get("content") if isinstance(block, dict) else None
    if not isinstance(items, list) or not items:
        return None
    out: list[tuple[bytes, float]] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("logprob"), int | float):
            return None
        raw = item.get("bytes")
        if isinstance(raw, list) and all(isinstance(b, int) and 0 <= b < 256 for b in raw):
            token = bytes(raw)
        elif isinstance(item.get("token"), str):
            token = item["token"].encode("utf-8")
        else:
            return None
        out.append((token.replace(b"\x00", b""), float(item["logprob"])))  # as the engine cleans content
    return out


def value_spans(text: str, start: int = 0) -> dict[str, tuple[int, int]]:
    """Character spans of every scalar in the JSON value at `text[start:]`, keyed `a.b[0].c`."""
    out: dict[str, tuple[int, int]] = {}
    try:
        _scan(text, _skip(text, start), "", out)
    except (ValueError, IndexError):
        return {}
    return out


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _scan(text: str, i: int, path: str, out: dict[str, tuple[int, int]]) -> int:
    """Scan the value at text[i]; record scalar spans; return the index after it."""
    opener = text[i]
    if opener not in "{[":
        _, end = _DECODER.raw_decode(text, i)
        out[path] = (i, end)
        return end
    closer = "}" if opener == "{" else "]"
    i = _skip(text, i + 1)
    if text[i] == closer:
        return i + 1
    index = 0
    while True:
        if opener == "{":
            key, i = _DECODER.raw_decode(text, i)
            i = _skip(text, i)
            if text[i] != ":":
                raise ValueError("expected ':'")
            i = _scan(text, _skip(text, i + 1), _join(path, str(key)), out)
        else:
            i = _scan(text, i, _join(path, index), out)
            index += 1
        i = _skip(text, i)
        if text[i] == closer:
            return i + 1
        if text[i] != ",":
            raise ValueError("expected ','")
        i = _skip(text, i + 1)


def field_logprobs(content: str, answer: str, tokens: list[tuple[bytes, float]]) -> dict[str, float]:
    """{field path: lowest token logprob of its value} for the data of an extraction reply.

    `content` is the text the tokens spell (then maybe an end token); `answer` the JSON part of it.
    Paths under `data.` lose that prefix (the reply's `{"data", "pages"}` wrapper); `pages` and null
    values are left out."""
    if not b"".join(t for t, _ in tokens).startswith(content.encode("utf-8")):
        return {}  # (a trailing end token such as <|im_end|> is listed too, and is not content)
    base = content.find(answer.strip()) if answer.strip() else -1
    if base < 0:
        return {}
    spans = value_spans(content, base)
    wrapped = any(p.startswith("data.") or p.startswith("data[") for p in spans)
    starts, pos = [], 0  # byte offset of each token
    for token, _ in tokens:
        starts.append(pos)
        pos += len(token)
    out: dict[str, float] = {}
    for path, (a, b) in spans.items():
        if wrapped:
            if not path.startswith("data"):
                continue
            path = path.removeprefix("data").lstrip(".")
        elif path == "pages" or path.startswith("pages.") or path.startswith("pages["):
            continue
        if not path or content[a:b] == "null":
            continue
        a, b = len(content[:a].encode("utf-8")), len(content[:b].encode("utf-8"))
        lps = [lp for (tok, lp), s in zip(tokens, starts, strict=True) if s < b and s + len(tok) > a]
        if lps:
            out[path] = min(lps)
    return out
