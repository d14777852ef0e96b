"""The corpus: every document named by a metadata file in data/documents/, parsed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from loaders import baseline_study, markdown_report
from loaders.document import ParsedDocument
from loaders.errors import LoaderError
from loaders.yamlfile import line_of, load_yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"

# One parser per document format; a new format is a new module and one line here.
PARSERS: dict[str, Callable[[Path, dict[str, Any]], ParsedDocument]] = {
    "markdown-report": markdown_report.parse,
    "baseline-study": baseline_study.parse,
}

REQUIRED_META = ("file", "slug", "format", "title")


def document_metadata(documents_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    found: list[tuple[Path, dict[str, Any]]] = []
    slugs: dict[str, Path] = {}
    for meta_path in sorted(documents_dir.glob("*.yaml")):
        meta = load_yaml(meta_path)
        if not isinstance(meta, dict):
            raise LoaderError(str(meta_path), 1, "metadata must be a mapping")
        for key in REQUIRED_META:
            if key not in meta:
                raise LoaderError(str(meta_path), line_of(meta), f"metadata lacks {key!r}")
        if meta["format"] not in PARSERS:
            raise LoaderError(
                str(meta_path), line_of(meta),
                f"unknown format {meta['format']!r} (known: {', '.join(sorted(PARSERS))})",
            )
        if meta["slug"] in slugs:
            raise LoaderError(str(meta_path), line_of(meta), f"slug {meta['slug']!r} is also used by {slugs[meta['slug']]}")
        slugs[meta["slug"]] = meta_path
        text_path = meta_path.parent / str(meta["file"])
        if not text_path.exists():
            raise LoaderError(str(meta_path), line_of(meta), f"document file {meta['file']} does not exist")
        meta["_meta_path"] = str(meta_path)
        found.append((text_path, meta))
    return found


def parse_corpus(documents_dir: Path | None = None) -> list[ParsedDocument]:
    documents_dir = documents_dir or DATA_DIR / "documents"
    return [PARSERS[meta["format"]](path, meta) for path, meta in document_metadata(documents_dir)]
