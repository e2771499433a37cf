"""Where each public dataset comes from. docai never downloads them; `docai eval fetch` prints this."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    licence: str
    layout: str


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source(
            "sroie",
            "https://rrc.cvc.uab.es/?ch=13 (mirror: https://github.com/zzzDavid/ICDAR-2019-SROIE)",
            "research use only (ICDAR 2019 competition terms)",
            "images/NNN.jpg + gt.jsonl {doc, fields: {company, date, address, total}}",
        ),
        Source(
            "invoice2data",
            "https://github.com/invoice-x/invoice2data (tests/compare/)",
            "MIT",
            "PDFs + gt.jsonl {doc, fields} with invoice2data field names",
        ),
        Source(
            "kleister-nda",
            "https://github.com/applicaai/kleister-nda",
            "no licence file upstream (SEC filings are public records); research use",
            "documents/*.pdf + gt.jsonl {doc, keys, expected}",
        ),
        Source(
            "financebench",
            "https://github.com/patronus-ai/financebench",
            "CC-BY-NC-4.0",
            "pdfs/*.pdf + gt.jsonl {doc, question, answer, evidence_pages_0based}",
        ),
        Source(
            "icdar2013-tables",
            "https://github.com/camelot-dev/camelot (ICDAR 2013 table competition data)",
            "MIT (camelot); original competition data for research",
            "competition-dataset-*/*.pdf + gt.jsonl {doc, tables: [{regions: [...]}]}",
        ),
        Source(
            "funsd",
            "https://guillaumejaume.github.io/FUNSD/",
            "non-commercial research and educational use",
            "dataset/*/annotations/*.json + dataset/*/images/*.png",
        ),
    )
}


def describe(name: str) -> str:
    """Human text for one source."""
    s = SOURCES[name]
    return f"{s.name}\n  get it from: {s.url}\n  licence:     {s.licence}\n  layout:      {s.layout}\n"
