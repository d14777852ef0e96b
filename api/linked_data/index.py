"""The label index of a published dataset: every IRI it mentions, with a human label and its
types. Built by two queries per store (pages then show labels without a join per neighbour)."""

from __future__ import annotations

import asyncio
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from api.linked_data.site import DCT, NGD, OA, RDF, RDFS, SKOS, Site, term

INDEX_QUERY = f"""
SELECT ?s ?p ?o ?g WHERE {{
  VALUES ?p {{ <{RDF}type> <{RDFS}label> <{SKOS}prefLabel> <{DCT}title> <{SKOS}notation>
    <{NGD}heading> <{OA}exact> <{OA}start> <{OA}end> <{NGD}sourceDocument> <{NGD}inDocument> <{NGD}text>
    <{NGD}citedWork> <{NGD}inFootnote> <{NGD}classifies> <{NGD}dimension> <{NGD}value> <{NGD}noteNumber>
    <{NGD}shortTitle> <{RDFS}subClassOf> }}
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(isIRI(?s))
}}"""

KNOWN_QUERY = """
SELECT DISTINCT ?x WHERE {
  { GRAPH ?g { ?x ?p ?o } } UNION { GRAPH ?g { ?s ?p ?x } } UNION { GRAPH ?x { ?s ?p ?o } }
  FILTER(isIRI(?x))
}"""

INDEX_TIMEOUT = 900.0  # seconds

# The most telling class first (what a resource "is" on its page and in diagrams).
TYPE_RANK = [
    "Norm", "Responsibility", "Claim", "State", "Organisation", "Person", "Group", "ActorCluster", "Initiative", "Question",
    "Report", "Instrument", "CitedWork", "Section", "Paragraph", "Footnote", "Citation", "Quote", "Classification",
    "AnnexEntry", "AnnexCell", "AnnexRow", "Annex", "Theme", "Status", "DimensionValue", "StateRole", "RoleAttribution",
    "Participation", "Concept", "EnvironmentCriterion", "RegimeComponent", "Inference",
]
RANK = {NGD + name: i for i, name in enumerate(TYPE_RANK)}
TYPE_WORDS = {  # singular, for headings and badges
    "ActorCluster": "actor cluster", "CitedWork": "cited work", "AnnexEntry": "Annex 1 entry", "AnnexCell": "Annex 1 cell",
    "AnnexRow": "Annex 1 row", "Annex": "annex", "DimensionValue": "dimension value", "StateRole": "state role",
    "RoleAttribution": "role attribution", "EnvironmentCriterion": "criterion", "RegimeComponent": "regime component",
}


@dataclass
class Index:
    known: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)
    label_triples: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)  # iri → (p, text, lang)
    types: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    inferred_types: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    facts: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    graphs: set[str] = field(default_factory=set)
    supers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # class → direct named superclasses

    def ancestors(self, cls: str) -> set[str]:
        memo = self.__dict__.setdefault("_ancestors", {})
        if cls in memo:
            return memo[cls]  # type: ignore[no-any-return]
        seen, todo = {cls}, [cls]
        while todo:
            for parent in self.supers.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        memo[cls] = seen
        return seen

    def instances(self, cls: str) -> list[str]:
        """Everything typed ``cls`` or a subclass of it (asserted or inferred), by label."""
        found = [s for s, ts in list(self.types.items()) + list(self.inferred_types.items())
                 if any(cls in self.ancestors(t) for t in ts)]
        return sorted(set(found), key=lambda s: self.label(s).lower())

    def label(self, iri: str) -> str:
        found = self.labels.get(iri)
        if found is not None:
            return found
        made = self._synthetic(iri)
        self.labels[iri] = made
        return made

    def _synthetic(self, iri: str) -> str:
        facts = self.facts.get(iri, {})
        if "exact" in facts:
            text = " ".join(facts["exact"].split())
            return "“" + (text if len(text) <= 90 else text[:88].rstrip() + "…") + "”"
        if "classifies" in facts and "value" in facts:
            dim = self.label(facts["dimension"]) if "dimension" in facts else "classification"
            return f"{self.label(facts['value'])} ({dim}) — {self.label(facts['classifies'])}"
        if "citedWork" in facts:
            where = f" (in {self.label(facts['inFootnote']).lower()})" if "inFootnote" in facts else ""
            return f"citation of {self.label(facts['citedWork'])}{where}"
        if "text" in facts:
            text = " ".join(facts["text"].split())
            return "¶ " + (text if len(text) <= 80 else text[:78].rstrip() + "…")
        return local_name(iri)

    def short_label(self, iri: str) -> str:
        return self.facts.get(iri, {}).get("short") or self.label(iri)

    def primary_type(self, iri: str) -> str | None:
        types = self.types.get(iri) or self.inferred_types.get(iri) or []
        if not types:
            return None
        return min(types, key=lambda t: (RANK.get(t, 1000), t))

    def type_word(self, iri: str) -> str:
        t = self.primary_type(iri)
        if t is None:
            return "resource"
        if t.startswith(NGD):
            name = t[len(NGD):]
            return TYPE_WORDS.get(name, self.labels.get(t) or split_camel(name))
        return self.label(t)


def local_name(iri: str) -> str:
    tail = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return tail.replace("-", " ") if tail else iri


@functools.lru_cache(maxsize=4096)
def split_camel(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append(" ")
        out.append(ch.lower() if ch.isupper() and (i + 1 < len(name) and not name[i + 1].isupper()) else ch)
    return "".join(out)


LABEL_RANK = {SKOS + "prefLabel": 0, RDFS + "label": 1, DCT + "title": 2, NGD + "heading": 3, SKOS + "notation": 4}
FACT_KEYS = {
    OA + "exact": "exact", OA + "start": "start", OA + "end": "end", NGD + "sourceDocument": "document",
    NGD + "inDocument": "document", NGD + "text": "text", NGD + "citedWork": "citedWork", NGD + "inFootnote": "inFootnote",
    NGD + "classifies": "classifies", NGD + "dimension": "dimension", NGD + "value": "value", NGD + "noteNumber": "noteNumber",
    NGD + "shortTitle": "short",
}

SHOWN_TEXT = {"exact", "text"}
SHOWN_TEXT_CHARS = 92  # > 90 even if the cut leaves a trailing space: labels unchanged (Index._synthetic)


def shown_text(value: str) -> str:
    """As much of a quote's or paragraph's text as its synthetic label can show."""
    return " ".join(value.split())[:SHOWN_TEXT_CHARS]


async def load_index(site: Site) -> Index:
    async def make() -> Index:
        # Not held to the endpoint's query deadline: the index is the server's own work, done
        # once per published dataset and needed by every page (about 10 s at 1M triples, which
        # the default 10 s deadline would cut off). The two queries run side by side.
        timeout = max(site.service.settings.query_timeout, INDEX_TIMEOUT)
        rows, known = await asyncio.gather(site.select(INDEX_QUERY, cap=0, timeout=timeout),
                                           site.select(KNOWN_QUERY, cap=0, timeout=timeout))
        index = Index()
        # Memory: one string object per IRI (each JSON row brings its own copy: at 1M triples
        # the class IRIs alone would be hundreds of thousands of copies), and only as much of a
        # long text as a synthetic label shows.
        one = {}.setdefault
        index.known = {one(v, v) for r in known if (v := r["x"]["value"])}
        best: dict[str, tuple[int, int, str, str, str | None]] = {}
        inferred = site.graph_ns + "inferred"
        for row in rows:
            s, p, o, g = row["s"]["value"], row["p"]["value"], term(row["o"]), row["g"]["value"]
            assert o is not None
            s = one(s, s)
            index.graphs.add(g)
            if p == RDF + "type":
                (index.inferred_types if g == inferred else index.types)[s].append(one(o.value, o.value))
            elif p == RDFS + "subClassOf":
                if o.is_iri:
                    index.supers[s].add(one(o.value, o.value))
            elif p in LABEL_RANK:
                lang_rank = 0 if o.lang == "en" else 1 if not o.lang else 2
                rank = (LABEL_RANK[p], lang_rank, o.value, p, o.lang)
                if s not in best or rank < best[s]:
                    best[s] = rank
            elif p in FACT_KEYS:
                key = FACT_KEYS[p]
                if key not in index.facts[s]:
                    value = o.value
                    if key in SHOWN_TEXT:
                        value = shown_text(value)
                    elif o.is_iri:
                        value = one(value, value)
                    index.facts[s][key] = value
        for s, (_, _, value, p, lang) in best.items():
            shown = " ".join(value.split())
            index.labels[s] = value if shown == value else shown
            index.label_triples[s] = (p, value, lang)
        for s, types in list(index.inferred_types.items()):  # keep inferred types not also asserted
            asserted = set(index.types.get(s, []))
            index.inferred_types[s] = [t for t in types if t not in asserted]
        return index

    return await site.cached("index", make)
