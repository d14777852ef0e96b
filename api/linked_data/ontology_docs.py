"""The ontology published at its namespace IRI: RDF in every syntax, the release file at its
owl:versionIRI, and generated HTML documentation — every class and property with label,
definition, super/sub classes, domain/range, usage counts and examples from the data. Each
term has a section whose id is its local name (term IRIs dereference to it)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from api.linked_data.html import e
from api.linked_data.index import Index, load_index
from api.linked_data.negotiation import DocFormat
from api.linked_data.site import NGD, Ctx, Site
from loaders.pipeline import ONTOLOGY_DIR

ONTOLOGY_FILE = ONTOLOGY_DIR / "normgraph.ttl"
RDFLIB_FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt", "rdfxml": "xml", "trig": "trig",
                  "nquads": "nquads"}
VANN = "http://purl.org/vocab/vann/"
DCT = "http://purl.org/dc/terms/"
_release_cache: dict[str, Any] = {}


def _release_graph() -> Graph:
    if "graph" not in _release_cache:
        g = Graph()
        g.parse(ONTOLOGY_FILE, format="turtle")
        _release_cache["graph"] = g
    return _release_cache["graph"]  # type: ignore[no-any-return]


def VERSION_OF(site: Site) -> str:
    """The release named by the ontology file's owl:versionIRI (e.g. "0.1.0")."""
    if "version" not in _release_cache:
        g = _release_graph()
        version_iri = g.value(URIRef(NGD), OWL.versionIRI)
        text = str(version_iri) if version_iri else ""
        _release_cache["version"] = text[len(NGD):] if text.startswith(NGD) else ""
    return _release_cache["version"]  # type: ignore[no-any-return]


async def release(site: Site, fmt: DocFormat) -> bytes:
    """The release file: the shipped Turtle verbatim, or the same graph in another syntax."""
    if fmt.name == "turtle":
        return ONTOLOGY_FILE.read_bytes()
    key = "release:" + fmt.name
    if key not in _release_cache:
        g = _release_graph()
        if fmt.name in ("trig", "nquads"):
            from rdflib import Dataset

            ds = Dataset()
            target = ds.graph(URIRef(NGD + VERSION_OF(site)))
            for triple in g:
                target.add(triple)
            _release_cache[key] = ds.serialize(format=RDFLIB_FORMATS[fmt.name], encoding="utf-8")
        else:
            _release_cache[key] = g.serialize(format=RDFLIB_FORMATS[fmt.name], encoding="utf-8")
    return _release_cache[key]  # type: ignore[no-any-return]


def _graph_iri(site: Site) -> str:
    iri = site.graph_ns + "ontology"
    if any(c in iri for c in "<>\"{}|^`\\ "):
        raise ValueError("the configured base is not a plain IRI")
    return iri


async def ontology_rdf(site: Site, fmt: DocFormat) -> bytes:
    async def make() -> bytes:
        graph = _graph_iri(site)
        if fmt.name in ("trig", "nquads"):
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            data = await site.graph_bytes(query, "ntriples")
            g = Graph()
            g.parse(data=data, format="nt")
            from rdflib import Dataset

            ds = Dataset()
            target = ds.graph(URIRef(graph))
            for triple in g:
                target.add(triple)
            return ds.serialize(format=RDFLIB_FORMATS[fmt.name], encoding="utf-8")
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        return await site.graph_bytes(query, fmt.name)

    return await site.cached("ontology-rdf:" + fmt.name, make)


async def ontology_graph(site: Site) -> Graph:
    async def make() -> Graph:
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{_graph_iri(site)}> {{ ?s ?p ?o }} }}"
        data = await site.graph_bytes(query, "ntriples")
        g = Graph()
        await asyncio.to_thread(g.parse, data=data, format="nt")
        return g

    return await site.cached("ontology-graph", make)


USAGE_QUERY = f"""
SELECT ?t ?kind (COUNT(DISTINCT ?s) AS ?n) (MIN(STR(?s)) AS ?ex1) (MAX(STR(?s)) AS ?ex2) WHERE {{
  {{ ?s a ?t . BIND("class" AS ?kind) }} UNION {{ ?s ?t ?o . BIND("property" AS ?kind) }}
  FILTER(STRSTARTS(STR(?t), "{NGD}"))
}} GROUP BY ?t ?kind"""


async def usage(site: Site) -> dict[str, tuple[int, list[str]]]:
    async def make() -> dict[str, tuple[int, list[str]]]:
        rows = await site.select(USAGE_QUERY, cap=0, timeout=60)
        out: dict[str, tuple[int, list[str]]] = {}
        for r in rows:
            examples = sorted({r[k]["value"] for k in ("ex1", "ex2") if k in r})
            out[r["t"]["value"]] = (int(r["n"]["value"]), examples)
        return out

    return await site.cached("ontology-usage", make)


# -- HTML ------------------------------------------------------------------------------------------
def local(iri: str) -> str:
    return iri[len(NGD):] if iri.startswith(NGD) else iri


def _term_link(ctx: Ctx, index: Index, node: Any) -> str:
    iri = str(node)
    if iri.startswith(NGD):
        return f'<a href="#{e(local(iri))}"><code>ng:{e(local(iri))}</code></a>'
    curie = ctx.site.curie(iri)
    label = curie if curie != iri else index.label(iri)
    return f'<a href="{e(ctx.link(iri))}" rel="external noopener" title="{e(iri)}"><code>{e(label)}</code></a>' \
        if ctx.site.local_path(iri) is None else f'<a href="{e(ctx.link(iri))}">{e(index.label(iri))}</a>'


def expression(ctx: Ctx, index: Index, g: Graph, node: Any, depth: int = 0) -> str:
    """A class expression in words (Manchester-like), every named term linked."""
    if not isinstance(node, BNode):
        return _term_link(ctx, index, node)
    if depth > 4:
        return "…"
    for p, word in ((OWL.unionOf, " or "), (OWL.intersectionOf, " and ")):
        lst = g.value(node, p)
        if lst is not None:
            return "(" + word.join(expression(ctx, index, g, m, depth + 1) for m in Collection(g, lst)) + ")"
    lst = g.value(node, OWL.oneOf)
    if lst is not None:
        return "{" + ", ".join(expression(ctx, index, g, m, depth + 1) for m in Collection(g, lst)) + "}"
    comp = g.value(node, OWL.complementOf)
    if comp is not None:
        return "not " + expression(ctx, index, g, comp, depth + 1)
    prop = g.value(node, OWL.onProperty)
    if prop is not None:
        for p, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"), (OWL.hasValue, "value"),
                        (OWL.minCardinality, "min"), (OWL.maxCardinality, "max"), (OWL.cardinality, "exactly"),
                        (OWL.qualifiedCardinality, "exactly"), (OWL.maxQualifiedCardinality, "max")):
            v = g.value(node, p)
            if v is not None:
                target = e(v) if isinstance(v, Literal) else expression(ctx, index, g, v, depth + 1)
                return f"({_term_link(ctx, index, prop)} {word} {target})"
    return "(an anonymous expression)"


def _text(g: Graph, s: Any, p: Any) -> str:
    for v in g.objects(s, p):
        if isinstance(v, Literal) and v.language in (None, "en"):
            return str(v)
    return ""


async def ontology_html(ctx: Ctx) -> tuple[str, str]:
    site = ctx.site
    key = "ontology-html:" + ctx.prefix

    async def make() -> tuple[str, str]:
        g, counts, index = await asyncio.gather(ontology_graph(site), usage(site), load_index(site))
        return _render(ctx, g, counts, index)

    return await site.cached(key, make)


def _render(ctx: Ctx, g: Graph, counts: dict[str, tuple[int, list[str]]], index: Index) -> tuple[str, str]:
    ont = URIRef(NGD)
    title = _text(g, ont, URIRef(DCT + "title")) or "normgraph ontology"
    classes = sorted({s for s in g.subjects(RDF.type, OWL.Class) if str(s).startswith(NGD)}, key=lambda s: local(str(s)).lower())
    kinds = [("Object properties", OWL.ObjectProperty), ("Datatype properties", OWL.DatatypeProperty),
             ("Annotation properties", OWL.AnnotationProperty)]
    props: dict[str, list[Any]] = {}
    seen: set[Any] = set()
    for name, kind in kinds:
        items = sorted({s for s in g.subjects(RDF.type, kind) if str(s).startswith(NGD)} - seen, key=lambda s: local(str(s)).lower())
        seen |= set(items)
        props[name] = items
    datatypes = sorted({s for s in g.subjects(RDF.type, RDFS.Datatype) if str(s).startswith(NGD)}, key=lambda s: local(str(s)).lower())
    # individuals: declared ones, resources of the dataset, and ng: terms typed with an ng: class (e.g. the graph roles)
    individuals = sorted({s for s in g.subjects(RDF.type, OWL.NamedIndividual)} | {
        s for s in g.subjects(RDF.type, None) if str(s).startswith(ctx.site.id_ns)} | {
        s for s, t in g.subject_objects(RDF.type) if str(s).startswith(NGD) and str(t).startswith(NGD)}, key=str)
    version_iri = g.value(ont, OWL.versionIRI)
    prefix = _text(g, ont, URIRef(VANN + "preferredNamespacePrefix")) or "ng"
    h = ctx.href
    downloads = " · ".join(f'<a href="{e(h("/def/normgraph." + s))}">{n}</a>' for s, n in
                           (("ttl", "Turtle"), ("rdf", "RDF/XML"), ("jsonld", "JSON-LD"), ("nt", "N-Triples")))
    head = [
        f'<p class="types"><span class="type">OWL ontology</span></p><h1>{e(title)}</h1>',
        f'<p class="iri"><code>{e(NGD)}</code> · preferred prefix <code>{e(prefix)}</code>'
        + (f' · version IRI <a href="{e(ctx.link(str(version_iri)))}"><code>{e(version_iri)}</code></a>' if version_iri else "")
        + f' · version {e(_text(g, ont, OWL.versionInfo))}<br><span class="formats">Download: {downloads}</span></p>',
        f'<blockquote class="lead">{e(_text(g, ont, URIRef(DCT + "description")))}</blockquote>',
        f'<p>The SHACL shapes that check data against this model are at <a href="{e(h("/shapes"))}"><code>'
        f'https://w3id.org/normgraph/shapes</code></a>; their current report is on the '
        f'<a href="{e(h("/quality"))}">data quality</a> page. Usage counts include inferred statements.</p>',
    ]
    toc = ['<nav class="toc" aria-label="Terms"><h2>Contents</h2>', f"<h3>Classes ({len(classes)})</h3><p>",
           " ".join(f'<a href="#{e(local(str(c)))}">{e(local(str(c)))}</a>' for c in classes), "</p>"]
    for name, items in props.items():
        if items:
            toc.append(f"<h3>{e(name)} ({len(items)})</h3><p>"
                       + " ".join(f'<a href="#{e(local(str(p)))}">{e(local(str(p)))}</a>' for p in items) + "</p>")
    if datatypes:
        toc.append(f"<h3>Datatypes ({len(datatypes)})</h3><p>"
                   + " ".join(f'<a href="#{e(local(str(d)))}">{e(local(str(d)))}</a>' for d in datatypes) + "</p>")
    toc.append("</nav>")
    body = head + toc + ['<section><h2 id="classes">Classes</h2>']
    by_domain: dict[Any, list[Any]] = defaultdict(list)
    by_range: dict[Any, list[Any]] = defaultdict(list)
    for items in props.values():
        for p in items:
            for dom in g.objects(p, RDFS.domain):
                by_domain[dom].append(p)
            for rng in g.objects(p, RDFS.range):
                by_range[rng].append(p)
    for c in classes:
        body.append(_class_section(ctx, g, c, counts, index, by_domain.get(c, []), by_range.get(c, [])))
    body.append("</section>")
    for name, items in props.items():
        if not items:
            continue
        body.append(f'<section><h2 id="{e(name.split()[0].lower())}-properties">{e(name)}</h2>')
        for p in items:
            body.append(_property_section(ctx, g, p, counts, index, name))
        body.append("</section>")
    if datatypes:
        body.append('<section><h2 id="datatypes">Datatypes</h2>')
        for d in datatypes:
            body.append(f'<article class="term" id="{e(local(str(d)))}"><h3>{e(local(str(d)))} '
                        f'<span class="type">datatype</span></h3><p class="iri"><code>{e(str(d))}</code></p>'
                        f'<p>{e(_text(g, d, SKOS.definition) or _text(g, d, RDFS.comment))}</p></article>')
        body.append("</section>")
    if individuals:
        body.append('<section><h2 id="individuals">Named individuals</h2><ul class="links">')
        for ind in individuals:
            body.append(f"<li>{_term_link(ctx, index, ind)}</li>")
        body.append("</ul></section>")
    return title, "".join(body)


def _usage(ctx: Ctx, index: Index, counts: dict[str, tuple[int, list[str]]], iri: str, what: str) -> str:
    n, examples = counts.get(iri, (0, []))
    ex = ", ".join(f'<a href="{e(ctx.link(x))}">{e(index.label(x))}</a>' for x in examples)
    return f"<dt>usage</dt><dd>{n} {what}" + (f" — e.g. {ex}" if ex else "") + "</dd>"


def _class_section(ctx: Ctx, g: Graph, c: Any, counts: dict, index: Index, domain_of: list, range_of: list) -> str:
    iri = str(c)
    rows = [f"<dt>IRI</dt><dd><code>{e(iri)}</code> · <a href=\"{e(ctx.href('/def/' + local(iri) + '.html'))}\">"
            "term page</a></dd>"]
    definition = _text(g, c, SKOS.definition) or _text(g, c, RDFS.comment)
    if definition:
        rows.append(f"<dt>definition</dt><dd>{e(definition)}</dd>")
    supers = [expression(ctx, index, g, s) for s in g.objects(c, RDFS.subClassOf)]
    if supers:
        rows.append(f"<dt>subclass of</dt><dd>{', '.join(supers)}</dd>")
    subs = sorted(str(s) for s in g.subjects(RDFS.subClassOf, c) if not isinstance(s, BNode))
    if subs:
        rows.append("<dt>subclasses</dt><dd>" + ", ".join(_term_link(ctx, index, URIRef(s)) for s in subs) + "</dd>")
    for p, name in ((OWL.equivalentClass, "equivalent to"), (OWL.disjointWith, "disjoint with"),
                    (SKOS.closeMatch, "close match"), (SKOS.exactMatch, "exact match")):
        values = [expression(ctx, index, g, v) for v in g.objects(c, p)]
        if p == OWL.disjointWith:
            values += [expression(ctx, index, g, v) for v in g.subjects(p, c)]
        if values:
            rows.append(f"<dt>{name}</dt><dd>{', '.join(values)}</dd>")
    if domain_of:
        rows.append("<dt>properties of it</dt><dd>" + ", ".join(_term_link(ctx, index, p) for p in domain_of) + "</dd>")
    if range_of:
        rows.append("<dt>properties to it</dt><dd>" + ", ".join(_term_link(ctx, index, p) for p in range_of) + "</dd>")
    rows.append(_usage(ctx, index, counts, iri, "instances"))
    label = _text(g, c, RDFS.label) or local(iri)
    return (f'<article class="term" id="{e(local(iri))}"><h3>{e(label)} <span class="muted">ng:{e(local(iri))}</span></h3>'
            f'<dl class="facts">{"".join(rows)}</dl></article>')


def _property_section(ctx: Ctx, g: Graph, p: Any, counts: dict, index: Index, kind: str) -> str:
    iri = str(p)
    types = [local(str(t)) for t in g.objects(p, RDF.type) if str(t) in (str(OWL.FunctionalProperty),
                                                                          str(OWL.InverseFunctionalProperty),
                                                                          str(OWL.TransitiveProperty),
                                                                          str(OWL.SymmetricProperty))]
    kind_text = kind.rstrip("s").lower() + (" (" + ", ".join(t.split("#")[-1] for t in types) + ")" if types else "")
    rows = [f"<dt>IRI</dt><dd><code>{e(iri)}</code> · <a href=\"{e(ctx.href('/def/' + local(iri) + '.html'))}\">"
            f"term page</a></dd><dt>kind</dt><dd>{e(kind_text)}</dd>"]
    definition = _text(g, p, SKOS.definition) or _text(g, p, RDFS.comment)
    if definition:
        rows.append(f"<dt>definition</dt><dd>{e(definition)}</dd>")
    for q, name in ((RDFS.domain, "domain"), (RDFS.range, "range"), (RDFS.subPropertyOf, "subproperty of"),
                    (OWL.inverseOf, "inverse of"), (SKOS.closeMatch, "close match")):
        values = [expression(ctx, index, g, v) for v in g.objects(p, q)]
        if q == OWL.inverseOf:
            values += [expression(ctx, index, g, v) for v in g.subjects(q, p)]
        if values:
            rows.append(f"<dt>{name}</dt><dd>{', '.join(values)}</dd>")
    subs = sorted(str(s) for s in g.subjects(RDFS.subPropertyOf, p))
    if subs:
        rows.append("<dt>subproperties</dt><dd>" + ", ".join(_term_link(ctx, index, URIRef(s)) for s in subs) + "</dd>")
    rows.append(_usage(ctx, index, counts, iri, "statements"))
    label = _text(g, p, RDFS.label) or local(iri)
    return (f'<article class="term" id="{e(local(iri))}"><h3>{e(label)} <span class="muted">ng:{e(local(iri))}</span></h3>'
            f'<dl class="facts">{"".join(rows)}</dl></article>')
