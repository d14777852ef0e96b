"""SPARQL 1.1 Graph Store HTTP Protocol at /store (indirect identification: ?default or
?graph=IRI). Reading is public; PUT, POST and DELETE need the write token."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from api import conneg
from api.app import (
    RDF_MEDIA_TYPES,
    HttpError,
    Service,
    content_type,
    media_type_of,
    negotiate,
    public_url,
    read_body,
    stream,
)
from api.upload_guard import UploadRefused, check_rdfxml
from api.writes import check_token

DATASET_FORMATS = [f for f in conneg.GRAPH_FORMATS if f.name in ("nquads", "trig")]
TRIPLE_FORMATS = [f for f in conneg.GRAPH_FORMATS if f.name in ("turtle", "ntriples", "jsonld", "rdfxml")]


def target(request: Request) -> tuple[bool, str | None]:
    """(is a graph named at all, graph IRI or None for the default graph)."""
    params = request.query_params
    graphs = params.getlist("graph")
    if "default" in params and graphs:
        raise HttpError(400, "give either ?default or ?graph=IRI, not both")
    if len(graphs) > 1:
        raise HttpError(400, "give one ?graph=IRI")
    if graphs:
        iri = graphs[0]
        if not iri or any(c in iri for c in ' <>"{}|^`\\') or ":" not in iri:
            raise HttpError(400, f"?graph={iri!r} is not an absolute IRI")
        return True, iri
    if "default" in params:
        return True, None
    return False, None


def register(app: FastAPI, service: Service) -> None:
    settings = service.settings

    @app.api_route("/store", methods=["GET", "HEAD"], name="store_get", summary="Graph Store: read a graph")
    async def store_get(request: Request) -> Response:
        named, graph = target(request)
        fmt = request.query_params.get("format")
        if request.method == "HEAD":
            # headers only, without running the dump: a worker would otherwise produce a body
            # nobody reads (until the deadline stopped it), and a few HEADs would hold them all
            chosen = negotiate(TRIPLE_FORMATS if named else DATASET_FORMATS, request, fmt)
            service.current()  # 503 if nothing is published
            if graph is not None and graph not in service.graph_counts():
                raise HttpError(404, f"no graph named <{graph}> in this dataset")
            return Response(status_code=200, media_type=content_type(chosen.media_type), headers={"Vary": "Accept"})
        if not named:  # the whole dataset
            chosen = negotiate(DATASET_FORMATS, request, fmt)
            meta, chunks = await service.pool.run({"kind": "dataset-get", "store": service.current(),
                                                   "graph_format": chosen.name})
        else:
            chosen = negotiate(TRIPLE_FORMATS, request, fmt)
            meta, chunks = await service.pool.run({"kind": "graph-get", "store": service.current(), "graph": graph,
                                                   "graph_format": chosen.name})
        return stream(meta, chunks, chosen.media_type, 0)

    async def write(request: Request, op: str) -> Response:
        check_token(settings, request.headers.get("authorization"), request.client.host if request.client else "?")
        named, graph = target(request)
        if not named:
            raise HttpError(400, "name the graph to change: ?default or ?graph=IRI")
        if op == "delete":
            await service.writer.apply([{"op": "delete", "graph": graph}])
            return Response(status_code=204)
        media, params = media_type_of(request)
        if media not in RDF_MEDIA_TYPES:
            raise HttpError(415, f"Content-Type {media or '(none)'} is not an RDF syntax this store reads: "
                                 + ", ".join(sorted(RDF_MEDIA_TYPES)))
        if params.get("charset") not in (None, "utf-8", "utf8"):
            raise HttpError(415, "only UTF-8 payloads are accepted")
        if media in ("text/plain",):
            media = "application/n-triples"
        body = await read_body(request, settings.max_body)
        if media == "application/rdf+xml":
            try:
                check_rdfxml(body)
            except UploadRefused as exc:
                raise HttpError(400, str(exc)) from None
        existed = graph is None or graph in service.graph_counts()
        base = graph or public_url(request)
        await service.writer.apply([{"op": op, "graph": graph, "data": body, "media_type": media, "base_iri": base}])
        return Response(status_code=204 if existed else 201)

    @app.put("/store", summary="Graph Store: replace a graph (token)")
    async def store_put(request: Request) -> Response:
        return await write(request, "put")

    @app.post("/store", summary="Graph Store: add to a graph (token)")
    async def store_post(request: Request) -> Response:
        return await write(request, "post")

    @app.delete("/store", summary="Graph Store: delete a graph (token)")
    async def store_delete(request: Request) -> Response:
        return await write(request, "delete")
