"""The query mix: ten kinds of query, each a template whose parameters are drawn per request.

Parameters (IRIs, years, text fragments, limits, graphs) come from the published store itself,
so every query is answerable and no two requests need be the same: a result cache, if there
were one, could not flatter the figures."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from benchmarks.generate import BINDINGNESS, CLUSTERS, ID, MODALITY, RARE_WORDS, STATUSES, THEMES, WORDS

PREFIXES = """PREFIX ng: <https://w3id.org/normgraph/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def _column(engine: ox.Store, query: str) -> list[str]:
    solutions = engine.query(PREFIXES + query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return sorted(str(row[0].value) for row in solutions if row[0] is not None)


@dataclass
class Pools:
    """What the parameters are drawn from (read once from the store, not timed)."""

    claims: list[str]
    responsibilities: list[str]
    quotes: list[str]
    claimants: list[str]
    document_graphs: list[str]
    years: list[int]

    @classmethod
    def from_store(cls, engine: ox.Store) -> Pools:
        years = [int(y) for y in _column(engine, "SELECT DISTINCT ?y WHERE { ?w a ng:CitedWork ; ng:year ?y }")]
        return cls(
            claims=_column(engine, "SELECT ?c WHERE { ?c a ng:Claim }"),
            responsibilities=_column(engine, "SELECT ?r WHERE { ?r a ng:Responsibility }"),
            quotes=_column(engine, "SELECT ?q WHERE { ?q a ng:Quote }"),
            claimants=_column(engine, f'SELECT DISTINCT ?a WHERE {{ ?c ng:claimant ?a FILTER(STRSTARTS(STR(?a), "{ID}actor/")) }}'),
            document_graphs=_column(engine, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d a ng:Report } }"),
            years=years or [2000],
        )


def iri_lookup(rng: random.Random, p: Pools) -> str:
    subject = rng.choice(rng.choice((p.claims, p.responsibilities, p.quotes)))
    return f"SELECT ?p ?o WHERE {{ <{subject}> ?p ?o }}"


def describe(rng: random.Random, p: Pools) -> str:
    return f"DESCRIBE <{rng.choice(p.responsibilities)}>"


def star_join(rng: random.Random, p: Pools) -> str:
    return f"""SELECT ?r ?label ?binding ?modality ?mode WHERE {{
  ?r a ng:Responsibility ; ng:bearer <{ID}cluster/{rng.choice(CLUSTERS)}> ; ng:theme <{ID}theme/{rng.choice(THEMES)}> ;
     rdfs:label ?label ; ng:bindingness ?binding ; ng:modality ?modality ; ng:behaviourMode ?mode .
}}"""


def group_by(rng: random.Random, p: Pools) -> str:
    return f"""SELECT ?status (COUNT(?c) AS ?claims) WHERE {{
  ?c a ng:Claim ; ng:status ?status ; ng:about ?r .
  ?r ng:theme <{ID}theme/{rng.choice(THEMES)}> ; ng:bindingness <{ID}dimension/{rng.choice(list(BINDINGNESS))}> ;
     ng:modality <{ID}dimension/{rng.choice(list(MODALITY))}> .
}} GROUP BY ?status ORDER BY DESC(?claims)"""


def text_filter(rng: random.Random, p: Pools) -> str:
    word = rng.choice(WORDS + RARE_WORDS)
    fragment = word if len(word) < 5 or rng.random() < 0.5 else word[rng.randrange(len(word) - 4):][:rng.randint(4, 7)]
    return f"""SELECT ?q ?text WHERE {{
  ?q a ng:Quote ; oa:exact ?text .
  FILTER(CONTAINS(LCASE(?text), "{fragment}"))
}} LIMIT {rng.randint(5, 40)}"""


def order_limit(rng: random.Random, p: Pools) -> str:
    return f"""SELECT ?work ?title ?year WHERE {{
  ?work a ng:CitedWork ; dcterms:title ?title ; ng:year ?year .
  FILTER(?year >= "{rng.choice(p.years)}"^^xsd:gYear)
}} ORDER BY DESC(?year) ?title LIMIT {rng.randint(5, 40)}"""


def property_path(rng: random.Random, p: Pools) -> str:
    return f"""SELECT ?ancestor ?label WHERE {{
  <{rng.choice(p.quotes)}> ng:inParagraph/dcterms:isPartOf+ ?ancestor .
  OPTIONAL {{ ?ancestor rdfs:label ?label }}
}}"""


def ask(rng: random.Random, p: Pools) -> str:
    return f"ASK {{ <{rng.choice(p.responsibilities)}> ng:bindingness <{ID}dimension/{rng.choice(list(BINDINGNESS))}> }}"


def construct(rng: random.Random, p: Pools) -> str:
    bearer = f"{ID}cluster/{rng.choice(CLUSTERS)}" if rng.random() < 0.8 or not p.claimants else rng.choice(p.claimants)
    return f"""CONSTRUCT {{ ?c ng:about ?r ; ng:claimant ?who . ?r rdfs:label ?label }} WHERE {{
  ?c ng:status <{ID}status/{rng.choice(list(STATUSES))}> ; ng:about ?r ; ng:claimant ?who .
  ?r ng:bearer <{bearer}> ; rdfs:label ?label .
}}"""


def named_graph(rng: random.Random, p: Pools) -> str:
    first = rng.randint(1, 8)
    return f"""SELECT ?n ?work WHERE {{
  GRAPH <{rng.choice(p.document_graphs)}> {{
    ?f a ng:Footnote ; ng:noteNumber ?n ; ng:hasCitation/ng:citedWork ?work .
    FILTER(?n >= {first} && ?n <= {first + rng.randint(0, 4)})
  }}
}} ORDER BY ?n"""


Template = Callable[[random.Random, Pools], str]

KINDS: dict[str, Template] = {
    "IRI lookup": iri_lookup,
    "DESCRIBE": describe,
    "star join": star_join,
    "GROUP BY": group_by,
    "text filter": text_filter,
    "ORDER BY + LIMIT": order_limit,
    "property path": property_path,
    "ASK": ask,
    "CONSTRUCT": construct,
    "GRAPH": named_graph,
}


class Mix:
    """Draws queries of a kind. With ``unique``, each differs from all drawn before (as long as the
    parameter space of the kind allows; ``repeats`` counts the times it did not)."""

    def __init__(self, pools: Pools, seed: int, unique: bool = True) -> None:
        self.pools = pools
        self.rng = random.Random(seed)  # noqa: S311 - reproducible parameters, not security
        self.unique = unique
        self.seen: set[str] = set()
        self.repeats = 0

    def draw(self, kind: str) -> str:
        template = KINDS[kind]
        query = PREFIXES + template(self.rng, self.pools)
        if not self.unique:
            return query
        for _ in range(200):
            if query not in self.seen:
                self.seen.add(query)
                return query
            query = PREFIXES + template(self.rng, self.pools)
        self.repeats += 1  # the parameter space of this kind is exhausted at this size
        return query

    def any(self) -> str:
        return self.draw(self.rng.choice(list(KINDS)))
