"""The ready-made queries as a documented API: /api/queries (the catalogue) and
/api/queries/{name} (one question; typed parameters in the OpenAPI document; JSON, CSV or an
HTML table by negotiation or ``format``). Parameter values are bound as RDF terms by the engine,
never pasted into the query."""

from __future__ import annotations

import csv
import html
import inspect
import io
import json
from enum import Enum
from typing import Any

import pyoxigraph as ox
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response

from api import conneg
from api.app import HttpError, Service, public_url
from graph.build import QUERIES_DIR
from graph.catalogue import CannedQuery, Param, bind, load_catalogue
from graph.catalogue_rdf import query_iri
from loaders.namespaces import Iris

TABLE_FORMATS = [
    conneg.Format("json", "application/json"),
    conneg.Format("srj", "application/sparql-results+json"),
    conneg.Format("csv", "text/csv"),
    conneg.Format("html", "text/html", ("application/xhtml+xml",)),
]
PY_TYPES: dict[str, type] = {"iri": str, "string": str, "integer": int, "gYear": int, "boolean": bool}


def term_json(term: ox.NamedNode | ox.Literal) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def plain(term: dict[str, Any] | None) -> Any:
    if term is None:
        return None
    value = term["value"]
    datatype = term.get("datatype", "")
    if datatype.endswith(("#integer", "#int", "#nonNegativeInteger")):
        try:
            return int(value)
        except ValueError:
            return value
    if datatype.endswith("#boolean"):
        return value == "true"
    return value


def describe_query(query: CannedQuery, iris: Iris, base_url: str) -> dict[str, Any]:
    return {
        "name": query.name, "summary": query.summary, "description": query.description, "tags": list(query.tags),
        "returns": query.returns, "iri": str(query_iri(iris, query.name)), "url": f"{base_url}/api/queries/{query.name}",
        "params": [{"name": p.name, "type": p.type, "default": p.default, "enum": list(p.enum) if p.enum else None,
                    "description": p.description} for p in query.params],
        "sparql": query.sparql,
    }


def _annotation(param: Param) -> Any:
    if param.enum:
        return Enum(f"{param.name}_values", {str(v): str(v) for v in param.enum}, type=str)  # type: ignore[misc]
    return PY_TYPES[param.type]


def register(app: FastAPI, service: Service) -> None:
    queries = {q.name: q for q in load_catalogue(QUERIES_DIR)}
    iris = Iris(service.settings.base)
    app.state.catalogue = queries

    def base_url(request: Request) -> str:
        return public_url(request).rsplit("/api/", 1)[0]

    @app.get("/api/queries", summary="The catalogue of ready-made queries", tags=["ready-made queries"])
    async def catalogue(request: Request) -> Response:
        items = [describe_query(q, iris, base_url(request)) for q in queries.values()]
        if conneg.accepts_html(request.headers.get("accept")) or request.query_params.get("format") == "html":
            rows = "".join(
                f"<tr><td><a href='/api/queries/{html.escape(q['name'])}?format=html'>{html.escape(q['summary'])}</a></td>"
                f"<td>{html.escape(', '.join(p['name'] for p in q['params']))}</td></tr>" for q in items)
            return Response(_page("Ready-made queries", f"<table><tr><th>question</th><th>parameters</th></tr>{rows}</table>"),
                            media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
        return JSONResponse({"queries": items}, headers={"Vary": "Accept"})

    for query in queries.values():
        _register_query(app, service, query, iris)


def _register_query(app: FastAPI, service: Service, query: CannedQuery, iris: Iris) -> None:
    python_names = {_python_name(p.name): p.name for p in query.params}

    async def endpoint(request: Request, **values: Any) -> Response:
        given = {python_names[k]: (v.value if isinstance(v, Enum) else v) for k, v in values.items() if v is not None}
        try:
            substitutions = {var.value: term_json(term) for var, term in bind(query, given).items()}
        except ValueError as exc:
            raise HttpError(422, str(exc)) from None
        chosen = _negotiate(request)
        rows = await service.select(query.sparql, substitutions=substitutions)
        columns = _columns(query)
        if chosen.name == "srj":
            body = {"head": {"vars": columns}, "results": {"bindings": rows}}
            return Response(json.dumps(body, ensure_ascii=False), media_type="application/sparql-results+json",
                            headers={"Vary": "Accept"})
        if chosen.name == "csv":
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow(["" if row.get(c) is None else row[c]["value"] for c in columns])
            return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={"Vary": "Accept"})
        if chosen.name == "html":
            return Response(_html_table(query, columns, rows, given), media_type="text/html; charset=utf-8",
                            headers={"Vary": "Accept"})
        return JSONResponse({"query": query.name, "iri": str(query_iri(iris, query.name)), "params": given,
                             "columns": columns, "rows": [{c: plain(r.get(c)) for c in columns} for r in rows]},
                            headers={"Vary": "Accept"})

    parameters = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
    for param in query.params:
        parameters.append(inspect.Parameter(
            _python_name(param.name), inspect.Parameter.KEYWORD_ONLY, annotation=_annotation(param) | None,
            default=Query(None, alias=param.name,
                          description=f"{param.description} (type {param.type}; default {param.default!r})"),
        ))
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    endpoint.__name__ = "query_" + query.name.replace("-", "_")
    app.add_api_route(f"/api/queries/{query.name}", endpoint, methods=["GET"], summary=query.summary,
                      description=f"{query.description}\n\nReturns: {query.returns}", tags=["ready-made queries"],
                      responses={422: {"description": "a parameter has the wrong type or a value not allowed"}})


def _python_name(name: str) -> str:
    import keyword

    return f"{name}_" if keyword.iskeyword(name) or name == "request" else name


def _negotiate(request: Request) -> conneg.Format:
    fmt = request.query_params.get("format")
    if fmt:
        for f in TABLE_FORMATS:
            if f.name == fmt.lower():
                return f
        raise HttpError(400, f"format={fmt!r} is not available (use json, srj, csv or html)")
    chosen = conneg.choose(TABLE_FORMATS, request.headers.get("accept"))
    if chosen is None:
        raise HttpError(406, "available: application/json, application/sparql-results+json, text/csv, text/html")
    return chosen


def _columns(query: CannedQuery) -> list[str]:
    """The projected variables, in order, as the SPARQL engine reads them: the query runs on an
    empty store, where it costs next to nothing (a regular expression over the SELECT clause got
    nested expressions such as ``(GROUP_CONCAT(DISTINCT STR(?x); …) AS ?y)`` wrong)."""
    if query.sparql not in _COLUMNS:
        try:
            result = ox.Store().query(query.sparql)
        except SyntaxError:
            return []
        _COLUMNS[query.sparql] = [v.value for v in result.variables] if isinstance(result, ox.QuerySolutions) else []
    return _COLUMNS[query.sparql]


_COLUMNS: dict[str, list[str]] = {}


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            "<style>body{font:15px/1.5 system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}</style>"
            f"<h1>{html.escape(title)}</h1>{body}")


def _html_table(query: CannedQuery, columns: list[str], rows: list[dict[str, Any]], given: dict[str, Any]) -> str:
    def cell(term: dict[str, Any] | None) -> str:
        if term is None:
            return ""
        value = html.escape(term["value"])
        # only web IRIs become links: a javascript: (or data:) IRI in the data would run on click
        is_web = term["type"] == "uri" and term["value"].lower().startswith(("http://", "https://"))
        return f"<a href='{value}'>{value}</a>" if is_web else value

    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{cell(r.get(c))}</td>" for c in columns) + "</tr>" for r in rows)
    params = html.escape(", ".join(f"{k}={v}" for k, v in given.items()) or "defaults")
    return _page(query.summary, f"<p>{html.escape(query.description)}</p><p>Parameters: {params}. "
                                f"{len(rows)} row(s). <a href='?format=csv'>CSV</a> · <a href='?format=json'>JSON</a></p>"
                                f"<table><tr>{head}</tr>{body}</table>")
