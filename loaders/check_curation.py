"""Check curation files' quotes against the normalised texts: ``python -m loaders.check_curation FILE…``.

For curators: reports every quote that does not occur (with a hint), without building."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from loaders.corpus import DATA_DIR, parse_corpus
from loaders.document import ParsedDocument
from loaders.errors import LoaderError
from loaders.quotes import count_quote, find_quote, hint
from loaders.yamlfile import line_of, load_yaml

QUOTE_KEYS = ("quote", "definition_quote", "text")


def iter_quotes(node: Any, default_doc: str | None, inherited_line: int | None = None):
    """Yield (doc slug, quote, occurrence, line) for every quote-like value in a curation tree."""
    if isinstance(node, dict):
        line = line_of(node) or inherited_line
        doc = node.get("doc", default_doc)
        for key in QUOTE_KEYS:
            value = node.get(key)
            if isinstance(value, str):
                yield doc, value, int(node.get("occurrence", 1)), line
        for key, value in node.items():
            if key not in QUOTE_KEYS:
                yield from iter_quotes(value, doc, line)
    elif isinstance(node, list):
        for item in node:
            yield from iter_quotes(item, default_doc, inherited_line)


def check_file(path: Path, docs: dict[str, ParsedDocument]) -> list[str]:
    data = load_yaml(path)
    default = None
    if isinstance(data, dict):
        default = data.get("document")
    if default is None and path.parent.name in docs:
        default = path.parent.name
    problems: list[str] = []
    for doc_slug, quote, occurrence, line in iter_quotes(data, default):
        if doc_slug not in docs:
            problems.append(f"{path}:{line}: unknown document {doc_slug!r} for quote {quote[:60]!r}")
            continue
        doc = docs[doc_slug]
        if find_quote(doc, quote, occurrence) is None:
            n = count_quote(doc, quote)
            why = f"occurs {n} time(s), occurrence {occurrence} asked" if n else hint(doc, quote)
            problems.append(f"{path}:{line}: quote not found in {doc_slug}: {quote!r} — {why}")
    return problems


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    try:
        docs = {d.slug: d for d in parse_corpus()}
    except LoaderError as exc:
        print(exc, file=sys.stderr)
        return 1
    paths = [Path(a) for a in args] or sorted((DATA_DIR / "curation").rglob("*.yaml")) + sorted(
        (DATA_DIR / "registry").glob("*.yaml")
    )
    problems: list[str] = []
    for path in paths:
        try:
            problems.extend(check_file(path, docs))
        except LoaderError as exc:
            problems.append(str(exc))
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s) in {len(paths)} file(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
