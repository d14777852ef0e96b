"""Routes that make every IRI dereference: /id/… (resources), /graph/… (named graphs),
/def/… (the ontology, its terms and releases) and /shapes (the SHACL shapes).

A resource IRI answers 303 See Other to the document chosen by Accept (or ``format=``);
documents (``.html``, ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``, ``.trig``, ``.nq``) answer 200 with
``Link: rel=alternate`` headers for every other format. Unknown IRIs get a real 404 page."""

from __future__ import annotations

import time

from fastapi import FastAPI, Request
from fastapi.responses import Response

from api.app import HttpError
from api.linked_data import indexes, ontology_docs, page_resource, rdfdoc, shapes_docs
from api.linked_data.describe import PAGE_SIZE, describe, describe_for_rdf, incoming_page
from api.linked_data.html import SECURITY_HEADERS, e, html_response, layout
from api.linked_data.index import Index, load_index
from api.linked_data.negotiation import (
    DOC_FORMATS,
    HTML,
    RDF_FORMATS,
    DocFormat,
    check_path,
    choose,
    content_type,
    link_header,
    see_other,
    split_suffix,
)
from api.linked_data.site import Ctx, Site

MAX_PAGE = 10_000


def alternates(ctx: Ctx, doc_path: str, formats: list[DocFormat] = DOC_FORMATS) -> list[tuple[str, DocFormat]]:
    return [(ctx.absolute(f"{doc_path}.{f.suffix}"), f) for f in formats]


def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    return indexes.int_param(request.query_params.get(name), name, default, low, high)


def rdf_response(body: bytes, fmt: DocFormat, alts: list[tuple[str, DocFormat]], vary: bool = False) -> Response:
    headers = {"Link": link_header([a for a in alts if a[1] != fmt]), "X-Content-Type-Options": "nosniff"}
    if vary:
        headers["Vary"] = "Accept"
    return Response(body, media_type=content_type(fmt), headers=headers)


def not_found(ctx: Ctx, what: str, iri: str | None = None) -> Response:
    accept = ctx.request.headers.get("accept", "")
    if "html" not in accept and "*/*" not in accept and accept:
        return Response(f"404 Not Found: {what}\n", status_code=404, media_type="text/plain; charset=utf-8",
                        headers={"Vary": "Accept"})
    h = ctx.href
    body = (f"<p class=\"lead\">{e(what)}</p>"
            + (f"<p>The IRI <code>{e(iri)}</code> names nothing in the published dataset.</p>" if iri else "")
            + f'<form class="search big" method="get" action="{e(h("/search"))}"><input type="search" name="q" '
            'aria-label="Search" placeholder="Search labels and text"><button type="submit">Search</button></form>'
            f'<p>Start again from the <a href="{e(h("/"))}">home page</a>, the <a href="{e(h("/browse"))}">indexes</a> '
            f'or the <a href="{e(h("/documents"))}">documents</a>.</p>')
    page = layout(ctx, "Not found", body, heading="Not found (404)")
    return html_response(page, status=404)


async def resource_document(ctx: Ctx, index: Index, iri: str, doc_path: str, fmt: DocFormat) -> Response:
    site = ctx.site
    alts = alternates(ctx, doc_path)
    if fmt.is_rdf:
        d = await describe_for_rdf(site, iri)
        quads = rdfdoc.statements(site, index, d, ctx.absolute(f"{doc_path}.{fmt.suffix}"))
        return rdf_response(rdfdoc.serialise(site, quads, fmt), fmt, alts)
    request = ctx.request
    prop_curie = request.query_params.get("in")
    if prop_curie is not None:
        prop = site.expand(prop_curie) if not prop_curie.startswith(("http://", "https://")) else prop_curie
        if not prop or len(prop_curie) > 200:
            raise HttpError(400, f"in={prop_curie[:60]!r} is not a property (use a prefixed name such as ng:bearer)")
        check_path(prop.split("://", 1)[-1], "property")
        page = int_param(request, "page", 1, 1, MAX_PAGE)
        items, has_next = await incoming_page(site, iri, prop, page)
        d = await describe(site, iri)
        total = sum(d.incoming_counts.get(prop, {}).values())
        if page > 1 and not items:
            raise HttpError(404, f"page {page} is past the end of the list ({total} items)")
        title, body = page_resource.render_incoming_page(ctx, index, iri, prop, items, page, has_next, total, doc_path,
                                                         PAGE_SIZE)
        rdf_alts = [a for a in alts if a[1].is_rdf]
        return html_response(layout(ctx, title, body, alternates=rdf_alts, cite_iri=iri), alternates=rdf_alts, vary=False)
    d = await describe(site, iri)
    title, body = page_resource.render(ctx, index, d, doc_path)
    quads = rdfdoc.statements(site, index, _embedded(d), None)
    rdf_alts = [a for a in alts if a[1].is_rdf]
    page = layout(ctx, title, body, alternates=rdf_alts, jsonld=rdfdoc.embeddable(site, quads), cite_iri=iri,
                  description=f"{index.type_word(iri)}: {title}")
    return html_response(page, alternates=rdf_alts, vary=False)


def _embedded(d):
    from api.linked_data.describe import Description

    return Description(d.iri, out=d.out, bnodes=d.bnodes, inferences=d.inferences)


def register(app: FastAPI, site: Site) -> None:
    async def dereference(request: Request, space: str, rest: str) -> Response:
        ctx = Ctx.of(site, request)
        check_path(rest)
        index = await load_index(site)
        iri = site.iri_of(space, rest)
        if iri in index.known:
            fmt = choose(request)
            target = f"/{space}/{rest}.{fmt.suffix}"
            return see_other(ctx.absolute(target), alternates(ctx, f"/{space}/{rest}"))
        head, fmt = split_suffix(rest)
        if fmt is not None and site.iri_of(space, head) in index.known:
            started = time.perf_counter()
            response = await resource_document(ctx, index, site.iri_of(space, head), f"/{space}/{head}", fmt)
            response.headers["Server-Timing"] = f"render;dur={(time.perf_counter() - started) * 1000:.2f}"
            return response
        return not_found(ctx, "There is no such resource.", iri)

    @app.api_route("/id/{rest:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def id_route(request: Request, rest: str) -> Response:
        if rest in ("", "/"):
            return see_other(Ctx.of(site, request).absolute("/browse"))
        return await dereference(request, "id", rest)

    @app.api_route("/graph/{rest:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def graph_route(request: Request, rest: str) -> Response:
        if rest in ("", "/"):
            return see_other(Ctx.of(site, request).absolute("/browse/graphs"))
        return await dereference(request, "graph", rest)

    @app.api_route("/def", methods=["GET", "HEAD"], include_in_schema=False)
    async def def_bare(request: Request) -> Response:
        return see_other(Ctx.of(site, request).absolute("/def/"))

    @app.api_route("/def/{rest:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def def_route(request: Request, rest: str) -> Response:
        ctx = Ctx.of(site, request)
        check_path(rest)
        doc = "/def/normgraph"
        if rest == "":  # the ontology IRI (the namespace)
            fmt = choose(request)
            return see_other(ctx.absolute(f"{doc}.{fmt.suffix}"), alternates(ctx, doc))
        head, fmt = split_suffix(rest)
        if head == "normgraph" and fmt is not None:
            return await ontology_document(ctx, fmt)
        version = ontology_docs.VERSION_OF(site)
        if rest == version:
            fmt = choose(request)
            target = f"/def/{version}.{fmt.suffix}" if fmt.is_rdf else f"{doc}.html"
            return see_other(ctx.absolute(target), alternates(ctx, f"/def/{version}", RDF_FORMATS))
        if head == version and fmt is not None:
            if not fmt.is_rdf:
                return see_other(ctx.absolute(f"{doc}.html"))
            body = await ontology_docs.release(site, fmt)
            return rdf_response(body, fmt, alternates(ctx, f"/def/{version}", RDF_FORMATS))
        if "/" in rest:
            return not_found(ctx, "There is no such term in the normgraph ontology.", site.def_ns + rest)
        index = await load_index(site)
        if site.def_ns + rest in index.known:
            fmt = choose(request)
            if fmt == HTML:
                return see_other(ctx.absolute(f"{doc}.html#{rest}"), alternates(ctx, f"/def/{rest}"))
            return see_other(ctx.absolute(f"/def/{rest}.{fmt.suffix}"), alternates(ctx, f"/def/{rest}"))
        if fmt is not None and site.def_ns + head in index.known:
            return await resource_document(ctx, index, site.def_ns + head, f"/def/{head}", fmt)
        return not_found(ctx, "There is no such term in the normgraph ontology.", site.def_ns + rest)

    async def ontology_document(ctx: Ctx, fmt: DocFormat) -> Response:
        alts = alternates(ctx, "/def/normgraph")
        if fmt.is_rdf:
            return rdf_response(await ontology_docs.ontology_rdf(site, fmt), fmt, alts)
        title, body = await ontology_docs.ontology_html(ctx)
        return html_response(layout(ctx, title, body, alternates=alts, cite_iri=site.def_ns, wide=False),
                             alternates=alts, vary=False)

    @app.api_route("/shapes", methods=["GET", "HEAD"], include_in_schema=False)
    async def shapes_iri(request: Request) -> Response:
        ctx = Ctx.of(site, request)
        fmt = choose(request, [f for f in DOC_FORMATS if f.name not in ("trig", "nquads")])
        return see_other(ctx.absolute(f"/shapes.{fmt.suffix}"), alternates(ctx, "/shapes", shapes_docs.FORMATS))

    @app.api_route("/shapes.{suffix}", methods=["GET", "HEAD"], include_in_schema=False)
    async def shapes_document(request: Request, suffix: str) -> Response:
        ctx = Ctx.of(site, request)
        fmt = next((f for f in shapes_docs.FORMATS if f.suffix == suffix), None)
        if fmt is None:
            return not_found(ctx, f"The shapes are not available as .{suffix[:20]}.")
        alts = alternates(ctx, "/shapes", shapes_docs.FORMATS)
        if fmt.is_rdf:
            return rdf_response(shapes_docs.shapes_rdf(fmt), fmt, alts)
        index = await load_index(site)
        title, body = shapes_docs.shapes_html(ctx, index)
        return html_response(layout(ctx, title, body, alternates=alts, cite_iri=shapes_docs.SHAPES_IRI), alternates=alts,
                             vary=False)

    @app.api_route("/shapes/{rest:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def shape_term(request: Request, rest: str) -> Response:
        ctx = Ctx.of(site, request)
        check_path(rest)
        if not shapes_docs.has_shape(rest):
            return not_found(ctx, "There is no such shape.", shapes_docs.SHAPES_IRI + "/" + rest)
        fmt = choose(request, [f for f in DOC_FORMATS if f.name not in ("trig", "nquads")])
        if fmt == HTML:
            return see_other(ctx.absolute(f"/shapes.html#{rest}"))
        return see_other(ctx.absolute(f"/shapes.{fmt.suffix}"))


__all__ = ["SECURITY_HEADERS", "register"]
