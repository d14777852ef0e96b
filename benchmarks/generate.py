"""A deterministic generator of synthetic N-Quads shaped like the real normgraph dataset.

The same seed and size give the same bytes. The data uses the real vocabulary
(``https://w3id.org/normgraph/def/``) and IRI scheme (``…/id/…``, ``…/graph/…``) and the real
proportions: one named graph per (synthetic) document holding its sections, paragraphs,
footnotes, citations, quotes, responsibilities and claims; registry-like actors, norms and cited
works and the classification records in ``graph/curation``; SKOS schemes in
``graph/vocabulary``; inferred types and inverse links in ``graph/inferred``.

    python -m benchmarks.generate --triples 100000 -o out.nq
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

NG = "https://w3id.org/normgraph/def/"
ID = "https://w3id.org/normgraph/id/"
GRAPH = "https://w3id.org/normgraph/graph/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"
CITO = "http://purl.org/spar/cito/"
SCHEMA = "https://schema.org/"
VOID = "http://rdfs.org/ns/void#"
XSD = "http://www.w3.org/2001/XMLSchema#"

G_CURATION = GRAPH + "curation"
G_VOCABULARY = GRAPH + "vocabulary"
G_ONTOLOGY = GRAPH + "ontology"
G_INFERRED = GRAPH + "inferred"
G_METADATA = GRAPH + "metadata"

CLUSTERS = ("academia", "certs", "civil-society", "communities-and-users", "intergovernmental-organisations",
            "other-actors", "private-sector", "states", "technical-community")
STATUSES = {"assumed": 30, "advocated": 25, "suggested": 20, "recognised": 8, "prospective": 12, "attributed": 5}
BINDINGNESS = {"soft": 80, "hard": 6, "not-determinable": 14}
MODALITY = {"positive-duty": 78, "restraint": 16, "not-determinable": 6}
BEHAVIOUR = {"productive": 50, "reactive": 22, "not-determinable": 28}
THEMES = ("attribution", "awareness-raising", "capacity-building", "certs-and-incident-response", "confidence-building",
          "cooperation", "crime", "critical-infrastructure", "cyber-defence", "diplomacy", "human-rights",
          "information-sharing", "international-law", "norm-development", "oversight", "public-private-partnerships",
          "research", "resilience", "responsible-behaviour", "sovereignty", "standardisation", "supply-chain",
          "transparency", "vulnerabilities")
INFERRED_TYPE = {
    "hard": "HardResponsibility", "soft": "SoftResponsibility", "restraint": "RestraintResponsibility",
    "positive-duty": "PositiveDuty", "reactive": "ReactiveResponsibility", "productive": "ProductiveResponsibility",
}
CLASSES = ("Actor", "State", "Organisation", "Person", "ActorCluster", "Norm", "VoluntaryNorm", "LegalPrinciple", "Source",
           "Report", "CitedWork", "Instrument", "Section", "Paragraph", "Footnote", "Citation", "Quote", "Responsibility",
           "HardResponsibility", "SoftResponsibility", "ReactiveResponsibility", "ProductiveResponsibility",
           "RestraintResponsibility", "PositiveDuty", "Classification", "Claim", "Theme", "Status", "DimensionValue")

# Words of the synthetic text, most frequent first (drawn with Zipf-like weights, so a text filter
# on an early word matches often and one on a late word rarely).
_WORD_TEXT = (
    "the of and to in states responsibility cyberspace private sector norms security international should "
    "information communication technologies responsible behaviour cooperation critical infrastructure "
    "incident response vulnerabilities disclosure supply chain capacity building transparency confidence "
    "measures human rights law sovereignty attribution deterrence resilience standards certification "
    "civil society academia technical community users governments companies platforms operators vendors "
    "report dialogue workshop principles commitments expectations obligations restraint cooperation duty "
    "national regional global multilateral multistakeholder voluntary binding political legal reactive "
    "productive protect prevent mitigate respond share notify assist support develop promote encourage "
    "refrain harm damage malicious activity threats risks networks systems data integrity availability "
    "encryption patching botnets ransomware espionage election interference due diligence accountability "
    "oversight research education awareness training exercises emergency teams coordination procedures "
    "treaties resolutions declarations charters accords initiatives partnerships frameworks guidelines "
    "baseline study phase roles assumed advocated suggested recognised prospective attributed evidence "
    "quote footnote citation annex table cell entry question concept regime component criterion stability "
    "peace openness accessibility interoperability trust ethics liability insurance export controls "
    "telecommunications satellites cables routing naming numbering registries"
)
WORDS = tuple(dict.fromkeys(_WORD_TEXT.split()))
WEIGHTS = list(itertools.accumulate(1.0 / (rank + 8) for rank in range(len(WORDS))))
RARE_WORDS = ("palimpsest", "quorate", "sinecure", "obverse", "lacuna", "caveat", "desideratum", "modus", "vivendi",
              "interregnum", "caesura", "hapax")


def choose(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def sha1_12(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


class Writer:
    """Writes N-Quads lines, counts quads per graph and reports progress on standard error."""

    def __init__(self, out: TextIO, target: int, progress: bool = True) -> None:
        self.out = out
        self.target = target
        self.progress = progress
        self.counts: dict[str, int] = {}
        self.total = 0
        self._next_report = max(target // 20, 1000)

    def _line(self, line: str, graph: str) -> None:
        self.out.write(line)
        self.counts[graph] = self.counts.get(graph, 0) + 1
        self.total += 1
        if self.progress and self.total >= self._next_report:
            print(f"\rgenerated {self.total:,} / {self.target:,} triples", end="", file=sys.stderr, flush=True)
            self._next_report += max(self.target // 20, 1000)

    def iri(self, s: str, p: str, o: str, g: str) -> None:
        self._line(f"<{s}> <{p}> <{o}> <{g}> .\n", g)

    def text(self, s: str, p: str, value: str, g: str, lang: str | None = None) -> None:
        tag = f"@{lang}" if lang else ""
        self._line(f'<{s}> <{p}> "{escape(value)}"{tag} <{g}> .\n', g)

    def typed(self, s: str, p: str, value: object, datatype: str, g: str) -> None:
        self._line(f'<{s}> <{p}> "{value}"^^<{XSD}{datatype}> <{g}> .\n', g)

    def done(self) -> None:
        if self.progress:
            print(f"\rgenerated {self.total:,} / {self.target:,} triples", file=sys.stderr, flush=True)


@dataclass
class Pools:
    """Shared resources documents refer to."""

    actors: list[str] = field(default_factory=list)
    norms: list[str] = field(default_factory=list)
    works: list[str] = field(default_factory=list)
    instruments: list[str] = field(default_factory=list)

    def bearer(self, rng: random.Random) -> str:
        return ID + "cluster/" + rng.choice(CLUSTERS) if rng.random() < 0.7 else rng.choice(self.actors)


def words(rng: random.Random, n: int) -> list[str]:
    out = rng.choices(WORDS, cum_weights=WEIGHTS, k=n)
    if rng.random() < 0.05:
        out[rng.randrange(n)] = rng.choice(RARE_WORDS)
    return out


def title(rng: random.Random, n: int) -> str:
    return " ".join(words(rng, n)).capitalize()


def slug(parts: Sequence[str], limit: int = 40) -> str:
    text = "-".join(parts)[:limit].strip("-")
    return text or "x"


# -- shared graphs ---------------------------------------------------------------------------------
def emit_vocabulary(w: Writer) -> None:
    g = G_VOCABULARY
    schemes = {"cluster": ("actor-clusters", CLUSTERS), "status": ("claim-statuses", tuple(STATUSES)),
               "theme": ("themes", THEMES),
               "dimension": ("dimensions", (*BINDINGNESS, "positive-duty", "restraint", "productive", "reactive",
                                            "bindingness", "modality", "behaviour-mode", "stated", "curated"))}
    classes = {"cluster": "ActorCluster", "status": "Status", "theme": "Theme", "dimension": "DimensionValue"}
    for kind, (scheme, slugs) in schemes.items():
        w.iri(ID + "scheme/" + scheme, RDF_TYPE, SKOS + "ConceptScheme", g)
        for s in dict.fromkeys(slugs):
            iri = f"{ID}{kind}/{s}"
            w.iri(iri, RDF_TYPE, SKOS + "Concept", g)
            w.iri(iri, RDF_TYPE, NG + classes[kind], g)
            w.text(iri, SKOS + "prefLabel", s.replace("-", " ").capitalize(), g, "en")
            w.iri(iri, SKOS + "inScheme", ID + "scheme/" + scheme, g)


def emit_ontology(w: Writer) -> None:
    for name in CLASSES:
        w.iri(NG + name, RDF_TYPE, OWL_CLASS, G_ONTOLOGY)
        w.text(NG + name, RDFS + "label", name, G_ONTOLOGY, "en")


def emit_actors(w: Writer, rng: random.Random, n: int) -> list[str]:
    actors = []
    for i in range(n):
        kind = rng.choices(("Organisation", "State", "Person"), weights=(70, 10, 20))[0]
        name = title(rng, rng.randint(2, 4))
        iri = f"{ID}actor/{slug(name.lower().split())}-{i}"
        w.iri(iri, RDF_TYPE, NG + kind, G_CURATION)
        w.text(iri, RDFS + "label", name, G_CURATION, "en")
        for cluster in rng.sample(CLUSTERS, rng.choice((1, 1, 2))):
            w.iri(iri, NG + "memberOfCluster", ID + "cluster/" + cluster, G_CURATION)
        if rng.random() < 0.3:
            abbreviation = "".join(part[0] for part in name.split()).upper() + str(i)
            w.text(iri, NG + "abbreviation", abbreviation, G_CURATION)
            w.text(iri, SKOS + "altLabel", abbreviation, G_CURATION, "en")
        w.iri(iri, RDF_TYPE, NG + "Actor", G_INFERRED)
        actors.append(iri)
    return actors


def emit_instruments(w: Writer, rng: random.Random, n: int) -> list[str]:
    out = []
    for i in range(n):
        iri = f"{ID}instrument/a-{70 + i}-{rng.randint(100, 999)}"
        w.iri(iri, RDF_TYPE, NG + "Instrument", G_CURATION)
        w.text(iri, DCT + "title", title(rng, 6), G_CURATION, "en")
        w.text(iri, NG + "documentSymbol", iri.rsplit("/", 1)[1].upper().replace("-", "/"), G_CURATION)
        out.append(iri)
    return out


def emit_norms(w: Writer, rng: random.Random, n: int, instruments: list[str]) -> list[str]:
    norms = []
    for i in range(n):
        notation = f"{13 + i // 26}({chr(ord('a') + i % 26)})"
        iri = f"{ID}norm/synthetic-{13 + i // 26}{chr(ord('a') + i % 26)}"
        w.iri(iri, RDF_TYPE, NG + "Norm", G_CURATION)
        w.iri(iri, RDF_TYPE, NG + rng.choice(("VoluntaryNorm", "LegalPrinciple")), G_CURATION)
        w.text(iri, SKOS + "notation", notation, G_CURATION)
        w.text(iri, NG + "normText", " ".join(words(rng, rng.randint(15, 40))), G_CURATION)
        w.text(iri, RDFS + "label", title(rng, 6), G_CURATION, "en")
        w.iri(iri, NG + "instrument", rng.choice(instruments), G_CURATION)
        w.iri(iri, NG + "topic", ID + "theme/" + rng.choice(THEMES), G_CURATION)
        w.iri(iri, NG + "phrasing", ID + "dimension/" + rng.choice(("restraint", "positive-duty")), G_CURATION)
        norms.append(iri)
    return norms


def emit_works(w: Writer, rng: random.Random, n: int, actors: list[str]) -> list[str]:
    works = []
    for i in range(n):
        name = title(rng, rng.randint(3, 9))
        year = rng.randint(1990, 2024)
        iri = f"{ID}work/{slug(name.lower().split())}-{year}-{i}"
        w.iri(iri, RDF_TYPE, NG + "CitedWork", G_CURATION)
        w.text(iri, DCT + "title", name, G_CURATION, "en")
        w.text(iri, RDFS + "label", name, G_CURATION, "en")
        w.typed(iri, NG + "year", year, "gYear", G_CURATION)
        w.iri(iri, DCT + "publisher", rng.choice(actors), G_CURATION)
        if rng.random() < 0.4:
            w.iri(iri, SCHEMA + "url", f"https://example.org/works/{i}", G_CURATION)
        works.append(iri)
    return works


def emit_metadata(w: Writer, documents: int) -> None:
    dataset = ID + "dataset"
    w.iri(dataset, RDF_TYPE, VOID + "Dataset", G_METADATA)
    w.text(dataset, DCT + "title", "normgraph synthetic benchmark dataset", G_METADATA, "en")
    w.typed(dataset, NG + "syntheticDocuments", documents, "integer", G_METADATA)


# -- documents -------------------------------------------------------------------------------------
@dataclass
class Paragraph:
    iri: str
    section: str
    text: str
    start: int
    line: int


class Document:
    """One synthetic report and everything its named graph holds."""

    def __init__(self, w: Writer, rng: random.Random, index: int, pools: Pools) -> None:
        self.w = w
        self.rng = rng
        self.pools = pools
        self.slug = f"synthetic-report-{index:05d}"
        self.iri = ID + "document/" + self.slug
        self.g = GRAPH + "document/" + self.slug
        self.paragraphs: list[Paragraph] = []
        self.footnotes: list[tuple[str, list[str]]] = []
        self.sections: list[str] = []
        self.quote_ids: dict[str, int] = {}
        self.offset = 0
        self.line = 1

    def emit(self) -> None:
        self.report()
        self.structure()
        self.notes()
        responsibilities = [self.responsibility(k) for k in range(8)]
        for k in range(12):
            self.claim(k, self.rng.choice(responsibilities))

    def report(self) -> None:
        w, d, g, rng = self.w, self.iri, self.g, self.rng
        name = title(rng, 8)
        w.iri(d, RDF_TYPE, NG + "Report", g)
        w.text(d, DCT + "title", name, g, "en")
        w.text(d, RDFS + "label", name, g, "en")
        w.typed(d, DCT + "issued", f"{rng.randint(2010, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "date", g)
        w.text(d, NG + "textSha256", hashlib.sha256(self.slug.encode()).hexdigest(), g)
        w.text(d, NG + "fileName", self.slug + ".txt", g)
        w.iri(d, DCT + "publisher", rng.choice(self.pools.actors), g)
        for actor in rng.sample(self.pools.actors, 2):
            w.iri(d, DCT + "creator", actor, g)

    def structure(self) -> None:
        order = 0
        for top in range(1, 4):
            parent = self.section(f"section-{top}", self.iri, 1, order := order + 1)
            for sub in range(1, 3):
                section = self.section(f"section-{top}/part-{sub}", parent, 2, order := order + 1)
                for n in range(1, 4):
                    self.paragraph(section, n)

    def section(self, path: str, parent: str, level: int, order: int) -> str:
        w, g = self.w, self.g
        iri = f"{ID}section/{self.slug}/{path}"
        heading = title(self.rng, 4)
        w.iri(iri, RDF_TYPE, NG + "Section", g)
        w.text(iri, NG + "heading", heading, g, "en")
        w.text(iri, RDFS + "label", heading, g, "en")
        w.typed(iri, NG + "level", level, "integer", g)
        w.typed(iri, NG + "order", order, "integer", g)
        w.iri(iri, DCT + "isPartOf", parent, g)
        w.iri(iri, NG + "inDocument", self.iri, g)
        self.sections.append(iri)
        return iri

    def paragraph(self, section: str, n: int) -> None:
        w, g, rng = self.w, self.g, self.rng
        iri = f"{ID}paragraph/{self.slug}/{section.split(self.slug + '/', 1)[1]}/{n}"
        text = " ".join(words(rng, rng.randint(40, 120))).capitalize() + "."
        w.iri(iri, RDF_TYPE, NG + "Paragraph", g)
        w.text(iri, NG + "text", text, g)
        w.typed(iri, NG + "order", n, "integer", g)
        w.iri(iri, DCT + "isPartOf", section, g)
        w.typed(iri, NG + "isListItem", "true" if rng.random() < 0.3 else "false", "boolean", g)
        w.iri(iri, NG + "inDocument", self.iri, g)
        w.typed(iri, NG + "line", self.line, "integer", g)
        for actor in rng.sample(self.pools.actors, rng.randint(0, 3)):
            w.iri(actor, NG + "mentionedIn", iri, g)
        self.paragraphs.append(Paragraph(iri, section, text, self.offset, self.line))
        self.offset += len(text) + 2
        self.line += 2

    def quote(self, graph: str | None = None) -> str:
        """A verbatim span of one of the document's paragraphs, with offsets (oa selectors)."""
        w, g, rng = self.w, graph or self.g, self.rng
        para = rng.choice(self.paragraphs)
        tokens = para.text.split(" ")
        first = rng.randrange(max(1, len(tokens) - 8))
        exact = " ".join(tokens[first:first + rng.randint(6, 25)])
        start = para.text.find(exact) if first else 0
        key = sha1_12(exact)
        self.quote_ids[key] = occurrence = self.quote_ids.get(key, 0) + 1
        iri = f"{ID}quote/{self.slug}/{key}-{occurrence}"
        for cls in (NG + "Quote", OA + "TextQuoteSelector", OA + "TextPositionSelector"):
            w.iri(iri, RDF_TYPE, cls, g)
        w.text(iri, OA + "exact", exact, g)
        w.text(iri, OA + "prefix", para.text[max(0, start - 32):start], g)
        w.text(iri, OA + "suffix", para.text[start + len(exact):start + len(exact) + 32], g)
        w.typed(iri, OA + "start", para.start + start, "integer", g)
        w.typed(iri, OA + "end", para.start + start + len(exact), "integer", g)
        w.iri(iri, NG + "sourceDocument", self.iri, g)
        w.iri(iri, NG + "inSection", para.section, g)
        w.iri(iri, NG + "inParagraph", para.iri, g)
        w.typed(iri, NG + "line", para.line, "integer", g)
        return iri

    def notes(self) -> None:
        w, g, rng = self.w, self.g, self.rng
        for n in range(1, 11):
            iri = f"{ID}footnote/{self.slug}/{n}"
            para = rng.choice(self.paragraphs)
            w.iri(iri, RDF_TYPE, NG + "Footnote", g)
            w.typed(iri, NG + "noteNumber", n, "integer", g)
            w.text(iri, NG + "text", title(rng, rng.randint(8, 30)) + ".", g)
            w.text(iri, RDFS + "label", f"Footnote {n}", g, "en")
            w.iri(iri, NG + "inDocument", self.iri, g)
            w.iri(iri, NG + "citedFrom", para.iri, g)
            w.iri(para.iri, NG + "hasFootnoteMarker", iri, g)
            w.typed(iri, NG + "isIbid", "false", "boolean", g)
            w.iri(iri, NG + "evidence", self.quote(), g)
            works = rng.sample(self.pools.works, rng.choice((1, 1, 2, 3)))
            for position, work in enumerate(works, 1):
                self.citation(iri, n, position, work)
            self.footnotes.append((iri, works))

    def citation(self, footnote: str, n: int, position: int, work: str) -> None:
        w, g = self.w, self.g
        iri = f"{ID}citation/{self.slug}/{n}-{position}"
        w.iri(iri, RDF_TYPE, NG + "Citation", g)
        w.typed(iri, NG + "position", position, "integer", g)
        w.iri(iri, NG + "citedWork", work, g)
        w.iri(iri, NG + "inFootnote", footnote, g)
        w.typed(iri, NG + "viaIbid", "false", "boolean", g)
        w.text(iri, NG + "citedAsText", title(self.rng, 6), g)
        w.iri(footnote, NG + "hasCitation", iri, g)
        w.iri(footnote, CITO + "cites", work, g)

    def responsibility(self, k: int) -> str:
        w, g, rng = self.w, self.g, self.rng
        bearer = self.pools.bearer(rng)
        label = title(rng, rng.randint(4, 10))
        iri = f"{ID}responsibility/{bearer.rsplit('/', 1)[1]}/{slug(label.lower().split(), 30)}-{self.slug[-5:]}-{k}"
        w.iri(iri, RDF_TYPE, NG + "Responsibility", g)
        w.iri(iri, NG + "bearer", bearer, g)
        w.text(iri, RDFS + "label", label, g, "en")
        w.text(iri, NG + "description", " ".join(words(rng, rng.randint(10, 30))), g, "en")
        values = {"bindingness": [choose(rng, BINDINGNESS)], "modality": [choose(rng, MODALITY)],
                  "behaviourMode": [choose(rng, BEHAVIOUR)]}
        if values["behaviourMode"] == ["productive"] and rng.random() < 0.2:
            values["behaviourMode"].append("reactive")
        for prop, chosen in values.items():
            for value in chosen:
                w.iri(iri, NG + prop, ID + "dimension/" + value, g)
                if value in INFERRED_TYPE:
                    w.iri(iri, RDF_TYPE, NG + INFERRED_TYPE[value], G_INFERRED)
            self.classification(iri, prop, chosen[0])
        for norm in rng.sample(self.pools.norms, rng.choice((0, 1, 1, 2))):
            w.iri(iri, NG + "servesNorm", norm, g)
        for theme in rng.sample(THEMES, rng.choice((1, 2))):
            w.iri(iri, NG + "theme", ID + "theme/" + theme, g)
        w.iri(iri, NG + "evidence", self.quote(), g)
        return iri

    def classification(self, responsibility: str, prop: str, value: str) -> None:
        w, g, rng = self.w, G_CURATION, self.rng
        dimension = {"bindingness": "bindingness", "modality": "modality", "behaviourMode": "behaviour-mode"}[prop]
        iri = f"{ID}classification/{responsibility.split('/responsibility/', 1)[1]}/{dimension}"
        w.iri(responsibility, NG + "hasClassification", iri, g)
        w.iri(iri, RDF_TYPE, NG + "Classification", g)
        w.iri(iri, NG + "classifies", responsibility, g)
        w.iri(iri, NG + "dimension", ID + "dimension/" + dimension, g)
        w.iri(iri, NG + "value", ID + "dimension/" + value, g)
        if rng.random() < 0.2:
            w.iri(iri, NG + "basis", ID + "dimension/stated", g)
            w.iri(iri, NG + "evidence", self.quote(g), g)
        else:
            w.iri(iri, NG + "basis", ID + "dimension/curated", g)
            w.text(iri, NG + "rationale", " ".join(words(rng, 12)), g)
            w.text(iri, NG + "curationFile", f"data/curation/{self.slug}/responsibilities.yaml:{rng.randint(1, 2000)}", g)

    def claim(self, k: int, responsibility: str) -> None:
        w, g, rng = self.w, self.g, self.rng
        status = choose(rng, STATUSES)
        claimant = self.pools.bearer(rng)
        iri = f"{ID}claim/{self.slug}/{status}-{claimant.rsplit('/', 1)[1]}-{k}"
        w.iri(iri, RDF_TYPE, NG + "Claim", g)
        w.iri(iri, NG + "about", responsibility, g)
        w.iri(iri, NG + "claimant", claimant, g)
        w.iri(iri, NG + "status", ID + "status/" + status, g)
        w.iri(iri, NG + "evidence", self.quote(), g)
        w.iri(iri, NG + "statedUnder", rng.choice(self.sections), g)
        w.typed(iri, NG + "order", k + 1, "integer", g)
        w.text(iri, RDFS + "label", f"{status} by {claimant.rsplit('/', 1)[1]}", g, "en")
        works: set[str] = set()
        for footnote, cited in rng.sample(self.footnotes, rng.choice((0, 1, 1, 2))):
            w.iri(iri, NG + "supportedBy", footnote, g)
            works.update(cited)
        for work in sorted(works):
            w.iri(iri, NG + "citesWork", work, g)
        w.iri(responsibility, NG + "claimedBy", iri, G_INFERRED)


# -- the whole dataset ---------------------------------------------------------------------------
def pool_sizes(target: int) -> dict[str, int]:
    """Registry sizes grow with the dataset (the real graph: ~100 actors, ~100 works, ~30 norms)."""
    return {"actors": max(30, target // 300), "works": max(40, target // 150), "norms": max(15, target // 2500),
            "instruments": 8 + target // 20000}


def generate(out: TextIO, target: int, seed: int = 1, progress: bool = True) -> dict[str, int]:
    """Write about ``target`` quads (whole documents, so slightly more) and return counts per graph."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    w = Writer(out, target, progress)
    sizes = pool_sizes(target)
    emit_ontology(w)
    emit_vocabulary(w)
    pools = Pools(actors=emit_actors(w, rng, sizes["actors"]))
    pools.instruments = emit_instruments(w, rng, sizes["instruments"])
    pools.norms = emit_norms(w, rng, sizes["norms"], pools.instruments)
    pools.works = emit_works(w, rng, sizes["works"], pools.actors)
    documents = 0
    while w.total < target - 3:
        Document(w, rng, documents, pools).emit()
        documents += 1
    emit_metadata(w, documents)
    w.done()
    return w.counts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0])
    p.add_argument("--triples", type=int, default=100_000, help="approximate number of quads (default 100000)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("-o", "--output", required=True, help="N-Quads file to write ('-' for standard output)")
    p.add_argument("--quiet", action="store_true", help="no progress on standard error")
    args = p.parse_args(argv)
    if args.output == "-":
        counts = generate(sys.stdout, args.triples, args.seed, not args.quiet)
    else:
        with Path(args.output).open("w", encoding="utf-8", newline="\n") as out:
            counts = generate(out, args.triples, args.seed, not args.quiet)
    if not args.quiet:
        print(f"{sum(counts.values()):,} quads in {len(counts)} named graphs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
