"""graph/links: identifiers other datasets use for our states, organisations and UN documents.

Read from data/registry/links.yaml and the already emitted graphs (a state's alpha-2 code is the
``iso3166`` of actors.yaml, an instrument's symbol the ``symbol`` of its curation file), so each
fact is stated once. The graph is published but kept away from the reasoner (graph/build.py):
links are for joining with partners, not premises for HermiT.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from loaders.errors import LoaderError
from loaders.namespaces import NG, SCHEMA, Iris
from loaders.yamlfile import display_path, line_of, load_yaml

WIKIDATA = "http://www.wikidata.org/entity/"
EU_COUNTRY = "http://publications.europa.eu/resource/authority/country/"
UNDOCS = "https://undocs.org/"

ALPHA2 = re.compile(r"[A-Z]{2}")
ALPHA3 = re.compile(r"[A-Z]{3}")
QID = re.compile(r"Q[1-9][0-9]*")
SECTIONS = ("states", "organisations", "un_documents")


def links_graph(asserted: Graph, path: Path, iris: Iris) -> Graph:
    """The links graph for the resources of ``asserted`` (the union of the loaded graphs); a
    missing file gives an empty graph (a corpus without links)."""
    links = Graph()
    if not path.exists():
        return links
    data = load_yaml(path) or {}
    where = display_path(path)
    if not isinstance(data, dict):
        raise LoaderError(where, 1, f"links.yaml is a mapping with the sections {', '.join(SECTIONS)}")
    unknown = sorted(set(data) - set(SECTIONS) - {"__line__"})
    if unknown:
        raise LoaderError(where, line_of(data), f"unknown section(s) {', '.join(unknown)}; expected {', '.join(SECTIONS)}")
    listed = _states(links, asserted, _items(data, "states", where), where, iris)
    _organisations(links, asserted, _items(data, "organisations", where), where, iris)
    _un_documents(links, asserted, _items(data, "un_documents", where), where, iris)
    # last, so that a wrong entry is reported at its line before a missing one
    missing = sorted(str(s).rsplit("/", 1)[-1] for s in asserted.subjects(RDF.type, NG.State) if s not in listed)
    if missing:
        raise LoaderError(where, None, f"states without links (every State in actors.yaml needs an entry): {', '.join(missing)}")
    return links


def _items(data: dict, section: str, where: str) -> list[dict]:
    items = data.get(section) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise LoaderError(where, line_of(data), f"{section} must be a list of mappings")
    return items


def _subject(asserted: Graph, iri: URIRef, kinds: tuple[URIRef, ...], item: dict, key: str, where: str) -> URIRef:
    """The resource the entry names; it must exist (be typed) with one of the expected types."""
    types = set(asserted.objects(iri, RDF.type))
    if not types:
        raise LoaderError(where, line_of(item), f"{key}: {item.get(key)!r} is not defined in the registry or curation files")
    if not types & set(kinds):
        names = " or ".join(k.removeprefix(str(NG)) for k in kinds)
        raise LoaderError(where, line_of(item), f"{key}: {item.get(key)!r} is not a {names}")
    return iri


def _wikidata(links: Graph, subject: URIRef, item: dict, where: str) -> None:
    if "wikidata" not in item:
        return
    qid = str(item["wikidata"])
    if not QID.fullmatch(qid):
        raise LoaderError(where, line_of(item), f"wikidata: {qid!r} is not a Wikidata item id like Q142")
    links.add((subject, SKOS.exactMatch, URIRef(WIKIDATA + qid)))


def _states(links: Graph, asserted: Graph, items: list[dict], where: str, iris: Iris) -> set[URIRef]:
    listed: set[URIRef] = set()
    for item in items:
        state = _subject(asserted, iris.res("actor", str(item.get("actor"))), (NG.State,), item, "actor", where)
        if state in listed:
            raise LoaderError(where, line_of(item), f"actor {item['actor']!r} is listed twice")
        listed.add(state)
        alpha2 = str(asserted.value(state, NG.iso3166Code) or "")
        if not ALPHA2.fullmatch(alpha2):
            raise LoaderError(where, line_of(item), f"actor {item['actor']!r} needs an iso3166 alpha-2 code (two capital letters) "
                                                    f"in data/registry/actors.yaml, not {alpha2!r}")
        alpha3 = str(item.get("alpha3", ""))
        if not ALPHA3.fullmatch(alpha3):
            raise LoaderError(where, line_of(item), f"alpha3: {alpha3!r} is not an ISO 3166-1 alpha-3 code (three capital letters)")
        links.add((state, SKOS.notation, Literal(alpha2, datatype=NG.Iso3166Alpha2)))
        links.add((state, SKOS.notation, Literal(alpha3, datatype=NG.Iso3166Alpha3)))
        links.add((state, SKOS.exactMatch, URIRef(EU_COUNTRY + alpha3)))
        _wikidata(links, state, item, where)
    return listed


def _organisations(links: Graph, asserted: Graph, items: list[dict], where: str, iris: Iris) -> None:
    for item in items:
        actor = _subject(asserted, iris.res("actor", str(item.get("actor"))), (NG.Organisation, NG.Actor), item, "actor", where)
        if "wikidata" not in item:
            raise LoaderError(where, line_of(item), f"actor {item.get('actor')!r}: an organisation entry needs a wikidata item")
        _wikidata(links, actor, item, where)


def _un_documents(links: Graph, asserted: Graph, items: list[dict], where: str, iris: Iris) -> None:
    for item in items:
        doc = _subject(asserted, iris.res("instrument", str(item.get("instrument"))), (NG.Instrument,), item, "instrument", where)
        symbol = asserted.value(doc, NG.documentSymbol)
        if symbol is None or not re.fullmatch(r"[A-Z]+(/[A-Za-z0-9.()-]+)+", str(symbol)):
            raise LoaderError(where, line_of(item), f"instrument {item.get('instrument')!r} has no UN document symbol "
                                                    f"(`symbol:` in its curation file), got {symbol!r}")
        links.add((doc, SKOS.notation, Literal(str(symbol), datatype=NG.UnDocumentSymbol)))
        links.add((doc, SCHEMA.sameAs, URIRef(UNDOCS + quote(str(symbol), safe="/"))))

