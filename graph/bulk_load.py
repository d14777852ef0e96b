"""``normgraph load``: bulk-load external RDF files into named graphs, published atomically.

The load never touches the published store. It works on a new store directory — a backup
(hard links, cheap) of the published store, or an empty store — streams every file into it,
checks the counts, optionally validates with the SHACL shapes, and only then switches the
``current`` symlink, exactly like a build. A syntax error on line 1,000,000 therefore stops the
load with ``file:line:column: message`` and the new directory is removed: readers keep seeing
the previous dataset, nothing half-loaded.

Where the triples go:

- quad formats (N-Quads, TriG) keep their graph names; their default-graph triples go where a
  triples file's would;
- triples files (Turtle, N-Triples, JSON-LD, RDF/XML) go into ``--graph IRI``, or by default
  into ``{base}graph/loaded/{file stem}`` (the file name without extension, slugified).

Graphs are merged with what they already hold (like a Graph Store POST) unless ``--replace``
says to empty every graph the files write into first (like a PUT)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import shutil
import sys
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from graph import store
from graph.config import Settings

FORMATS: dict[str, ox.RdfFormat] = {
    "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
}
SUFFIXES: dict[str, str] = {
    ".nq": "nquads", ".nquads": "nquads", ".trig": "trig", ".ttl": "turtle", ".turtle": "turtle",
    ".nt": "ntriples", ".ntriples": "ntriples", ".jsonld": "jsonld", ".json": "jsonld",
    ".rdf": "rdfxml", ".owl": "rdfxml", ".xml": "rdfxml",
}
CHUNK = 250_000  # quads per bulk_extend: bounds memory (~300 MB) at any file size
QUAD_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)
SUMMARY_GRAPHS = 20
VOID = "http://rdfs.org/ns/void#"
# graphs of the build that SHACL does not check (as in ``normgraph validate``)
UNVALIDATED = ("inferred", "metadata")


class LoadError(Exception):
    """A load that cannot go on; the message says what and where. Nothing was published."""

    def __init__(self, message: str, report: object | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class LoadResult:
    path: Path
    graphs: dict[str, int]  # quads per graph in the published dataset
    loaded: dict[str, int]  # quads read from the files, per target graph
    seconds: float
    files: list[str] = field(default_factory=list)


def file_format(path: Path, override: str | None = None) -> ox.RdfFormat:
    if override:
        return FORMATS[override]
    name = path.name.lower()
    if name.endswith(".gz"):
        raise LoadError(f"{path}: compressed files are not read; decompress it first (e.g. gunzip -k {path})")
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise LoadError(f"{path}: cannot tell the RDF format from the extension {path.suffix!r}; "
                        f"use one of {', '.join(sorted(SUFFIXES))} or --format {{{','.join(FORMATS)}}}")
    return FORMATS[kind]


def default_graph_for(path: Path, base: str) -> str:
    """``{base}graph/loaded/{stem}``: a stable name, so loading a newer copy of a file targets the same graph."""
    stem = path.name.split(".")[0]
    ascii_text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].strip("-") or "file"
    return f"{base}graph/loaded/{slug}"


def syntax_message(path: Path, exc: SyntaxError) -> str:
    """``file:line:column: message`` from the parser's error (its text repeats the position)."""
    text = str(exc.msg if exc.msg else exc)
    text = re.sub(r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: ", "", text)
    if exc.lineno:
        return f"{path}:{exc.lineno}:{exc.offset or 1}: {text}"
    return f"{path}: {text}"


class Progress:
    """A line on standard error every ``every`` seconds: quads so far, the rate, the file."""

    def __init__(self, out: TextIO | None, every: float) -> None:
        self.out = out
        self.every = every
        self.start = time.perf_counter()
        self.last = self.start
        self.total = 0

    def tick(self, n: int, name: str) -> None:
        self.total += n
        now = time.perf_counter()
        if self.out is not None and now - self.last >= self.every:
            self.last = now
            rate = self.total / max(now - self.start, 1e-9)
            print(f"  {self.total:,} quads loaded ({rate:,.0f}/s), reading {name}", file=self.out, flush=True)


def _quads(path: Path, fmt: ox.RdfFormat, target: ox.NamedNode, base_iri: str | None, counts: dict[str, int],
           progress: Progress) -> Iterator[ox.Quad]:
    """The file's quads with triples sent to ``target`` and blank nodes made unique to this load
    (the parser keeps labels as written: ``_:b0`` of two files, or of a file and the store, would merge)."""
    salt = f"_{os.getpid()}x{time.time_ns() % 10**12}x{abs(hash(str(path))) % 10**6}"
    default = ox.DefaultGraph()
    batch = 0
    try:
        for quad in ox.parse(path=str(path), format=fmt, base_iri=base_iri):
            s, o, g = quad.subject, quad.object, quad.graph_name
            if isinstance(s, ox.BlankNode):
                s = ox.BlankNode(s.value + salt)
            if isinstance(o, ox.BlankNode):
                o = ox.BlankNode(o.value + salt)
            if g == default:
                g = target
            elif isinstance(g, ox.BlankNode):
                g = ox.BlankNode(g.value + salt)
            key = g.value if isinstance(g, ox.NamedNode) else ""
            counts[key] = counts.get(key, 0) + 1
            batch += 1
            if batch == 10_000:
                progress.tick(batch, path.name)
                batch = 0
            yield ox.Quad(s, quad.predicate, o, g)
    except SyntaxError as exc:
        raise LoadError(syntax_message(path, exc)) from None
    except UnicodeDecodeError as exc:
        raise LoadError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    progress.tick(batch, path.name)


def _graphs_in(path: Path, fmt: ox.RdfFormat) -> set[str]:
    """Graph names a quads file writes into (one extra pass, only for ``--replace``)."""
    names: set[str] = set()
    try:
        for quad in ox.parse(path=str(path), format=fmt):
            if isinstance(quad.graph_name, ox.NamedNode):
                names.add(quad.graph_name.value)
    except SyntaxError as exc:
        raise LoadError(syntax_message(path, exc)) from None
    return names


def count_graphs(st: ox.Store) -> dict[str, int]:
    """Quads per graph (``""`` for the default graph), counted by the engine."""
    counts: dict[str, int] = {}
    for row in st.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        counts[row["g"].value] = int(row["n"].value)
    default = st.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=ox.DefaultGraph())
    n = int(next(iter(default))["n"].value)
    if n:
        counts[""] = n
    for g in st.named_graphs():  # declared but empty graphs are part of the dataset too
        if isinstance(g, ox.NamedNode):
            counts.setdefault(g.value, 0)
    return counts


def update_void(st: ox.Store, base: str, counts: dict[str, int], touched: set[str]) -> None:
    """Keep the VoID description in ``graph/metadata`` true: one subset with its triple count per
    graph the load wrote into, and the dataset's total."""
    meta = ox.NamedNode(base + "graph/metadata")
    dataset = ox.NamedNode(base + "id/dataset")
    triples = ox.NamedNode(VOID + "triples")
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for name in sorted(touched):
        if not name or name == meta.value:
            continue
        g = ox.NamedNode(name)
        for quad in list(st.quads_for_pattern(g, triples, None, meta)):
            st.remove(quad)
        st.add(ox.Quad(dataset, ox.NamedNode(VOID + "subset"), g, meta))
        st.add(ox.Quad(g, rdf_type, ox.NamedNode(VOID + "Dataset"), meta))
        st.add(ox.Quad(g, rdf_type, ox.NamedNode("http://www.w3.org/ns/sparql-service-description#NamedGraph"), meta))
        st.add(ox.Quad(g, triples, ox.Literal(str(counts.get(name, 0)), datatype=integer), meta))
    for quad in list(st.quads_for_pattern(dataset, triples, None, meta)):
        st.remove(quad)
    total = sum(n for k, n in counts.items() if k and k != meta.value)
    st.add(ox.Quad(dataset, triples, ox.Literal(str(total), datatype=integer), meta))


def check_counts(before: dict[str, int], after: dict[str, int], loaded: dict[str, int], replaced: set[str], base: str) -> None:
    """The new store must hold every graph it was copied with, unchanged unless the load wrote
    into it, and each graph the load wrote into at most what it held plus what was read."""
    meta = base + "graph/metadata"
    for name, n in before.items():
        if name in loaded or name in replaced or name == meta:
            continue
        if after.get(name) != n:
            raise LoadError(f"the copy of the published store is incomplete: graph <{name}> holds {after.get(name)} "
                            f"quads, the published one {n}; nothing was published")
    for name, n in loaded.items():
        held = after.get(name, 0)
        limit = (0 if name in replaced else before.get(name, 0)) + n
        if n and not 0 < held <= limit:
            raise LoadError(f"graph <{name or 'default'}> holds {held} quads after reading {n}; nothing was published")


def validate_store(st: ox.Store, base: str) -> object:
    """The SHACL report on the asserted graphs of the store as it would be published."""
    from rdflib import Graph

    from graph.build import ontology_graphs
    from graph.validate import validate
    from loaders.namespaces import Iris

    iris = Iris(base)
    excluded = ", ".join(f"<{base}graph/{name}>" for name in UNVALIDATED)
    dump = st.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({excluded})) }}")
    data = Graph()
    data.parse(data=dump.serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")
    ontology, vocabulary = ontology_graphs(iris)
    data += vocabulary
    return validate(data, ontology + vocabulary, iris=iris)


def remote_backend(settings: Settings) -> str | None:
    """A description of the remote store if one is configured (``NORMGRAPH_STORE=remote``), else None."""
    kind = getattr(settings, "store", "embedded")
    if not kind or kind == "embedded":
        return None
    url = getattr(settings, "remote_query_url", None)
    return f"{kind} ({url})" if url else str(kind)


def load(settings: Settings, files: list[Path], *, graph: str | None = None, fmt: str | None = None,
         replace: bool = False, validate: bool = False, base_iri: str | None = None,
         progress_out: TextIO | None = sys.stderr, progress_every: float = 5.0) -> LoadResult:
    """Load ``files`` into a copy of the published dataset and publish it; on any error, nothing is."""
    clock = time.perf_counter()
    backend = remote_backend(settings)
    if graph is not None:
        try:
            ox.NamedNode(graph)
        except ValueError as exc:
            raise LoadError(f"--graph {graph!r} is not an absolute IRI: {exc}") from None
    formats = []
    for path in files:
        if not path.is_file():
            raise LoadError(f"{path}: no such file")
        formats.append((path, file_format(path, fmt)))
    data_dir = settings.data_dir
    with store.build_lock(data_dir):
        source = store.current_path(data_dir)
        manifest: dict = {}
        if source is not None and (source / "manifest.json").exists():
            manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
        # graphs are named under the base the published dataset was built with, as its pages are
        base = str(manifest.get("base") or settings.base)
        plan = [(path, rdf_format, ox.NamedNode(graph or default_graph_for(path, base))) for path, rdf_format in formats]
        remote = manifest.get("backend") == "remote"
        if backend and not remote:
            raise LoadError(f"the published dataset is not in the configured remote store ({backend}): publish it there "
                            "first with normgraph build; nothing was loaded")
        path = store.new_store_dir(data_dir)
        try:
            result = _load_into(path, source, plan, manifest, base, replace, validate, base_iri,
                                Progress(progress_out, progress_every))
            if remote:
                _push(settings, data_dir, source, path, result, progress_out)
            store.publish(data_dir, path)
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        store.prune(data_dir, settings.keep_builds)
    result.seconds = time.perf_counter() - clock
    return result


def _push(settings: Settings, data_dir: Path, source: Path | None, path: Path, result: LoadResult,
          progress_out: TextIO | None) -> None:
    """The dataset lives in a remote store: the graphs the load changed go there in one transaction
    (graph.remote_publish.push_changes, as for a write) before the local record is published."""
    from graph.remote import RemoteError
    from graph.remote_publish import push_changes

    if result.graphs.get("", 0):
        raise LoadError("the remote store holds named graphs only: the files put triples into the default graph "
                        "(give --graph IRI); nothing was published")
    if progress_out is not None:
        print(f"pushing the changed graphs to the remote store {settings.remote_query_url} …", file=progress_out, flush=True)
    before = ox.Store.read_only(str(source / "oxigraph")) if source is not None else None
    after = ox.Store.read_only(str(path / "oxigraph"))
    try:
        changed = push_changes(settings, data_dir, before, after, "load-" + path.name)
    except RemoteError as exc:
        raise LoadError(f"the remote store did not take the load: {exc.message}; nothing was published") from None
    finally:
        del before, after
    if progress_out is not None:
        print(f"the remote store holds the new content of {len(changed)} graph(s)", file=progress_out, flush=True)


def _load_into(path: Path, source: Path | None, plan: list[tuple[Path, ox.RdfFormat, ox.NamedNode]], manifest: dict,
               base: str, replace: bool, validate: bool, base_iri: str | None, progress: Progress) -> LoadResult:
    target = path / "oxigraph"
    if source is not None:
        ox.Store.read_only(str(source / "oxigraph")).backup(str(target))
    st = ox.Store(str(target))
    before = dict(manifest.get("graphs", {}))
    replaced: set[str] = set()
    if replace:
        for file, rdf_format, graph in plan:
            replaced.add(graph.value)
            if rdf_format in QUAD_FORMATS:
                replaced |= _graphs_in(file, rdf_format)
        for name in replaced:
            if st.contains_named_graph(ox.NamedNode(name)):
                st.remove_graph(ox.NamedNode(name))
    loaded: dict[str, int] = {}
    for file, rdf_format, graph in plan:
        counts: dict[str, int] = {}
        quads = _quads(file, rdf_format, graph, base_iri, counts, progress)
        # in chunks: one bulk_extend of a whole file holds it all in memory (~1 GB per million quads)
        while chunk := list(itertools.islice(quads, CHUNK)):
            st.bulk_extend(chunk)
        for name, n in counts.items():
            loaded[name] = loaded.get(name, 0) + n
    for name in loaded:
        if name and not st.contains_named_graph(ox.NamedNode(name)):
            st.add_graph(ox.NamedNode(name))
    st.flush()
    counts = count_graphs(st)
    check_counts(before, counts, loaded, replaced, base)
    if (base + "graph/metadata") in counts:
        update_void(st, base, counts, set(loaded) | replaced)
        st.flush()
        counts = count_graphs(st)
    if validate:
        from graph.validate import MAX_TRIPLES_ENV, max_triples

        asserted = sum(n for name, n in counts.items() if name not in {f"{base}graph/{g}" for g in UNVALIDATED})
        limit = max_triples()
        if limit and asserted > limit:
            # refuse rather than publish unvalidated data the user asked to have validated
            raise LoadError(f"--validate: the dataset would hold {asserted:,} asserted triples, above the SHACL limit of "
                            f"{limit:,} ({MAX_TRIPLES_ENV}); raise the limit or load without --validate")
        report = validate_store(st, base)
        if not report.conforms:  # type: ignore[attr-defined]
            raise LoadError("the loaded data violates the SHACL shapes; nothing was published", report)
    if progress.out is not None:
        print("  compacting the store …", file=progress.out, flush=True)
    st.optimize()  # see graph.store.write_store: ~3 s per million quads, lookups then ~2× faster
    del st
    history = list(manifest.get("loads", []))
    history.append({"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "files": [str(f) for f, _, _ in plan],
                    "quads": loaded, "replaced": sorted(replaced), "validated": validate})
    manifest = {**manifest, "graphs": counts, "loads": history, "base": base}
    tmp = path / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path / "manifest.json")
    return LoadResult(path=path, graphs=counts, loaded=loaded, seconds=0.0, files=[str(f) for f, _, _ in plan])


def summary(result: LoadResult) -> str:
    total = sum(result.loaded.values())
    rate = total / max(result.seconds, 1e-9)
    lines = [f"loaded {total:,} quads from {len(result.files)} file(s) into {len(result.loaded)} graph(s) "
             f"in {result.seconds:.1f} s ({rate:,.0f} quads/s); published {result.path}"]
    for name, n in sorted(result.loaded.items())[:SUMMARY_GRAPHS]:
        lines.append(f"  {name or '(default graph)'}: {n:,} read, {result.graphs.get(name, 0):,} now in the graph")
    if len(result.loaded) > SUMMARY_GRAPHS:
        lines.append(f"  … and {len(result.loaded) - SUMMARY_GRAPHS} more graph(s) (all counts: the manifest, or GET /sparql)")
    lines.append(f"dataset: {sum(result.graphs.values()):,} quads in {len(result.graphs)} graph(s)")
    return "\n".join(lines)
