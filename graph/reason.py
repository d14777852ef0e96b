"""OWL reasoning with HermiT (through owlready2): consistency, classification, and the
inferred triples — each marked as inferred and explained by the axiom and premise behind it."""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass, field

import owlready2
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from loaders.namespaces import NG, Iris

# Types owlready2/HermiT add that say nothing to a researcher.
_UNINFORMATIVE = {OWL.NamedIndividual, OWL.Thing, RDFS.Resource}
# HermiT's time grows about linearly with the data on our ontology but is large (about 0.55 CPU
# seconds per 1,000 triples: 3 minutes at 300,000, in a JVM limited to owlready2.JAVA_MEMORY; see
# docs/scaling.md): above this many reasoning-input triples the build skips reasoning and says so on
# standard error, in the manifest's inference counts and in graph/inferred.
MAX_TRIPLES_ENV = "NORMGRAPH_REASONING_MAX_TRIPLES"
DEFAULT_MAX_TRIPLES = 300_000
SKIPPED_KEY = "skipped: reasoning-input triples above " + MAX_TRIPLES_ENV


def max_triples() -> int:
    """The largest reasoning input given to HermiT (``NORMGRAPH_REASONING_MAX_TRIPLES``; 0 means no limit)."""
    return int(os.environ.get(MAX_TRIPLES_ENV, DEFAULT_MAX_TRIPLES))


class InconsistentGraph(Exception):
    """HermiT found the ontology and data contradictory."""


@dataclass
class ReasoningResult:
    inferred: Graph
    explanations: Graph
    counts: dict[str, int] = field(default_factory=dict)
    skipped: str | None = None  # why HermiT was not run (too large)


def reasoning_input(ontology: Graph, data: Graph) -> Graph:
    """The part of the data HermiT needs: types and links between resources. Literal values
    (texts, offsets) carry no OWL axioms here, so leaving them out keeps reasoning fast."""
    g = Graph()
    g += ontology
    for s, p, o in data:
        if isinstance(o, URIRef) and not isinstance(s, BNode):
            g.add((s, p, o))
    return g


def run_hermit(graph: Graph) -> set[tuple[URIRef, URIRef, URIRef]]:
    """All IRI triples after HermiT's classification and property-value inference."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "input.nt")
        graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology("file://" + path).load(format="ntriples")
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise InconsistentGraph(
                "HermiT finds the ontology and data inconsistent: some resource belongs to classes "
                "declared disjoint (e.g. a responsibility both hard and soft, or a norm typed as an "
                f"actor). {exc}"
            ) from None
        result = {
            (s, p, o) for s, p, o in world.as_rdflib_graph()
            if isinstance(s, URIRef) and isinstance(o, URIRef)
        }
        world.close()
        return result


def _equivalence_premises(ontology: Graph) -> dict[URIRef, list[tuple[URIRef, URIRef]]]:
    """For each class defined as ``∃p.{v}`` (possibly intersected), the (p, v) it requires."""
    premises: dict[URIRef, list[tuple[URIRef, URIRef]]] = {}
    for cls, expr in ontology.subject_objects(OWL.equivalentClass):
        parts = [expr]
        members = ontology.value(expr, OWL.intersectionOf)
        if members is not None:
            parts = list(ontology.items(members))
        for part in parts:
            prop = ontology.value(part, OWL.onProperty)
            if prop is None:
                continue
            values = [ontology.value(part, OWL.hasValue)]
            filler = ontology.value(part, OWL.someValuesFrom)
            if filler is not None and ontology.value(filler, OWL.oneOf) is not None:
                values = list(ontology.items(ontology.value(filler, OWL.oneOf)))  # ∃p.{v} written as oneOf
            for value in values:
                if value is not None:
                    premises.setdefault(cls, []).append((prop, value))
    return premises


def superclasses(ontology: Graph) -> dict[URIRef, set[URIRef]]:
    """Named superclasses (transitively) of every named class of the ontology."""
    direct: dict[URIRef, set[URIRef]] = {}
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            direct.setdefault(sub, set()).add(sup)
    closure: dict[URIRef, set[URIRef]] = {}
    for cls in direct:
        seen: set[URIRef] = set()
        stack = list(direct[cls])
        while stack:
            sup = stack.pop()
            if sup not in seen:
                seen.add(sup)
                stack.extend(direct.get(sup, ()))
        closure[cls] = seen
    return closure


def _add_superclass_types(ontology: Graph, asserted: Graph, inferred: Graph, base: str) -> None:
    """HermiT reports the most specific new types only; researchers also ask ``?x a ng:Actor``
    or ``?x a ng:Source``, so every superclass membership is materialised too (as inferred)."""
    closure = superclasses(ontology)
    types: dict[URIRef, set[URIRef]] = {}
    for g in (asserted, inferred):
        for s, o in g.subject_objects(RDF.type):
            if isinstance(s, URIRef) and isinstance(o, URIRef) and str(s).startswith(base + "id/"):
                types.setdefault(s, set()).add(o)
    for s, classes in types.items():
        for cls in list(classes):
            for sup in closure.get(cls, ()):
                if sup not in classes and sup not in _UNINFORMATIVE:
                    inferred.add((s, RDF.type, sup))


def reason(ontology: Graph, data: Graph, iris: Iris) -> ReasoningResult:
    graph = reasoning_input(ontology, data)
    limit = max_triples()
    if limit and len(graph) > limit:
        return _skipped(len(graph), limit, iris)
    asserted = set(graph)
    after = run_hermit(graph)
    base = iris.base
    inferred = Graph()
    for s, p, o in after - asserted:
        if not str(s).startswith(base + "id/") or (p == RDF.type and o in _UNINFORMATIVE):
            continue
        inferred.add((s, p, o))
    _add_superclass_types(ontology, graph, inferred, base)
    explanations = Graph()
    premises = _equivalence_premises(ontology)
    inverses = {}
    for a, b in ontology.subject_objects(OWL.inverseOf):
        inverses[a], inverses[b] = b, a
    counts = {"types": 0, "property values": 0}
    for s, p, o in sorted(inferred):
        digest = hashlib.sha1(f"{s} {p} {o}".encode(), usedforsecurity=False).hexdigest()[:16]
        node = iris.res("inference", digest)
        explanations.add((node, RDF.type, NG.Inference))
        explanations.add((node, RDF.subject, s))
        explanations.add((node, RDF.predicate, p))
        explanations.add((node, RDF.object, o))
        explanations.add((node, NG.reasoner, Literal(f"HermiT via owlready2 {owlready2.VERSION}")))
        if p == RDF.type:
            counts["types"] += 1
            explanations.add((node, RDFS.label, Literal(f"inferred: {s.rsplit('/', 1)[-1]} is a {o.rsplit('/', 1)[-1]}", lang="en")))
            explanations.add((node, NG.byAxiom, o))
            for prop, value in premises.get(o, []):
                if (s, prop, value) in asserted:
                    explanations.add((node, NG.premise, Literal(f"<{s}> <{prop}> <{value}>")))
            if (s, RDF.type, o) not in asserted:
                for sub in ontology.subjects(RDFS.subClassOf, o):
                    if (s, RDF.type, sub) in asserted:
                        explanations.add((node, NG.premise, Literal(f"<{s}> a <{sub}>; <{sub}> rdfs:subClassOf <{o}>")))
        else:
            counts["property values"] += 1
            explanations.add((node, RDFS.label, Literal(f"inferred: {p.rsplit('/', 1)[-1]} of {s.rsplit('/', 1)[-1]}", lang="en")))
            explanations.add((node, NG.byAxiom, p))
            inverse = inverses.get(p)
            if inverse is not None and (o, inverse, s) in asserted:
                explanations.add((node, NG.premise, Literal(f"<{o}> <{inverse}> <{s}>; owl:inverseOf")))
    return ReasoningResult(inferred=inferred, explanations=explanations, counts=counts)


def _skipped(size: int, limit: int, iris: Iris) -> ReasoningResult:
    reason = (f"{size:,} reasoning-input triples is above the limit of {limit:,} ({MAX_TRIPLES_ENV}; HermiT's "
              "time grows with the data, see docs/scaling.md): nothing was inferred")
    print(f"  reasoning skipped: {reason}", file=sys.stderr, flush=True)
    note = Graph()
    note.add((iris.named_graph("inferred"), RDFS.comment, Literal(f"Reasoning was skipped: {reason}.", lang="en")))
    return ReasoningResult(inferred=Graph(), explanations=note, counts={"types": 0, "property values": 0, SKIPPED_KEY: size},
                           skipped=reason)
