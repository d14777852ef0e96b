"""The SPARQL 1.1 Service Description of the endpoint, with VoID statistics and limits."""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from graph.config import Settings
from loaders.namespaces import NG, SD, VOID, Iris

FORMATS = Namespace("http://www.w3.org/ns/formats/")

RESULT_FORMAT_IRIS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                      "Turtle", "N-Triples", "N-Quads", "JSON-LD", "RDF_XML", "TriG"]


def describe(settings: Settings, endpoint: str, graph_counts: dict[str, int], gsp: str | None,
             queries: dict[str, Any] | None = None) -> Graph:
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("ng", NG)
    g.bind("formats", FORMATS)
    service = URIRef(endpoint + "#service")
    g.add((service, RDF.type, SD.Service))
    g.add((service, RDFS.label, Literal("normgraph SPARQL endpoint", lang="en")))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if settings.write_token:
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for name in RESULT_FORMAT_IRIS:
        g.add((service, SD.resultFormat, FORMATS[name]))
    if settings.default_graph == "union":
        g.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.service_allowlist:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    g.add((service, NG.queryTimeoutSeconds, Literal(str(settings.query_timeout), datatype=XSD.decimal)))
    g.add((service, NG.resultRowCap, Literal(settings.row_cap, datatype=XSD.integer)))
    g.add((service, NG.queryWorkers, Literal(settings.workers, datatype=XSD.integer)))
    g.add((service, NG.includesInferred, Literal(settings.include_inferred)))
    if gsp:
        g.add((service, NG.graphStore, URIRef(gsp)))
    iris = Iris(settings.base)
    for name in sorted(queries or {}):
        g.add((service, NG.readyMadeQuery, iris.res("query", name)))
    g.add((service, DCTERMS.description, Literal(
        "SPARQL 1.1 Query over the normgraph knowledge graph. The default graph is "
        + ("the union of the named graphs" + ("" if settings.include_inferred else " except graph/inferred")
           if settings.default_graph == "union" else "the store's default graph")
        + "; outgoing requests (SERVICE, LOAD) are refused unless allowlisted.", lang="en")))
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    named = {k: v for k, v in graph_counts.items() if k}
    if settings.default_graph == "union":
        total = sum(v for k, v in named.items() if settings.include_inferred or not k.endswith("/graph/inferred"))
    else:
        total = graph_counts.get("", 0)
    g.add((default, VOID.triples, Literal(total, datatype=XSD.integer)))
    for name, count in sorted(named.items()):
        node, inner = BNode(), BNode()
        g.add((dataset, SD.namedGraph, node))
        g.add((node, RDF.type, SD.NamedGraph))
        g.add((node, SD.name, URIRef(name)))
        g.add((node, SD.graph, inner))
        g.add((inner, RDF.type, SD.Graph))
        g.add((inner, VOID.triples, Literal(count, datatype=XSD.integer)))
    return g
