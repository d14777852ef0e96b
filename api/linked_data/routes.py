"""The routes of the site besides dereferencing (deref.py): home, documents and reading view,
indexes and search, views, VoID/DCAT, dumps, sitemap, data quality and static files."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from api.app import HttpError
from api.linked_data import dataset, home, indexes, quality, reading, views
from api.linked_data.html import e, html_response, layout
from api.linked_data.index import Index, load_index
from api.linked_data.negotiation import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE, DocFormat, check_path, choose, content_type
from api.linked_data.rdfdoc import Quad, serialise
from api.linked_data.site import Ctx, Site

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".ico": "image/x-icon", ".txt": "text/plain"}
LISTING_FORMATS = [HTML, TURTLE, JSONLD, NTRIPLES, RDFXML]
VOID_FORMATS = [TURTLE, HTML, JSONLD, NTRIPLES, RDFXML]


def listing_alternates(ctx: Ctx, path: str, query: str = "") -> list[tuple[str, DocFormat]]:
    sep = "&" if query else ""
    return [(ctx.absolute(path) + "?" + query + sep + f"format={f.suffix}", f) for f in LISTING_FORMATS if f.is_rdf]


def rdf_or_html(ctx: Ctx, fmt: DocFormat, title: str, body: str, quads: list[Quad], alternates: list[tuple[str, DocFormat]],
                **layout_args: object) -> Response:
    if fmt.is_rdf:
        links = ", ".join(f'<{u}>; rel="alternate"; type="{f.media_type}"' for u, f in alternates if f != fmt)
        return Response(serialise(ctx.site, quads, fmt), media_type=content_type(fmt), headers={"Vary": "Accept", "Link": links})
    page = layout(ctx, title, body, alternates=alternates, **layout_args)  # type: ignore[arg-type]
    return html_response(page, alternates=alternates)


def register(app: FastAPI, site: Site) -> None:
    validator = quality.Validator(site)
    static_files = {p.name: p for p in STATIC_DIR.iterdir() if p.is_file()}

    async def context(request: Request) -> tuple[Ctx, Index]:
        return Ctx.of(site, request), await load_index(site)

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def home_page(request: Request) -> Response:
        ctx, index = await context(request)
        key = "home:" + ctx.prefix
        cached = site.peek(key)
        if cached is None:
            cached = home.render_home(ctx, index)
            site.put(key, cached)
        title, body = cached
        alts = [(ctx.absolute("/.well-known/void"), TURTLE)]
        return html_response(layout(ctx, title, body, alternates=alts, cite_iri=site.id_ns + "dataset",
                                    description="A linked-data knowledge graph of responsible behaviour in cyberspace."),
                             alternates=alts, vary=False)

    # -- documents ---------------------------------------------------------------------------------
    @app.api_route("/documents", methods=["GET", "HEAD"], include_in_schema=False)
    async def documents(request: Request) -> Response:
        ctx, index = await context(request)
        fmt = choose(request, LISTING_FORMATS)
        rows = await site.cached("documents", lambda: site.select(home.DOC_QUERY, cap=0))
        title, body = home.render_documents(ctx, index, rows)
        quads = views.listing_quads(site, index, [r["d"]["value"] for r in rows])
        return rdf_or_html(ctx, fmt, title, body, quads, listing_alternates(ctx, "/documents"))

    @app.api_route("/read/{slug}", methods=["GET", "HEAD"], include_in_schema=False)
    async def read(request: Request, slug: str) -> Response:
        ctx, index = await context(request)
        check_path(slug, "document name")
        name, dot, suffix = slug.rpartition(".")
        if dot and suffix == "txt":
            doc = await reading.load_document(site, name)
            return PlainTextResponse(doc.text, headers={"X-Content-Type-Options": "nosniff",
                                                        "Link": f'<{ctx.absolute("/read/" + name)}>; rel="alternate"; type="text/html"'})
        if dot and suffix == "html":
            return RedirectResponse(ctx.absolute("/read/" + name), status_code=301)
        for key in request.query_params:
            if key != "hl":
                raise HttpError(400, f"unknown parameter {key[:30]!r} (the reading view takes hl=START,END)")
        doc = await reading.load_document(site, slug)
        hl = reading.parse_hl(request.query_params.get("hl"), len(doc.text))
        key = f"read-html:{slug}:{ctx.prefix}"
        cached = site.peek(key) if hl is None else None
        if cached is None:
            cached = reading.render(ctx, index, doc, hl)
            if hl is None:
                site.put(key, cached)
        title, body = cached
        alts = [(ctx.absolute(f"/read/{slug}.txt"), _TEXT),
                *[(ctx.absolute(f"/id/document/{slug}.{f.suffix}"), f) for f in (TURTLE, JSONLD)]]
        return html_response(layout(ctx, title, body, alternates=alts, cite_iri=doc.iri, wide=True,
                                    description=f"Reading view of {title}"), alternates=alts, vary=False)

    # -- indexes and search ------------------------------------------------------------------------
    @app.api_route("/browse", methods=["GET", "HEAD"], include_in_schema=False)
    async def browse(request: Request) -> Response:
        ctx, index = await context(request)
        fmt = choose(request, LISTING_FORMATS)
        counts = await indexes.class_counts(site)
        title, body = indexes.render_overview(ctx, index, counts, site.service.graph_counts())
        quads = views.listing_quads(site, index, sorted(c for c in counts if c.startswith(site.def_ns)))
        return rdf_or_html(ctx, fmt, title, body, quads, listing_alternates(ctx, "/browse"))

    @app.api_route("/browse/graphs", methods=["GET", "HEAD"], include_in_schema=False)
    async def browse_graphs(request: Request) -> Response:
        ctx, index = await context(request)
        fmt = choose(request, LISTING_FORMATS)
        graphs = site.service.graph_counts()
        title, body = indexes.render_graphs(ctx, index, graphs)
        quads = views.listing_quads(site, index, sorted(g for g in graphs if g))
        return rdf_or_html(ctx, fmt, title, body, quads, listing_alternates(ctx, "/browse/graphs"))

    @app.api_route("/browse/class/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    async def browse_class(request: Request, name: str) -> Response:
        ctx, index = await context(request)
        check_path(name, "class name")
        fmt = choose(request, LISTING_FORMATS)
        cls = site.def_ns + name
        if cls not in index.known:
            raise HttpError(404, f"the ontology has no class ng:{name}")
        title, body = indexes.render_class(ctx, index, cls, request, f"/browse/class/{name}")
        quads = views.listing_quads(site, index, indexes.instances(index, cls))
        return rdf_or_html(ctx, fmt, title, body, quads, listing_alternates(ctx, f"/browse/class/{name}"))

    @app.api_route("/browse/{kind}", methods=["GET", "HEAD"], include_in_schema=False)
    async def browse_kind(request: Request, kind: str) -> Response:
        ctx, index = await context(request)
        spec = indexes.KINDS.get(kind)
        if spec is None:
            raise HttpError(404, f"no index named {kind[:40]!r} (there are: {', '.join(indexes.KINDS)}, graphs)")
        fmt = choose(request, LISTING_FORMATS)
        facts = await indexes.kind_facts(site, spec)
        items = indexes.build_items(ctx, index, spec, facts)
        title, body = indexes.render_kind(ctx, index, spec, items, request, f"/browse/{kind}")
        quads = views.listing_quads(site, index, sorted(facts))
        return rdf_or_html(ctx, fmt, title, body, quads, listing_alternates(ctx, f"/browse/{kind}"))

    @app.api_route("/search", methods=["GET", "HEAD"], include_in_schema=False)
    async def search(request: Request) -> Response:
        ctx, index = await context(request)
        fmt = choose(request, LISTING_FORMATS)
        q = (request.query_params.get("q") or "").strip()
        if len(q) > 200:
            raise HttpError(400, "the search text is too long (at most 200 characters)")
        if any(ord(c) < 32 for c in q):
            raise HttpError(400, "the search text contains control characters")
        page = indexes.int_param(request.query_params.get("page"), "page", 1, 1, indexes.MAX_PAGE)
        type_filter = request.query_params.get("type")
        if type_filter is not None and len(type_filter) > 60:
            raise HttpError(400, "the type filter is too long")
        if not q:
            body = (f'<h1>Search</h1><form class="search big" role="search" method="get" action="{e(ctx.href("/search"))}">'
                    '<input type="search" name="q" aria-label="Search" maxlength="200" placeholder="Search labels and text">'
                    '<button type="submit">Search</button></form><p class="muted">Searches labels, titles, norm texts, '
                    "paragraphs, questions, definitions and quotes (case-insensitive substring).</p>")
            alts = listing_alternates(ctx, "/search", "q=")
            return rdf_or_html(ctx, fmt, "Search", body, [], alts)
        if len(q) < 2:
            raise HttpError(400, "search for at least 2 characters")
        hits = await indexes.search(site, q)
        title, body = indexes.render_search(ctx, index, q, hits, page, 50, type_filter)
        from urllib.parse import urlencode

        quads = views.listing_quads(site, index, sorted({s for s, _, _ in hits})[:500])
        return rdf_or_html(ctx, fmt, title, body, quads, listing_alternates(ctx, "/search", urlencode({"q": q})))

    # -- views -------------------------------------------------------------------------------------
    @app.api_route("/views/annex-1", methods=["GET", "HEAD"], include_in_schema=False)
    async def annex(request: Request) -> Response:
        ctx, index = await context(request)
        fmt = choose(request, LISTING_FORMATS)
        rows = await views.annex_rows(site)
        key = "annex-html:" + ctx.prefix
        cached = site.peek(key) or views.render_annex(ctx, index, rows)
        site.put(key, cached)
        iris = sorted({v["value"] for r in rows for v in r.values() if v.get("type") == "uri"})
        quads = views.listing_quads(site, index, iris)
        return rdf_or_html(ctx, fmt, cached[0], cached[1], quads, listing_alternates(ctx, "/views/annex-1"), wide=True)

    @app.api_route("/views/responsibility-matrix", methods=["GET", "HEAD"], include_in_schema=False)
    async def matrix(request: Request) -> Response:
        ctx, index = await context(request)
        fmt = choose(request, LISTING_FORMATS)
        rows = await views.matrix_rows(site)
        key = "matrix-html:" + ctx.prefix
        cached = site.peek(key) or views.render_matrix(ctx, index, rows)
        site.put(key, cached)
        quads = views.listing_quads(site, index, sorted({r["c"]["value"] for r in rows}))
        return rdf_or_html(ctx, fmt, cached[0], cached[1], quads, listing_alternates(ctx, "/views/responsibility-matrix"),
                           wide=True)

    # -- the dataset -------------------------------------------------------------------------------
    @app.api_route("/.well-known/void", methods=["GET", "HEAD"], include_in_schema=False)
    async def void(request: Request) -> Response:
        ctx, index = await context(request)
        fmt = choose(request, VOID_FORMATS)
        quads = await dataset.void_quads(ctx, index)
        alts = [(ctx.absolute("/.well-known/void") + f"?format={f.suffix}", f) for f in VOID_FORMATS]
        if fmt.is_rdf:
            links = ", ".join(f'<{u}>; rel="alternate"; type="{f.media_type}"' for u, f in alts if f != fmt)
            return Response(serialise(site, quads, fmt), media_type=content_type(fmt),
                            headers={"Vary": "Accept", "Link": links})
        title, body = dataset.render_void_html(ctx, index, quads, await dataset.checksums(site))
        return html_response(layout(ctx, title, body, alternates=alts, cite_iri=site.id_ns + "dataset"), alternates=alts)

    @app.api_route("/dumps/", methods=["GET", "HEAD"], include_in_schema=False)
    async def dumps(request: Request) -> Response:
        ctx, _ = await context(request)
        sums = await dataset.checksums(site)
        body = ("<h1>Dumps</h1><p class=\"lead\">The whole dataset, regenerated from the published store, with SHA-256 "
                "checksums (also in the <a href=\"" + e(ctx.href("/.well-known/void")) + "\">DCAT description</a>).</p>"
                + dataset.dumps_table(ctx, sums))
        alts = [(ctx.absolute("/.well-known/void"), TURTLE)]
        return html_response(layout(ctx, "Dumps", body, alternates=alts, cite_iri=site.id_ns + "dataset"), alternates=alts,
                             vary=False)

    @app.api_route("/dumps", methods=["GET", "HEAD"], include_in_schema=False)
    async def dumps_bare(request: Request) -> Response:
        return RedirectResponse(Ctx.of(site, request).absolute("/dumps/"), status_code=301)

    @app.api_route("/dumps/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    async def dump(request: Request, name: str) -> Response:
        check_path(name, "file name")
        if name == "SHA256SUMS":
            sums = await dataset.checksums(site)
            text = "".join(f"{sha}  {n}\n" for n, (sha, _) in sums.items())
            return PlainTextResponse(text)
        spec = dataset.DUMP_BY_NAME.get(name)
        if spec is None:
            raise HttpError(404, f"no dump named {name[:60]!r} (there are: {', '.join(dataset.DUMP_BY_NAME)}, SHA256SUMS)")
        data = await dataset.dump_bytes(site, name)
        sums = await dataset.checksums(site)
        headers = {"Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff",
                   "ETag": f'"{sums[name][0]}"'}
        media = spec.compress or (spec.media_type + ("; charset=utf-8" if spec.media_type.startswith("text/") else ""))
        return Response(data, media_type=media, headers=headers)

    @app.api_route("/sitemap.xml", methods=["GET", "HEAD"], include_in_schema=False)
    async def sitemap(request: Request) -> Response:
        ctx, index = await context(request)
        return Response(dataset.sitemap(ctx, index, home.documents(ctx, index)), media_type="application/xml")

    @app.api_route("/robots.txt", methods=["GET", "HEAD"], include_in_schema=False)
    async def robots(request: Request) -> Response:
        ctx = Ctx.of(site, request)
        return PlainTextResponse(f"User-agent: *\nAllow: /\nSitemap: {ctx.absolute('/sitemap.xml')}\n")

    @app.api_route("/quality", methods=["GET", "HEAD"], include_in_schema=False)
    async def data_quality(request: Request) -> Response:
        ctx, index = await context(request)
        fmt_param = request.query_params.get("format")
        report = await validator.wait(0.5)
        if fmt_param == "json":
            status = 200 if report is not None else 202
            return Response(json.dumps(report or {"status": "running"}), status_code=status, media_type="application/json")
        if fmt_param not in (None, "html"):
            raise HttpError(400, "format must be html or json")
        title, body, running = quality.render(ctx, index, report)
        alts = [(ctx.absolute("/quality?format=json"), _JSON), (ctx.absolute("/shapes.ttl"), TURTLE)]
        page = layout(ctx, title, body, alternates=alts, heading=None)
        if running:
            page = page.replace("<head>", '<head><meta http-equiv="refresh" content="5">', 1)
        return html_response(page, alternates=alts, vary=False)

    # -- static ------------------------------------------------------------------------------------
    @app.api_route("/static/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    async def static(name: str) -> Response:
        path = static_files.get(name)
        if path is None:
            raise HttpError(404, f"no static file {name[:60]!r}")
        media = STATIC_TYPES.get(path.suffix, "application/octet-stream")
        return Response(path.read_bytes(), media_type=media,
                        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"})

    @app.api_route("/favicon.ico", methods=["GET", "HEAD"], include_in_schema=False)
    async def favicon() -> Response:
        return Response(static_files["favicon.svg"].read_bytes(), media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})


_TEXT = DocFormat("text", "txt", "text/plain", (), "normalised text")
_JSON = DocFormat("json", "json", "application/json", (), "JSON report")
