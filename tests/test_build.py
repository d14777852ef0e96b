"""The build pipeline and the command line: what is published, how, and what users see."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from graph import store
from graph.build import BuildResult, build
from graph.config import Settings
from loaders.pipeline import load

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def cli(*args: str, data_dir: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    extra = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", *args, *extra], cwd=ROOT, input=stdin,
        capture_output=True, text=True, timeout=600,
    )


def test_build_publishes_every_named_graph(built: tuple[Settings, BuildResult]) -> None:
    _, result = built
    graphs = result.manifest["graphs"]
    names = {name.removeprefix("https://w3id.org/normgraph/graph/") for name in graphs}
    assert names == {
        "ontology", "vocabulary", "curation", "inferred", "metadata", "queries", "links",
        "document/geneva-dialogue-phase-1-report", "document/roles-and-responsibilities-of-states",
    }
    assert all(count > 0 for count in graphs.values())
    assert "" not in graphs  # nothing in the default graph: every triple has a named graph


def test_manifest_matches_the_store(built: tuple[Settings, BuildResult], oxstore: ox.Store) -> None:
    settings, result = built
    assert store.read_manifest(settings.data_dir)["graphs"] == result.manifest["graphs"]
    assert len(oxstore) == sum(result.manifest["graphs"].values())


def test_metadata_marks_the_inferred_graph(ask) -> None:
    assert ask("""ASK { GRAPH ngg:metadata {
        ngg:inferred ng:inferred true ; ng:graphRole ng:InferredGraph ; void:triples ?n . FILTER(?n > 0) } }""")
    # the build activity used both documents
    assert ask("""ASK { GRAPH ngg:metadata { ?b a prov:Activity ;
        prov:used <https://w3id.org/normgraph/id/document/geneva-dialogue-phase-1-report>,
                  <https://w3id.org/normgraph/id/document/roles-and-responsibilities-of-states> } }""")


def test_every_inferred_triple_has_an_inference_record(select) -> None:
    rows = select("""SELECT (COUNT(*) AS ?n) WHERE { GRAPH ngg:inferred { ?s ?p ?o
        FILTER NOT EXISTS { ?s a ng:Inference } FILTER NOT EXISTS { ?s rdf:subject|rdf:predicate|rdf:object ?o }
        FILTER NOT EXISTS { GRAPH ngg:inferred { ?i rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o } } } }""")
    assert rows[0]["n"] == 0


def _subjects(data_dir: Path) -> set[str]:
    result = load(data_dir=data_dir)
    subjects: set[str] = set()
    for graph in result.graphs.values():
        subjects.update(str(s) for s in graph.subjects())
    return subjects


def test_iris_do_not_depend_on_line_numbers_or_parse_order(tmp_path: Path) -> None:
    reference = _subjects(ROOT / "data")
    moved = tmp_path / "data"
    shutil.copytree(ROOT / "data", moved)
    docs = moved / "documents"
    # parse order: the metadata files are read in name order; reverse it
    (docs / "000_81206ae0df0fa091.yaml").rename(docs / "zzz_phase1.yaml")
    # line numbers: push every line of both documents down
    for name in ("000_81206ae0df0fa091.txt", "001_2fc7f1733201151b.txt"):
        path = docs / name
        path.write_text("\n\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert _subjects(moved) == reference


def test_query_prints_a_table_and_machine_formats(built: tuple[Settings, BuildResult]) -> None:
    settings, _ = built
    query = "PREFIX ng: <https://w3id.org/normgraph/def/> SELECT (COUNT(?n) AS ?norms) WHERE { ?n a ng:VoluntaryNorm ; ng:paragraphRef ?p }"
    table = cli("query", query, data_dir=settings.data_dir)
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].strip() == "norms"
    assert table.stdout.splitlines()[2].strip() == "11"
    assert "(1 row)" in table.stdout
    as_json = cli("query", query, "--format", "json", data_dir=settings.data_dir)
    assert json.loads(as_json.stdout)["results"]["bindings"][0]["norms"]["value"] == "11"
    as_csv = cli("query", query, "--format", "csv", data_dir=settings.data_dir)
    assert as_csv.stdout.replace("\r", "").split("\n")[:2] == ["norms", "11"]
    from_stdin = cli("query", "-", "--format", "tsv", data_dir=settings.data_dir, stdin=query)
    assert from_stdin.stdout.splitlines()[1] == "11"  # TSV writes integers in their short Turtle form


def test_query_binds_the_parameters_of_a_ready_made_query(built: tuple[Settings, BuildResult]) -> None:
    """``--file queries/NAME.rq`` binds the defaults (Microsoft for actor-profile), ``--param``
    overrides one; a parameter the query does not have is a usage error (exit 2)."""
    settings, _ = built
    path = str(ROOT / "queries" / "actor-profile.rq")
    default = cli("query", "--file", path, "--format", "csv", data_dir=settings.data_dir)
    assert default.returncode == 0, default.stderr
    # Microsoft's 'Digital Peace Now' initiative: 000:241
    assert "/id/actor/microsoft,Microsoft," in default.stdout and ",241," in default.stdout
    france = cli("query", "--file", path, "--param", "actor=https://w3id.org/normgraph/id/actor/france", "--format", "csv",
                 data_dir=settings.data_dir)
    rows = france.stdout.replace("\r", "").splitlines()[1:]
    assert rows and all(row.startswith("https://w3id.org/normgraph/id/actor/france,France,") for row in rows)
    assert any(",421," in row for row in rows)  # footnote 42 names the states represented (000:421)
    wrong = cli("query", "--file", path, "--param", "nope=1", data_dir=settings.data_dir)
    assert wrong.returncode == 2 and "unknown parameter 'nope'" in wrong.stderr
    loose = cli("query", "ASK {}", "--param", "actor=x", data_dir=settings.data_dir)
    assert loose.returncode == 2 and "--file" in loose.stderr


def test_construct_query_prints_turtle(built: tuple[Settings, BuildResult]) -> None:
    settings, _ = built
    out = cli("query", "CONSTRUCT { ?n ?p ?o } WHERE { BIND(<https://w3id.org/normgraph/id/norm/gge-2015-13c> AS ?n) ?n ?p ?o }",
              "--format", "turtle", data_dir=settings.data_dir)
    graph = Graph().parse(data=out.stdout, format="turtle")
    assert len(graph) >= 5


def test_query_syntax_error_says_where(built: tuple[Settings, BuildResult]) -> None:
    settings, _ = built
    out = cli("query", "SELECT * WHERE {\n  ?s ?p \n}", data_dir=settings.data_dir)
    assert out.returncode == 2
    assert "query error: error at 3:" in out.stderr
    assert "    3 | }" in out.stderr and "^" in out.stderr


def test_export_formats_hold_the_whole_dataset(built: tuple[Settings, BuildResult], tmp_path: Path) -> None:
    settings, result = built
    total = sum(result.manifest["graphs"].values())
    nq = cli("export", data_dir=settings.data_dir)
    assert nq.returncode == 0
    assert len([line for line in nq.stdout.splitlines() if line.strip()]) == total
    trig = tmp_path / "dump.trig"
    assert cli("export", "--format", "trig", "-o", str(trig), data_dir=settings.data_dir).returncode == 0
    ds = Dataset()
    ds.parse(trig, format="trig")
    assert len(list(ds.quads())) == total
    jsonld = tmp_path / "dump.jsonld"
    assert cli("export", "--format", "jsonld", "-o", str(jsonld), data_dir=settings.data_dir).returncode == 0
    assert isinstance(json.loads(jsonld.read_text(encoding="utf-8")), list | dict)


def test_validate_the_published_dataset(built: tuple[Settings, BuildResult]) -> None:
    settings, _ = built
    out = cli("validate", data_dir=settings.data_dir)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "conforms" in out.stdout


def test_validate_partner_files() -> None:
    ok = cli("validate", str(FIXTURES / "partner" / "conforming.ttl"))
    assert ok.returncode == 0, ok.stdout
    bad = cli("validate", str(FIXTURES / "partner" / "no-bearer.ttl"))
    assert bad.returncode == 1
    assert "https://example.org/partner/r1" in bad.stdout and "bearer" in bad.stdout
    broken = cli("validate", str(FIXTURES / "partner" / "broken.ttl"))
    assert broken.returncode == 2
    assert "broken.ttl: cannot parse as turtle" in broken.stderr


def test_a_killed_build_leaves_the_published_dataset(built: tuple[Settings, BuildResult], tmp_path: Path) -> None:
    settings, _ = built
    data_dir = tmp_path / "var"
    shutil.copytree(settings.data_dir, data_dir, symlinks=True)
    before = os.readlink(data_dir / store.CURRENT)
    proc = subprocess.Popen([sys.executable, "-m", "graph.cli", "build", "--data-dir", str(data_dir)],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    line = proc.stderr.readline()  # "[1/6] parse …": the build is under way
    assert line.startswith("[1/6]")
    time.sleep(3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert os.readlink(data_dir / store.CURRENT) == before
    st = store.open_current(data_dir)
    assert len(st) == sum(store.read_manifest(data_dir)["graphs"].values())


def test_rebuild_switches_atomically_and_prunes(tmp_path: Path) -> None:
    settings = Settings.from_env(data_dir=tmp_path / "var")
    first = build(settings, quiet=True, reasoning=False)
    leftover = settings.data_dir / store.STORES / "half-written"
    leftover.mkdir()  # what a killed build leaves behind
    second = build(settings, quiet=True, reasoning=False)
    assert first.path != second.path
    assert (settings.data_dir / store.CURRENT).resolve() == second.path
    assert not leftover.exists()
    assert first.path.exists()  # the previous build is kept (keep_builds = 2)
    # the same input gives the same data, apart from the build's own metadata
    assert {k: v for k, v in first.manifest["graphs"].items() if not k.endswith("metadata")} == {
        k: v for k, v in second.manifest["graphs"].items() if not k.endswith("metadata")
    }


def test_sample_command_shows_the_norms(built: tuple[Settings, BuildResult]) -> None:
    settings, _ = built
    out = cli("sample", data_dir=settings.data_dir)
    assert out.returncode == 0
    assert "13(k)" in out.stdout and "(11 rows)" in out.stdout


def _subcommands() -> list[str]:
    import argparse

    from graph.cli import parser

    return [name for action in parser()._actions if isinstance(action, argparse._SubParsersAction) for name in action.choices]


def test_the_subcommands_are_the_documented_ones() -> None:
    assert set(_subcommands()) == {"build", "query", "export", "validate", "text", "check", "check-curation", "load", "serve", "sample"}
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for command in _subcommands():
        assert f"normgraph {command}" in readme, command


@pytest.mark.parametrize("command", _subcommands())
def test_every_subcommand_has_help(command: str) -> None:
    out = cli(command, "--help")
    assert out.returncode == 0
    assert "usage: normgraph " + command in out.stdout


def test_a_configured_base_mints_every_iri_under_it(tmp_path: Path) -> None:
    base = "https://norms.example.org/kg/"
    settings = Settings.from_env(data_dir=tmp_path / "var", base=base)
    result = build(settings, quiet=True, reasoning=False)
    st = store.open_current(settings.data_dir)
    default_ids = st.query(
        'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?s), "https://w3id.org/normgraph/id/")) }'
    )
    assert int(next(iter(default_ids))["n"].value) == 0
    assert f"{base}graph/curation" in result.manifest["graphs"]
    assert bool(st.query(f"ASK {{ GRAPH ?g {{ <{base}id/norm/gge-2015-13c> ?p ?o }} }}"))


def test_no_triple_is_in_two_named_graphs(built: tuple[Settings, BuildResult]) -> None:
    """The union default graph is a set: a triple asserted in two graphs (a quote a curation file
    cites and the document loader mints) would come out twice from ``{ ?s ?p ?o }``."""
    settings, _ = built
    st = store.open_current(settings.data_dir)
    twice = list(st.query("SELECT ?s ?p ?o ?g1 ?g2 WHERE { GRAPH ?g1 { ?s ?p ?o } GRAPH ?g2 { ?s ?p ?o } "
                          "FILTER(STR(?g1) < STR(?g2)) } LIMIT 5"))
    assert twice == [], [tuple(str(x) for x in row) for row in twice]
    total = st.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", use_default_graph_as_union=True)
    distinct = st.query("SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }", use_default_graph_as_union=True)
    assert next(iter(total))["n"] == next(iter(distinct))["n"]
    # the quote a curation file cites stays in its document's graph, with its text
    quote = "https://w3id.org/normgraph/id/quote/geneva-dialogue-phase-1-report/e095e9825669-1"
    assert st.query(f"ASK {{ GRAPH <https://w3id.org/normgraph/graph/document/geneva-dialogue-phase-1-report> "
                    f"{{ <{quote}> <http://www.w3.org/ns/oa#exact> ?text }} }}")
