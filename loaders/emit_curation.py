"""Curation files and the registry as RDF, all in the curation graph.

Each curated fact carries its evidence (a quote anchored in a document) and, where it is a
judgement, its rationale and the file:line it came from, so a researcher can tell what the
text states from what a curator decided."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDFS, SKOS, XSD

from loaders.emit import Emitter
from loaders.errors import LoaderError
from loaders.namespaces import CITO, NG, SCHEMA
from loaders.yamlfile import display_path, line_of

G = "curation"

DIMENSIONS: dict[str, tuple[URIRef, str, set[str]]] = {
    "bindingness": (NG.bindingness, "bindingness", {"hard", "soft", "not-determinable"}),
    "behaviour_mode": (NG.behaviourMode, "behaviour-mode", {"reactive", "productive", "not-determinable"}),
    "modality": (NG.modality, "modality", {"restraint", "positive-duty", "not-determinable"}),
}
NORM_KINDS = {"VoluntaryNorm", "LegalPrinciple", "PoliticalCommitment"}
STATUSES = {"assumed", "advocated", "suggested", "recognised", "prospective", "attributed"}


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class CurationFile:
    """One curation file of one document."""

    def __init__(self, em: Emitter, path: Path, data: dict[str, Any], doc_slug: str) -> None:
        self.em = em
        self.path = path
        self.data = data
        self.doc = doc_slug
        self.claim_counts: dict[URIRef, int] = {}

    def where(self, node: Any) -> str:
        return f"{display_path(self.path)}:{line_of(node) or 1}"

    def fail(self, node: Any, message: str) -> LoaderError:
        return LoaderError(str(self.path), line_of(node), message)

    def ref(self, reference: str, node: Any) -> URIRef:
        return self.em.ref(reference, self.where(node), doc=self.doc)

    def quote(self, node: dict[str, Any], key: str = "quote", doc: str | None = None) -> tuple[URIRef, int, int]:
        return self.em.quote(doc or node.get("doc") or self.doc, str(node[key]), self.where(node), G,
                             int(node.get("occurrence", 1)))

    def set_label(self, iri: URIRef, text: str) -> None:
        """One label per resource: a second curator's different label becomes an altLabel."""
        graph = self.em.graph(G)
        existing = [str(v) for g in self.em.graphs.values() for v in g.objects(iri, RDFS.label)]
        if not existing:
            graph.add((iri, RDFS.label, Literal(text, lang="en")))
        elif text not in existing:
            graph.add((iri, SKOS.altLabel, Literal(text, lang="en")))

    # -- the sections of a curation file -------------------------------------------------------
    def emit(self) -> None:
        for key, method in (
            ("instruments", self.instruments), ("works", self.works), ("norms", self.norms),
            ("norm_annotations", self.norm_annotations), ("footnote_citations", self.footnote_citations),
            ("responsibilities", self.responsibilities), ("roles", self.roles), ("questions", self.questions),
            ("concepts", self.concepts), ("criteria", self.criteria),
            ("regime_components", self.regime_components), ("participation", self.participation),
        ):
            items = self.data.get(key)
            if items is not None:
                method(items)

    def instruments(self, items: list[dict[str, Any]]) -> None:
        em = self.em
        for item in items:
            iri = em.iris.res("instrument", item["slug"])
            em.typed(G, iri, NG.Instrument)
            self.set_label(iri, str(item["label"]))
            if not any((iri, DCTERMS.title, None) in g for g in em.graphs.values()):
                em.add(G, iri, DCTERMS.title, Literal(str(item["label"]), lang="en"))
            if item.get("symbol"):
                em.add(G, iri, NG.documentSymbol, Literal(str(item["symbol"])))
            if item.get("year"):
                em.graph(G).set((iri, NG.year, Literal(str(item["year"]), datatype=XSD.gYear)))
            if item.get("date"):
                em.add(G, iri, DCTERMS.issued, Literal(str(item["date"]), datatype=XSD.date))
            for publisher in as_list(item.get("publisher")):
                em.add(G, iri, DCTERMS.publisher, self.ref(publisher, item))
            if item.get("url"):
                em.add(G, iri, SCHEMA.url, Literal(str(item["url"]), datatype=XSD.anyURI))
            if item.get("quote"):
                em.add(G, iri, NG.evidence, self.quote(item)[0])

    def works(self, items: list[dict[str, Any]]) -> None:
        em = self.em
        for item in items:
            iri = em.iris.res("work", item["slug"])
            em.typed(G, iri, NG.CitedWork)
            self.set_label(iri, str(item["title"]))
            em.add(G, iri, DCTERMS.title, Literal(str(item["title"]), lang="en"))
            if item.get("year"):
                em.add(G, iri, NG.year, Literal(str(item["year"]), datatype=XSD.gYear))
            for creator in as_list(item.get("creators")):
                em.add(G, iri, DCTERMS.creator, self.ref(creator, item))
            for editor in as_list(item.get("editors")):
                em.add(G, iri, NG.editor, self.ref(editor, item))
                em.add(G, iri, DCTERMS.contributor, self.ref(editor, item))
            for publisher in as_list(item.get("publisher")):
                em.add(G, iri, DCTERMS.publisher, self.ref(publisher, item))
            if item.get("container"):
                em.add(G, iri, NG.container, Literal(str(item["container"]), lang="en"))
            for url in as_list(item.get("url")):
                em.add(G, iri, SCHEMA.url, Literal(str(url), datatype=XSD.anyURI))
            if item.get("same_as"):
                em.add(G, iri, OWL.sameAs, self.ref(item["same_as"], item))

    def footnote_citations(self, mapping: dict[Any, Any]) -> None:
        from loaders.emit_structure import add_citation

        em = self.em
        doc = em.document(self.doc, self.where(mapping))
        for number, refs in mapping.items():
            if number == "__line__":
                continue
            if int(number) not in doc.footnotes:
                raise self.fail(mapping, f"footnote_citations: {self.doc} has no footnote {number}")
            for position, reference in enumerate(as_list(refs), start=1):
                work = self.ref(reference, mapping)
                add_citation(em, G, doc, int(number), position, work, None)

    def norms(self, items: list[dict[str, Any]]) -> None:
        em = self.em
        for item in items:
            iri = em.iris.res("norm", item["slug"])
            kind = str(item.get("kind", "VoluntaryNorm"))
            if kind not in NORM_KINDS:
                raise self.fail(item, f"norm kind must be one of {sorted(NORM_KINDS)}")
            em.typed(G, iri, NG.Norm, NG[kind])
            self.set_label(iri, str(item["label"]))
            if item.get("notation"):
                em.add(G, iri, SKOS.notation, Literal(str(item["notation"])))
            if item.get("text"):
                em.add(G, iri, NG.normText, Literal(str(item["text"]), lang="en"))
            for instrument in as_list(item.get("instrument")):
                em.add(G, iri, NG.instrument, self.ref(instrument, item))
            for topic in as_list(item.get("topics")):
                em.add(G, iri, NG.topic, self.ref(f"theme:{topic}", item))
            for broader in as_list(item.get("broader")):
                em.add(G, iri, SKOS.broader, self.ref(broader, item))
            evidence = self.quote(item)[0] if item.get("quote") else None
            if evidence is not None:
                em.add(G, iri, NG.evidence, evidence)
            if item.get("phrasing"):
                self.classify(iri, "modality", item["phrasing"], item, default_evidence=evidence, norm=True)

    def norm_annotations(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            iri = self.ref(f"norm:{item['norm']}", item)
            if item.get("phrasing"):
                self.classify(iri, "modality", item["phrasing"], item, norm=True)
            for topic in as_list(item.get("topics")):
                self.em.add(G, iri, NG.topic, self.ref(f"theme:{topic}", item))

    # -- responsibilities and their dimensions ---------------------------------------------------
    def responsibilities(self, items: list[dict[str, Any]]) -> None:
        em = self.em
        for item in items:
            rid = str(item.get("id", ""))
            bearer_slug, sep, slug = rid.partition("/")
            if not sep or not slug:
                raise self.fail(item, f"responsibility id {rid!r} must be BEARER-SLUG/SLUG")
            iri = em.iris.res("responsibility", bearer_slug, slug)
            if iri not in em.responsibility_origin:
                if "label" not in item or "bearer" not in item:
                    raise self.fail(item, f"responsibility {rid!r} is not generated by a parser, so it needs a label and a bearer")
                em.typed(G, iri, NG.Responsibility)
                em.responsibility_origin[iri] = self.doc
                em.generated_responsibilities.setdefault(self.doc, set()).add(iri)
                bearer = self.ref(item["bearer"], item)
                if bearer.rsplit("/", 1)[-1] != bearer_slug:
                    raise self.fail(item, f"responsibility {rid!r}: the id must start with the bearer's slug")
                em.add(G, iri, NG.bearer, bearer)
            if item.get("label"):
                self.set_label(iri, str(item["label"]))
            if item.get("description"):
                em.add(G, iri, NG.description, Literal(str(item["description"]), lang="en"))
            for theme in as_list(item.get("themes")):
                em.add(G, iri, NG.theme, self.ref(f"theme:{theme}", item))
            for norm in as_list(item.get("norms")):
                em.add(G, iri, NG.servesNorm, self.ref(norm if ":" in str(norm) else f"norm:{norm}", item))
            for ground in as_list(item.get("grounded_in")):
                em.add(G, iri, NG.groundedIn, self.ref(ground, item))
            for claim in as_list(item.get("claims")):
                self.claim(iri, bearer_slug, slug, claim)
            for key, value in (item.get("dimensions") or {}).items():
                if key == "__line__":
                    continue
                self.classify(iri, key, value, item)

    def claim(self, resp: URIRef, bearer_slug: str, slug: str, node: dict[str, Any]) -> None:
        em = self.em
        status = str(node.get("status", ""))
        if status not in STATUSES:
            raise self.fail(node, f"claim status {status!r} is not one of {sorted(STATUSES)}")
        if not node.get("claimant") or not node.get("quote"):
            raise self.fail(node, "a claim needs a claimant and a quote")
        n = self.claim_counts[resp] = self.claim_counts.get(resp, 0) + 1
        doc_slug = str(node.get("doc") or self.doc)
        claim = em.iris.res("claim", doc_slug, f"{bearer_slug}-{slug}-{n}")
        quote, start, end = self.quote(node)
        doc = em.document(doc_slug, self.where(node))
        em.typed(G, claim, NG.Claim)
        em.add(G, claim, NG.about, resp)
        em.add(G, claim, NG.claimant, self.ref(node["claimant"], node))
        em.add(G, claim, NG.status, self.ref(f"status:{status}", node))
        em.add(G, claim, NG.evidence, quote)
        em.add(G, claim, NG.curationFile, Literal(self.where(node)))
        block = doc.block_at(start)
        if block is not None and block.section is not None:
            em.add(G, claim, NG.statedUnder, em.section_iri(doc, block.section.slug_path))
        for number in as_list(node.get("footnotes")) or em.footnotes_near(doc, start, end):
            em.add(G, claim, NG.supportedBy, em.iris.res("footnote", doc_slug, int(number)))

    def classify(
        self, subject: URIRef, key: str, value: Any, node: Any, *, default_evidence: URIRef | None = None,
        norm: bool = False, rationale_where: str | None = None,
    ) -> None:
        """Record one dimension value with its basis: stated (with a quote) or curated (with a
        one-line rationale). ``value`` is a mapping, a list of mappings, or a bare value."""
        em = self.em
        if key not in DIMENSIONS:
            raise self.fail(node, f"unknown dimension {key!r} (expected {', '.join(DIMENSIONS)})")
        prop, dim_slug, allowed = DIMENSIONS[key]
        entries = value if isinstance(value, list) else [value]
        for entry in entries:
            if isinstance(entry, str):
                entry = {"value": entry, "basis": "stated" if default_evidence is not None else "curated"}
            where_node = entry if line_of(entry) else node
            val = str(entry.get("value", ""))
            if val not in allowed:
                raise self.fail(where_node, f"{key} value {val!r} is not one of {sorted(allowed)}")
            basis = str(entry.get("basis", ""))
            tail = subject.split("/id/", 1)[1].split("/", 1)[1]
            suffix = dim_slug if key != "behaviour_mode" else f"{dim_slug}-{val}"
            c = em.iris.res("classification", *tail.split("/"), suffix)
            em.typed(G, c, NG.Classification)
            em.add(G, c, NG.classifies, subject)
            em.add(G, c, NG.dimension, em.iris.res("dimension", dim_slug))
            em.add(G, c, NG.value, em.iris.res("dimension", val))
            em.add(G, c, NG.basis, em.iris.res("dimension", basis if basis in ("stated", "curated") else "x"))
            if basis == "stated":
                if entry.get("quote"):
                    em.add(G, c, NG.evidence, self.quote(entry)[0])
                elif default_evidence is not None:
                    em.add(G, c, NG.evidence, default_evidence)
                else:
                    raise self.fail(where_node, f"{key}: a stated value needs the quote that states it")
            elif basis == "curated":
                if not str(entry.get("rationale", "")).strip():
                    raise self.fail(where_node, f"{key}: a curated value needs a one-line rationale")
                em.add(G, c, NG.rationale, Literal(" ".join(str(entry["rationale"]).split())))
            else:
                raise self.fail(where_node, f"{key}: basis must be 'stated' or 'curated', not {basis!r}")
            em.add(G, c, NG.curationFile, Literal(rationale_where or self.where(where_node)))
            em.add(G, subject, NG.phrasing if norm else prop, em.iris.res("dimension", val))
            em.add(G, subject, NG.hasClassification, c)

    # -- roles, questions, concepts, criteria, participation -----------------------------------
    def roles(self, items: list[dict[str, Any]]) -> None:
        em = self.em
        for item in items:
            of = self.ref(item["of"], item)
            role = self.ref(f"role:{item['role']}", item)
            iri = em.iris.res("role-attribution", str(item["of"]).partition(":")[2], str(item["role"]))
            em.typed(G, iri, NG.RoleAttribution)
            self.set_label(iri, f"{item['of'].partition(':')[2].replace('-', ' ')} as {item['role']}")
            em.add(G, iri, NG.roleOf, of)
            em.add(G, iri, NG.role, role)
            em.add(G, iri, NG.evidence, self.quote(item)[0])
            em.add(G, of, NG.playsRole, role)

    def questions(self, items: list[dict[str, Any]]) -> None:
        em = self.em
        for item in items:
            iri = em.iris.res("question", self.doc, item["slug"])
            existing = em.graph(f"document/{self.doc}").value(iri, NG.questionText)
            if existing is None:
                em.typed(G, iri, NG.Question)
                text = str(item["text"])
                self.set_label(iri, text)
                em.add(G, iri, NG.questionText, Literal(text, lang="en"))
                em.add(G, iri, NG.inDocument, em.iris.res("document", self.doc))
                quote, start, _ = self.quote(item, key="text")
                em.add(G, iri, NG.evidence, quote)
                doc = em.document(self.doc, self.where(item))
                block = doc.block_at(start)
                if block is not None and block.section is not None:
                    em.add(G, iri, NG.inSection, em.section_iri(doc, block.section.slug_path))
            for concern in as_list(item.get("concerns")):
                target = self.ref(concern, item)
                kind = str(concern).partition(":")[0]
                prop = {"norm": NG.concernsNorm, "concept": NG.concernsConcept}.get(kind, NG.concernsActor)
                if kind in ("instrument", "initiative", "theme", "work"):
                    prop = NG.concerns
                em.add(G, iri, prop, target)

    def concepts(self, items: list[dict[str, Any]]) -> None:
        em = self.em
        for item in items:
            iri = em.iris.res("concept", item["slug"])
            em.typed(G, iri, NG.Concept)
            self.set_label(iri, str(item.get("label", item["slug"].replace("-", " "))))
            if item.get("stance"):
                em.add(G, iri, NG.stance, Literal(str(item["stance"])))
            for target in as_list(item.get("linked_to")):
                em.add(G, iri, NG.linkedTo, self.ref(target, item))
            if item.get("quote"):
                em.add(G, iri, NG.evidence, self.quote(item)[0])
            if item.get("definition_quote"):
                quote = self.quote(item, key="definition_quote")[0]
                em.add(G, iri, NG.definitionEvidence, quote)
                if em.graph(G).value(iri, SKOS.definition) is None:
                    em.add(G, iri, SKOS.definition, Literal(str(item["definition_quote"]), lang="en"))

    def _scheme_items(self, items: list[dict[str, Any]], kind: str, cls: URIRef, scheme: str, title: str) -> None:
        em = self.em
        scheme_iri = em.iris.res("scheme", scheme)
        em.typed(G, scheme_iri, SKOS.ConceptScheme)
        self.set_label(scheme_iri, title)
        for order, item in enumerate(items, start=1):
            iri = em.iris.res(kind, item["slug"])
            em.typed(G, iri, cls)
            self.set_label(iri, str(item["label"]))
            quote, _, _ = self.quote(item)
            em.add(G, iri, SKOS.definition, Literal(str(item["quote"]), lang="en"))
            em.add(G, iri, NG.evidence, quote)
            em.add(G, iri, SKOS.inScheme, scheme_iri)
            em.add(G, iri, NG.order, Literal(order))

    def criteria(self, items: list[dict[str, Any]]) -> None:
        self._scheme_items(items, "criterion", NG.EnvironmentCriterion, "environment-criteria",
                           "Criteria of an open, secure, stable, accessible and peaceful ICT environment")

    def regime_components(self, items: list[dict[str, Any]]) -> None:
        self._scheme_items(items, "regime-component", NG.RegimeComponent, "regime-components",
                           "Components of a regime (Krasner)")

    def participation(self, items: list[dict[str, Any]]) -> None:
        em = self.em
        for item in items:
            event = self.ref(item["event"], item)
            category = self.ref(item["category"], item)
            quote = self.quote(item)[0]
            status = str(item.get("status", "represented"))
            for actor in as_list(item.get("actors")):
                actor_iri = self.ref(actor, item)
                iri = em.iris.res("participation", str(item["event"]).partition(":")[2], str(actor).partition(":")[2])
                em.typed(G, iri, NG.Participation)
                self.set_label(iri, f"{str(actor).partition(':')[2]} — {status}")
                em.add(G, iri, NG.participant, actor_iri)
                em.add(G, iri, NG.event, event)
                em.add(G, iri, NG.participationStatus, Literal(status))
                em.add(G, iri, NG.category, category)
                em.add(G, iri, NG.evidence, quote)
                em.add(G, actor_iri, NG.invitedTo if status == "invited" else NG.participatedIn, event)


def emit_dimension_defaults(em: Emitter, files: list[CurationFile]) -> None:
    """Apply each document's ``dimension_defaults`` to the responsibilities that document
    generated and that have no value yet for a dimension; each applied default is recorded as
    a curated classification with the rule's rationale and file:line."""
    graph_union = list(em.graphs.values())
    for cf in files:
        for rule in cf.data.get("dimension_defaults") or []:
            match = rule.get("match") or {}
            bearer = cf.ref(match["bearer"], rule) if match.get("bearer") else None
            for resp in sorted(em.generated_responsibilities.get(cf.doc, set())):
                if bearer is not None and not any((resp, NG.bearer, bearer) in g for g in graph_union):
                    continue
                for key, (prop, _, _) in DIMENSIONS.items():
                    if key not in rule:
                        continue
                    if any((resp, prop, None) in g for g in graph_union):
                        continue
                    cf.classify(resp, key, rule[key], rule, rationale_where=cf.where(rule))


def emit_registry(em: Emitter) -> None:
    for entry in em.registry.actors.values():
        data = entry.data
        iri = em.iris.res("actor", entry.slug)
        where = entry.where
        em.typed(G, iri, NG[str(data["kind"])])
        em.label(G, iri, entry.label)
        for form in entry.surfaces:
            if form != entry.label:
                em.add(G, iri, SKOS.altLabel, Literal(form, lang="en"))
        if data.get("abbreviation"):
            em.add(G, iri, NG.abbreviation, Literal(str(data["abbreviation"])))
        for cluster in as_list(data.get("clusters")):
            em.add(G, iri, NG.memberOfCluster, em.ref(f"cluster:{cluster}", where))
        for affiliation in as_list(data.get("affiliation")):
            em.add(G, iri, NG.affiliation, em.ref(affiliation, where))
        if data.get("position"):
            em.add(G, iri, NG.position, Literal(str(data["position"]), lang="en"))
        if data.get("iso3166"):
            em.add(G, iri, NG.iso3166Code, Literal(str(data["iso3166"])))
        for member in as_list(data.get("members")):
            em.add(G, iri, FOAF.member, em.ref(member, where))
        if data.get("note"):
            em.add(G, iri, SKOS.note, Literal(" ".join(str(data["note"]).split()), lang="en"))
        if data.get("minted"):
            em.add(G, iri, SKOS.note, Literal(f"Named only in a citation ({where}); not in the registry.", lang="en"))
    for entry in em.registry.initiatives.values():
        data = entry.data
        iri = em.iris.res("initiative", entry.slug)
        where = entry.where
        em.typed(G, iri, NG.Initiative)
        em.label(G, iri, entry.label)
        for form in entry.surfaces:
            if form != entry.label:
                em.add(G, iri, SKOS.altLabel, Literal(form, lang="en"))
        for promoter in as_list(data.get("promoted_by")):
            em.add(G, iri, NG.promotedBy, em.ref(promoter, where))
        if data.get("kind"):
            em.add(G, iri, NG.initiativeKind, Literal(str(data["kind"])))
        for context in as_list(data.get("context")):
            quote, _, _ = em.quote(str(context.get("doc")), str(context["quote"]), f"{where.rsplit(':', 1)[0]}:{line_of(context)}", G,
                                   int(context.get("occurrence", 1)))
            em.add(G, iri, NG.evidence, quote)
            em.add(G, iri, NG.context, Literal(str(context["quote"]), lang="en"))
        if data.get("note"):
            em.add(G, iri, SKOS.note, Literal(" ".join(str(data["note"]).split()), lang="en"))


def emit_claim_labels(em: Emitter) -> None:
    """Claims are labelled after the fact: "advocated by Microsoft: Restraint from …"."""
    def label_of(iri: URIRef) -> str:
        for graph in em.graphs.values():
            value = graph.value(iri, RDFS.label) or graph.value(iri, SKOS.prefLabel)
            if value is not None:
                return str(value)
        value = em.vocabulary.graph.value(iri, SKOS.prefLabel)
        return str(value) if value is not None else iri.rsplit("/", 1)[-1]

    for name, graph in list(em.graphs.items()):
        for claim in list(graph.subjects(NG.about, None)):
            if any((claim, RDFS.label, None) in g for g in em.graphs.values()):
                continue
            status = label_of(graph.value(claim, NG.status))
            claimant = label_of(graph.value(claim, NG.claimant))
            about = label_of(graph.value(claim, NG.about))
            about = about if len(about) <= 90 else about[:87].rstrip() + "…"
            em.add(name, claim, RDFS.label, Literal(f"{status} by {claimant}: {about}", lang="en"))


def emit_claim_works(em: Emitter) -> None:
    """Shortcut for researchers: a claim ``ng:citesWork`` each work its footnotes cite."""
    cites: dict[URIRef, set[URIRef]] = {}
    for graph in em.graphs.values():
        for note, work in graph.subject_objects(CITO.cites):
            cites.setdefault(note, set()).add(work)
    for name, graph in list(em.graphs.items()):
        for claim, note in list(graph.subject_objects(NG.supportedBy)):
            for work in sorted(cites.get(note, ())):
                em.add(name, claim, NG.citesWork, work)
