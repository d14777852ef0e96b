"""The SHACL shapes at their stable IRI (https://w3id.org/normgraph/shapes): the shipped file
verbatim as Turtle, other syntaxes converted, and an HTML rendering — one section per shape
(id = its local name) with its target, rule, message and property constraints."""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from api.linked_data.html import e
from api.linked_data.index import Index
from api.linked_data.negotiation import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE, DocFormat
from api.linked_data.site import SHAPES_IRI, Ctx
from graph.validate import SHAPES_PATH

FORMATS = [HTML, TURTLE, JSONLD, NTRIPLES, RDFXML]
NS = SHAPES_IRI + "/"
_cache: dict[str, Any] = {}


def shapes_graph() -> Graph:
    if "graph" not in _cache:
        g = Graph()
        g.parse(SHAPES_PATH, format="turtle")
        _cache["graph"] = g
    return _cache["graph"]  # type: ignore[no-any-return]


def shapes_rdf(fmt: DocFormat) -> bytes:
    if fmt.name == "turtle":
        return SHAPES_PATH.read_bytes()
    key = "rdf:" + fmt.name
    if key not in _cache:
        name = {"jsonld": "json-ld", "ntriples": "nt", "rdfxml": "xml"}[fmt.name]
        _cache[key] = shapes_graph().serialize(format=name, encoding="utf-8")
    return _cache[key]  # type: ignore[no-any-return]


def node_shapes() -> list[Any]:
    g = shapes_graph()
    return sorted({s for s in g.subjects(RDF.type, SH.NodeShape) if str(s).startswith(NS)}, key=str)


def has_shape(name: str) -> bool:
    return URIRef(NS + name) in set(node_shapes())


def _text(g: Graph, s: Any, p: Any) -> str:
    for v in g.objects(s, p):
        if isinstance(v, Literal):
            return str(v)
    return ""


def _node(ctx: Ctx, index: Index, g: Graph, n: Any, depth: int = 0) -> str:
    if isinstance(n, Literal):
        return f"<code>{e(n)}</code>"
    if isinstance(n, URIRef):
        iri = str(n)
        if iri.startswith(NS):
            return f'<a href="#{e(iri[len(NS):])}">{e(iri[len(NS):])}</a>'
        curie = ctx.site.curie(iri)
        path = ctx.site.local_path(iri)
        if path is not None:
            return f'<a href="{e(ctx.href(path))}"><code>{e(curie)}</code></a>'
        return f"<code>{e(curie)}</code>"
    if depth > 3:
        return "…"
    return _constraints(ctx, index, g, n, depth + 1)


CONSTRAINTS = [
    (SH.path, "path"), (SH["class"], "class"), (SH.datatype, "datatype"), (SH.nodeKind, "node kind"),
    (SH.minCount, "at least"), (SH.maxCount, "at most"), (SH.minInclusive, "minimum"), (SH.pattern, "pattern"),
    (SH.hasValue, "has value"), (SH["in"], "one of"), (SH.node, "conforms to"), (SH["or"], "any of"),
    (SH["and"], "all of"), (SH["not"], "not"), (SH.qualifiedValueShape, "qualified shape"),
    (SH.qualifiedMinCount, "qualified at least"), (SH.uniqueLang, "unique language"), (SH.languageIn, "languages"),
    (SH.severity, "severity"),
]


def _constraints(ctx: Ctx, index: Index, g: Graph, s: Any, depth: int = 0) -> str:
    items = []
    for p, name in CONSTRAINTS:
        for v in g.objects(s, p):
            if p in (SH["in"], SH["or"], SH["and"], SH.languageIn) and isinstance(v, BNode):
                members = [_node(ctx, index, g, m, depth) for m in Collection(g, v)]
                items.append(f"{name} " + (" | ".join(members)))
            else:
                items.append(f"{name} {_node(ctx, index, g, v, depth)}")
    message = _text(g, s, SH.message)
    if message:
        items.append(f"<em>{e(message)}</em>")
    return "[" + "; ".join(items) + "]" if depth else "; ".join(items)


def shapes_html(ctx: Ctx, index: Index) -> tuple[str, str]:
    g = shapes_graph()
    title = _text(g, URIRef(SHAPES_IRI), RDFS.label) or "normgraph SHACL shapes"
    shapes = node_shapes()
    h = ctx.href
    downloads = " · ".join(f'<a href="{e(h("/shapes." + f.suffix))}">{e(f.label)}</a>' for f in FORMATS if f.is_rdf)
    body = [f'<p class="types"><span class="type">SHACL shapes graph</span></p><h1>{e(title)}</h1>',
            f'<p class="iri"><code>{e(SHAPES_IRI)}</code><br><span class="formats">Download: {downloads}</span></p>',
            f'<blockquote class="lead">{e(_text(g, URIRef(SHAPES_IRI), RDFS.comment))}</blockquote>',
            f'<p>The current report of the published data against these shapes: <a href="{e(h("/quality"))}">data quality</a>.'
            f' The model they check: <a href="{e(h("/def/"))}">the ontology</a>.</p>',
            '<nav class="toc" aria-label="Shapes"><h2>Shapes</h2><p>'
            + " ".join(f'<a href="#{e(str(s)[len(NS):])}">{e(str(s)[len(NS):])}</a>' for s in shapes) + "</p></nav>"]
    for s in shapes:
        name = str(s)[len(NS):]
        rows = [f"<dt>IRI</dt><dd><code>{e(str(s))}</code></dd>"]
        targets = []
        for p, word in ((SH.targetClass, "instances of"), (SH.targetSubjectsOf, "subjects of"),
                        (SH.targetObjectsOf, "objects of"), (SH.targetNode, "the node")):
            targets += [f"{word} {_node(ctx, index, g, v)}" for v in g.objects(s, p)]
        rows.append("<dt>applies to</dt><dd>" + (", ".join(targets) or "nothing by itself (a helper used by other shapes)")
                    + "</dd>")
        comment = _text(g, s, RDFS.comment)
        if comment:
            rows.append(f"<dt>why</dt><dd>{e(comment)}</dd>")
        own = _constraints(ctx, index, g, s)
        if own:
            rows.append(f"<dt>rule</dt><dd>{own}</dd>")
        for prop in g.objects(s, SH.property):
            rows.append(f"<dt>property</dt><dd>{_constraints(ctx, index, g, prop)}</dd>")
        for sparql in g.objects(s, SH.sparql):
            select = _text(g, sparql, SH.select)
            msg = _text(g, sparql, SH.message)
            rows.append(f"<dt>SPARQL check</dt><dd>{e(msg)}<pre>{e(select.strip())}</pre></dd>")
        label = _text(g, s, RDFS.label) or name
        body.append(f'<article class="term" id="{e(name)}"><h3>{e(label)} <span class="muted">{e(name)}</span></h3>'
                    f'<dl class="facts">{"".join(rows)}</dl></article>')
    return title, "".join(body)
