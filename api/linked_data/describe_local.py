"""The description of an ordinary resource read straight from the embedded store's indexes.

``describe.MAIN_QUERY`` says what a page shows; parsing and planning that query costs the engine
about 1 ms per page, more than evaluating it, and the worker hand-off adds more. For a resource of
ordinary size the same rows come from a few dozen index lookups (``quads_for_pattern``) in the
server process, in well under a millisecond. Every lookup is bounded: a resource past any bound
(a hub with hundreds of incoming links, a blank-node class expression, more diagram edges than
the query's ``LIMIT``) returns ``None`` and the page asks the query instead, in a worker that the
deadline can stop. ``tests/test_linked_data_describe.py`` checks that both ways give the same
description for every resource of the bundled dataset."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

import pyoxigraph as ox

from api.linked_data.describe import HOP, HOP2, INCOMING_SAMPLE, Description, Evidence, Inference, canonical, statements
from api.linked_data.site import NGD, OA, RDF, Term
from api.results import XSD_STRING

MAX_OUT = 2_000  # statements of the resource itself
MAX_SCAN = 500  # statements of one neighbour, claims about the resource, …
HOP_LIMIT = 60  # as the query's LIMIT per diagram branch: past it the query decides which 60

_NN = ox.NamedNode
EVIDENCE, ABOUT, CLASSIFIED = _NN(NGD + "evidence"), _NN(NGD + "about"), _NN(NGD + "hasClassification")
EXACT, START, END = _NN(OA + "exact"), _NN(OA + "start"), _NN(OA + "end")
DOC, SECTION, LINE = _NN(NGD + "sourceDocument"), _NN(NGD + "inSection"), _NN(NGD + "line")
SUBJECT, PREDICATE, OBJECT = _NN(RDF + "subject"), _NN(RDF + "predicate"), _NN(RDF + "object")
BY_AXIOM, PREMISE, SERVES = _NN(NGD + "byAxiom"), _NN(NGD + "premise"), _NN(NGD + "servesNorm")
HOP_OUT = {NGD + p for p in HOP} | {NGD + "theme"}
HOP_IN = HOP_OUT | {NGD + "claimedBy"}
HOP_SECOND = {NGD + p for p in HOP2}
HOP_NORM = (_NN(NGD + "claimant"), _NN(NGD + "status"))


class TooBig(Exception):
    """A bound was passed: the query describes this resource."""


def to_term(t: object) -> Term:
    """The page's term for an engine term, as ``site.term`` makes it from SPARQL JSON."""
    if isinstance(t, ox.NamedNode):
        return Term("uri", t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Term("literal", t.value, t.language)
        dt = t.datatype.value
        return Term("literal", t.value, None, None if dt == XSD_STRING else dt)
    raise TooBig  # blank nodes (OWL class expressions) and quoted triples: the query handles them


def _quads(store: ox.Store, s: object, p: object, o: object, cap: int = MAX_SCAN, graph: object = None) -> list[ox.Quad]:
    """The matching quads of every graph (as the union default graph has them, one per graph)."""
    found = list(islice(store.quads_for_pattern(s, p, o, graph), cap + 1))
    if len(found) > cap:
        raise TooBig
    return found


def _named(quads: list[ox.Quad]) -> Iterator[ox.Quad]:
    """Quads in a named graph (what ``GRAPH ?g { … }`` matches)."""
    return (q for q in quads if isinstance(q.graph_name, ox.NamedNode))


def _objects(store: ox.Store, s: object, p: ox.NamedNode, graph: object = None) -> list[object]:
    return [q.object for q in _quads(store, s, p, None, MAX_SCAN, graph)]


def describe_local(store: ox.Store, iri: str) -> Description | None:
    """The resource's description, or None when it is past a bound (the caller asks the query)."""
    try:
        return _describe(store, _NN(iri))
    except TooBig:
        return None


def _describe(store: ox.Store, x: ox.NamedNode) -> Description:
    d = Description(x.value)
    out_quads = _quads(store, x, None, None, MAX_OUT)
    in_quads = _quads(store, None, None, x, INCOMING_SAMPLE)  # all of them, or the query takes over
    out: dict[tuple[str, Term], list[str]] = {}
    for q in _named(out_quads):
        out.setdefault((q.predicate.value, to_term(q.object)), []).append(q.graph_name.value)
    d.out = statements(out)
    for q in _named(in_quads):
        if not isinstance(q.subject, ox.NamedNode):
            raise TooBig
        d.incoming.append((q.subject.value, q.predicate.value, q.graph_name.value))
    d.count_incoming()  # the sample is every incoming link (past INCOMING_SAMPLE the query counts)
    _inferences(store, x, d)
    _evidence(store, x, d)
    _classifications(store, x, d)
    _hops(store, x, out_quads, in_quads, d)
    return canonical(d)


def _inferences(store: ox.Store, x: ox.NamedNode, d: Description) -> None:
    for rec in _named(_quads(store, None, SUBJECT, x, MAX_SCAN)):
        s, g = rec.subject, rec.graph_name
        premises = [p.value for p in _objects(store, s, PREMISE, g)] or [None]
        for p in _objects(store, s, PREDICATE, g):
            for o in _objects(store, s, OBJECT, g):
                for ax in _objects(store, s, BY_AXIOM, g):
                    for pr in premises:
                        d.inferences.append(Inference(s.value, p.value, o.value, ax.value, pr))


def _evidence(store: ox.Store, x: ox.NamedNode, d: Description) -> None:
    pairs = [(q.object, x) for q in _quads(store, x, EVIDENCE, None, MAX_SCAN)]  # its own quotes
    for claim in _quads(store, None, ABOUT, x, MAX_SCAN):  # its claims' quotes
        pairs += [(q.object, claim.subject) for q in _quads(store, claim.subject, EVIDENCE, None, MAX_SCAN)]
    for cl in _quads(store, x, CLASSIFIED, None, MAX_SCAN):  # its classifications' quotes
        pairs += [(q.object, cl.object) for q in _quads(store, cl.object, EVIDENCE, None, MAX_SCAN)]
    seen: set[tuple[str, str]] = set()
    for quote, via in pairs:
        if not isinstance(quote, ox.NamedNode) or not isinstance(via, ox.NamedNode):
            raise TooBig
        if (quote.value, via.value) in seen:
            continue
        exact, start, end = (_objects(store, quote, p) for p in (EXACT, START, END))
        if not (exact and start and end):
            continue  # the query's pattern requires all three
        seen.add((quote.value, via.value))
        doc, sec, line = (_objects(store, quote, p) for p in (DOC, SECTION, LINE))
        d.evidence.append(Evidence(
            quote=quote.value, via=via.value, exact=exact[0].value, start=int(start[0].value), end=int(end[0].value),
            document=doc[0].value if doc else None, section=sec[0].value if sec else None,
            line=int(line[0].value) if line else None))


def _classifications(store: ox.Store, x: ox.NamedNode, d: Description) -> None:
    for cl in _quads(store, x, CLASSIFIED, None, MAX_SCAN):
        if not isinstance(cl.object, ox.NamedNode):
            raise TooBig
        for q in _quads(store, cl.object, None, None, MAX_SCAN):
            values = d.classifications[cl.object.value][q.predicate.value]
            o = to_term(q.object)
            if o not in values:
                values.append(o)


def _hops(store: ox.Store, x: ox.NamedNode, out_quads: list[ox.Quad], in_quads: list[ox.Quad], d: Description) -> None:
    def second(kind: str, p1: str, n: object) -> list[tuple[str, str, str, str, str]]:
        return [(kind, p1, n.value, q.predicate.value, q.object.value)  # type: ignore[attr-defined]
                for q in _quads(store, n, None, None, MAX_SCAN) if q.predicate.value in HOP_SECOND and q.object != x]

    hop_out = [r for q in out_quads if q.predicate.value in HOP_OUT and isinstance(q.object, ox.NamedNode)
               for r in second("hop-out", q.predicate.value, q.object)]
    hop_in = [r for q in in_quads if q.predicate.value in HOP_IN for r in second("hop-in", q.predicate.value, q.subject)]
    hop_norm = []
    for r in _quads(store, None, SERVES, x, MAX_SCAN):
        for claim in _quads(store, None, ABOUT, r.subject, MAX_SCAN):
            for p in HOP_NORM:
                hop_norm += [("hop-norm", r.subject.value, claim.subject.value, p.value, o.value)
                             for o in _objects(store, claim.subject, p)]
    for branch in (hop_out, hop_in, hop_norm):
        if len(branch) > HOP_LIMIT:
            raise TooBig  # the query's LIMIT picks 60 of them in its own order
        for hop in branch:
            if hop not in d.hops:
                d.hops.append(hop)
