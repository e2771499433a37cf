"""Whether two versions of the verification stage decide the same: dump its outputs, then diff two dumps.

    python -m docai.evals.verify_same dump OUT.json [--work DIR] [--sroie 20] [--kleister 10]
    python -m docai.evals.verify_same diff BEFORE.json AFTER.json [--tol 1e-9]

`dump` runs the text engine and `check_extraction` on examples/invoice.pdf, the synthetic invoice and
receipt sets (born-digital and scanned, seed 5, 10 each, made once under `--work` so both versions read
the same files), and the first SROIE and Kleister-NDA documents, and writes per document: status,
review reasons, each field's confidence, grounding and checks, its evidence (page, box, text,
confidence) and the signals the stage recorded. `diff` compares two dumps (floats to `--tol`) and
exits 1 on any difference. Made for speed work on the stage, whose outputs must not move.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

_SYNTH = [("invoice", False), ("invoice", True), ("receipt", False), ("receipt", True)]


def _sets(work: Path, sroie: int, kleister: int) -> list[tuple[str, Any]]:
    """(label, Dataset) for each set compared; synthetic sets generated under `work` on first use."""
    from docai.evals.datasets import load_dataset
    from docai.evals.synth import generate

    out = []
    for kind, scanned in _SYNTH:
        folder = work / f"{kind}{'-scanned' if scanned else ''}"
        if not folder.is_dir():
            generate(kind, 10, folder, seed=5, scanned=scanned)
        out.append((folder.name, load_dataset(str(folder))))
    out.append(("sroie", load_dataset("sroie").limit(sroie)))
    out.append(("kleister-nda", load_dataset("kleister-nda").limit(kleister)))
    return out


def _record(extraction: Any, trace: dict[str, Any]) -> dict[str, Any]:
    from dataclasses import asdict

    from docai.verify.confidence import features

    return {
        "status": extraction.status,
        "data": extraction.data,
        "review": list(extraction.review),
        "fields": {k: r.to_dict() for k, r in extraction.fields.items()},
        "evidence": {k: e.to_dict() for k, e in extraction.evidence.items()},
        "signals": {k: features(s) | {"all": asdict(s)} for k, s in trace.items()},
    }


def _run(path: Path, schema: dict[str, Any], engine: Any, options: Any) -> dict[str, Any]:
    from docai.parsers.loader import load_document
    from docai.verify import check_extraction, remember_pages

    with load_document(path, options) as doc:
        remember_pages(doc)
        extraction = engine.extract(doc, schema)
        trace: dict[str, Any] = {}
        return _record(check_extraction(extraction, doc, schema, options, trace=trace), trace)


def dump(out: Path, work: Path, sroie: int, kleister: int) -> int:
    from docai.engines import create_engine
    from docai.options import Options

    options = Options(engine="text")
    engine = create_engine(options)
    results: dict[str, Any] = {}
    try:
        for label, ds in _sets(work, sroie, kleister):
            for item in ds.docs:
                schema = item.schema or ds.schema or {"type": "object", "properties": {}}
                results[f"{label}/{Path(item.doc).name}"] = _run(Path(item.doc), schema, engine, options)
        example = Path(__file__).resolve().parents[1] / "examples" / "invoice.pdf"
        if example.is_file():
            schema = json.loads((work / "invoice" / "schema.json").read_text(encoding="utf-8"))
            results["examples/invoice.pdf"] = _run(example, schema, engine, options)
    finally:
        engine.close()
    out.write_text(json.dumps(results, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8")
    print(f"{len(results)} documents, {sum(len(r['fields']) for r in results.values())} fields -> {out}")
    return 0


def differences(a: Any, b: Any, tol: float, where: str = "") -> list[str]:
    """Every place where `a` and `b` differ (floats compared to `tol`), as 'path: a != b'."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{where}/{k}: only in one" for k in sorted(set(a) ^ set(b))]
        for k in sorted(set(a) & set(b)):
            out += differences(a[k], b[k], tol, f"{where}/{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items != {len(b)}"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, tol, f"{where}[{i}]")
        ]
    if isinstance(a, bool) or isinstance(b, bool):
        return [] if type(a) is type(b) and a == b else [f"{where}: {a!r} != {b!r}"]
    if isinstance(a, float | int) and isinstance(b, float | int):
        same = math.isclose(a, b, rel_tol=0.0, abs_tol=tol) and type(a) is type(b)
        return [] if same else [f"{where}: {a!r} != {b!r}"]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--work", type=Path, default=Path("verify-same-inputs"))
    d.add_argument("--sroie", type=int, default=20)
    d.add_argument("--kleister", type=int, default=10)
    c = sub.add_parser("diff")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    c.add_argument("--tol", type=float, default=1e-9)
    args = ap.parse_args(argv)
    if args.cmd == "dump":
        return dump(args.out, args.work, args.sroie, args.kleister)
    before = json.loads(args.before.read_text(encoding="utf-8"))
    after = json.loads(args.after.read_text(encoding="utf-8"))
    found = differences(before, after, args.tol)
    for line in found[:50]:
        print(line)
    fields = sum(len(r["fields"]) for r in before.values())
    print(f"{len(before)} documents, {fields} fields: {len(found)} differences")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
