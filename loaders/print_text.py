"""Print a document's normalised text: ``python -m loaders.print_text SLUG-or-FILE``."""

from __future__ import annotations

import sys

from loaders.corpus import parse_corpus


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    for doc in parse_corpus():
        if not args or doc.slug in args or doc.path.name in args or str(doc.path) in args:
            sys.stdout.write(doc.text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
