"""``normgraph check``: is the published dataset whole and sound?

After a crash (``kill -9``, power loss, a full disk) an operator wants one command that says
whether what is served is a complete dataset: ``current`` points at a store directory, its
manifest is readable, the store opens, every named graph holds exactly the triples the build
(or the last write) recorded in the manifest, and the asserted data conforms to the SHACL
shapes. Leftovers of interrupted builds and writes are reported too (they are never served, and
the next build removes them)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from graph import store


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class ConsistencyReport:
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, detail: str) -> bool:
        self.checks.append(Check(name, ok, detail))
        return ok

    def text(self) -> str:
        lines = [f"{'✓' if c.ok else '✗'} {c.name}: {c.detail}" for c in self.checks]
        lines += [f"  note: {n}" for n in self.notes]
        lines.append("consistent: the published dataset is complete and valid" if self.ok
                     else "NOT consistent: see the lines marked ✗")
        return "\n".join(lines)


def graph_counts(st: ox.Store) -> dict[str, int]:
    """Triples per graph ("" = the default graph), counted quad by quad as the build does."""
    counts: dict[str, int] = {}
    for quad in st.quads_for_pattern(None, None, None, None):
        key = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        counts[key] = counts.get(key, 0) + 1
    return counts


def count_differences(actual: dict[str, int], expected: dict[str, int]) -> list[str]:
    return [f"<{name or 'default graph'}>: {actual.get(name, 0)} in the store, {expected.get(name, 0)} in the manifest"
            for name in sorted(set(actual) | set(expected)) if actual.get(name, 0) != expected.get(name, 0)]


def asserted_graph(st: ox.Store, base: str) -> Graph:
    """Everything but the inferred and metadata graphs: what the shapes are written for (as in
    ``normgraph validate``)."""
    graphs = base + "graph/"
    dump = st.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN (<{graphs}inferred>, <{graphs}metadata>)) }}"
    ).serialize(format=ox.RdfFormat.N_TRIPLES)
    data = Graph()
    data.parse(data=dump, format="nt")
    return data


def leftovers(data_dir: Path, current: Path) -> list[str]:
    stores = data_dir / store.STORES
    if not stores.is_dir():
        return []
    return sorted(p.name for p in stores.iterdir() if p.resolve() != current.resolve() and not (p / "manifest.json").exists())


def check(data_dir: Path, base: str, shacl: bool = True) -> ConsistencyReport:
    report = ConsistencyReport()
    current = store.current_path(data_dir)
    link = data_dir / store.CURRENT
    if not report.add("published dataset", current is not None,
                      f"{link} → {os.readlink(link)}" if current is not None
                      else f"nothing is published in {data_dir} ({link} is missing or dangling)"):
        return report
    assert current is not None
    try:
        manifest = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
        expected = {str(k): int(v) for k, v in manifest["graphs"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        report.add("manifest", False, f"{current / 'manifest.json'} cannot be read: {exc}")
        return report
    report.add("manifest", True, f"{len(expected)} named graph(s), {sum(expected.values())} triples recorded")
    try:
        st = ox.Store.read_only(str(current / "oxigraph"))
        actual = graph_counts(st)
    except OSError as exc:
        report.add("store opens", False, f"{current / 'oxigraph'} cannot be opened read-only: {exc}")
        return report
    report.add("store opens", True, f"{current / 'oxigraph'} (read-only)")
    differences = count_differences(actual, expected)
    report.add("triple counts", not differences,
               "every named graph holds the triples the manifest records" if not differences else "; ".join(differences))
    if shacl:
        from graph.build import ontology_graphs
        from graph.validate import validate
        from loaders.namespaces import Iris

        iris = Iris(str(manifest.get("base") or base))
        ontology, vocabulary = ontology_graphs(iris)
        shacl_report = validate(asserted_graph(st, iris.base), ontology + vocabulary, iris=iris)
        report.add("SHACL", shacl_report.conforms,
                   "the asserted graphs conform to the shapes" if shacl_report.conforms else shacl_report.text(limit_per_message=3))
    rest = leftovers(data_dir, current)
    if rest:
        report.notes.append(f"{len(rest)} unfinished build(s) or write(s) in {data_dir / store.STORES} (never served; "
                            f"the next build removes them): {', '.join(rest[:5])}")
    return report
