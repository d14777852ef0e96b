"""The SHACL shapes (shapes/normgraph-shapes.ttl) against their fixtures.

Every rule shape (a shape with a target) has a pair of fixtures in tests/shape_fixtures/:
``<ShapeLocalName>-ok.ttl`` conforms to all shapes, ``<ShapeLocalName>-bad.ttl`` breaks that
rule and (apart from the documented exceptions in ALSO_VIOLATED) no other. Each fixture is
validated together with ``_context.ttl`` (the controlled vocabularies and the two reports).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SH

ROOT = Path(__file__).resolve().parents[1]
SHAPES_FILE = ROOT / "shapes" / "normgraph-shapes.ttl"
FIXTURES = Path(__file__).resolve().parent / "shape_fixtures"
CONTEXT_FILE = FIXTURES / "_context.ttl"

NGSH = Namespace("https://w3id.org/normgraph/shapes/")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
RDFS_COMMENT = URIRef("http://www.w3.org/2000/01/rdf-schema#comment")
ID = "https://w3id.org/normgraph/id/"

# Bad fixtures that cannot break their rule without breaking another one as well.
ALSO_VIOLATED: dict[str, set[str]] = {
    # Evidence is reached through claims: no claim means no evidence.
    "ResponsibilityClaimShape": {"ResponsibilityEvidenceShape"},
    # The only way to lack report evidence is a claim quote that is not from a report.
    "ResponsibilityEvidenceShape": {"QuoteSourceDocumentShape"},
}

# Messages with {?var} placeholders: what the bad fixture binds them to.
MESSAGE_BINDINGS: dict[str, dict[str, str]] = {
    "DanglingIriShape": {
        "value": ID + "cluster/privat-sector",
        "property": "https://w3id.org/normgraph/def/memberOfCluster",
    },
}

PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


@cache
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@cache
def context_graph() -> Graph:
    return Graph().parse(CONTEXT_FILE, format="turtle")


def rule_shapes() -> list[str]:
    """Local names of the shapes that have a target (the rules; helpers have none)."""
    g = shapes_graph()
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    names = {
        str(s).removeprefix(str(NGSH))
        for p in targets
        for s in g.subjects(p, None)
        if isinstance(s, URIRef) and str(s).startswith(str(NGSH))
    }
    return sorted(names)


def fixture_names() -> list[str]:
    return sorted(p.name.removesuffix("-ok.ttl") for p in FIXTURES.glob("*-ok.ttl"))


def validate(fixture: Path) -> tuple[bool, Graph]:
    """Validate the fixture together with the shared context."""
    text = fixture.read_text(encoding="utf-8")
    # Many ok fixtures share a body and differ only in their header comment: validate once.
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return _validate_body(body)


@cache
def _validate_body(body: str) -> tuple[bool, Graph]:
    data = Graph()
    for triple in context_graph():
        data.add(triple)
    data.parse(data=body, format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph(), advanced=True, inference="none")
    return conforms, report


def violated_shapes(report: Graph) -> set[str]:
    """Source shapes of the top-level results (nested sh:detail results are left out)."""
    return {
        str(shape).removeprefix(str(NGSH)) for result in report.objects(None, SH.result) for shape in report.objects(result, SH.sourceShape)
    }


def expected_message(name: str) -> str:
    template = str(shapes_graph().value(NGSH[name], SH.message))
    bindings = MESSAGE_BINDINGS.get(name, {})
    return PLACEHOLDER.sub(lambda m: bindings[m.group(1)], template)


# --------------------------------------------------------------------------- the shapes file


def test_shapes_file_parses_and_every_shape_has_a_message() -> None:
    g = shapes_graph()
    declared = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    attached = set(g.objects(None, SH.property))
    assert len(declared) > 40
    missing = [str(s) for s in declared | attached if g.value(s, SH.message) is None]
    assert not missing, f"shapes without sh:message: {missing}"
    for shape in declared:
        assert isinstance(shape, URIRef), "declared shapes are named"
        for prop in (RDFS_LABEL, RDFS_COMMENT):
            assert g.value(shape, prop) is not None, f"{shape} lacks {prop}"
        messages = list(g.objects(shape, SH.message))
        assert len(messages) == 1 and str(messages[0]).strip(), f"{shape}: one non-empty message"


def test_every_rule_shape_has_a_fixture_pair() -> None:
    assert fixture_names() == rule_shapes()
    for name in fixture_names():
        assert (FIXTURES / f"{name}-bad.ttl").is_file(), name
    unknown = set(ALSO_VIOLATED) | set(MESSAGE_BINDINGS)
    assert unknown <= set(rule_shapes())


def test_context_alone_conforms() -> None:
    conforms, report = validate(CONTEXT_FILE)
    assert conforms, report.serialize(format="turtle")


# --------------------------------------------------------------------------- fixture pairs


@pytest.mark.parametrize("name", fixture_names())
def test_ok_fixture_conforms(name: str) -> None:
    conforms, report = validate(FIXTURES / f"{name}-ok.ttl")
    assert conforms, f"{name}-ok.ttl violates {sorted(violated_shapes(report))}"


@pytest.mark.parametrize("name", fixture_names())
def test_bad_fixture_violates_its_rule(name: str) -> None:
    conforms, report = validate(FIXTURES / f"{name}-bad.ttl")
    assert not conforms
    violated = violated_shapes(report)
    assert name in violated
    assert violated <= {name} | ALSO_VIOLATED.get(name, set()), f"also violates {violated - {name}}"
    messages = {str(m) for m in report.objects(None, SH.resultMessage)}
    assert expected_message(name) in messages
