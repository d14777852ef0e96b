"""Dereferencing by the Cool-URIs recipe: resource IRIs answer 303 See Other to a document
chosen by Accept; documents have explicit suffixes (.html .ttl .jsonld .nt .rdf .trig .nq)
and a ``format`` parameter. Also: path checks (a malformed path is a 400, not a 404 or 500)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from api import conneg
from api.app import HttpError

MAX_PATH = 512
MAX_ACCEPT = 4096
SEGMENT = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@-]+$")


@dataclass(frozen=True)
class DocFormat:
    name: str
    suffix: str
    media_type: str
    aliases: tuple[str, ...] = ()
    label: str = ""

    @property
    def conneg(self) -> conneg.Format:
        return conneg.Format(self.name, self.media_type, self.aliases)

    @property
    def is_rdf(self) -> bool:
        return self.name != "html"


HTML = DocFormat("html", "html", "text/html", ("application/xhtml+xml",), "HTML")
TURTLE = DocFormat("turtle", "ttl", "text/turtle", ("application/x-turtle", "text/n3"), "Turtle")
JSONLD = DocFormat("jsonld", "jsonld", "application/ld+json", ("application/json",), "JSON-LD")
NTRIPLES = DocFormat("ntriples", "nt", "application/n-triples", ("text/plain",), "N-Triples")
RDFXML = DocFormat("rdfxml", "rdf", "application/rdf+xml", ("application/xml", "text/xml"), "RDF/XML")
TRIG = DocFormat("trig", "trig", "application/trig", (), "TriG (with named graphs)")
NQUADS = DocFormat("nquads", "nq", "application/n-quads", (), "N-Quads (with named graphs)")

# Server preference order: HTML wins ties (browsers, */*), then Turtle.
DOC_FORMATS = [HTML, TURTLE, JSONLD, NTRIPLES, RDFXML, TRIG, NQUADS]
RDF_FORMATS = [f for f in DOC_FORMATS if f.is_rdf]
BY_SUFFIX = {f.suffix: f for f in DOC_FORMATS}
NAMES = {**{f.name: f for f in DOC_FORMATS}, **BY_SUFFIX, "json-ld": JSONLD, "n-triples": NTRIPLES, "xml": RDFXML,
         "rdf+xml": RDFXML, "n-quads": NQUADS, "htm": HTML}


def check_path(rest: str, what: str = "path") -> None:
    """Reject what cannot be one of our IRIs' paths: 400 with a message that says why."""
    if len(rest) > MAX_PATH:
        raise HttpError(400, f"the {what} is too long ({len(rest)} characters; at most {MAX_PATH})")
    if any(ord(c) < 32 or ord(c) == 127 for c in rest):
        raise HttpError(400, f"the {what} contains control characters")
    segments = rest.split("/")
    if any(s in (".", "..") for s in segments):
        raise HttpError(400, f"the {what} contains '.' or '..' segments (path traversal is not allowed)")
    for i, s in enumerate(segments):
        if not s:
            if i == len(segments) - 1:
                continue  # a trailing slash
            raise HttpError(400, f"the {what} contains an empty segment ('//')")
        if not SEGMENT.match(s):
            bad = next(c for c in s if not SEGMENT.match(c))
            raise HttpError(400, f"the {what} contains a character that IRIs here never have: {bad!r}")


def split_suffix(rest: str) -> tuple[str, DocFormat | None]:
    head, dot, suffix = rest.rpartition(".")
    if dot and "/" not in suffix and suffix in BY_SUFFIX:
        return head, BY_SUFFIX[suffix]
    return rest, None


def format_param(request: Request, formats: list[DocFormat]) -> DocFormat | None:
    values = request.query_params.getlist("format")
    if not values:
        return None
    if len(values) > 1:
        raise HttpError(400, "give one format parameter")
    chosen = NAMES.get(values[0].strip().lower())
    if chosen is None:
        for f in formats:
            if values[0].strip().lower() in (f.media_type, *f.aliases):
                chosen = f
    if chosen is None or chosen not in formats:
        names = ", ".join(f.suffix for f in formats)
        raise HttpError(400, f"format={values[0][:40]!r} is not available here (use one of: {names})")
    return chosen


def choose(request: Request, formats: list[DocFormat] = DOC_FORMATS) -> DocFormat:
    """The format by ``format=``, else by Accept (406 when nothing acceptable is offered)."""
    explicit = format_param(request, formats)
    if explicit is not None:
        return explicit
    accept = request.headers.get("accept")
    if accept is not None and len(accept) > MAX_ACCEPT:
        raise HttpError(400, f"the Accept header is too long ({len(accept)} characters; at most {MAX_ACCEPT})")
    chosen = conneg.choose([f.conneg for f in formats], accept)
    if chosen is None:
        offered = ", ".join(f.media_type for f in formats)
        raise HttpError(406, f"none of the media types in Accept can be served here; available: {offered}")
    return next(f for f in formats if f.name == chosen.name)


def content_type(fmt: DocFormat) -> str:
    return f"{fmt.media_type}; charset=utf-8"


def link_header(alternates: list[tuple[str, DocFormat]], extra: list[str] | None = None) -> str:
    parts = [f'<{url}>; rel="alternate"; type="{fmt.media_type}"' for url, fmt in alternates]
    return ", ".join(parts + (extra or []))


def see_other(location: str, alternates: list[tuple[str, DocFormat]] | None = None) -> Response:
    headers = {"Location": location, "Vary": "Accept", "Cache-Control": "public, max-age=300"}
    if alternates:
        headers["Link"] = link_header(alternates)
    body = f"303 See Other: {location}\n"
    return Response(body, status_code=303, headers=headers, media_type="text/plain; charset=utf-8")
