"""What each format's parser found beyond structure, as RDF: the GGE norm list and Annex 1 of
a markdown report; the claims and headed questions of a baseline study."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from loaders.document import ParsedDocument
from loaders.emit import Emitter
from loaders.emit_structure import doc_graph
from loaders.errors import LoaderError
from loaders.namespaces import NG
from loaders.textutil import slugify

WORKSHOP_PARTICIPANTS = "actor:geneva-dialogue-workshop-participants"
GGE_2015 = "actor:un-gge-2015"


def new_responsibility(
    em: Emitter, g: str, doc: ParsedDocument, bearer: str, slug: str, label: str, where: str
) -> URIRef:
    """A responsibility generated from a document; the same (bearer, slug) is one resource."""
    bearer_iri = em.ref(bearer, where)
    iri = em.iris.res("responsibility", bearer.partition(":")[2], slug)
    if iri not in em.responsibility_origin:
        em.typed(g, iri, NG.Responsibility)
        em.label(g, iri, label)
        em.add(g, iri, NG.bearer, bearer_iri)
        em.responsibility_origin[iri] = doc.slug
        em.generated_responsibilities.setdefault(doc.slug, set()).add(iri)
    return iri


def new_claim(
    em: Emitter, g: str, doc: ParsedDocument, slug: str, about: URIRef, claimant: URIRef, status: str,
    evidence: URIRef, footnotes: list[int], where: str, section: URIRef | None = None,
) -> URIRef:
    claim = em.iris.res("claim", doc.slug, slug)
    em.typed(g, claim, NG.Claim)
    em.add(g, claim, NG.about, about)
    em.add(g, claim, NG.claimant, claimant)
    em.add(g, claim, NG.status, em.ref(f"status:{status}", where))
    em.add(g, claim, NG.evidence, evidence)
    if section is not None:
        em.add(g, claim, NG.statedUnder, section)
    for number in footnotes:
        if number in doc.footnotes:
            em.add(g, claim, NG.supportedBy, em.iris.res("footnote", doc.slug, number))
    return claim


# -- markdown report: the GGE norm list and Annex 1 -------------------------------------------------


def emit_norm_list(em: Emitter, doc: ParsedDocument) -> dict[str, URIRef]:
    g = doc_graph(doc)
    annex_meta = doc.meta.get("annex") or {}
    prefix = str(annex_meta.get("norm_prefix", "gge-2015-13"))
    instrument = annex_meta.get("norms_instrument")
    where = f"{doc.meta['_meta_path']}:1"
    norms: dict[str, URIRef] = {}
    for item in doc.extras.get("norms", []):
        slug = f"{prefix}{item.letter}"
        norm = em.iris.res("norm", slug)
        norms[item.letter] = norm
        src = f"{doc.path}:{item.block.line}"
        em.typed(g, norm, NG.Norm, NG.VoluntaryNorm)
        em.label(g, norm, f"GGE 2015 norm 13({item.letter})")
        em.add(g, norm, SKOS.notation, Literal(f"13({item.letter})"))
        em.add(g, norm, NG.normText, Literal(item.text, lang="en"))
        em.add(g, norm, NG.paragraphRef, Literal(f"para. 13 ({item.letter})"))
        em.add(g, norm, NG.order, Literal(ord(item.letter) - ord("a") + 1))
        if instrument:
            em.add(g, norm, NG.instrument, em.ref(instrument, where))
        quote = em.quote_at(doc, item.offset, item.offset + len(item.text), g)
        em.add(g, norm, NG.evidence, quote)
        if item.block.section is not None:
            em.add(g, norm, NG.discussedIn, em.section_iri(doc, item.block.section.slug_path))
        resp = new_responsibility(em, g, doc, "cluster:states", slug, item.text, src)
        em.add(g, resp, NG.servesNorm, norm)
        em.add(g, resp, NG.description, Literal(item.text, lang="en"))
        section = em.section_iri(doc, item.block.section.slug_path) if item.block.section else None
        new_claim(em, g, doc, slug, resp, em.ref(GGE_2015, src), "advocated", quote, [], src, section)
    return norms


def emit_annex(em: Emitter, doc: ParsedDocument, norms: dict[str, URIRef]) -> None:
    rows = doc.extras.get("annex") or []
    if not rows:
        return
    g = doc_graph(doc)
    annex_meta = doc.meta.get("annex") or {}
    prefix = str(annex_meta.get("norm_prefix", "gge-2015-13"))
    annex = em.iris.res("annex", doc.slug, "annex-1")
    annex_section = rows[0].block.section
    em.typed(g, annex, NG.Annex)
    em.label(g, annex, "Annex 1: UN GGE 2015 norms — private sector and other participation")
    em.add(g, annex, NG.inDocument, em.iris.res("document", doc.slug))
    if annex_section is not None:
        em.add(g, annex, NG.inSection, em.section_iri(doc, annex_section.slug_path))
    present = set()
    for order, row in enumerate(rows, start=1):
        where = f"{doc.path}:{row.line}"
        norm = norms.get(row.letter) or em.ref(f"norm:{prefix}{row.letter}", where)
        present.add(row.letter)
        r = em.iris.res("annex", doc.slug, "annex-1", f"13{row.letter}")
        em.typed(g, r, NG.AnnexRow)
        em.label(g, r, f"Annex 1 row 13({row.letter})")
        em.add(g, annex, NG.hasRow, r)
        em.add(g, r, NG.norm, norm)
        em.add(g, r, NG.order, Literal(order))
        em.add(g, r, NG.rowText, Literal(row.text, lang="en"))
        row_quote_start = row.block.start + row.block.text.index(row.text) if row.text else row.block.start
        em.add(g, r, NG.evidence, em.quote_at(doc, row_quote_start, row_quote_start + len(row.text), g))
        if row.note:
            em.add(g, r, NG.note, Literal(row.note, lang="en"))
        for cell in row.cells:
            c = em.iris.res("annex", doc.slug, "annex-1", f"13{row.letter}", cell.group, cell.status)
            em.typed(g, c, NG.AnnexCell)
            em.label(g, c, f"13({row.letter}) — {cell.group_label.title()} — {cell.header}")
            em.add(g, r, NG.hasCell, c)
            em.add(g, c, NG.actorGroup, em.ref(f"cluster:{cell.group}", where))
            em.add(g, c, NG.status, em.ref(f"status:{cell.status}", where))
            em.add(g, c, NG.columnHeader, Literal(cell.header))
            em.add(g, c, NG.groupHeader, Literal(cell.group_label))
            em.add(g, c, NG.isEmpty, Literal(not cell.entries))
            for entry in cell.entries:
                assert cell.block is not None
                e = em.iris.res("annex", doc.slug, "annex-1", f"13{row.letter}", cell.group, cell.status, entry.order)
                em.typed(g, e, NG.AnnexEntry)
                em.label(g, e, entry.label)
                em.add(g, c, NG.hasEntry, e)
                em.add(g, e, NG.text, Literal(entry.text, lang="en"))
                em.add(g, e, NG.order, Literal(entry.order))
                start = cell.block.start + entry.start
                quote = em.quote_at(doc, start, start + len(entry.text), g)
                em.add(g, e, NG.evidence, quote)
                initiative = em.registry.find_initiative(entry.label)
                if initiative is not None:
                    em.add(g, e, NG.refersTo, em.ref(f"initiative:{initiative.slug}", where))
                    continue
                resp = new_responsibility(
                    em, g, doc, f"cluster:{cell.group}", slugify(entry.label), entry.label, where
                )
                em.add(g, resp, NG.servesNorm, norm)
                claim_slug = f"annex-1-13{row.letter}-{cell.group}-{cell.status}-{entry.order}"
                claim = new_claim(
                    em, g, doc, claim_slug, resp, em.ref(WORKSHOP_PARTICIPANTS, where), cell.status, quote, [],
                    where, em.section_iri(doc, annex_section.slug_path) if annex_section else None,
                )
                em.add(g, e, NG.expresses, claim)
    for letter, norm in norms.items():
        if letter not in present:
            em.add(g, annex, NG.omitsNorm, norm)


# -- baseline study: bullets as claims, headed questions ------------------------------------------


def emit_bullet_claims(em: Emitter, doc: ParsedDocument) -> None:
    g = doc_graph(doc)
    used: dict[str, int] = {}
    for claim in doc.extras.get("claims", []):
        where = f"{doc.path}:{claim.block.line}"
        claimant = em.vocabulary.cluster_named(claim.claimant)
        bearer = em.vocabulary.cluster_named(claim.bearer)
        for name, found in ((claim.claimant, claimant), (claim.bearer, bearer)):
            if found is None:
                raise LoaderError(
                    str(doc.path), claim.block.line,
                    f"{name!r} names no actor cluster (add it as a skos:altLabel in ontology/vocabularies.ttl)",
                )
        theme = em.vocabulary.theme_of(claim.block.text)
        if theme is None:
            raise LoaderError(
                str(doc.path), claim.block.line,
                f"cannot tell the theme of this bullet from its first words: {claim.block.text[:70]!r} "
                "(add a skos:hiddenLabel to a theme in ontology/vocabularies.ttl)",
            )
        label = f"{em.vocabulary.label('theme', theme)} ({em.vocabulary.label('cluster', str(bearer))})"
        resp = new_responsibility(em, g, doc, f"cluster:{bearer}", theme, label, where)
        em.add(g, resp, NG.theme, em.ref(f"theme:{theme}", where))
        base = f"{claim.status}-{claimant}-{theme}"
        used[base] = used.get(base, 0) + 1
        slug = base if used[base] == 1 else f"{base}-{used[base]}"
        quote = em.quote_at(doc, claim.block.start, claim.block.end, g)
        footnotes = [n for n, _ in claim.block.markers]
        section = em.section_iri(doc, claim.section.slug_path)
        c = new_claim(em, g, doc, slug, resp, em.ref(f"cluster:{claimant}", where), claim.status, quote,
                      footnotes, where, section)
        em.add(g, c, NG.order, Literal(claim.order))
        em.add(g, c, NG.inParagraph, em.paragraph_iri(doc, claim.block))


def emit_headed_questions(em: Emitter, doc: ParsedDocument) -> None:
    g = doc_graph(doc)
    for question in doc.extras.get("questions", []):
        iri = em.iris.res("question", doc.slug, slugify(question.heading.text))
        em.typed(g, iri, NG.Question)
        em.label(g, iri, question.heading.text)
        em.add(g, iri, NG.questionText, Literal(question.heading.text, lang="en"))
        em.add(g, iri, NG.inDocument, em.iris.res("document", doc.slug))
        em.add(g, iri, NG.inSection, em.section_iri(doc, question.section.slug_path))
        em.add(g, iri, NG.evidence, em.quote_at(doc, question.heading.start, question.heading.end, g))
        if question.elaboration:
            text = " ".join(b.text for b in question.elaboration)
            em.add(g, iri, NG.elaboration, Literal(text, lang="en"))
