"""Merging page-group results by the schema, and grouping pages per request."""

from __future__ import annotations

from docai.engines.vlm.merge import GroupResult, clean_pages, merge_groups
from docai.engines.vlm.pages import DEFAULT_MAX_PAGES, _terms, group_pages, pages_per_request, tokens_per_page
from docai.options import Options

SCHEMA = {
    "type": "object",
    "properties": {
        "number": {"type": "string"},
        "total": {"type": "number"},
        "buyer": {"type": "object", "properties": {"name": {"type": "string"}, "vat": {"type": "string"}}},
        "items": {"type": "array", "items": {"type": "object", "properties": {"amount": {"type": "number"}}}},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
}


def test_merge_scalars_prefer_cited_then_first():
    a = GroupResult({"number": "A-1", "total": 5.0}, {}, [1, 2])
    b = GroupResult({"number": "B-2", "total": 7.0}, {"total": 4}, [3, 4])
    c = GroupResult({"number": "C-3", "total": None}, {"number": 9}, [5, 6])  # cites a page it was not shown
    merged = merge_groups(SCHEMA, [a, b, c])
    assert merged.data["number"] == "A-1"  # nobody cited validly: first non-null
    assert merged.data["total"] == 7.0  # cited beats uncited
    assert merged.pages["total"] == 4 and merged.pages["number"] is None
    assert merged.data["buyer"] is None and merged.data["items"] is None


def test_merge_arrays_concatenate_without_duplicates_keeping_pages():
    a = GroupResult({"items": [{"amount": 1}, {"amount": 2}], "tags": ["x"]}, {"items[1].amount": 2}, [1, 2])
    b = GroupResult({"items": [{"amount": 2}, {"amount": 3}], "tags": ["x", "y"]}, {}, [3])
    merged = merge_groups(SCHEMA, [a, b])
    assert merged.data["items"] == [{"amount": 1}, {"amount": 2}, {"amount": 3}]
    assert merged.data["tags"] == ["x", "y"]
    assert merged.pages["items[1].amount"] == 2
    assert merged.pages["items[2].amount"] == 3  # re-indexed, single-page group gives its page
    assert merged.pages["items[0].amount"] is None
    assert merged.pages["tags[1]"] == 3


def test_merge_objects_field_by_field_and_drop_unknown_fields():
    a = GroupResult({"buyer": {"name": "ACME", "vat": None}, "invented": 1}, {"buyer": 1}, [1, 2])
    b = GroupResult({"buyer": {"name": None, "vat": "DE123"}}, {"buyer.vat": 2}, [2])
    merged = merge_groups(SCHEMA, [a, b])
    assert merged.data["buyer"] == {"name": "ACME", "vat": "DE123"}
    assert merged.pages == {"buyer.name": 1, "buyer.vat": 2}  # parent citation covers the child
    assert "invented" not in merged.data


def test_clean_pages():
    assert clean_pages({"a.0.b": 3, "c": "p. 4", "d": [5, 6], "e": None, "f": True}) == {
        "a[0].b": 3,
        "c": 4,
        "d": 5,
        "e": None,
        "f": None,
    }
    assert clean_pages("nonsense") == {}


def test_pages_per_request_budget():
    options = Options()
    per = pages_per_request(options, prompt_chars=3000)
    assert per == min(DEFAULT_MAX_PAGES, (32768 - 4096 - 1000 - 256) // tokens_per_page(_cfg(options)))
    assert pages_per_request(options.replace(pages_per_request=3)) == 3
    small = options.replace(max_context=8192, max_tokens=4096)
    assert pages_per_request(small) == (8192 - 4096 - 256) // tokens_per_page(_cfg(small))
    assert pages_per_request(options.replace(max_context=4096)) == 1  # never zero
    assert group_pages([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
    assert group_pages([], 4) == []


def _cfg(options: Options):
    from docai.engines.vlm.pages import slice_config

    return slice_config(options)


def test_question_terms_cover_latin_numbers_and_chinese():
    assert _terms("What was Total revenue in 2024? 1,234.5") == ["revenue", "2024", "1,234.5"]
    assert _terms("营业收入是多少") == ["营业", "业收", "收入", "入是", "是多", "多少"]
