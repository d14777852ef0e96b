"""``normgraph load``: every format lands in the right graph and is queryable; a syntax error deep
in a file names file:line:column, exits 1 and publishes nothing; ``--validate`` refuses data that
violates the shapes; a server that is running serves the new dataset at the next request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from benchmarks.generate import generate
from graph import bulk_load, store
from graph.config import Settings
from tests.servers import ROOT, Server

EX = "https://example.org/"
NG = "https://w3id.org/normgraph/def/"
BASE = "https://w3id.org/normgraph/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def run_load(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graph.cli", "load", "--data-dir", str(data_dir), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def graph_counts(data_dir: Path) -> dict[str, int]:
    st = store.open_current(data_dir)
    return bulk_load.count_graphs(st)


def labels(data_dir: Path, graph: str) -> set[str]:
    st = store.open_current(data_dir)
    rows = st.query(f"SELECT ?l WHERE {{ GRAPH <{graph}> {{ ?s <{LABEL}> ?l }} }}")
    return {row["l"].value for row in rows}


def write_samples(tmp: Path) -> dict[str, Path]:
    files = {
        "nq": tmp / "quads.nq", "trig": tmp / "dataset.trig", "ttl": tmp / "Partner Data.ttl",
        "nt": tmp / "triples.nt", "jsonld": tmp / "doc.jsonld",
    }
    files["nq"].write_text(f'<{EX}a> <{LABEL}> "from nquads" <{EX}g/nq> .\n'
                           f'_:b <{LABEL}> "blank in nquads" <{EX}g/nq> .\n', encoding="utf-8")
    files["trig"].write_text(f'<{EX}g/trig> {{ <{EX}b> <{LABEL}> "from trig" }}\n'
                             f'<{EX}c> <{LABEL}> "trig default graph" .\n', encoding="utf-8")
    files["ttl"].write_text(f'@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n<{EX}d> rdfs:label "from turtle" .\n',
                            encoding="utf-8")
    files["nt"].write_text(f'<{EX}e> <{LABEL}> "from ntriples" .\n_:b <{LABEL}> "blank in ntriples" .\n', encoding="utf-8")
    files["jsonld"].write_text(json.dumps({"@id": f"{EX}f", LABEL: "from json-ld"}), encoding="utf-8")
    return files


def test_every_format_lands_in_its_graph_and_is_queryable(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    files = write_samples(tmp_path)
    done = run_load(data_dir, *(str(p) for p in files.values()))
    assert done.returncode == 0, done.stderr
    assert "loaded 8 quads from 5 file(s)" in done.stderr
    loaded = BASE + "graph/loaded/"
    assert labels(data_dir, EX + "g/nq") == {"from nquads", "blank in nquads"}  # quads keep their graph
    assert labels(data_dir, EX + "g/trig") == {"from trig"}
    assert labels(data_dir, loaded + "dataset") == {"trig default graph"}  # a quads file's triples: named after the file
    assert labels(data_dir, loaded + "partner-data") == {"from turtle"}  # slugified file name
    assert labels(data_dir, loaded + "triples") == {"from ntriples", "blank in ntriples"}
    assert labels(data_dir, loaded + "doc") == {"from json-ld"}
    # the same label _:b in two files is two resources, not one
    st = store.open_current(data_dir)
    blanks = {row["s"] for row in st.query(f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s <{LABEL}> ?l FILTER(isBlank(?s)) }} }}")}
    assert len(blanks) == 2
    manifest = store.read_manifest(data_dir)
    assert manifest["graphs"] == graph_counts(data_dir)
    assert manifest["loads"][-1]["quads"][EX + "g/nq"] == 2

    # --graph sends triples to the given graph; merging is the default, --replace empties first
    extra = tmp_path / "more.ttl"
    extra.write_text(f'<{EX}x> <{LABEL}> "merged" .\n', encoding="utf-8")
    assert run_load(data_dir, str(extra), "--graph", loaded + "partner-data").returncode == 0
    assert labels(data_dir, loaded + "partner-data") == {"from turtle", "merged"}
    done = run_load(data_dir, str(extra), "--graph", loaded + "partner-data", "--replace")
    assert done.returncode == 0, done.stderr
    assert labels(data_dir, loaded + "partner-data") == {"merged"}
    assert labels(data_dir, EX + "g/nq") == {"from nquads", "blank in nquads"}  # other graphs untouched


def test_unknown_extension_and_missing_file_are_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    odd = tmp_path / "data.csv"
    odd.write_text("a,b\n", encoding="utf-8")
    done = run_load(data_dir, str(odd))
    assert done.returncode == 1
    assert "cannot tell the RDF format from the extension '.csv'" in done.stderr
    done = run_load(data_dir, str(tmp_path / "nowhere.nq"))
    assert done.returncode == 1 and "nowhere.nq: no such file" in done.stderr
    done = run_load(data_dir, str(odd), "--format", "turtle", "--graph", "not an IRI")
    assert done.returncode == 1 and "--graph 'not an IRI' is not an absolute IRI" in done.stderr
    assert store.current_path(data_dir) is None


def deep_error_file(path: Path, quads: int, bad_line: int) -> None:
    """``quads`` valid quads shaped like ours, comment lines up to ``bad_line - 1``, then a broken line."""
    with path.open("w", encoding="utf-8") as out:
        generate(out, quads, progress=False)
    with path.open("r", encoding="utf-8") as handle:
        lines = sum(1 for _ in handle)
    assert lines < bad_line
    with path.open("a", encoding="utf-8") as out:
        out.write("# padding\n" * (bad_line - 1 - lines))
        out.write(f'<{EX}s> <{LABEL}> "unterminated <{EX}g> .\n')
        out.write(f'<{EX}s> <{LABEL}> "after the error" <{EX}g> .\n')


def test_syntax_error_on_line_1000000_publishes_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    good = tmp_path / "good.ttl"
    good.write_text(f'<{EX}d> <{LABEL}> "published before" .\n', encoding="utf-8")
    bulk_load.load(Settings.from_env(data_dir=data_dir), [good], progress_out=None)
    before_path, before = store.current_path(data_dir), graph_counts(data_dir)

    bad = tmp_path / "big.nq"
    deep_error_file(bad, 60_000, 1_000_000)
    done = run_load(data_dir, str(good), str(bad))
    assert done.returncode == 1
    assert f"{bad}:1000000:" in done.stderr, done.stderr
    assert "nothing was published" in done.stderr
    assert store.current_path(data_dir) == before_path
    assert graph_counts(data_dir) == before
    # no half-written store directory is left behind
    assert sorted(p.name for p in (data_dir / store.STORES).iterdir()) == [before_path.name]


def test_error_after_chunks_were_written_leaves_the_dataset_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With small chunks, tens of thousands of quads are already in the new store when the parser
    fails: the published dataset must still be the old one, and the new directory gone."""
    data_dir = tmp_path / "data"
    settings = Settings.from_env(data_dir=data_dir)
    first = tmp_path / "first.nt"
    first.write_text(f'<{EX}a> <{LABEL}> "one" .\n', encoding="utf-8")
    bulk_load.load(settings, [first], progress_out=None)
    before_path, before = store.current_path(data_dir), graph_counts(data_dir)
    monkeypatch.setattr(bulk_load, "CHUNK", 5_000)
    bad = tmp_path / "bad.nq"
    deep_error_file(bad, 40_000, 45_000)
    with pytest.raises(bulk_load.LoadError, match=r"bad\.nq:45000:\d+: "):
        bulk_load.load(settings, [bad], progress_out=None)
    assert store.current_path(data_dir) == before_path
    assert graph_counts(data_dir) == before
    assert [p.name for p in (data_dir / store.STORES).iterdir()] == [before_path.name]


def test_validate_refuses_data_that_violates_the_shapes(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    good = tmp_path / "good.ttl"
    good.write_text(f'<{EX}d> <{LABEL}> "fine" .\n', encoding="utf-8")
    settings = Settings.from_env(data_dir=data_dir)
    bulk_load.load(settings, [good], validate=True, progress_out=None)  # conforming data is published
    before_path = store.current_path(data_dir)

    bad = tmp_path / "bad.ttl"
    bad.write_text(f'<{BASE}id/responsibility/x> a <{NG}Responsibility> ; <{LABEL}> "no bearer"@en .\n', encoding="utf-8")
    done = run_load(data_dir, str(bad), "--validate")
    assert done.returncode == 1
    assert "violates the SHACL shapes" in done.stderr
    assert "Every responsibility needs exactly one bearer" in done.stderr
    assert f"{BASE}id/responsibility/x" in done.stderr
    assert store.current_path(data_dir) == before_path
    # without --validate the same file is loaded (validation is on request)
    bulk_load.load(settings, [bad], progress_out=None)
    assert store.current_path(data_dir) != before_path


def test_a_remote_store_without_a_published_dataset_is_refused_clearly(tmp_path: Path) -> None:
    """Loading into a remote store needs the dataset published there first (tests/test_remote_writes.py
    loads into Virtuoso)."""
    good = tmp_path / "good.ttl"
    good.write_text(f'<{EX}d> <{LABEL}> "fine" .\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "graph.cli", "load", "--data-dir", str(tmp_path / "d"), str(good)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, "NORMGRAPH_STORE": "remote",
                               "NORMGRAPH_REMOTE_QUERY_URL": "http://127.0.0.1:9/sparql",
                               "NORMGRAPH_REMOTE_UPDATE_URL": "http://127.0.0.1:9/update"})
    assert done.returncode == 1, done.stderr
    assert "not in the configured remote store (remote (http://127.0.0.1:9/sparql))" in done.stderr
    assert not (tmp_path / "d").exists() or store.current_path(tmp_path / "d") is None


def test_a_running_server_serves_the_new_load(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = tmp_path / "first.ttl"
    first.write_text(f'<{EX}a> <{LABEL}> "before" .\n', encoding="utf-8")
    bulk_load.load(Settings.from_env(data_dir=data_dir), [first], progress_out=None)
    server = Server(data_dir)
    try:
        query = f"SELECT ?l WHERE {{ GRAPH ?g {{ <{EX}b> <{LABEL}> ?l }} }}"
        accept = {"accept": "application/sparql-results+json"}
        answer = httpx.get(server.sparql, params={"query": query}, headers=accept, timeout=30)
        assert answer.json()["results"]["bindings"] == []
        second = tmp_path / "second.ttl"
        second.write_text(f'<{EX}b> <{LABEL}> "after" .\n', encoding="utf-8")
        done = run_load(data_dir, str(second))
        assert done.returncode == 0, done.stderr
        answer = httpx.get(server.sparql, params={"query": query}, headers=accept, timeout=30)
        assert [b["l"]["value"] for b in answer.json()["results"]["bindings"]] == ["after"]
        # the graph list of the Service Description follows the manifest
        described = httpx.get(server.sparql, headers={"accept": "application/n-triples"}, timeout=30).text
        assert f"<{BASE}graph/loaded/second>" in described
    finally:
        server.stop()


def test_validate_refuses_a_dataset_above_the_shacl_limit(tmp_path: Path) -> None:
    """Above NORMGRAPH_SHACL_MAX_TRIPLES the shapes are not run: --validate must then refuse, not publish unvalidated data."""
    data = tmp_path / "many.nt"
    data.write_text("".join(f'<{EX}r{i}> <{LABEL}> "label {i}" .\n' for i in range(50)), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "graph.cli", "load", "--data-dir", str(tmp_path / "d"), str(data), "--validate"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, "NORMGRAPH_SHACL_MAX_TRIPLES": "20"})
    assert done.returncode == 1
    assert "above the SHACL limit of 20 (NORMGRAPH_SHACL_MAX_TRIPLES)" in done.stderr
    assert store.current_path(tmp_path / "d") is None


def test_void_statistics_in_graph_metadata_follow_the_load(tmp_path: Path) -> None:
    """A dataset with a VoID description (graph/metadata, as a build makes) keeps it true: the new
    graph becomes a subset with its triple count, the dataset's total is updated."""
    data_dir = tmp_path / "data"
    base_file = tmp_path / "synthetic.nq"
    with base_file.open("w", encoding="utf-8") as out:
        generate(out, 3_000, progress=False)
    assert run_load(data_dir, str(base_file)).returncode == 0
    extra = tmp_path / "extra.ttl"
    extra.write_text("".join(f'<{EX}r{i}> <{LABEL}> "r {i}" .\n' for i in range(7)), encoding="utf-8")
    assert run_load(data_dir, str(extra)).returncode == 0
    st = store.open_current(data_dir)
    void = "http://rdfs.org/ns/void#"
    meta, dataset, graph = BASE + "graph/metadata", BASE + "id/dataset", BASE + "graph/loaded/extra"
    rows = list(st.query(f"SELECT ?n WHERE {{ GRAPH <{meta}> {{ <{dataset}> <{void}subset> <{graph}> . <{graph}> <{void}triples> ?n }} }}"))
    assert [r["n"].value for r in rows] == ["7"]
    totals = [r["n"].value for r in st.query(f"SELECT ?n WHERE {{ GRAPH <{meta}> {{ <{dataset}> <{void}triples> ?n }} }}")]
    counts = store.read_manifest(data_dir)["graphs"]
    assert totals == [str(sum(n for g, n in counts.items() if g and g != meta))]
