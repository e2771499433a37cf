"""How well a label names a field: the lexical score, or the semantic one where the matcher runs.

Its own module so that `line_items` scores table headers the way `extractor` scores labels without
importing `extractor` back (which imports `line_items` for array fields)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docai.engines.text.matching import conflicts, lexical_score, semantic_score

if TYPE_CHECKING:
    from docai.engines.text.extractor import Context
    from docai.engines.text.typing_rules import FieldSpec

MIN_SCORE = 0.55
INLINE_MIN_LEX = 0.85


def match_score(spec: FieldSpec, label: str, shape: str, ctx: Context) -> float:
    lex = lexical_score(spec, label)
    if shape == "inline":
        return lex if lex >= INLINE_MIN_LEX else 0.0
    sem = 0.0
    if ctx.semantic is not None and ctx.semantic.available and not conflicts(spec, label):
        sem = semantic_score(ctx.semantic.similarity(spec.text(), label))
    return max(lex, sem)
