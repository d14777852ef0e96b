"""Publishing the dataset: a VoID + DCAT description at /.well-known/void (class and property
partitions, triple counts per graph, distributions with checksums, licence, the SPARQL
endpoint), dumps (N-Quads gzipped, TriG, Turtle, JSON-LD) with SHA-256 sums, and sitemap.xml."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

from api.linked_data.html import dataset_version, e
from api.linked_data.index import Index
from api.linked_data.rdfdoc import LICENCE, I, L, Quad
from api.linked_data.site import DCAT, DCT, NGD, RDF, RDFS, VOID, XSD, Ctx, Site

SPDX = "http://spdx.org/rdf/terms#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FOAF = "http://xmlns.com/foaf/0.1/"


@dataclass(frozen=True)
class Dump:
    name: str
    media_type: str
    compress: str | None
    title: str


DUMPS = [
    Dump("normgraph.nq.gz", "application/n-quads", "application/gzip", "All named graphs, N-Quads, gzipped"),
    Dump("normgraph.trig", "application/trig", None, "All named graphs, TriG"),
    Dump("normgraph.ttl", "text/turtle", None, "The union of the graphs, Turtle (no graph names)"),
    Dump("normgraph.jsonld", "application/ld+json", None, "All named graphs, JSON-LD"),
]
DUMP_BY_NAME = {d.name: d for d in DUMPS}


async def dump_bytes(site: Site, name: str) -> bytes:
    async def make() -> bytes:
        if name == "normgraph.nq.gz":
            data = await site.dump_bytes("nquads")
            return await asyncio.to_thread(gzip.compress, data, 9, mtime=0)
        if name == "normgraph.trig":
            return await site.dump_bytes("trig")
        if name == "normgraph.jsonld":
            return await site.dump_bytes("jsonld")
        if name == "normgraph.ttl":
            return await site.graph_bytes("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", "turtle")
        raise KeyError(name)

    return await site.cached("dump:" + name, make)


async def checksums(site: Site) -> dict[str, tuple[str, int]]:
    async def make() -> dict[str, tuple[str, int]]:
        out = {}
        for d in DUMPS:
            data = await dump_bytes(site, d.name)
            out[d.name] = (hashlib.sha256(data).hexdigest(), len(data))
        return out

    return await site.cached("checksums", make)


PARTITIONS_QUERY = """
SELECT ?k ?t (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?d) WHERE {
  { ?s a ?t . BIND("class" AS ?k) } UNION { ?s ?t ?o . BIND("property" AS ?k) }
} GROUP BY ?k ?t"""
TOTALS_QUERY = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }"""


async def partitions(site: Site) -> tuple[list[tuple[str, str, int, int]], dict[str, int]]:
    async def make() -> tuple[list[tuple[str, str, int, int]], dict[str, int]]:
        rows, totals = await asyncio.gather(site.select(PARTITIONS_QUERY, cap=0, timeout=60),
                                            site.select(TOTALS_QUERY, cap=0, timeout=60))
        parts = [(r["k"]["value"], r["t"]["value"], int(r["n"]["value"]), int(r["d"]["value"])) for r in rows]
        t = totals[0] if totals else {}
        return parts, {k: int(v["value"]) for k, v in t.items()}

    return await site.cached("partitions", make)


async def void_quads(ctx: Ctx, index: Index) -> list[Quad]:
    site = ctx.site
    parts, totals = await partitions(site)
    sums = await checksums(site)
    version = dataset_version(site)
    ds = I(site.id_ns + "dataset")
    q: list[Quad] = []

    def add(s: object, p: str, o: object) -> None:
        q.append((s, p, o, None))  # type: ignore[arg-type]

    add(ds, RDF + "type", I(VOID + "Dataset"))
    add(ds, RDF + "type", I(DCAT + "Dataset"))
    add(ds, DCT + "title", L("normgraph: a knowledge graph of responsible behaviour in cyberspace", "en"))
    add(ds, RDFS + "label", L("normgraph: responsible behaviour in cyberspace", "en"))
    add(ds, DCT + "description", L(
        "Who (states, the private sector, civil society, CERTs…) is expected to do what, under which norm, how binding it "
        "is, and which document says so, down to the sentence: extracted from the Geneva Dialogue Phase 1 Report and "
        "the baseline study Roles and Responsibilities of States, with quote-level provenance.", "en"))
    add(ds, DCT + "license", I(LICENCE))
    add(ds, DCT + "hasVersion", L(version["version"]))
    add(ds, "http://www.w3.org/2002/07/owl#versionInfo", L(version["label"]))
    for kw in ("cyber norms", "responsible state behaviour", "UN GGE", "private sector", "cybersecurity"):
        add(ds, DCAT + "keyword", L(kw, "en"))
    add(ds, DCAT + "landingPage", I(ctx.absolute("/")))
    add(ds, FOAF + "homepage", I(ctx.absolute("/")))
    add(ds, VOID + "sparqlEndpoint", I(ctx.absolute("/sparql")))
    add(ds, VOID + "uriSpace", L(site.id_ns))
    add(ds, VOID + "uriLookupEndpoint", I(ctx.absolute("/search?q=")))
    add(ds, VOID + "openSearchDescription", I(ctx.absolute("/search")))
    add(ds, VOID + "vocabulary", I(NGD))
    add(ds, VOID + "rootResource", I(site.id_ns + "document/geneva-dialogue-phase-1-report"))
    for ex in ("norm/gge-2015-13c", "responsibility/states/awareness-raising", "cluster/private-sector"):
        if site.id_ns + ex in index.known:
            add(ds, VOID + "exampleResource", I(site.id_ns + ex))
    for key, p in (("triples", "triples"), ("subjects", "distinctSubjects"), ("objects", "distinctObjects")):
        if key in totals:
            add(ds, VOID + p, L(str(totals[key]), datatype=XSD + "integer"))
    classes = [(t, n, d) for k, t, n, d in parts if k == "class"]
    props = [(t, n, d) for k, t, n, d in parts if k == "property"]
    add(ds, VOID + "classes", L(str(len(classes)), datatype=XSD + "integer"))
    add(ds, VOID + "properties", L(str(len(props)), datatype=XSD + "integer"))
    add(ds, VOID + "entities", L(str(len([k for k in index.known if k.startswith(site.id_ns)])), datatype=XSD + "integer"))
    for t, _n, d in sorted(classes):
        node = I(f"{site.id_ns}dataset/class-partition/{_slug(site, t)}")
        add(ds, VOID + "classPartition", node)
        add(node, VOID + "class", I(t))
        add(node, VOID + "entities", L(str(d), datatype=XSD + "integer"))
    for t, n, _d in sorted(props):
        node = I(f"{site.id_ns}dataset/property-partition/{_slug(site, t)}")
        add(ds, VOID + "propertyPartition", node)
        add(node, VOID + "property", I(t))
        add(node, VOID + "triples", L(str(n), datatype=XSD + "integer"))
    for g, n in sorted(site.service.graph_counts().items()):
        if not g:
            continue
        add(ds, VOID + "subset", I(g))
        add(I(g), RDF + "type", I(VOID + "Dataset"))
        add(I(g), VOID + "triples", L(str(n), datatype=XSD + "integer"))
        add(I(g), VOID + "dataDump", I(ctx.absolute("/store?graph=" + g)))
    for d in DUMPS:
        url = I(ctx.absolute("/dumps/" + d.name))
        sha, size = sums[d.name]
        dist = I(f"{site.id_ns}dataset/distribution/{d.name.replace('.', '-')}")
        add(ds, VOID + "dataDump", url)
        add(ds, DCAT + "distribution", dist)
        add(dist, RDF + "type", I(DCAT + "Distribution"))
        add(dist, DCT + "title", L(d.title, "en"))
        add(dist, DCAT + "downloadURL", url)
        add(dist, DCAT + "mediaType", I("https://www.iana.org/assignments/media-types/" + d.media_type))
        if d.compress:
            add(dist, DCAT + "compressFormat", I("https://www.iana.org/assignments/media-types/" + d.compress))
        add(dist, DCAT + "byteSize", L(str(size), datatype=XSD + "nonNegativeInteger"))
        add(dist, DCT + "license", I(LICENCE))
        checksum = I(f"{site.id_ns}dataset/distribution/{d.name.replace('.', '-')}/sha256")
        add(dist, SPDX + "checksum", checksum)
        add(checksum, RDF + "type", I(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", I(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", L(sha, datatype=XSD + "hexBinary"))
    service = I(ctx.absolute("/sparql"))
    add(ds, DCAT + "distribution", I(site.id_ns + "dataset/distribution/sparql"))
    add(I(site.id_ns + "dataset/distribution/sparql"), RDF + "type", I(DCAT + "Distribution"))
    add(I(site.id_ns + "dataset/distribution/sparql"), DCAT + "accessService", service)
    add(I(site.id_ns + "dataset/distribution/sparql"), DCAT + "accessURL", service)
    add(service, RDF + "type", I(DCAT + "DataService"))
    add(service, RDF + "type", I(SD + "Service"))
    add(service, DCAT + "endpointURL", service)
    add(service, DCAT + "servesDataset", ds)
    add(service, DCT + "conformsTo", I("https://www.w3.org/TR/sparql11-protocol/"))
    add(I(ctx.absolute("/.well-known/void")), RDF + "type", I(VOID + "DatasetDescription"))
    add(I(ctx.absolute("/.well-known/void")), FOAF + "primaryTopic", ds)
    return q


def _slug(site: Site, iri: str) -> str:
    curie = site.curie(iri)
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in curie).strip("-")


def render_void_html(ctx: Ctx, index: Index, quads: list[Quad], sums: dict[str, tuple[str, int]]) -> tuple[str, str]:
    site = ctx.site
    h = ctx.href
    graphs = site.service.graph_counts()
    classes = sorted(((o.value, int(n.value)) for s, p, o, _ in quads if p == VOID + "class"
                      for s2, p2, n, _ in quads if s2 == s and p2 == VOID + "entities"), key=lambda kv: -kv[1])
    parts = ['<p class="types"><span class="type">void:Dataset</span> <span class="type">dcat:Dataset</span></p>',
             "<h1>The normgraph dataset</h1>",
             f'<p class="iri"><code>{e(site.id_ns + "dataset")}</code><br><span class="formats">This description: '
             + " · ".join(f'<a href="{e(h("/.well-known/void"))}?format={s}">{n}</a>'
                          for s, n in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"), ("rdf", "RDF/XML")))
             + "</span></p>",
             f"<p>SPARQL endpoint: <a href=\"{e(h('/sparql'))}\"><code>{e(ctx.absolute('/sparql'))}</code></a> · "
             f"licence <a href=\"{LICENCE}\" rel=\"license external noopener\">CC BY 4.0</a> · "
             f"version {e(dataset_version(site)['label'])}.</p>",
             "<h2>Dumps</h2>", dumps_table(ctx, sums),
             '<h2>Named graphs</h2><div class="scroll"><table class="grid list"><thead><tr><th>graph</th><th>triples</th></tr>'
             "</thead><tbody>"]
    for g, n in sorted(graphs.items()):
        if g:
            parts.append(f'<tr><td><a href="{e(ctx.link(g))}"><code>{e(g)}</code></a></td><td>{n}</td></tr>')
    parts.append('</tbody></table></div><h2>Class partitions</h2><div class="scroll"><table class="grid list"><thead><tr>'
                 "<th>class</th><th>entities</th></tr></thead><tbody>")
    for c, n in classes:
        parts.append(f'<tr><td><a href="{e(ctx.link(c))}">{e(site.curie(c))}</a></td><td>{n}</td></tr>')
    parts.append("</tbody></table></div>")
    return "VoID and DCAT description", "".join(parts)


def dumps_table(ctx: Ctx, sums: dict[str, tuple[str, int]]) -> str:
    rows = []
    for d in DUMPS:
        sha, size = sums[d.name]
        rows.append(f'<tr><td><a href="{e(ctx.href("/dumps/" + d.name))}">{e(d.name)}</a><br><span class="muted">'
                    f"{e(d.title)}</span></td><td>{e(d.media_type)}{' (gzip)' if d.compress else ''}</td>"
                    f"<td>{size:,}</td><td><code class=\"hash\">{sha}</code></td></tr>")
    return ('<div class="scroll"><table class="grid list"><thead><tr><th>file</th><th>media type</th><th>bytes</th>'
            "<th>SHA-256</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
            f'<p><a href="{e(ctx.href("/dumps/SHA256SUMS"))}">SHA256SUMS</a> (for <code>sha256sum -c</code>).</p>')


def sitemap(ctx: Ctx, index: Index, documents: list[str]) -> str:
    site = ctx.site
    paths = ["/", "/browse", "/browse/graphs", "/documents", "/views/annex-1", "/views/responsibility-matrix", "/def/normgraph.html",
             "/shapes.html", "/quality", "/dumps/", "/.well-known/void"]
    from api.linked_data.indexes import KINDS

    paths += [f"/browse/{k}" for k in KINDS]
    paths += [f"/read/{slug}" for slug in documents]
    for iri in sorted(index.known):
        if iri.startswith((site.id_ns, site.graph_ns)):
            path = site.local_path(iri)
            if path:
                paths.append(path + ".html")
    urls = "".join(f"<url><loc>{xml_escape(ctx.absolute(p))}</loc></url>\n" for p in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + urls + "</urlset>\n")
