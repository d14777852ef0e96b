"""The build's SHACL and reasoning stages are bounded: above a configurable size they are skipped,
and say so (standard error, the validation report, the inference counts of the manifest and a
note in graph/inferred) instead of running for many minutes (docs/scaling.md)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from graph import reason, validate
from graph.build import ontology_graphs
from loaders.namespaces import Iris


def sample(n: int) -> Graph:
    g = Graph()
    for i in range(n):
        g.add((URIRef(f"https://w3id.org/normgraph/id/actor/a{i}"), RDFS.seeAlso, URIRef(f"https://example.org/{i}")))
        g.add((URIRef(f"https://w3id.org/normgraph/id/actor/a{i}"), RDFS.label, Literal(f"actor {i}", lang="en")))
    return g


def test_shacl_is_skipped_above_the_limit_and_says_so(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(validate.MAX_TRIPLES_ENV, "10")
    report = validate.validate(sample(20))
    assert report.conforms and report.skipped
    assert "40 triples is above the SHACL limit of 10 (NORMGRAPH_SHACL_MAX_TRIPLES" in report.text()
    assert "SHACL skipped: 40 triples" in capsys.readouterr().err


def test_shacl_runs_below_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(validate.MAX_TRIPLES_ENV, "1000")
    report = validate.validate(sample(5))
    assert report.skipped is None


def test_reasoning_is_skipped_above_the_limit_and_says_so(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(reason.MAX_TRIPLES_ENV, "50")
    iris = Iris()
    ontology, vocabulary = ontology_graphs(iris)
    result = reason.reason(ontology + vocabulary, sample(300), iris)
    assert result.skipped and len(result.inferred) == 0
    size = result.counts[reason.SKIPPED_KEY]
    assert size > 300  # the reasoning input: the ontology and the data's IRI triples
    notes = [str(o) for o in result.explanations.objects(iris.named_graph("inferred"), RDFS.comment)]
    assert notes and notes[0].startswith("Reasoning was skipped:")
    assert f"{size:,} reasoning-input triples is above the limit of 50" in capsys.readouterr().err


def test_a_build_that_skipped_shacl_records_it_in_the_manifest(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """The skip is on record where operators look (manifest.json), not only on standard error."""
    from graph import store
    from graph.build import build
    from graph.config import Settings

    monkeypatch.setenv(validate.MAX_TRIPLES_ENV, "1000")
    settings = Settings.from_env(data_dir=tmp_path / "var")
    build(settings, quiet=True, reasoning=False)
    manifest = store.read_manifest(settings.data_dir)
    assert "above the SHACL limit of 1,000" in manifest["shacl_skipped"]
