"""The ready-made queries described in RDF (graph/queries), so that partners can discover them
from the Service Description and reuse them: title, description, parameters, SPARQL text."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from graph.catalogue import CannedQuery
from loaders.namespaces import NG, SCHEMA, Iris


def query_iri(iris: Iris, name: str) -> URIRef:
    return iris.res("query", name)


def catalogue_graph(queries: list[CannedQuery], iris: Iris) -> Graph:
    g = Graph()
    g.bind("ng", NG)
    for query in queries:
        q = query_iri(iris, query.name)
        g.add((q, RDF.type, NG.ReadyMadeQuery))
        g.add((q, RDFS.label, Literal(query.summary, lang="en")))
        g.add((q, DCTERMS.title, Literal(query.summary, lang="en")))
        g.add((q, DCTERMS.description, Literal(query.description, lang="en")))
        g.add((q, NG.queryText, Literal(query.sparql)))
        g.add((q, NG.returns, Literal(query.returns, lang="en")))
        g.add((q, NG.queryName, Literal(query.name)))
        for tag in query.tags:
            g.add((q, SCHEMA.keywords, Literal(tag)))
        for order, param in enumerate(query.params, start=1):
            p = iris.res("query", query.name, "param", param.name)
            g.add((q, NG.parameter, p))
            g.add((p, RDF.type, NG.QueryParameter))
            g.add((p, RDFS.label, Literal(param.name)))
            g.add((p, NG.parameterName, Literal(param.name)))
            g.add((p, NG.parameterType, Literal(param.type)))
            g.add((p, NG.order, Literal(order)))
            if param.description:
                g.add((p, DCTERMS.description, Literal(param.description, lang="en")))
            if param.default is not None:
                g.add((p, NG.defaultValue, Literal(str(param.default))))
            for value in param.enum or ():
                g.add((p, NG.allowedValue, Literal(str(value))))
    return g
