"""Finding a curated quote in a document's normalised text."""

from __future__ import annotations

import re

from loaders.document import ParsedDocument

_TYPOGRAPHIC = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def _loose(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_TYPOGRAPHIC).replace("*", "")).lower()


def find_quote(doc: ParsedDocument, quote: str, occurrence: int = 1) -> int | None:
    """Offset of the ``occurrence``-th exact match of ``quote``, or None."""
    start = -1
    for _ in range(max(occurrence, 1)):
        start = doc.text.find(quote, start + 1)
        if start < 0:
            return None
    return start


def count_quote(doc: ParsedDocument, quote: str) -> int:
    return doc.text.count(quote)


def hint(doc: ParsedDocument, quote: str) -> str:
    """A hint for a quote that was not found: is it there with other quotes/case/spaces?"""
    loose_text = _loose(doc.text)
    loose_quote = _loose(quote)
    at = loose_text.find(loose_quote)
    if at >= 0:
        return (
            "it occurs with different typographic quotes, dashes, case, emphasis or spacing; "
            f"the text there reads: {doc.text[at:at + len(quote) + 10]!r}"
        )
    words = loose_quote.split()
    for size in (6, 4, 3):
        if len(words) >= size:
            probe = " ".join(words[:size])
            at = loose_text.find(probe)
            if at >= 0:
                return f"its first words occur; the text continues: {doc.text[at:at + len(quote) + 20]!r}"
    return "no part of it was found"
