"""A sibling document of the baseline-study series loads by adding its metadata entry (and,
for a full build, a curation file of dimension defaults — data, not code)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import URIRef

from graph import store
from graph.build import build
from graph.config import Settings
from loaders.namespaces import NG
from loaders.pipeline import load

ROOT = Path(__file__).resolve().parent.parent
SIBLING = ROOT / "tests" / "fixtures" / "sibling"
SLUG = "roles-and-responsibilities-of-the-private-sector-test"
ID = "https://w3id.org/normgraph/id/"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("sibling") / "data"
    shutil.copytree(ROOT / "data", target)
    for name in ("002_private_sector_test.txt", "002_private_sector_test.yaml"):
        shutil.copy(SIBLING / name, target / "documents" / name)
    (target / "curation" / SLUG).mkdir()
    shutil.copy(SIBLING / "curation" / "defaults.yaml", target / "curation" / SLUG / "defaults.yaml")
    return target


def test_sibling_claims_are_read_from_headings_and_lead_ins(corpus: Path) -> None:
    result = load(data_dir=corpus)
    g = result.graphs[f"document/{SLUG}"]
    claims = {
        (str(g.value(c, NG.status)).rsplit("/", 1)[-1], str(g.value(c, NG.claimant)).rsplit("/", 1)[-1],
         str(g.value(c, NG.about)).split("/id/")[1])
        for c in g.subjects(NG.about, None)
    }
    assert claims == {
        ("assumed", "private-sector", "responsibility/private-sector/awareness-raising"),
        ("assumed", "private-sector", "responsibility/private-sector/cooperation"),
        ("advocated", "private-sector", "responsibility/private-sector/norm-development"),
        ("suggested", "states", "responsibility/private-sector/ensuring-security"),
        ("suggested", "states", "responsibility/private-sector/responsible-behaviour"),
    }


def test_sibling_footnotes_citations_ibid_and_page_break(corpus: Path) -> None:
    result = load(data_dir=corpus)
    g = result.graphs[f"document/{SLUG}"]
    note5 = URIRef(f"{ID}footnote/{SLUG}/5")
    assert g.value(note5, NG.ibidOf) == URIRef(f"{ID}footnote/{SLUG}/4")
    works = {str(w).rsplit("/", 1)[-1] for w in g.objects(URIRef(f"{ID}footnote/{SLUG}/2"), URIRef("http://purl.org/spar/cito/cites"))}
    assert works == {"incident-cooperation-charter", "cross-border-indicator-sharing-guide"}
    doc = next(d for d in result.documents if d.slug == SLUG)
    assert "so that incidents are contained quickly." in doc.text  # the bullet cut by a page break
    question = URIRef(f"{ID}question/{SLUG}/should-companies-be-liable-for-insecure-products")
    assert str(g.value(question, NG.questionText)) == "Should companies be liable for insecure products?"


def test_sibling_builds_validates_and_publishes(corpus: Path, tmp_path: Path) -> None:
    settings = Settings.from_env(data_dir=tmp_path / "var", corpus_dir=corpus)
    result = build(settings, quiet=True, reasoning=False)
    assert f"https://w3id.org/normgraph/graph/document/{SLUG}" in result.manifest["graphs"]
    st = store.open_current(settings.data_dir)
    assert bool(st.query(
        f"ASK {{ <{ID}responsibility/private-sector/awareness-raising> <{NG}bearer> <{ID}cluster/private-sector> }}",
        use_default_graph_as_union=True,
    ))
