"""``normgraph build``: documents → graphs → SHACL → HermiT → metadata → atomic publish.

Each stage reports its progress and time on standard error. Any failure stops the build
before publishing, so the previously published dataset stays what readers see."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from graph import store
from graph.catalogue import load_catalogue
from graph.catalogue_rdf import catalogue_graph
from graph.config import Settings
from graph.reason import reason
from graph.remote_publish import publish_remote
from graph.validate import Report, validate
from loaders.corpus import PROJECT_ROOT
from loaders.links import links_graph
from loaders.namespaces import NG, SD, VOID, Iris
from loaders.pipeline import ONTOLOGY_DIR, load

QUERIES_DIR = PROJECT_ROOT / "queries"

T = TypeVar("T")
VERSION = "0.1.0"


class BuildFailed(Exception):
    def __init__(self, message: str, report: Report | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class BuildResult:
    path: Path
    manifest: dict
    seconds: float
    stage_seconds: dict[str, float] = field(default_factory=dict)


class Progress:
    def __init__(self, total: int, quiet: bool = False) -> None:
        self.total = total
        self.step = 0
        self.quiet = quiet
        self.times: dict[str, float] = {}

    def run(self, name: str, fn: Callable[[], T]) -> T:
        self.step += 1
        if not self.quiet:
            print(f"[{self.step}/{self.total}] {name} …", end="", file=sys.stderr, flush=True)
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        self.times[name] = round(elapsed, 3)
        if not self.quiet:
            print(f" done ({elapsed:.1f} s)", file=sys.stderr, flush=True)
        return result


def ontology_graphs(iris: Iris, ontology_dir: Path = ONTOLOGY_DIR) -> tuple[Graph, Graph]:
    ontology = Graph()
    # the ontology names the dimension individuals (id/dimension/…): rebase them too
    ontology.parse(data=iris.rebase((ontology_dir / "normgraph.ttl").read_text(encoding="utf-8")), format="turtle")
    vocabulary = Graph()
    vocabulary.parse(data=iris.rebase((ontology_dir / "vocabularies.ttl").read_text(encoding="utf-8")), format="turtle")
    return ontology, vocabulary


def build(settings: Settings, *, quiet: bool = False, reasoning: bool = True) -> BuildResult:
    iris = Iris(settings.base)
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    progress = Progress(6, quiet)
    with store.build_lock(settings.data_dir):
        result = progress.run("parse documents, registry and curation", lambda: load(iris, settings.corpus_dir))
        graphs: dict[str, Graph] = dict(result.graphs)
        ontology, vocabulary = ontology_graphs(iris)
        graphs["ontology"] = ontology
        graphs["vocabulary"] = vocabulary
        graphs["queries"] = catalogue_graph(load_catalogue(QUERIES_DIR), iris)
        if result.warnings and not quiet:
            for warning in result.warnings:
                print(f"  warning: {warning}", file=sys.stderr)
        asserted = Graph()
        for g in graphs.values():
            asserted += g
        schema = ontology + vocabulary
        # graph/links (identifiers of other datasets) is validated with the rest but never given to
        # HermiT: links are for joining, not premises (docs/model.md, "Links to other datasets")
        graphs["links"] = links_graph(asserted, settings.corpus_dir / "registry" / "links.yaml", iris)
        checked = asserted + graphs["links"]

        report = progress.run("validate with SHACL shapes", lambda: validate(checked, schema, iris=iris))
        if not report.conforms:
            raise BuildFailed("the data violates the SHACL shapes; nothing was published", report)

        if reasoning:
            reasoned = progress.run("reason with HermiT (consistency, classification)", lambda: reason(schema, asserted, iris))
            graphs["inferred"] = reasoned.inferred + reasoned.explanations
            inference_counts = reasoned.counts
        else:
            inference_counts = {}
            graphs["inferred"] = Graph()

        manifest = progress.run(
            "describe the dataset (VoID, provenance, manifest)",
            lambda: describe(graphs, iris, result.documents, started, inference_counts, settings),
        )
        nquads = progress.run("serialise", lambda: to_nquads(graphs, iris))
        manifest["graphs"] = count_quads(nquads)
        if report.skipped:  # say so where operators and `normgraph check` look, not only on stderr
            manifest["shacl_skipped"] = report.skipped
        path = store.new_store_dir(settings.data_dir)

        def write_and_publish() -> None:
            try:
                write_and_switch(settings, path, nquads, manifest, quiet)
            except OSError as exc:  # e.g. a full disk: say so, and free what the half-written store took
                shutil.rmtree(path, ignore_errors=True)
                raise store.StoreError(store.os_error_message(exc, f"writing the new store to {path}")
                                       + f"; the published dataset ({settings.data_dir / store.CURRENT}) is unchanged") from None
            store.prune(settings.data_dir, settings.keep_builds)

        where = settings.remote_query_url if settings.store == "remote" else settings.data_dir / store.CURRENT
        progress.run(f"publish atomically to {where}", write_and_publish)
    return BuildResult(path=path, manifest=manifest, seconds=time.perf_counter() - clock, stage_seconds=progress.times)


def write_and_switch(settings: Settings, path: Path, nquads: bytes, manifest: dict, quiet: bool = True) -> None:
    """Write the local store (with the remote backend: the build record and a local copy, see
    docs/remote-store.md), publish into the remote store if configured, then switch ``current``."""
    if settings.store == "remote":
        manifest["backend"] = "remote"
        manifest["remote"] = {"query_url": settings.remote_query_url, "build_id": path.name}
    try:
        store.write_store(path, nquads, manifest)
        if settings.store == "remote":
            publish_remote(settings, nquads, manifest, path.name, quiet=quiet)
        store.publish(settings.data_dir, path)
    except store.StoreError:  # e.g. the remote publish failed: the local copy goes too
        shutil.rmtree(path, ignore_errors=True)
        raise


def graph_iri(iris: Iris, name: str) -> URIRef:
    return iris.named_graph(*name.split("/"))


def to_nquads(graphs: dict[str, Graph], iris: Iris) -> bytes:
    """All named graphs as N-Quads, sorted (a build of the same input is byte-identical)."""
    ds = Dataset()
    for name, graph in graphs.items():
        target = ds.graph(graph_iri(iris, name))
        for triple in graph:
            target.add(triple)
    text = ds.serialize(format="nquads")
    lines = sorted(line for line in text.splitlines() if line.strip())
    data = ("\n".join(lines) + "\n").encode("utf-8")
    for _ in ox.parse(input=io.BytesIO(data), format=ox.RdfFormat.N_QUADS):
        pass  # fail here, not half-way into the store
    return data


def count_quads(nquads: bytes) -> dict[str, int]:
    counts: dict[str, int] = {}
    for quad in ox.parse(input=io.BytesIO(nquads), format=ox.RdfFormat.N_QUADS):
        key = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        counts[key] = counts.get(key, 0) + 1
    return counts


def describe(
    graphs: dict[str, Graph], iris: Iris, documents: list, started: dt.datetime, inference_counts: dict[str, int],
    settings: Settings,
) -> dict:
    """The metadata graph: a VoID dataset with one subset per named graph, and the build as a
    PROV activity that used each document (by hash) and generated the dataset."""
    meta = Graph()
    dataset = iris.res("dataset")
    activity = iris.res("build", started.strftime("%Y%m%dT%H%M%SZ"))
    meta.add((dataset, RDF.type, VOID.Dataset))
    meta.add((dataset, RDFS.label, Literal("normgraph: responsible behaviour in cyberspace", lang="en")))
    meta.add((dataset, DCTERMS.title, Literal("normgraph knowledge graph", lang="en")))
    meta.add((dataset, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    meta.add((dataset, VOID.uriSpace, Literal(iris.base + "id/")))
    meta.add((dataset, VOID.vocabulary, URIRef(str(NG))))
    meta.add((dataset, PROV.wasGeneratedBy, activity))
    meta.add((activity, RDF.type, PROV.Activity))
    meta.add((activity, RDFS.label, Literal(f"normgraph build {VERSION}", lang="en")))
    meta.add((activity, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime)))
    roles = {
        "ontology": NG.OntologyGraph, "vocabulary": NG.VocabularyGraph, "curation": NG.CurationGraph,
        "inferred": NG.InferredGraph, "queries": NG.QueriesGraph, "links": NG.LinksGraph,
    }
    total = 0
    for name, graph in sorted(graphs.items()):
        g = graph_iri(iris, name)
        meta.add((dataset, VOID.subset, g))
        meta.add((g, RDF.type, VOID.Dataset))
        meta.add((g, RDF.type, SD.NamedGraph))
        meta.add((g, RDFS.label, Literal(f"graph: {name}", lang="en")))
        meta.add((g, VOID.triples, Literal(len(graph), datatype=XSD.integer)))
        meta.add((g, NG.graphRole, roles.get(name, NG.DocumentGraph)))
        if name == "inferred":
            meta.add((g, NG.inferred, Literal(True)))
            meta.add((g, DCTERMS.description, Literal(
                "Triples inferred by HermiT from the ontology and the asserted graphs; each is "
                "also described by an ng:Inference record naming its axiom and premise.", lang="en")))
        if name == "links":
            meta.add((g, DCTERMS.description, Literal(
                "Identifiers other datasets use for our resources (ISO 3166 codes, Wikidata items, EU country "
                "authority, UN document symbols), for joining across endpoints; not given to the reasoner.", lang="en")))
            meta.add((g, RDF.type, VOID.Linkset))
            for predicate in sorted(set(graph.predicates()) - {SKOS.notation}):
                meta.add((g, VOID.linkPredicate, predicate))
        total += len(graph)
    for doc in documents:
        d = iris.res("document", doc.slug)
        meta.add((activity, PROV.used, d))
        raw = hashlib.sha256(doc.path.read_bytes()).hexdigest()
        meta.add((d, NG.fileSha256, Literal(raw)))
        meta.add((graph_iri(iris, f"document/{doc.slug}"), PROV.wasDerivedFrom, d))
    meta.add((dataset, VOID.triples, Literal(total, datatype=XSD.integer)))
    for key, value in inference_counts.items():
        meta.add((activity, NG.inferenceCount, Literal(f"{key}: {value}")))
    meta.add((activity, PROV.endedAtTime, Literal(dt.datetime.now(dt.UTC).isoformat(), datatype=XSD.dateTime)))
    graphs["metadata"] = meta
    return {
        "version": VERSION,
        "base": iris.base,
        "started": started.isoformat(),
        "documents": {doc.slug: {"file": doc.path.name, "text_sha256": doc.sha256} for doc in documents},
        "inferences": inference_counts,
    }
