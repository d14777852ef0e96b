"""RDF documents about one resource: its outgoing statements, incoming links, the labels of
every neighbour, and provenance — the named graph of each statement (kept exactly in TriG and
N-Quads) and, in every format, the ng:Inference records that mark the inferred statements.
Serialised by pyoxigraph (Turtle, N-Triples, RDF/XML, TriG, N-Quads); JSON-LD is written here
in compact form with a context of the usual prefixes."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from api.linked_data.describe import Description
from api.linked_data.index import Index
from api.linked_data.negotiation import DocFormat
from api.linked_data.site import DCT, FOAF, NGD, OA, PROV, RDF, RDFS, VOID, XSD, Site, Term

Quad = tuple[Term, str, Term, str | None]  # (s, p, o, graph or None for the document's own statements)

OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
}
LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def I(value: str) -> Term:  # noqa: E743 - short constructor for IRIs
    return Term("uri", value)


def L(value: str, lang: str | None = None, datatype: str | None = None) -> Term:
    return Term("literal", value, lang, datatype)


def statements(site: Site, index: Index, d: Description, doc_url: str | None) -> list[Quad]:
    """Everything an RDF document about ``d.iri`` says, with the graph of each statement."""
    x = I(d.iri)
    quads: list[Quad] = []
    neighbours: set[str] = set()
    for st in d.out:
        for g in st.graphs:
            quads.append((x, st.p, st.o, g))
        if st.o.is_iri:
            neighbours.add(st.o.value)
        neighbours.add(st.p)
    for b, rows in d.bnodes.items():
        for p, o, g in rows:
            quads.append((Term("bnode", b), p, o, g))
            if o.is_iri:
                neighbours.add(o.value)
    for s, p, g in d.incoming:
        quads.append((Term("bnode", s[2:]) if s.startswith("_:") else I(s), p, x, g))
        neighbours.add(s)
        neighbours.add(p)
    inferred_graph = site.graph_ns + "inferred"
    for inf in d.inferences:
        r = I(inf.record)
        quads += [(r, RDF + "type", I(NGD + "Inference"), inferred_graph), (r, RDF + "subject", x, inferred_graph),
                  (r, RDF + "predicate", I(inf.p), inferred_graph), (r, RDF + "object", I(inf.o), inferred_graph),
                  (r, NGD + "byAxiom", I(inf.axiom), inferred_graph)]
        if inf.premise:
            quads.append((r, NGD + "premise", L(inf.premise), inferred_graph))
    for ev in d.evidence:
        if ev.via == d.iri:
            q = I(ev.quote)
            quads += [(q, OA + "exact", L(ev.exact), None), (q, OA + "start", L(str(ev.start), datatype=XSD + "integer"), None),
                      (q, OA + "end", L(str(ev.end), datatype=XSD + "integer"), None)]
    neighbours.discard(d.iri)
    for n in sorted(neighbours):
        found = index.label_triples.get(n)
        if found:
            p, text, lang = found
            quads.append((I(n), p, L(text, lang), None))
    if doc_url:
        doc = I(doc_url)
        graphs = sorted({g for *_, g in quads if g})
        quads += [(doc, RDF + "type", I(FOAF + "Document"), None), (doc, FOAF + "primaryTopic", x, None),
                  (doc, VOID + "inDataset", I(site.id_ns + "dataset"), None), (doc, DCT + "license", I(LICENCE), None),
                  (doc, RDFS + "label", L(f"Description of {index.label(d.iri)}", "en"), None)]
        quads += [(doc, PROV + "wasDerivedFrom", I(g), None) for g in graphs]
    return quads


def _ox(t: Term) -> Any:
    if t.kind == "uri":
        return ox.NamedNode(t.value)
    if t.kind == "bnode":
        return ox.BlankNode(t.value)
    if t.lang:
        return ox.Literal(t.value, language=t.lang)
    if t.datatype:
        return ox.Literal(t.value, datatype=ox.NamedNode(t.datatype))
    return ox.Literal(t.value)


def serialise(site: Site, quads: list[Quad], fmt: DocFormat) -> bytes:
    if fmt.name == "jsonld":
        return jsonld(site, quads).encode("utf-8")
    # no prefixes for our own resources: slash IRIs would need escaped local names (ngr:norm\/x)
    prefixes = {k: v for k, v in site.prefixes.items() if k not in ("spdx", "sd", "ngr", "ngg")}
    if fmt.name in ("trig", "nquads"):
        items: list[Any] = []
        for s, p, o, g in quads:
            graph = ox.NamedNode(g) if g else ox.DefaultGraph()
            items.append(ox.Quad(_ox(s), ox.NamedNode(p), _ox(o), graph))
    else:
        seen: set[tuple[Term, str, Term]] = set()
        items = []
        for s, p, o, _ in quads:
            if (s, p, o) in seen:
                continue
            seen.add((s, p, o))
            items.append(ox.Triple(_ox(s), ox.NamedNode(p), _ox(o)))
    if fmt.name in ("ntriples", "nquads"):
        return ox.serialize(items, format=OX_FORMATS[fmt.name])
    return ox.serialize(items, format=OX_FORMATS[fmt.name], prefixes=prefixes)


# -- JSON-LD --------------------------------------------------------------------------------------
def compact(site: Site, iri: str) -> str:
    c = site.curie(iri)
    return c if c != iri else iri


def _value(site: Site, o: Term) -> Any:
    if o.kind == "uri":
        return {"@id": compact(site, o.value)}
    if o.kind == "bnode":
        return {"@id": "_:" + o.value}
    if o.lang:
        return {"@value": o.value, "@language": o.lang}
    if o.datatype and o.datatype != XSD + "string":
        return {"@value": o.value, "@type": compact(site, o.datatype)}
    return o.value


def jsonld_object(site: Site, quads: list[Quad]) -> dict[str, Any]:
    nodes: dict[str, dict[str, Any]] = {}
    seen: set[tuple[Term, str, Term]] = set()
    for s, p, o, _ in quads:
        if (s, p, o) in seen:
            continue
        seen.add((s, p, o))
        key = "_:" + s.value if s.kind == "bnode" else compact(site, s.value)
        node = nodes.setdefault(key, {"@id": key})
        if p == RDF + "type" and o.kind == "uri":
            node.setdefault("@type", []).append(compact(site, o.value))
        else:
            node.setdefault(compact(site, p), []).append(_value(site, o))
    used = {k: v for k, v in site.prefixes.items()}
    return {"@context": used, "@graph": list(nodes.values())}


def jsonld(site: Site, quads: list[Quad]) -> str:
    return json.dumps(jsonld_object(site, quads), ensure_ascii=False, indent=1)


def embeddable(site: Site, quads: list[Quad]) -> str:
    """JSON-LD for a <script type="application/ld+json"> element: '<', '>' and '&' escaped as
    \\u003c, \\u003e, \\u0026 (still the same JSON), so no text can close the element."""
    text = json.dumps(jsonld_object(site, quads), ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028") \
        .replace("\u2029", "\\u2029")
