"""Streaming serialisers for SPARQL results (JSON, XML, CSV, TSV), one solution at a time.

Written here rather than taken whole from the engine because results are cut at a configurable
row cap and sent in chunks as they are produced; the output follows the W3C result-format
recommendations (checked by the W3C csv-tsv and json-res tests through the endpoint)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

Row = Sequence[object | None]


def _json_term(term: object) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": _json_term(term.subject), "predicate": _json_term(term.predicate), "object": _json_term(term.object),
        }}
    raise TypeError(f"not an RDF term: {term!r}")


def json_rows(variables: list[str], rows: Iterator[Row]) -> Iterator[str]:
    yield '{"head":{"vars":' + json.dumps(variables) + '},"results":{"bindings":['
    first = True
    for row in rows:
        binding = {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
        yield ("" if first else ",") + json.dumps(binding, ensure_ascii=False)
        first = False
    yield "]}}"


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return _XML_BAD.sub(lambda m: "\ufffd", text)  # characters XML 1.0 cannot carry


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f'<literal xml:lang="{_xml(term.language)}">{_xml(term.value)}</literal>'
        if term.datatype.value != XSD_STRING:
            return f'<literal datatype="{_xml(term.datatype.value)}">{_xml(term.value)}</literal>'
        return f"<literal>{_xml(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return ("<triple><subject>" + _xml_term(term.subject) + "</subject><predicate>" + _xml_term(term.predicate)
                + "</predicate><object>" + _xml_term(term.object) + "</object></triple>")
    raise TypeError(f"not an RDF term: {term!r}")


XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'


def xml_rows(variables: list[str], rows: Iterator[Row]) -> Iterator[str]:
    yield XML_HEAD + "<head>" + "".join(f'<variable name="{_xml(v)}"/>' for v in variables) + "</head><results>"
    for row in rows:
        parts = [f'<binding name="{_xml(v)}">{_xml_term(t)}</binding>' for v, t in zip(variables, row, strict=True) if t is not None]
        yield "<result>" + "".join(parts) + "</result>\n"
    yield "</results></sparql>\n"


def _csv_field(term: object) -> str:
    if term is None:
        text = ""
    elif isinstance(term, ox.BlankNode):
        text = "_:" + term.value
    elif isinstance(term, ox.NamedNode | ox.Literal):
        text = term.value
    else:
        text = str(term)
    if any(c in text for c in ',"\r\n'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def csv_rows(variables: list[str], rows: Iterator[Row]) -> Iterator[str]:
    yield ",".join(_csv_field(ox.Literal(v)) for v in variables) + "\r\n"
    for row in rows:
        yield ",".join(_csv_field(t) for t in row) + "\r\n"


_TURTLE_NUMBER = {
    XSD + "integer": re.compile(r"^[+-]?\d+$"),
    XSD + "decimal": re.compile(r"^[+-]?\d*\.\d+$"),
    XSD + "double": re.compile(r"^[+-]?(\d+\.\d*[eE][+-]?\d+|\.?\d+[eE][+-]?\d+)$"),
    XSD + "boolean": re.compile(r"^(true|false)$"),
}


def _escape_literal(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))


def nt_term(term: object) -> str:
    """A term in N-Triples syntax (with Turtle's short numbers and booleans for TSV)."""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        if term.language:
            return f'"{_escape_literal(term.value)}"@{term.language}'
        dt = term.datatype.value
        short = _TURTLE_NUMBER.get(dt)
        if short is not None and short.match(term.value):
            return term.value
        if dt == XSD_STRING:
            return f'"{_escape_literal(term.value)}"'
        return f'"{_escape_literal(term.value)}"^^<{dt}>'
    if isinstance(term, ox.Triple):
        return f"<< {nt_term(term.subject)} {nt_term(term.predicate)} {nt_term(term.object)} >>"
    raise TypeError(f"not an RDF term: {term!r}")


def tsv_rows(variables: list[str], rows: Iterator[Row]) -> Iterator[str]:
    yield "\t".join("?" + v for v in variables) + "\n"
    for row in rows:
        yield "\t".join("" if t is None else nt_term(t) for t in row) + "\n"


SERIALISERS = {"json": json_rows, "xml": xml_rows, "csv": csv_rows, "tsv": tsv_rows}


def boolean(value: bool, fmt: str) -> str:
    if fmt == "json":
        return '{"head":{},"boolean":' + ("true" if value else "false") + "}"
    if fmt == "xml":
        return XML_HEAD + "<head/><boolean>" + ("true" if value else "false") + "</boolean></sparql>\n"
    # CSV/TSV define no boolean form; like Jena, one column named _askResult
    if fmt == "csv":
        return "_askResult\r\n" + ("true" if value else "false") + "\r\n"
    return "?_askResult\n" + ("true" if value else "false") + "\n"
