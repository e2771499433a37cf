"""Per-field log-probabilities from token logprobs (pure functions)."""

from __future__ import annotations

from docai.engines.vlm.logprobs import field_logprobs, token_logprobs, value_spans


def _tokens(text: str, size: int) -> list[tuple[bytes, float]]:
    raw = text.encode()
    return [(raw[i : i + size], -0.1) for i in range(0, len(raw), size)]


def test_value_spans_cover_every_scalar_by_path():
    text = '{"a": "x", "b": [1, {"c": null}], "d": {"e": true}}'
    spans = value_spans(text)
    assert {p: text[a:b] for p, (a, b) in spans.items()} == {
        "a": '"x"',
        "b[0]": "1",
        "b[1].c": "null",
        "d.e": "true",
    }
    assert value_spans("{broken") == {}


def test_fields_of_the_data_wrapper_with_multibyte_text_split_inside_characters():
    text = '{"data": {"name": "Café Ünï", "total": 12.5, "none": null}, "pages": {"total": 1}}'
    tokens = _tokens(text, size=3)  # 3-byte tokens cut the 2-byte characters in half
    out = field_logprobs(text, text, tokens)
    assert set(out) == {"name", "total"}  # pages and nulls left out, the data. prefix dropped
    assert all(v == -0.1 for v in out.values())


def test_lowest_logprob_of_the_values_tokens_wins():
    text = '{"total": 1234.56, "n": "ok"}'
    tokens = [(text[i].encode(), -3.0 if text[i] == "3" else -0.2) for i in range(len(text))]
    assert field_logprobs(text, text, tokens) == {"total": -3.0, "n": -0.2}


def test_no_signal_when_tokens_do_not_spell_the_reply():
    text = '{"total": 1}'
    assert field_logprobs(text, text, [(b'{"total": 2}', -0.1)]) == {}
    # a trailing end token is allowed; the answer found after a think block is located in the content
    content = "<think>hm</think>" + text
    assert field_logprobs(content, text, [(content.encode(), -0.5), (b"<|im_end|>", 0.0)]) == {"total": -0.5}


def test_token_logprobs_reads_bytes_or_token_text():
    choice = {
        "logprobs": {
            "content": [
                {"token": "{", "logprob": -0.1, "bytes": [123]},
                {"token": "x", "logprob": -0.2},
                {"token": "bytes:\\xc3", "logprob": -0.3, "bytes": [195]},
            ]
        }
    }
    assert token_logprobs(choice) == [(b"{", -0.1), (b"x", -0.2), (b"\xc3", -0.3)]
    assert token_logprobs({"logprobs": None}) is None
    assert token_logprobs({"logprobs": {"content": [{"token": "a"}]}}) is None
