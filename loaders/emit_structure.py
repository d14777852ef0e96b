"""Document structure as RDF: the report, its sections, paragraphs, footnotes, the works they
cite, and where registry actors and initiatives are mentioned."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from loaders.document import Citation, ParsedDocument
from loaders.emit import Emitter
from loaders.namespaces import CITO, NG, SCHEMA
from loaders.registry import loose_title
from loaders.textutil import slugify

NORMALISATION = (
    "UTF-8, Unicode NFC, LF; markup removed (emphasis, footnote markers, HTML tags, escapes); "
    "paragraphs split by page breaks rejoined; whitespace folded; paragraphs separated by a blank "
    "line; footnotes appended after the body as '[N] text' (see data/README.md)"
)


def doc_graph(doc: ParsedDocument) -> str:
    return f"document/{doc.slug}"


def emit_document(em: Emitter, doc: ParsedDocument) -> None:
    g = doc_graph(doc)
    meta = doc.meta
    where = f"{meta['_meta_path']}:1"
    iri = em.iris.res("document", doc.slug)
    em.typed(g, iri, NG.Report)
    em.label(g, iri, str(meta["title"]))
    em.add(g, iri, DCTERMS.title, Literal(str(meta["title"]), lang="en"))
    if meta.get("subtitle"):
        em.add(g, iri, NG.subtitle, Literal(str(meta["subtitle"]), lang="en"))
    if meta.get("short_title"):
        em.add(g, iri, NG.shortTitle, Literal(str(meta["short_title"]), lang="en"))
    if meta.get("issued"):
        em.add(g, iri, DCTERMS.issued, Literal(str(meta["issued"]), datatype=XSD.date))
    em.add(g, iri, DCTERMS.language, Literal(str(meta.get("language", "en"))))
    for author in meta.get("authors") or []:
        em.add(g, iri, DCTERMS.creator, em.ref(author, where))
    if meta.get("publisher"):
        em.add(g, iri, DCTERMS.publisher, em.ref(meta["publisher"], where))
    if meta.get("series"):
        em.add(g, iri, NG.series, em.ref(meta["series"], where))
    if meta.get("subject_cluster"):
        em.add(g, iri, NG.subjectCluster, em.ref(meta["subject_cluster"], where))
    em.add(g, iri, NG.fileName, Literal(doc.path.name))
    em.add(g, iri, NG.textSha256, Literal(doc.sha256))
    em.add(g, iri, NG.normalisation, Literal(NORMALISATION))
    em.add(g, iri, NG.textLength, Literal(len(doc.text), datatype=XSD.integer))

    for section in doc.sections:
        s = em.section_iri(doc, section.slug_path)
        em.typed(g, s, NG.Section)
        em.label(g, s, section.heading)
        em.add(g, s, NG.heading, Literal(section.heading, lang="en"))
        em.add(g, s, NG.level, Literal(section.level))
        em.add(g, s, NG.order, Literal(section.order))
        em.add(g, s, NG.inDocument, iri)
        em.add(g, s, NG.line, Literal(section.line))
        em.add(g, s, NG.startOffset, Literal(section.block.start, datatype=XSD.integer))
        parent = em.section_iri(doc, section.parent.slug_path) if section.parent else iri
        em.add(g, s, DCTERMS.isPartOf, parent)
        m = re.match(r"(?i)^(section|annex)\s+(\d+)", section.heading)
        if m and section.level == 1:
            em.add(g, s, NG.sectionNumber, Literal(f"{m.group(1).capitalize()} {m.group(2)}"))
        for index, block in enumerate(section.paragraphs, start=1):
            p = em.paragraph_iri(doc, block)
            em.typed(g, p, NG.Paragraph)
            em.add(g, p, NG.text, Literal(block.text, lang="en"))
            em.add(g, p, NG.order, Literal(index))
            em.add(g, p, DCTERMS.isPartOf, s)
            em.add(g, p, NG.inDocument, iri)
            em.add(g, p, NG.line, Literal(block.line))
            em.add(g, p, NG.isListItem, Literal(block.kind == "bullet"))
            em.add(g, p, NG.startOffset, Literal(block.start, datatype=XSD.integer))
            em.add(g, p, NG.endOffset, Literal(block.end, datatype=XSD.integer))
    for block in doc.blocks:
        for number, _ in block.markers:
            if number in doc.footnotes:
                note = em.iris.res("footnote", doc.slug, number)
                para = em.paragraph_iri(doc, block)
                em.add(g, para, NG.hasFootnoteMarker, note)
                em.add(g, note, NG.citedFrom, para)

    for number, note in sorted(doc.footnotes.items()):
        n = em.iris.res("footnote", doc.slug, number)
        em.typed(g, n, NG.Footnote)
        em.label(g, n, f"Footnote {number}")
        em.add(g, n, NG.noteNumber, Literal(number))
        em.add(g, n, NG.text, Literal(note.text, lang="en"))
        em.add(g, n, NG.inDocument, iri)
        em.add(g, n, NG.line, Literal(note.line))
        em.add(g, n, NG.isIbid, Literal(note.is_ibid))
        if note.ibid_of is not None:
            em.add(g, n, NG.ibidOf, em.iris.res("footnote", doc.slug, note.ibid_of))
        for url in note.urls:
            em.add(g, n, SCHEMA.url, Literal(url, datatype=XSD.anyURI))
        text_start = note.start + note.prefix_len
        em.add(g, n, NG.evidence, em.quote_at(doc, text_start, text_start + len(note.text), g))


def emit_mentions(em: Emitter, doc: ParsedDocument) -> None:
    """Where each registry actor and initiative is named (whole-word, case-sensitive)."""
    g = doc_graph(doc)
    patterns = []
    for entry in list(em.registry.actors.values()) + list(em.registry.initiatives.values()):
        forms = sorted(entry.surfaces, key=len, reverse=True)
        regex = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w])")
        patterns.append((entry, regex))
    units = [(em.paragraph_iri(doc, b), b.text) for b in doc.blocks]
    units += [(em.iris.res("footnote", doc.slug, n.number), n.text) for n in doc.footnotes.values()]
    for entry, regex in patterns:
        subject = em.iris.res(entry.kind, entry.slug)
        for unit, text in units:
            if regex.search(text):
                em.add(g, subject, NG.mentionedIn, unit)


# -- cited works of baseline-study footnotes ------------------------------------------------------


def work_key(em: Emitter, citation: Citation) -> tuple[str, int | None]:
    loose = loose_title(citation.title)
    canonical = em.registry.work_aliases.get(loose)
    return (loose_title(canonical) if canonical else loose, citation.year)


def assign_work_slugs(em: Emitter, docs: list[ParsedDocument]) -> dict[tuple[str, int | None], str]:
    """Slugs from titles; titles shared by works of different years get the year appended.
    Computed over the whole corpus so that slugs do not depend on parse order."""
    keys: dict[tuple[str, int | None], Citation] = {}
    for doc in docs:
        for note in doc.footnotes.values():
            for citation in note.citations:
                keys.setdefault(work_key(em, citation), citation)
    by_slug: dict[str, list[tuple[str, int | None]]] = {}
    for key in keys:
        by_slug.setdefault(slugify(key[0]), []).append(key)
    slugs: dict[tuple[str, int | None], str] = {}
    for base, group in by_slug.items():
        for key in group:
            slugs[key] = base if len(group) == 1 else f"{base}-{key[1] or 'undated'}"
    return slugs


def resolve_agents(em: Emitter, text: str, where: str) -> tuple[list[URIRef], list[URIRef]]:
    """A citation's organisation/author string → (creators, publishers)."""
    text = text.strip()
    entry = em.registry.find_actor(text)
    if entry is not None:
        target = "creator" if entry.data.get("kind") == "Person" else "publisher"
        iri = em.iris.res("actor", entry.slug)
        return ([iri], []) if target == "creator" else ([], [iri])
    # "Richard Hill, Hill & Associates", "Osula & Roigas (eds.)", "Finnemore and Hollis"
    for splitter in (r",\s+", r",\s+|\s+and\s+|\s+&\s+"):
        parts = [p for p in re.split(splitter, text.replace("(eds.)", "").strip()) if p.strip()]
        found = [em.registry.find_actor(p) for p in parts]
        if len(parts) > 1 and all(found):
            creators = [em.iris.res("actor", e.slug) for e in found if e and e.data.get("kind") == "Person"]
            publishers = [em.iris.res("actor", e.slug) for e in found if e and e.data.get("kind") != "Person"]
            return creators, publishers
    minted = em.registry.mint_actor(text, where)
    return [], [em.iris.res("actor", minted.slug)]


def emit_citations(em: Emitter, doc: ParsedDocument, slugs: dict[tuple[str, int | None], str]) -> None:
    g = doc_graph(doc)
    for number, note in sorted(doc.footnotes.items()):
        where = f"{doc.path}:{note.line}"
        for position, citation in enumerate(note.citations, start=1):
            key = work_key(em, citation)
            same_as = em.registry.work_same_as.get(key[0])
            work = em.ref(same_as, where) if same_as else em.iris.res("work", slugs[key])
            if not same_as:
                emit_work(em, g, work, citation, where)
            add_citation(em, g, doc, number, position, work, citation.as_text)


def emit_ibid(em: Emitter, doc: ParsedDocument) -> None:
    """Run after every citation (parsed or curated) is in: Ibid. notes copy them."""
    for number, note in sorted(doc.footnotes.items()):
        if note.is_ibid and note.ibid_of is not None:
            copy_ibid(em, doc, number, note.ibid_of)


def emit_work(em: Emitter, g: str, work: URIRef, citation: Citation, where: str) -> None:
    em.typed(g, work, NG.CitedWork)
    title = citation.title
    canonical = em.registry.work_aliases.get(loose_title(title))
    if canonical:
        title = canonical
    if not list(em.graph(g).objects(work, DCTERMS.title)):
        em.label(g, work, title)
        em.add(g, work, DCTERMS.title, Literal(title, lang="en"))
    if citation.year:
        em.graph(g).set((work, NG.year, Literal(str(citation.year), datatype=XSD.gYear)))
    if citation.publisher:
        creators, publishers = resolve_agents(em, citation.publisher, where)
        for agent in creators:
            em.add(g, work, DCTERMS.creator, agent)
        for agent in publishers:
            em.add(g, work, DCTERMS.publisher, agent)
    for name in citation.creators:
        creators, publishers = resolve_agents(em, name, where)
        for agent in creators + publishers:
            em.add(g, work, DCTERMS.creator, agent)
    for editors in citation.editors:
        creators, publishers = resolve_agents(em, editors, where)
        for agent in creators + publishers:
            em.add(g, work, DCTERMS.contributor, agent)
            em.add(g, work, NG.editor, agent)
    if citation.descriptor:
        em.add(g, work, NG.genre, Literal(citation.descriptor, lang="en"))
    if citation.note:
        em.add(g, work, NG.note, Literal(citation.note, lang="en"))


def add_citation(
    em: Emitter, g: str, doc: ParsedDocument, number: int, position: int, work: URIRef, as_text: str | None,
    via_ibid: bool = False,
) -> URIRef:
    note = em.iris.res("footnote", doc.slug, number)
    c = em.iris.res("citation", doc.slug, f"{number}-{position}")
    em.typed(g, c, NG.Citation)
    em.add(g, c, NG.position, Literal(position))
    em.add(g, c, NG.inFootnote, note)
    em.add(g, c, NG.citedWork, work)
    em.add(g, c, NG.viaIbid, Literal(via_ibid))
    if as_text:
        em.add(g, c, NG.citedAsText, Literal(as_text))
    em.add(g, note, NG.hasCitation, c)
    em.add(g, note, CITO.cites, work)
    return c


def copy_ibid(em: Emitter, doc: ParsedDocument, number: int, target: int) -> None:
    """An "Ibid." note cites what the note it repeats cites, marked as via Ibid (in the graph
    that holds the repeated note's citations: the document's, or the curation graph)."""
    target_iri = em.iris.res("footnote", doc.slug, target)
    for g in (doc_graph(doc), "curation"):
        graph = em.graph(g)
        cited = []
        for c in graph.objects(target_iri, NG.hasCitation):
            cited.append((int(graph.value(c, NG.position)), graph.value(c, NG.citedWork)))
        for position, work in sorted(cited):
            add_citation(em, g, doc, number, position, work, None, via_ibid=True)
