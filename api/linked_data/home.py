"""The home page and the list of documents."""

from __future__ import annotations

import re

from api.linked_data.html import e, link
from api.linked_data.index import Index
from api.linked_data.site import DCT, NGD, Ctx

DOC_QUERY = f"""SELECT ?d ?title ?issued ?len WHERE {{ ?d a <{NGD}Report> . OPTIONAL {{ ?d <{DCT}title> ?title }}
  OPTIONAL {{ ?d <{DCT}issued> ?issued }} OPTIONAL {{ ?d <{NGD}textLength> ?len }} }} ORDER BY ?d"""


def documents(ctx: Ctx, index: Index) -> list[str]:
    prefix = ctx.site.id_ns + "document/"
    return sorted(s[len(prefix):] for s, ts in index.types.items() if NGD + "Report" in ts and s.startswith(prefix))


def count(index: Index, cls: str) -> int:
    return len(index.instances(NGD + cls))


def render_home(ctx: Ctx, index: Index) -> tuple[str, str]:
    h = ctx.href
    site = ctx.site
    stats = [("Norms", "norms", count(index, "Norm")), ("Responsibilities", "responsibilities", count(index, "Responsibility")),
             ("Claims", "claims", count(index, "Claim")), ("Actors", "actors", count(index, "Actor")),
             ("Actor clusters", "clusters", count(index, "ActorCluster")), ("Sources", "sources", count(index, "Source")),
             ("Initiatives", "initiatives", count(index, "Initiative")), ("Questions", "questions", count(index, "Question"))]
    gge = sorted(s for s in index.types if re.fullmatch(re.escape(site.id_ns) + r"norm/gge-2015-13[a-z]", s))
    quotes = count(index, "Quote")
    parts = [
        '<section class="hero"><h1>normgraph</h1><p class="lead">A linked-data knowledge graph of responsible behaviour in '
        "cyberspace: who — states, the private sector, civil society, CERTs — is expected to do what, under which norm, "
        "how binding it is, and which document says so, down to the sentence.</p>"
        f'<form class="search big" role="search" method="get" action="{e(h("/search"))}"><input type="search" name="q" '
        'aria-label="Search" placeholder="Search norms, actors, responsibilities, text…" maxlength="200">'
        '<button type="submit">Search</button></form></section>',
        '<ul class="stats">' + "".join(f'<li><a href="{e(h("/browse/" + path))}"><b>{n}</b> {e(name)}</a></li>'
                                       for name, path, n in stats)
        + f'<li><a href="{e(h("/documents"))}"><b>{quotes}</b> quotes</a></li></ul>',
        '<div class="columns"><section><h2>Start here</h2><ul class="links">',
        f'<li><a href="{e(h("/views/annex-1"))}">Annex 1</a> — the GGE norms × private sector / other actors, regenerated</li>',
        f'<li><a href="{e(h("/views/responsibility-matrix"))}">Responsibility matrix</a> — who claims which '
        "responsibility of states, by theme and status</li>",
        f'<li><a href="{e(h("/documents"))}">The documents</a> — read them with every extracted fact highlighted</li>',
        f'<li><a href="{e(h("/browse"))}">Indexes</a> — everything by kind, with filters</li></ul></section>',
        "<section><h2>The eleven UN GGE 2015 norms</h2><ol class=\"links norms\">",
    ]
    parts += [f"<li>{link(ctx, index, s)}</li>" for s in gge]
    parts.append("</ol></section></div>")
    parts.append('<section><h2>For machines</h2><ul class="links">'
                 f'<li>Every IRI dereferences: <code>{e(site.id_ns)}…</code> answers <code>303 See Other</code> to HTML or RDF '
                 "(Turtle, JSON-LD, N-Triples, RDF/XML, TriG) by <code>Accept</code>.</li>"
                 f'<li><a href="{e(h("/sparql"))}">SPARQL 1.1 endpoint</a>, the <a href="{e(h("/workbench"))}">query '
                 f'workbench</a> and the <a href="{e(h("/store?default"))}">Graph Store</a></li>'
                 f'<li><a href="{e(h("/.well-known/void"))}">VoID / DCAT description</a> and '
                 f'<a href="{e(h("/dumps/"))}">dumps with checksums</a></li>'
                 f'<li><a href="{e(h("/def/"))}">The ontology</a>, <a href="{e(h("/shapes"))}">the SHACL shapes</a> and '
                 f'<a href="{e(h("/quality"))}">the data-quality report</a></li>'
                 f'<li><a href="{e(h("/browse/graphs"))}">Named graphs</a> · <a href="{e(h("/sitemap.xml"))}">sitemap</a> · '
                 f'<a href="{e(h("/docs"))}">HTTP API (OpenAPI)</a></li></ul></section>')
    return "normgraph", "".join(parts)


def render_documents(ctx: Ctx, index: Index, rows: list[dict]) -> tuple[str, str]:
    h = ctx.href
    prefix = ctx.site.id_ns + "document/"
    parts = ["<h1>Documents</h1><p class=\"lead\">The input corpus. Read each with its extracted facts highlighted: "
             "every highlight is a quote the graph takes a fact from.</p><ul class=\"cards\">"]
    for r in rows:
        d = r["d"]["value"]
        if not d.startswith(prefix):
            continue
        slug = d[len(prefix):]
        issued = r.get("issued", {}).get("value", "")
        length = r.get("len", {}).get("value", "")
        parts.append(f'<li><a href="{e(h("/read/" + slug))}"><b>{e(index.label(d))}</b>'
                     f"<span>{e(issued)} · {e(length)} characters · read it</span></a>"
                     f'<p class="muted"><a href="{e(ctx.link(d))}">about this document</a> · '
                     f'<a href="{e(h("/read/" + slug + ".txt"))}">normalised text</a></p></li>')
    parts.append("</ul>")
    return "Documents", "".join(parts)
