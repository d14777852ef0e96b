"""The shared machinery for writing RDF: graphs, quotes, references, and what is defined.

Every module that turns parsed documents or curation into triples goes through an Emitter,
so that IRIs are minted one way, every quote is anchored the same way, and every reference to
a resource that nobody defines is reported with the file and line that made it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from loaders.document import ParsedDocument
from loaders.errors import LoaderError
from loaders.namespaces import NG, OA, Iris
from loaders.quotes import count_quote, find_quote, hint
from loaders.registry import Registry
from loaders.vocabulary import Vocabulary

# reference prefix → IRI path segment (``actor:france`` → ``id/actor/france``)
REF_KINDS = {
    "cluster": "cluster", "actor": "actor", "norm": "norm", "initiative": "initiative",
    "theme": "theme", "role": "state-role", "status": "status", "work": "work",
    "instrument": "instrument", "concept": "concept", "responsibility": "responsibility",
    "dimension": "dimension", "criterion": "criterion", "question": "question",
}


@dataclass
class Emitter:
    iris: Iris
    registry: Registry
    vocabulary: Vocabulary
    documents: dict[str, ParsedDocument]
    graphs: dict[str, Graph] = field(default_factory=dict)
    referenced: dict[URIRef, str] = field(default_factory=dict)  # IRI → first file:line using it
    warnings: list[str] = field(default_factory=list)
    # facts other modules need: which responsibilities each document generated, etc.
    generated_responsibilities: dict[str, set[URIRef]] = field(default_factory=dict)
    responsibility_origin: dict[URIRef, str] = field(default_factory=dict)

    # -- graphs ----------------------------------------------------------------------------
    def graph(self, name: str) -> Graph:
        if name not in self.graphs:
            graph = Graph()
            for prefix, namespace in self.iris.prefixes().items():
                graph.bind(prefix, namespace)
            self.graphs[name] = graph
        return self.graphs[name]

    def add(self, graph: str, s: URIRef | BNode, p: URIRef, o: Any) -> None:
        if o is None:
            return
        if not isinstance(o, URIRef | BNode | Literal):
            o = Literal(o)
        self.graph(graph).add((s, p, o))

    def typed(self, graph: str, s: URIRef, *classes: URIRef) -> URIRef:
        for cls in classes:
            self.graph(graph).add((s, RDF.type, cls))
        return s

    def label(self, graph: str, s: URIRef, text: str, lang: str = "en") -> None:
        self.graph(graph).add((s, RDFS.label, Literal(text, lang=lang)))

    # -- references --------------------------------------------------------------------------
    def ref(self, reference: str, where: str, *, doc: str | None = None) -> URIRef:
        """Resolve ``kind:slug`` to an IRI, remembering where it was used."""
        kind, sep, slug = str(reference).partition(":")
        if not sep or (kind not in REF_KINDS and kind != "footnote"):
            raise LoaderError(*split_where(where), f"not a reference: {reference!r} (expected kind:slug)")
        if kind == "footnote":
            if doc is None:
                raise LoaderError(*split_where(where), f"{reference!r}: footnote references need a document")
            iri = self.iris.res("footnote", doc, slug)
        else:
            iri = self.iris.res(REF_KINDS[kind], *slug.split("/"))
        self.referenced.setdefault(iri, where)
        return iri

    def check_references(self) -> None:
        defined = set()
        for graph in self.graphs.values():
            defined.update(s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef))
        defined.update(s for s in self.vocabulary.graph.subjects(RDF.type, None) if isinstance(s, URIRef))
        missing = [(iri, where) for iri, where in self.referenced.items() if iri not in defined]
        if missing:
            lines = "\n".join(f"  {where}: {iri} is referenced but defined nowhere" for iri, where in missing)
            raise LoaderError("curation", None, f"{len(missing)} dangling reference(s):\n{lines}")

    # -- quotes ------------------------------------------------------------------------------
    def quote_at(self, doc: ParsedDocument, start: int, end: int, graph: str) -> URIRef:
        """A Quote resource for ``doc.text[start:end]``; its IRI depends only on the text."""
        exact = doc.text[start:end]
        occurrence = doc.text.count(exact, 0, start) + 1 if exact else 1
        digest = hashlib.sha1(exact.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]
        iri = self.iris.res("quote", doc.slug, f"{digest}-{occurrence}")
        g = self.graph(graph)
        if (iri, RDF.type, NG.Quote) in g:
            return iri
        for cls in (NG.Quote, OA.TextQuoteSelector, OA.TextPositionSelector):
            g.add((iri, RDF.type, cls))
        g.add((iri, OA.exact, Literal(exact)))
        g.add((iri, OA.prefix, Literal(doc.text[max(0, start - 32):start])))
        g.add((iri, OA.suffix, Literal(doc.text[end:end + 32])))
        g.add((iri, OA.start, Literal(start, datatype=XSD.integer)))
        g.add((iri, OA.end, Literal(end, datatype=XSD.integer)))
        g.add((iri, NG.sourceDocument, self.iris.res("document", doc.slug)))
        block = doc.block_at(start)
        if block is not None:
            g.add((iri, NG.inParagraph, self.paragraph_iri(doc, block)))
            if block.section is not None:
                g.add((iri, NG.inSection, self.section_iri(doc, block.section.slug_path)))
            g.add((iri, NG.line, Literal(block.line_at(start - block.start))))
        else:
            note = doc.footnote_at(start)
            if note is not None:
                g.add((iri, NG.quotedFromFootnote, self.iris.res("footnote", doc.slug, note.number)))
                g.add((iri, NG.line, Literal(note.line)))
        return iri

    def quote(self, doc_slug: str, text: str, where: str, graph: str, occurrence: int = 1) -> tuple[URIRef, int, int]:
        """Anchor a curated quote; a quote that does not occur is an error at ``where``."""
        doc = self.document(doc_slug, where)
        start = find_quote(doc, text, occurrence)
        if start is None:
            n = count_quote(doc, text)
            why = f"it occurs {n} time(s), occurrence {occurrence} was asked" if n else hint(doc, text)
            raise LoaderError(*split_where(where), f"quote not found in {doc_slug}: {text!r} — {why}")
        return self.quote_at(doc, start, start + len(text), graph), start, start + len(text)

    def document(self, slug: str, where: str) -> ParsedDocument:
        if slug not in self.documents:
            raise LoaderError(*split_where(where), f"unknown document {slug!r}")
        return self.documents[slug]

    # -- IRIs of document parts ----------------------------------------------------------------
    def section_iri(self, doc: ParsedDocument, slug_path: str) -> URIRef:
        return self.iris.res("section", doc.slug, *slug_path.split("/"))

    def paragraph_iri(self, doc: ParsedDocument, block: Any) -> URIRef:
        section = block.section
        if section is not None and section.block is block:
            return self.section_iri(doc, section.slug_path)  # a heading stands for its section
        index = section.paragraphs.index(block) + 1 if section is not None else 0
        path = section.slug_path.split("/") if section is not None else []
        return self.iris.res("paragraph", doc.slug, *path, index)

    def footnotes_near(self, doc: ParsedDocument, start: int, end: int) -> list[int]:
        """Footnotes supporting a span: markers inside it, else the first markers after it
        up to the end of its sentence (a marker usually follows the full stop)."""
        block = doc.block_at(start)
        if block is None:
            return []
        local_start, local_end = start - block.start, end - block.start
        inside = [n for n, at in block.markers if local_start <= at <= local_end]
        if inside:
            return inside
        tail = block.text[local_end:]
        stop = len(tail)
        for marker in (". ", "? ", "! "):
            at = tail.find(marker)
            if at >= 0:
                stop = min(stop, at + 1)
        in_sentence = [n for n, at in block.markers if local_end < at <= local_end + stop]
        if in_sentence:
            return in_sentence
        # a list item's marker at its end supports the whole item (the baseline study's style)
        later = sorted((at, n) for n, at in block.markers if at > local_end)
        if block.kind == "bullet" and later:
            first = later[0][0]
            return [n for at, n in later if at - first <= 2]
        return []


def split_where(where: str) -> tuple[str, int | None]:
    path, _, line = where.rpartition(":")
    if path and line.isdigit():
        return path, int(line)
    return where, None
