"""SHACL validation (pyshacl) with a report a researcher can read."""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from loaders.corpus import PROJECT_ROOT
from loaders.namespaces import Iris

SHAPES_PATH = PROJECT_ROOT / "shapes" / "normgraph-shapes.ttl"
# pyshacl's time and memory grow about linearly with the data but are large (about 0.4 CPU seconds
# and 4 MB per 1,000 triples on the project's machine: 2 minutes and 1.2 GB at 300,000 triples, see
# docs/scaling.md): above this size the build skips SHACL and says so.
MAX_TRIPLES_ENV = "NORMGRAPH_SHACL_MAX_TRIPLES"
DEFAULT_MAX_TRIPLES = 300_000


def max_triples() -> int:
    """The largest data graph validated (``NORMGRAPH_SHACL_MAX_TRIPLES``; 0 means no limit)."""
    return int(os.environ.get(MAX_TRIPLES_ENV, DEFAULT_MAX_TRIPLES))


@dataclass
class Violation:
    message: str
    focus: str
    path: str | None
    value: str | None
    severity: str
    shape: str


@dataclass
class Report:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    skipped: str | None = None  # why the data was not validated at all (too large)

    def text(self, limit_per_message: int = 5) -> str:
        if self.skipped:
            return f"SHACL: not run — {self.skipped}"
        if self.conforms:
            return "SHACL: the data conforms to the shapes (0 violations)."
        groups: dict[str, list[Violation]] = defaultdict(list)
        for v in self.violations:
            groups[v.message].append(v)
        lines = [f"SHACL: {len(self.violations)} violation(s) of {len(groups)} rule(s):"]
        for message, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            lines.append(f"\n  ✗ {message}  ({len(items)} × {items[0].severity})")
            for v in items[:limit_per_message]:
                detail = f" — {v.path}" if v.path else ""
                detail += f" = {v.value}" if v.value else ""
                lines.append(f"      {v.focus}{detail}")
            if len(items) > limit_per_message:
                lines.append(f"      … and {len(items) - limit_per_message} more")
        return "\n".join(lines)


def load_shapes(iris: Iris | None = None, path: Path = SHAPES_PATH) -> Graph:
    """The published shapes, with resource IRIs rewritten to the configured base."""
    shapes = Graph()
    shapes.parse(data=(iris or Iris()).rebase(path.read_text(encoding="utf-8")), format="turtle")
    return shapes


def validate(data: Graph, ontology: Graph | None = None, shapes: Graph | None = None, iris: Iris | None = None) -> Report:
    """Validate ``data`` (asserted triples) against the shapes; the ontology supplies the class
    hierarchy (rdfs:subClassOf) so that a shape on ng:Actor also covers ng:State."""
    limit = max_triples()
    if limit and len(data) > limit:
        reason = (f"{len(data):,} triples is above the SHACL limit of {limit:,} ({MAX_TRIPLES_ENV}; "
                  "validation time grows with the data, see docs/scaling.md)")
        print(f"  SHACL skipped: {reason}", file=sys.stderr, flush=True)
        return Report(conforms=True, skipped=reason)
    shapes = shapes if shapes is not None else load_shapes(iris)
    conforms, results, _ = shacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True,
        allow_warnings=True, meta_shacl=False,
    )
    report = Report(conforms=bool(conforms))
    # only the report's top-level results: nested sh:detail results repeat helper shapes
    top_level = [r for report_node in results.subjects(RDF.type, SH.ValidationReport) for r in results.objects(report_node, SH.result)]
    for result in top_level:
        def value(p: URIRef, result: object = result) -> str | None:
            v = results.value(result, p)
            if v is None:
                return None
            return str(v) if not isinstance(v, Literal) else v.n3() if len(str(v)) < 80 else repr(str(v)[:77] + "…")

        severity = results.value(result, SH.resultSeverity)
        report.violations.append(Violation(
            message=str(results.value(result, SH.resultMessage) or "(no message)"),
            focus=value(SH.focusNode) or "?",
            path=value(SH.resultPath),
            value=value(SH.value),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            shape=value(SH.sourceShape) or "",
        ))
    report.conforms = not any(v.severity == "Violation" for v in report.violations)
    return report
