"""Namespaces and IRI minting. One configurable base; the vocabulary namespace is fixed."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

DEFAULT_BASE = "https://w3id.org/normgraph/"
NG = Namespace("https://w3id.org/normgraph/def/")
OA = Namespace("http://www.w3.org/ns/oa#")
CITO = Namespace("http://purl.org/spar/cito/")
FABIO = Namespace("http://purl.org/spar/fabio/")
DOCO = Namespace("http://purl.org/spar/doco/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

__all__ = [
    "CITO", "DCTERMS", "DOCO", "FABIO", "FOAF", "NG", "OA", "ORG", "OWL", "PROV", "RDF", "RDFS",
    "SCHEMA", "SD", "SKOS", "VOID", "XSD", "Iris",
]


class Iris:
    """Mints resource and graph IRIs under one base."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.id = Namespace(self.base + "id/")
        self.graph = Namespace(self.base + "graph/")

    def res(self, *parts: str | int) -> URIRef:
        return URIRef(self.base + "id/" + "/".join(str(p) for p in parts))

    def named_graph(self, *parts: str) -> URIRef:
        return URIRef(self.base + "graph/" + "/".join(parts))

    def rebase(self, text: str) -> str:
        """Rewrite IRIs written under the default base (in the shipped Turtle files)."""
        return text if self.base == DEFAULT_BASE else text.replace(DEFAULT_BASE + "id/", self.base + "id/")

    def prefixes(self) -> dict[str, str]:
        return {
            "ng": str(NG), "ngr": self.base + "id/", "ngg": self.base + "graph/",
            "rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL), "xsd": str(XSD),
            "skos": str(SKOS), "dcterms": str(DCTERMS), "prov": str(PROV), "foaf": str(FOAF),
            "oa": str(OA), "cito": str(CITO), "fabio": str(FABIO), "doco": str(DOCO),
            "schema": str(SCHEMA), "org": str(ORG), "void": str(VOID),
        }
