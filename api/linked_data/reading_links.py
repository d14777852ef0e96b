"""Where a resource sits in a document's reading view: the anchors of sections (#s-…),
paragraphs (#p-…), footnotes (#fn-N) and quotes (#char=START,END)."""

from __future__ import annotations

from urllib.parse import urlencode

from api.linked_data.index import Index
from api.linked_data.site import Ctx


def read_path(slug: str) -> str:
    return f"/read/{slug}"


def section_anchor(path: str) -> str:
    return "s-" + path


def paragraph_anchor(path: str) -> str:
    return "p-" + path


def char_anchor(start: int, end: int) -> str:
    return f"char={start},{end}"


def read_href(ctx: Ctx, index: Index, iri: str, *, span: tuple[int, int] | None = None,
              document: str | None = None) -> str | None:
    """The reading-view link for a document, section, paragraph, footnote or quote (else None)."""
    site = ctx.site
    if not iri.startswith(site.id_ns):
        return None
    kind, _, rest = iri[len(site.id_ns):].partition("/")
    slug, _, path = rest.partition("/")
    if kind == "document" and slug and not path:
        return ctx.href(read_path(slug))
    if kind == "section" and path:
        return ctx.href(read_path(slug)) + "#" + section_anchor(path)
    if kind == "paragraph" and path:
        return ctx.href(read_path(slug)) + "#" + paragraph_anchor(path)
    if kind == "footnote" and path:
        return ctx.href(read_path(slug)) + "#fn-" + path
    if kind == "quote":
        facts = index.facts.get(iri, {})
        if span is None and "start" in facts and "end" in facts:
            span = (int(facts["start"]), int(facts["end"]))
        doc = document or facts.get("document")
        if doc and doc.startswith(site.id_ns + "document/"):
            slug = doc[len(site.id_ns + "document/"):]
        if span is not None and slug:
            start, end = span
            return (ctx.href(read_path(slug)) + "?" + urlencode({"hl": f"{start},{end}"}) + "#" + char_anchor(start, end))
    return None
