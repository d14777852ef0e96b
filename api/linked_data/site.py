"""The linked-data site: namespaces, IRI ↔ URL mapping, SPARQL through the worker pool, and
per-dataset caches.

Published stores never change (a build or a write publishes a new one), so everything derived
from a store is cached under the store's path and dropped when another store is published."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from fastapi import Request

from api.app import HttpError, Service
from loaders.namespaces import NG

T = TypeVar("T")

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SH = "http://www.w3.org/ns/shacl#"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
CITO = "http://purl.org/spar/cito/"
NGD = str(NG)
SHAPES_IRI = "https://w3id.org/normgraph/shapes"

PREFIXES = {
    "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "dcterms": DCT, "oa": OA, "prov": PROV,
    "void": VOID, "dcat": DCAT, "sh": SH, "foaf": FOAF, "schema": SCHEMA, "cito": CITO, "ng": NGD,
    "fabio": "http://purl.org/spar/fabio/", "doco": "http://purl.org/spar/doco/", "org": "http://www.w3.org/ns/org#",
    "odrl": "http://www.w3.org/ns/odrl/2/", "vann": "http://purl.org/vocab/vann/",
    "sd": "http://www.w3.org/ns/sparql-service-description#", "spdx": "http://spdx.org/rdf/terms#",
}


@dataclass(frozen=True, slots=True)
class Term:
    """An RDF term as the pages need it (from SPARQL JSON results)."""

    kind: str  # "uri" | "literal" | "bnode"
    value: str
    lang: str | None = None
    datatype: str | None = None

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"

    @property
    def is_literal(self) -> bool:
        return self.kind == "literal"


def term(binding: dict[str, Any] | None) -> Term | None:
    if binding is None:
        return None
    kind = binding.get("type", "literal")
    if kind == "typed-literal":  # SPARQL 1.0 JSON
        kind = "literal"
    return Term(kind, binding["value"], binding.get("xml:lang"), binding.get("datatype"))


def uri(value: str) -> dict[str, str]:
    """A substitution value binding an IRI (never pasted into query text)."""
    return {"type": "uri", "value": value}


def literal(value: str) -> dict[str, str]:
    return {"type": "literal", "value": value}


class Site:
    """Shared state of the linked-data layer of one running service."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.def_ns = NGD
        self._set_base(service.settings.base)
        self._store: str | None = None
        self._remote = False
        self._cache: dict[str, Any] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def _set_base(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.id_ns = self.base + "id/"
        self.graph_ns = self.base + "graph/"
        self.prefixes = {**PREFIXES, "ngr": self.id_ns, "ngg": self.graph_ns}
        self._curies: dict[str, str] = {}

    # -- SPARQL -------------------------------------------------------------------------------------
    async def select(self, sparql: str, bindings: dict[str, dict[str, str]] | None = None, *, cap: int = 50_000,
                     timeout: float | None = None) -> list[dict[str, Any]]:
        """A SELECT over the union of all named graphs (asserted and inferred; GRAPH patterns say
        which). Values are bound as terms through ``substitutions``."""
        return await self.service.select(sparql, substitutions=bindings, row_cap=cap, timeout=timeout, all_graphs=True)

    async def graph_bytes(self, sparql: str, fmt: str) -> bytes:
        """A CONSTRUCT, serialised by the worker (no row cap)."""
        job = self.service.query_job(sparql, graph_format=fmt, row_cap=0, all_graphs=True)
        return await self.service.collect(job, timeout=max(self.service.settings.query_timeout, 60.0))

    async def dump_bytes(self, fmt: str) -> bytes:
        job = {"kind": "dataset-get", "store": self.service.current(), "graph_format": fmt}
        return await self.service.collect(job, timeout=max(self.service.settings.query_timeout, 120.0))

    # -- per-dataset caches -------------------------------------------------------------------------
    def store_key(self) -> str:
        path = self.service.current()
        if path != self._store:
            self._store = path
            self._cache = {}
            self._locks = {}
            # IRIs are minted under the base the dataset was built with (its manifest says which)
            try:
                manifest = json.loads((Path(path) / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                manifest = {}
            self._set_base(str(manifest.get("base") or self.service.settings.base))
            self._remote = manifest.get("backend") == "remote"
        return path

    def local_store(self) -> ox.Store | None:
        """The published embedded store, opened read-only in this process for the pages' own
        bounded lookups (None when the dataset lives in a remote store)."""
        self.store_key()
        if "local-store" not in self._cache:
            store = None
            if not self._remote:
                try:
                    store = ox.Store.read_only(str(Path(self._store or "") / "oxigraph"))
                except OSError:
                    store = None  # the worker path reports what is wrong with the store
            self._cache["local-store"] = store
        return self._cache["local-store"]  # type: ignore[no-any-return]

    async def cached(self, key: str, make: Callable[[], Awaitable[T]]) -> T:
        """``make()`` once per published store (concurrent callers wait for the first)."""
        self.store_key()
        if key in self._cache:
            return self._cache[key]  # type: ignore[no-any-return]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            store = self.store_key()
            if key in self._cache:
                return self._cache[key]  # type: ignore[no-any-return]
            value = await make()
            if self._store == store:
                self._cache[key] = value
            return value

    def peek(self, key: str) -> Any:
        self.store_key()
        return self._cache.get(key)

    def put(self, key: str, value: Any) -> None:
        self.store_key()
        self._cache[key] = value

    # -- IRIs ---------------------------------------------------------------------------------------
    def local_path(self, iri: str) -> str | None:
        """The path (under this server) where an IRI of ours dereferences, or None if not ours."""
        if iri.startswith(self.id_ns):
            return "/id/" + iri[len(self.id_ns):]
        if iri.startswith(self.graph_ns):
            return "/graph/" + iri[len(self.graph_ns):]
        if iri.startswith(self.def_ns):
            return "/def/" + iri[len(self.def_ns):]
        if iri == SHAPES_IRI or iri.startswith(SHAPES_IRI + "/"):
            return "/shapes" + iri[len(SHAPES_IRI):]
        return None

    def iri_of(self, space: str, rest: str) -> str:
        if space == "id":
            return self.id_ns + rest
        if space == "graph":
            return self.graph_ns + rest
        if space == "def":
            return self.def_ns + rest
        if space == "shapes":
            return SHAPES_IRI + ("/" + rest if rest else "")
        raise ValueError(space)

    def curie(self, iri: str) -> str:
        # a page asks for the same few hundred property and class IRIs again and again
        cached = self._curies.get(iri)
        if cached is None:
            cached = self._curie(iri)
            if len(self._curies) < 50_000:  # bounded: IRIs of the data are unbounded
                self._curies[iri] = cached
        return cached

    def _curie(self, iri: str) -> str:
        best = ""
        for prefix, ns in self.prefixes.items():
            if iri.startswith(ns) and len(ns) > len(self.prefixes.get(best, "")):
                local = iri[len(ns):]
                if local and all(c.isalnum() or c in "-_." for c in local):
                    best = prefix
        return f"{best}:{iri[len(self.prefixes[best]):]}" if best else iri

    def expand(self, curie: str) -> str | None:
        prefix, sep, local = curie.partition(":")
        if not sep or prefix not in self.prefixes:
            return None
        return self.prefixes[prefix] + local


@dataclass
class Ctx:
    """One request as the pages see it: where this server is, as the client sees it."""

    site: Site
    request: Request
    root: str  # absolute: scheme://host/prefix (no trailing slash)
    prefix: str  # path prefix (no trailing slash), for root-relative links

    @classmethod
    def of(cls, site: Site, request: Request) -> Ctx:
        url = request.url
        proto = _header(request, "x-forwarded-proto", url.scheme, "scheme")
        host = _header(request, "x-forwarded-host", url.netloc, "host")
        prefix = request.headers.get("x-forwarded-prefix", "").strip().rstrip("/")
        if prefix and (not prefix.startswith("/") or any(c in prefix for c in "\"'<>\\ \t?#") or ".." in prefix):
            raise HttpError(400, "X-Forwarded-Prefix must be a plain path such as /normgraph")
        site.store_key()  # the published dataset (and its base) this request sees
        return cls(site, request, f"{proto}://{host}{prefix}", prefix)

    def href(self, path: str) -> str:
        """A root-relative link to a path of this site."""
        return self.prefix + path

    def absolute(self, path: str) -> str:
        return self.root + path

    def link(self, iri: str) -> str:
        """Where a link to an IRI should point: its page on this server, or the IRI itself."""
        path = self.site.local_path(iri)
        return self.href(path) if path is not None else iri


def _header(request: Request, name: str, default: str, what: str) -> str:
    value = request.headers.get(name)
    if value is None:
        return default
    value = value.split(",")[0].strip()
    if what == "scheme" and value not in ("http", "https"):
        raise HttpError(400, f"{name} must be http or https")
    if what == "host" and (not value or any(c in value for c in "/\\\"'<> \t@?#")):
        raise HttpError(400, f"{name} is not a host name")
    return value
