"""Write docs/rules.md from the rule metadata in rules/checks/*.yaml.

The text comes from aggqlint.output.ruledocs, the same code behind `aggqlint rules`, so the page and
the command never disagree. tests/test_rule_docs.py fails when the committed page is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCS = REPO_ROOT / "docs" / "rules.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DOCS)
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when the page is stale"
    )
    args = parser.parse_args(argv)
    # Render from this checkout's rules and code, installed or not.
    sys.path.insert(0, str(REPO_ROOT / "src"))
    from aggqlint.output.ruledocs import render_markdown

    text = render_markdown()
    out: Path = args.out
    current = out.read_text(encoding="utf-8") if out.is_file() else None
    if args.check:
        if current != text:
            print(f"{out} is stale: run `python tools/generate_rule_docs.py`", file=sys.stderr)
            return 1
        return 0
    if current != text:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
