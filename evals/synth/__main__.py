"""`python -m docai.evals.synth --kind invoice --n 20 --out DIR --seed 1 [--scanned]`."""

from __future__ import annotations

import argparse
import sys

from docai.errors import DocaiError
from docai.evals.synth import KINDS, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docai.evals.synth", description=__doc__)
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--n", type=int, default=10, help="How many documents.")
    parser.add_argument("--out", required=True, help="Output folder (generic eval format).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scanned", action="store_true", help="Scanned-looking image PDFs/PNGs.")
    parser.add_argument("--zh-ratio", type=float, default=0.2, help="Share of Chinese invoices/receipts.")
    args = parser.parse_args(argv)
    try:
        root = generate(
            args.kind, args.n, args.out, seed=args.seed, scanned=args.scanned, zh_ratio=args.zh_ratio
        )
    except DocaiError as e:
        sys.stderr.write(f"error: {e}\n")
        return e.exit_code
    sys.stdout.write(f"{args.n} {args.kind} documents in {root}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
