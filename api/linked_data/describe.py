"""What the dataset says about one resource, fetched for a page in one batched query: its
outgoing statements (with their named graph), incoming counts per property and graph and a
bounded sample of the incoming statements (the page pages through the rest per property), the
explanation records of its inferred statements, the evidence quotes (its own, its claims', its
classifications'), its classification records, and the two-hop neighbourhood for the diagram.

One query, not several side by side: at ~1M triples each worker job costs a hand-off and a
cold cache of its own, and two jobs per page were slower than one. The blank-node closure (OWL
class expressions) is a second query, asked only when an object is a blank node (ontology terms).
On the embedded store, a resource of ordinary size skips the query altogether: the same rows come
from bounded index lookups (``describe_local.py``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from api.linked_data.site import NGD, OA, RDF, Site, Term, term, uri

# Properties followed for the neighbourhood diagram (second hop).
HOP = [
    "bearer", "claimant", "about", "servesNorm", "status", "instrument", "citedWork", "promotedBy", "norm", "actorGroup",
    "expresses", "refersTo", "memberOfCluster", "participant", "event", "roleOf", "role", "inFootnote", "supportedBy",
    "concernsActor", "concernsNorm",
]
HOP_LIST = ", ".join(f"<{NGD}{p}>" for p in HOP)
# ... and the second step only along these (who bears, who claims, what is cited, who promotes)
HOP2 = ["bearer", "claimant", "about", "citedWork", "promotedBy", "expresses", "refersTo", "participant", "event", "roleOf",
        "role", "norm", "actorGroup", "instrument"]
HOP2_LIST = ", ".join(f"<{NGD}{p}>" for p in HOP2)
BNODE_PATH = "|".join(f"<{p}>" for p in (
    "http://www.w3.org/2002/07/owl#unionOf", "http://www.w3.org/2002/07/owl#intersectionOf",
    "http://www.w3.org/2002/07/owl#oneOf", "http://www.w3.org/2002/07/owl#members",
    "http://www.w3.org/2002/07/owl#someValuesFrom", "http://www.w3.org/2002/07/owl#allValuesFrom",
    "http://www.w3.org/2002/07/owl#onProperty", "http://www.w3.org/2002/07/owl#hasValue",
    "http://www.w3.org/2002/07/owl#complementOf", RDF + "first", RDF + "rest",
))

ROW_LIMIT = 20_000  # a page's rows at most (a hub's evidence could otherwise run to millions)
INCOMING_SAMPLE = 200  # incoming statements fetched with the page (the rest: paged per property)

QUOTE_FIELDS = (f"?s <{OA}exact> ?exact ; <{OA}start> ?start ; <{OA}end> ?end . OPTIONAL {{ ?s <{NGD}sourceDocument> ?doc }} "
                f"OPTIONAL {{ ?s <{NGD}inSection> ?sec }} OPTIONAL {{ ?s <{NGD}line> ?line }}")

MAIN_QUERY = f"""
SELECT ?x ?k ?s ?p ?o ?g ?n ?exact ?start ?end ?doc ?sec ?line ?ax ?pr ?p1 WHERE {{
  {{ GRAPH ?g {{ ?x ?p ?o }} BIND("out" AS ?k) }}
  UNION
  {{ SELECT ?x ?k ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p ?x }} BIND("in" AS ?k) }} LIMIT {INCOMING_SAMPLE} }}
  UNION
  {{ SELECT ?x ?p ?g ?k (COUNT(?in) AS ?n) WHERE {{ GRAPH ?g {{ ?in ?p ?x }} BIND("incount" AS ?k) }} GROUP BY ?x ?p ?g ?k }}
  UNION
  {{ GRAPH ?g {{ ?s <{RDF}subject> ?x ; <{RDF}predicate> ?p ; <{RDF}object> ?o ; <{NGD}byAxiom> ?ax .
                OPTIONAL {{ ?s <{NGD}premise> ?pr }} }} BIND("why" AS ?k) }}
  UNION
  {{ ?x <{NGD}evidence> ?s . BIND(?x AS ?o) {QUOTE_FIELDS} BIND("evidence" AS ?k) }}
  UNION
  {{ ?o <{NGD}about> ?x ; <{NGD}evidence> ?s . {QUOTE_FIELDS} BIND("evidence" AS ?k) }}
  UNION
  {{ ?x <{NGD}hasClassification> ?o . ?o <{NGD}evidence> ?s . {QUOTE_FIELDS} BIND("evidence" AS ?k) }}
  UNION
  {{ ?x <{NGD}hasClassification> ?s . ?s ?p ?o . BIND("classification" AS ?k) }}
  UNION
  {{ SELECT ?x ?k ?s ?p ?o ?p1 WHERE {{
      ?x ?p1 ?s . FILTER(isIRI(?s) && ?p1 IN ({HOP_LIST}, <{NGD}theme>)) ?s ?p ?o . FILTER(?p IN ({HOP2_LIST}) && ?o != ?x)
      BIND("hop-out" AS ?k) }} LIMIT 60 }}
  UNION
  {{ SELECT ?x ?k ?s ?p ?o ?p1 WHERE {{
      ?s ?p1 ?x . FILTER(?p1 IN ({HOP_LIST}, <{NGD}theme>, <{NGD}claimedBy>)) ?s ?p ?o . FILTER(?p IN ({HOP2_LIST}) && ?o != ?x)
      BIND("hop-in" AS ?k) }} LIMIT 60 }}
  UNION
  {{ SELECT ?x ?k ?s ?p ?o ?p1 WHERE {{
      ?p1 <{NGD}servesNorm> ?x . ?s <{NGD}about> ?p1 ; ?p ?o . FILTER(?p IN (<{NGD}claimant>, <{NGD}status>))
      BIND("hop-norm" AS ?k) }} LIMIT 60 }}
}} LIMIT {ROW_LIMIT}"""

# The statements whose object is a blank node again, with the closure: blank-node labels are only
# comparable within one result set (a remote store may relabel them per response).
BNODE_QUERY = f"""
SELECT ?x ?k ?s ?p ?o ?g WHERE {{
  {{ GRAPH ?g {{ ?x ?p ?o }} FILTER(isBlank(?o)) BIND("out" AS ?k) }}
  UNION
  {{ GRAPH ?g {{ ?x ?p0 ?b . FILTER(isBlank(?b)) ?b ({BNODE_PATH})* ?s . FILTER(isBlank(?s)) ?s ?p ?o }} BIND("bnode" AS ?k) }}
}} LIMIT {ROW_LIMIT}"""

# An RDF document needs less than a page, all in one query: outgoing (and blank-node closure),
# every incoming link, the explanation records, and the resource's own evidence quotes.
RDF_QUERY = f"""
SELECT ?x ?k ?s ?p ?o ?g ?exact ?start ?end ?ax ?pr WHERE {{
  {{ GRAPH ?g {{ ?x ?p ?o }} BIND("out" AS ?k) }}
  UNION
  {{ GRAPH ?g {{ ?x ?p0 ?b . FILTER(isBlank(?b)) ?b ({BNODE_PATH})* ?s . FILTER(isBlank(?s)) ?s ?p ?o }} BIND("bnode" AS ?k) }}
  UNION
  {{ GRAPH ?g {{ ?s ?p ?x }} BIND("in" AS ?k) }}
  UNION
  {{ GRAPH ?g {{ ?s <{RDF}subject> ?x ; <{RDF}predicate> ?p ; <{RDF}object> ?o ; <{NGD}byAxiom> ?ax .
                OPTIONAL {{ ?s <{NGD}premise> ?pr }} }} BIND("why" AS ?k) }}
  UNION
  {{ ?x <{NGD}evidence> ?s . BIND(?x AS ?o) ?s <{OA}exact> ?exact ; <{OA}start> ?start ; <{OA}end> ?end .
     BIND("evidence" AS ?k) }}
}} LIMIT 100000"""

PAGE_SIZE = 50

ASK_KNOWN = """SELECT ?x WHERE { { GRAPH ?g { ?x ?p ?o } } UNION { GRAPH ?g { ?s ?p ?x } } } LIMIT 1"""


@dataclass
class Statement:
    p: str
    o: Term
    graphs: list[str]


@dataclass
class Evidence:
    quote: str
    via: str
    exact: str
    start: int
    end: int
    document: str | None
    section: str | None
    line: int | None


@dataclass
class Inference:
    record: str
    p: str
    o: str
    axiom: str
    premise: str | None


@dataclass
class Description:
    iri: str
    out: list[Statement] = field(default_factory=list)
    bnodes: dict[str, list[tuple[str, Term, str]]] = field(default_factory=lambda: defaultdict(list))
    incoming_counts: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))  # p → graph → n
    incoming: list[tuple[str, str, str]] = field(default_factory=list)  # (s, p, g); s is "_:b" for a blank node
    inferences: list[Inference] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    classifications: dict[str, dict[str, list[Term]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    hops: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # (direction, p1, n, p2, m)

    @property
    def exists(self) -> bool:
        return bool(self.out or self.incoming or self.incoming_counts)

    def incoming_total(self) -> int:
        return sum(sum(g.values()) for g in self.incoming_counts.values())

    def count_incoming(self) -> None:
        """Incoming counts per property and graph from ``incoming`` (when it holds every link)."""
        for _s, p, g in self.incoming:
            self.incoming_counts[p][g] = self.incoming_counts[p].get(g, 0) + 1


def statements(out: dict[tuple[str, Term], list[str]]) -> list[Statement]:
    """One statement per (property, value), with the sorted named graphs it is in."""
    return [Statement(p, o, sorted(set(gs))) for (p, o), gs in out.items()]


async def describe(site: Site, iri: str) -> Description:
    """For a page: read from the embedded store's indexes when the resource is of ordinary size
    (``describe_local``); otherwise the main query, then the blank-node closure only if an object
    is a blank node."""
    store = site.local_store()
    if store is not None:
        from api.linked_data.describe_local import describe_local

        local = describe_local(store, iri)
        if local is not None:
            return local
    return await describe_by_query(site, iri)


async def describe_by_query(site: Site, iri: str) -> Description:
    bindings = {"x": uri(iri)}
    rows = await site.select(MAIN_QUERY, bindings, cap=0)
    if any(_to_bnode(r) for r in rows):
        rows = [r for r in rows if not _to_bnode(r)] + await site.select(BNODE_QUERY, bindings, cap=0)
    return _fill(Description(iri), rows)


def _to_bnode(row: dict) -> bool:
    return row["k"]["value"] == "out" and row["o"].get("type") == "bnode"


async def describe_for_rdf(site: Site, iri: str) -> Description:
    """For an RDF document: one query (every incoming link included)."""
    d = _fill(Description(iri), await site.select(RDF_QUERY, {"x": uri(iri)}, cap=0))
    d.count_incoming()
    return d


def _subject(binding: dict) -> str:
    """An incoming link's subject: its IRI, or "_:label" for a blank node (an OWL restriction)."""
    return "_:" + binding["value"] if binding.get("type") == "bnode" else binding["value"]


def _fill(d: Description, rows: list[dict]) -> Description:
    out: dict[tuple[str, Term], list[str]] = {}
    seen_ev: set[tuple[str, str]] = set()
    for row in rows:
        k = row["k"]["value"]
        if k == "out":
            o = term(row["o"])
            assert o is not None
            out.setdefault((row["p"]["value"], o), []).append(row["g"]["value"])
        elif k == "in":
            d.incoming.append((_subject(row["s"]), row["p"]["value"], row["g"]["value"]))
        elif k == "incount":
            d.incoming_counts[row["p"]["value"]][row["g"]["value"]] = int(row["n"]["value"])
        elif k == "bnode":
            o = term(row["o"])
            assert o is not None
            entry = (row["p"]["value"], o, row["g"]["value"])
            if entry not in d.bnodes[row["s"]["value"]]:
                d.bnodes[row["s"]["value"]].append(entry)
        elif k == "why":
            d.inferences.append(Inference(row["s"]["value"], row["p"]["value"], row["o"]["value"], row["ax"]["value"],
                                          row["pr"]["value"] if "pr" in row else None))
        elif k == "evidence":
            key = (row["s"]["value"], row["o"]["value"])
            if key in seen_ev:
                continue
            seen_ev.add(key)
            d.evidence.append(Evidence(
                quote=row["s"]["value"], via=row["o"]["value"], exact=row["exact"]["value"], start=int(row["start"]["value"]),
                end=int(row["end"]["value"]), document=row["doc"]["value"] if "doc" in row else None,
                section=row["sec"]["value"] if "sec" in row else None,
                line=int(row["line"]["value"]) if "line" in row else None))
        elif k == "classification":
            o = term(row["o"])
            assert o is not None
            values = d.classifications[row["s"]["value"]][row["p"]["value"]]
            if o not in values:
                values.append(o)
        elif k in ("hop-out", "hop-in", "hop-norm"):
            hop = (k, row["p1"]["value"], row["s"]["value"], row["p"]["value"], row["o"]["value"])
            if hop not in d.hops:
                d.hops.append(hop)
    d.out = statements(out)
    return canonical(d)


def _term_key(t: Term) -> tuple[str, str, str, str]:
    return (t.kind, t.value, t.lang or "", t.datatype or "")


def canonical(d: Description) -> Description:
    """Every list in one order, whatever order the store gave (pages are then the same bytes
    whichever way the description was read)."""
    d.out.sort(key=lambda st: (st.p, _term_key(st.o)))
    d.incoming.sort()
    d.inferences.sort(key=lambda i: (i.record, i.p, i.o, i.axiom, i.premise or ""))
    d.evidence.sort(key=lambda e: (e.document or "", e.start, e.end, e.quote, e.via))
    d.hops.sort()
    for props in d.classifications.values():
        for values in props.values():
            values.sort(key=_term_key)
    for rows in d.bnodes.values():
        rows.sort(key=lambda r: (r[0], _term_key(r[1]), r[2]))
    return d


async def incoming_page(site: Site, iri: str, prop: str, page: int, per_page: int = PAGE_SIZE
                        ) -> tuple[list[tuple[str, str]], bool]:
    """One page of the subjects linking to ``iri`` by ``prop`` (sorted), and whether more follow."""
    limit, offset = int(per_page) + 1, (int(page) - 1) * int(per_page)
    query = f"SELECT ?x ?p ?s ?g WHERE {{ GRAPH ?g {{ ?s ?p ?x }} }} ORDER BY ?s ?g LIMIT {limit} OFFSET {offset}"
    rows = await site.select(query, {"x": uri(iri), "p": uri(prop)}, cap=0)
    items = [(_subject(r["s"]), r["g"]["value"]) for r in rows]
    return items[:per_page], len(items) > per_page


async def exists(site: Site, iri: str) -> bool:
    return bool(await site.select(ASK_KNOWN, {"x": uri(iri)}, cap=1))
