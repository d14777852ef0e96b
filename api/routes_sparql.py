"""SPARQL 1.1 Protocol: query by GET, URL-encoded POST and application/sparql-query POST;
update by POST behind the write token; the Service Description on a bare GET."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

from api import conneg
from api.app import (
    HttpError,
    Service,
    guard,
    media_type_of,
    negotiate,
    negotiate_accept,
    parse_form,
    public_url,
    query_page,
    read_body,
    stream,
)
from api.service_description import describe
from api.writes import check_token

ALLOWED = "GET, POST, HEAD, OPTIONS"
MAX_QUERY_BYTES = 1024 * 1024


def register(app: FastAPI, service: Service) -> None:
    settings = service.settings

    async def run_query(request: Request, params: list[tuple[str, str]]) -> Response:
        return await answer_query(service, params, request.headers.get("accept"), public_url(request))

    async def run_update(request: Request, text: str, params: list[tuple[str, str]]) -> Response:
        check_token(settings, request.headers.get("authorization"), request.client.host if request.client else "?")
        form = guard(service, text, False)
        if form and form != "UPDATE":
            raise HttpError(400, "this is a query, not an update: send it as 'query'")
        await service.writer.apply([{"op": "update", "update": text, "base_iri": public_url(request)}])
        return Response(status_code=204)

    @app.api_route("/sparql", methods=["GET", "HEAD"], summary="SPARQL query (GET) or service description")
    async def sparql_get(request: Request) -> Response:
        params = list(request.query_params.multi_items())
        keys = {k for k, _ in params}
        if "update" in keys:
            raise HttpError(400, "updates are not accepted with GET: use POST with 'update' (and a write token)")
        if "query" not in keys:
            accept = request.headers.get("accept")
            if conneg.accepts_html(accept):
                return query_page(public_url(request))
            formats = [f for f in conneg.GRAPH_FORMATS if f.name in ("turtle", "jsonld", "rdfxml", "ntriples")]
            chosen = negotiate(formats, request, next((v for k, v in params if k == "format"), None))
            graph = describe(settings, public_url(request), service.graph_counts(), str(request.url_for("store_get")),
                             getattr(request.app.state, "catalogue", {}))
            rdflib_format = {"turtle": "turtle", "jsonld": "json-ld", "rdfxml": "xml", "ntriples": "nt"}[chosen.name]
            body = graph.serialize(format=rdflib_format, encoding="utf-8")
            return Response(body, media_type=chosen.media_type, headers={"Vary": "Accept"})
        return await run_query(request, params)

    @app.post("/sparql", summary="SPARQL query or update (POST)")
    async def sparql_post(request: Request) -> Response:
        media, mparams = media_type_of(request)
        charset = mparams.get("charset")
        if charset and charset not in ("utf-8", "utf8"):
            raise HttpError(415, f"only UTF-8 is accepted (charset={charset})")
        url_params = list(request.query_params.multi_items())
        body = await read_body(request, min(settings.max_body, MAX_QUERY_BYTES))
        if media == "application/x-www-form-urlencoded":
            params = url_params + parse_form(body)
            keys = [k for k, _ in params]
            if "query" in keys and "update" in keys:
                raise HttpError(400, "the request has both 'query' and 'update'")
            if "update" in keys:
                updates = [v for k, v in params if k == "update"]
                if len(updates) > 1:
                    raise HttpError(400, "the request has more than one 'update' parameter")
                return await run_update(request, updates[0], params)
            if "query" not in keys:
                raise HttpError(400, "the form has no 'query' (or 'update') parameter")
            return await run_query(request, params)
        if media == "application/sparql-query":
            text = _strict_utf8(body, "the query")
            if any(k == "query" for k, _ in url_params):
                raise HttpError(400, "the query is in the body; a 'query' URL parameter is not allowed as well")
            return await run_query(request, [*url_params, ("query", text)])
        if media == "application/sparql-update":
            return await run_update(request, _strict_utf8(body, "the update"), url_params)
        if not media:
            raise HttpError(415, "POST needs a Content-Type: application/sparql-query, application/sparql-update "
                                 "or application/x-www-form-urlencoded")
        raise HttpError(415, f"Content-Type {media} is not accepted here: use application/sparql-query, "
                             "application/sparql-update or application/x-www-form-urlencoded")

    @app.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
    async def sparql_other(request: Request) -> Response:
        return PlainTextResponse(f"{request.method} is not supported on the SPARQL endpoint (allowed: {ALLOWED})\n",
                                 status_code=405, headers={"Allow": ALLOWED})


async def answer_query(service: Service, params: list[tuple[str, str]], accept: str | None, endpoint: str) -> Response:
    """A SPARQL query request, from its parameters to the response: the one implementation behind
    the routed endpoint and the raw-ASGI fast path (api/fast_sparql.py)."""
    settings = service.settings
    queries = [v for k, v in params if k == "query"]
    if len(queries) > 1:
        raise HttpError(400, "the request has more than one 'query' parameter")
    text = queries[0]
    if not text.strip():
        raise HttpError(400, "the 'query' parameter is empty")
    default_uris = [v for k, v in params if k == "default-graph-uri"]
    named_uris = [v for k, v in params if k == "named-graph-uri"]
    inferred_param = next((v for k, v in params if k == "inferred"), None)
    inferred = settings.include_inferred if inferred_param is None else inferred_param.lower() not in ("false", "0", "no")
    form = guard(service, text, bool(default_uris or named_uris))
    if form == "UPDATE":
        raise HttpError(400, "this is a SPARQL Update: send it with POST as 'update' (or application/sparql-update)")
    fmt_param = next((v for k, v in params if k == "format"), None)
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    formats = conneg.GRAPH_FORMATS if graph_form else conneg.RESULT_FORMATS
    chosen = negotiate_accept(formats, accept, fmt_param)
    job = service.query_job(
        text, result_format=chosen.name if not graph_form else "json",
        graph_format=chosen.name if graph_form else "turtle", inferred=inferred,
        default_uris=default_uris, named_uris=named_uris, base_iri=endpoint,
    )
    meta, chunks = await service.pool.run(job)
    if meta.get("kind") == "graph" and not graph_form:  # form unknown to the guard: negotiate again
        chosen = negotiate_accept(conneg.GRAPH_FORMATS, accept, fmt_param)
    return stream(meta, chunks, chosen.media_type, settings.row_cap)


def _strict_utf8(body: bytes, what: str) -> str:
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise HttpError(415, f"{what} is UTF-16: only UTF-8 is accepted")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(400, f"{what} is not valid UTF-8 (byte {exc.start})") from None
