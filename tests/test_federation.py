"""Federation with real engines on loopback: our endpoint, a second independent SPARQL endpoint
holding a made-up partner initiative's data (tests/federation/partner.ttl, reusing our norm IRIs
and naming states by Wikidata IRIs), and Comunica from npm (tests/federation/package-lock.json,
installed by .ci/run with ``(cd tests/federation && npm ci)``) joining the two.

The norm texts asserted below are the report's list of the GGE 2015 norms, document 000:
  line 146: "- c) States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs;"
  line 150: "- g) States should take appropriate measures to protect their critical infrastructure from ICT threats, …"
  line 153: "- j) States should encourage responsible reporting of ICT vulnerabilities and share associated information …"
and the states are those of footnote 42 (line 421: "States represented included France, Germany, Israel, Kenya, …").
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph

from graph.build import BuildResult
from graph.config import Settings
from tests.servers import Server

ROOT = Path(__file__).resolve().parent.parent
FEDERATION = ROOT / "tests" / "federation"
COMUNICA = FEDERATION / "node_modules" / ".bin" / "comunica-sparql"
DOCUMENT = ROOT / "data" / "documents" / "000_81206ae0df0fa091.txt"
TOKEN = "partner-token-5678"
PARTNER_GRAPH = "https://tracker.example.org/graph/assessments"
ISO_ALPHA3 = "https://w3id.org/normgraph/def/Iso3166Alpha3"
# What Comunica 4.5 sends (recorded through a logging proxy): SPARQL results, and the RDF types
# it accepts when it reads the Service Description at the endpoint URL.
COMUNICA_RESULTS_ACCEPT = "application/sparql-results+json;q=1.0,application/sparql-results+xml;q=0.7"
COMUNICA_RDF_ACCEPT = (
    "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,application/n-triples;q=0.8,"
    "text/turtle;q=0.6,application/rdf+xml;q=0.5,text/n3;q=0.35,application/xml;q=0.3,image/svg+xml;q=0.3,"
    "text/xml;q=0.3,text/html;q=0.2,application/xhtml+xml;q=0.18,application/json;q=0.135,text/shaclc;q=0.1,"
    "text/shaclc-ext;q=0.05"
)


def norm_text(letter: str) -> str:
    """The norm's verbatim text as the report lists it (``- c) States should …``)."""
    lines = [line for line in DOCUMENT.read_text(encoding="utf-8").splitlines() if line.startswith(f"- {letter}) ")]
    assert len(lines) == 1, letter
    return lines[0].removeprefix(f"- {letter}) ")


# France, Kenya and Germany each joined to one norm; the partner's Swiss assessment (a state we
# do not know) and its assessment of a norm IRI we never minted must not appear.
EXPECTED = [
    ("France", "13(c)", "c", "implemented"),
    ("Kenya", "13(g)", "g", "in progress"),
    ("Germany", "13(j)", "j", "implemented"),
]


@pytest.fixture(scope="module")
def partner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A second, independent endpoint (an empty normgraph server of its own), filled through the
    Graph Store Protocol as a partner would fill theirs."""
    server = Server(tmp_path_factory.mktemp("partner") / "var", {"NORMGRAPH_WRITE_TOKEN": TOKEN}, empty=True)
    try:
        put = httpx.put(server.store, params={"graph": PARTNER_GRAPH}, content=(FEDERATION / "partner.ttl").read_bytes(),
                        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}, timeout=30)
        assert put.status_code in (201, 204), put.text
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def ours(built: tuple[Settings, BuildResult], partner: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Our endpoint serving the built graph; the operator allowlists the partner's endpoint only."""
    settings, _ = built
    data_dir = tmp_path_factory.mktemp("ours") / "var"
    shutil.copytree(settings.data_dir, data_dir, symlinks=True)
    server = Server(data_dir, {"NORMGRAPH_SERVICE_ALLOWLIST": partner.sparql})
    yield server
    server.stop()


def comunica(*args: str) -> subprocess.CompletedProcess[str]:
    if not COMUNICA.exists():
        message = "Comunica is not installed: (cd tests/federation && npm ci) (.ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return subprocess.run([str(COMUNICA), *args], capture_output=True, text=True, timeout=60, cwd=FEDERATION)


def rows_of(results: dict, *names: str) -> list[tuple[str, ...]]:
    return [tuple(b[n]["value"] for n in names) for b in results["results"]["bindings"]]


# --------------------------------------------------------------------------- an external engine


def test_comunica_joins_our_endpoint_with_a_partner_endpoint(ours: Server, partner: Server) -> None:
    """The README's federated query, run by Comunica over both endpoints: the partner's status per
    state and norm, with the norm's notation and text and the state's name from our graph."""
    run = comunica(f"sparql@{ours.sparql}", f"sparql@{partner.sparql}", "-f", "federated-query.rq",
                   "-t", "application/sparql-results+json")
    assert run.returncode == 0, run.stderr[-2000:]
    rows = rows_of(json.loads(run.stdout), "state", "notation", "normText", "status")
    assert rows == [(state, notation, norm_text(letter), status) for state, notation, letter, status in EXPECTED]


def test_comunica_keeps_language_tags_from_our_results(ours: Server) -> None:
    """Our JSON results carry xml:lang and Comunica reads it (its own JSON writer omits it, hence LANG)."""
    run = comunica(f"sparql@{ours.sparql}", "-t", "application/sparql-results+json",
                   "SELECT (LANG(?l) AS ?lang) WHERE { <https://w3id.org/normgraph/id/actor/france> "
                   "<http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    assert run.returncode == 0, run.stderr[-2000:]
    assert rows_of(json.loads(run.stdout), "lang") == [("en",)]


def test_comunica_posts_a_long_query_and_our_endpoint_answers(ours: Server) -> None:
    """Above about 600 characters of URL Comunica sends the query as an URL-encoded POST form
    (seen through a logging proxy) instead of a GET: the same answer must come back."""
    padding = "x" * 900
    run = comunica(f"sparql@{ours.sparql}", "-t", "application/sparql-results+json",
                   "SELECT ?notation WHERE { ?n <https://w3id.org/normgraph/def/paragraphRef> ?r ; "
                   f'<http://www.w3.org/2004/02/skos/core#notation> ?notation FILTER (?notation != "{padding}") }} ORDER BY ?notation')
    assert run.returncode == 0, run.stderr[-2000:]
    assert [n for (n,) in rows_of(json.loads(run.stdout), "notation")] == [f"13({c})" for c in "abcdefghijk"]


def test_our_endpoint_answers_what_comunica_asks_for(ours: Server) -> None:
    """Comunica's two kinds of request, with its exact Accept headers: a result query (GET, JSON
    preferred) and the Service Description at the endpoint URL (JSON-LD is its best match here)."""
    count = httpx.get(ours.sparql, headers={"Accept": COMUNICA_RESULTS_ACCEPT}, params={
        "query": "SELECT (COUNT(*) AS ?count) WHERE { ?s <https://w3id.org/normgraph/def/normText> ?o. }"})
    assert count.status_code == 200
    assert count.headers["content-type"].startswith("application/sparql-results+json")
    assert int(count.json()["results"]["bindings"][0]["count"]["value"]) >= 11
    sd = httpx.get(ours.sparql, headers={"Accept": COMUNICA_RDF_ACCEPT})
    assert sd.status_code == 200 and sd.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=sd.text, format="json-ld")) > 10


# --------------------------------------------------------------------------- our endpoint federating out


def test_service_to_the_allowlisted_partner_joins_on_the_links_graph(ours: Server, partner: Server) -> None:
    """Our endpoint calls the partner with SERVICE and joins its Wikidata state IRIs to our actors
    through graph/links (skos:exactMatch), and its norm IRIs to our norms."""
    query = f"""PREFIX nit: <https://tracker.example.org/def/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?state ?alpha3 ?notation ?status WHERE {{
  SERVICE <{partner.sparql}> {{ ?a nit:state ?wikidata ; nit:norm ?norm ; nit:status ?status }}
  GRAPH <https://w3id.org/normgraph/graph/links> {{ ?actor skos:exactMatch ?wikidata ; skos:notation ?alpha3 }}
  FILTER (DATATYPE(?alpha3) = <{ISO_ALPHA3}>)
  ?actor rdfs:label ?state .
  ?norm skos:notation ?notation .
}} ORDER BY ?notation"""
    r = httpx.get(ours.sparql, params={"query": query}, timeout=30)
    assert r.status_code == 200, r.text
    assert rows_of(r.json(), "state", "alpha3", "notation", "status") == [
        ("France", "FRA", "13(c)", "implemented"), ("Kenya", "KEN", "13(g)", "in progress"), ("Germany", "DEU", "13(j)", "implemented")]


def test_service_to_an_endpoint_not_allowlisted_is_refused(ours: Server, partner: Server) -> None:
    """A live SPARQL endpoint that is not on the allowlist (here: our own) is refused with a 400
    that names the rule; so is the partner's Graph Store, which is outside the allowlisted prefix.
    (tests/test_api.py::test_no_outgoing_requests_from_queries checks that nothing is sent.)"""
    for endpoint in (ours.sparql, partner.store):
        r = httpx.get(ours.sparql, params={"query": f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }} LIMIT 1"})
        assert r.status_code == 400, endpoint
        assert "is not allowed" in r.text and "NORMGRAPH_SERVICE_ALLOWLIST" in r.text
