"""graph/links: identifiers other datasets use for our states, organisations and UN documents
(data/registry/links.yaml → loaders/links.py), checked against the documents, the shapes and
bad input.

Document lines are cited as ``000:LINE`` (data/documents/000_81206ae0df0fa091.txt).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph
from rdflib.namespace import SH

from loaders.errors import LoaderError
from loaders.links import links_graph
from loaders.namespaces import Iris
from loaders.pipeline import load

ROOT = Path(__file__).resolve().parent.parent
LINKS_YAML = ROOT / "data" / "registry" / "links.yaml"
DOCUMENT = ROOT / "data" / "documents" / "000_81206ae0df0fa091.txt"
WD = "http://www.wikidata.org/entity/"
EU = "http://publications.europa.eu/resource/authority/country/"
NGD = "https://w3id.org/normgraph/def/"

Select = Callable[[str], list[dict[str, object]]]
Ask = Callable[[str], bool]


# --------------------------------------------------------------------------- facts in the published graph


def test_france_has_its_iso_codes_and_links(select: Select) -> None:
    # 000:421 "States represented included France, Germany, …"
    rows = select("""SELECT ?notation ?type WHERE { GRAPH ngg:links {
        <https://w3id.org/normgraph/id/actor/france> skos:notation ?notation BIND(DATATYPE(?notation) AS ?type) } } ORDER BY ?notation""")
    assert [(r["notation"], r["type"]) for r in rows] == [("FR", NGD + "Iso3166Alpha2"), ("FRA", NGD + "Iso3166Alpha3")]
    matches = select("SELECT ?m WHERE { GRAPH ngg:links { <https://w3id.org/normgraph/id/actor/france> skos:exactMatch ?m } } ORDER BY ?m")
    assert [r["m"] for r in matches] == [EU + "FRA", WD + "Q142"]


def test_every_state_has_both_codes_and_the_eu_country_concept(select: Select) -> None:
    rows = select("""SELECT ?slug ?a2 ?a3 ?eu WHERE {
        ?s a ng:State . BIND(STRAFTER(STR(?s), "/actor/") AS ?slug)
        GRAPH ngg:links { ?s skos:notation ?a2 , ?a3 ; skos:exactMatch ?eu }
        FILTER (DATATYPE(?a2) = ng:Iso3166Alpha2 && DATATYPE(?a3) = ng:Iso3166Alpha3 && STRSTARTS(STR(?eu), \"""" + EU + """\"))
    } ORDER BY ?slug""")
    assert [(r["slug"], r["a2"], r["a3"], r["eu"]) for r in rows] == [
        ("china", "CN", "CHN", EU + "CHN"), ("france", "FR", "FRA", EU + "FRA"), ("germany", "DE", "DEU", EU + "DEU"),
        ("israel", "IL", "ISR", EU + "ISR"), ("kenya", "KE", "KEN", EU + "KEN"), ("mexico", "MX", "MEX", EU + "MEX"),
        ("netherlands", "NL", "NLD", EU + "NLD"), ("russia", "RU", "RUS", EU + "RUS"),
        ("united-kingdom", "GB", "GBR", EU + "GBR"), ("united-states", "US", "USA", EU + "USA")]


def test_wikidata_items_of_states_and_organisations(select: Select) -> None:
    rows = select(f"""SELECT ?slug ?item WHERE {{ GRAPH ngg:links {{ ?s skos:exactMatch ?w }}
        FILTER STRSTARTS(STR(?w), "{WD}") BIND(STRAFTER(STR(?s), "/actor/") AS ?slug) BIND(STRAFTER(STR(?w), "/entity/") AS ?item) }}""")
    assert {r["slug"]: r["item"] for r in rows} == {
        "france": "Q142", "germany": "Q183", "israel": "Q801", "kenya": "Q114", "mexico": "Q96", "united-kingdom": "Q145",
        "united-states": "Q30", "russia": "Q159", "china": "Q148",  # the Netherlands: deliberately none (links.yaml)
        "united-nations": "Q1065", "european-union": "Q458", "nato": "Q7184"}


def test_a_70_174_is_the_symbol_of_the_2015_gge_report(select: Select) -> None:
    # 000:67 "<sup>1</sup> United Nations General Assembly, *Group of Governmental Experts on Developments in the Field of
    #         Information and Telecommunications in the Context of International Security*, A/70/174, 22 July 2015,
    #         para. 2: <https://undocs.org/A/70/174> (UN GGE 2015)."
    line = DOCUMENT.read_text(encoding="utf-8").splitlines()[66]
    assert "A/70/174, 22 July 2015" in line and "<https://undocs.org/A/70/174> (UN GGE 2015)" in line
    rows = select("""SELECT ?symbol ?type ?page ?year (COUNT(DISTINCT ?norm) AS ?norms) WHERE {
        BIND(<https://w3id.org/normgraph/id/instrument/a-70-174> AS ?report)
        GRAPH ngg:links { ?report skos:notation ?symbol ; schema:sameAs ?page }
        BIND(DATATYPE(?symbol) AS ?type) ?report ng:year ?year . ?norm ng:instrument ?report ; ng:paragraphRef ?ref .
    } GROUP BY ?symbol ?type ?page ?year""")
    assert [(r["symbol"], r["type"], r["page"], r["year"], r["norms"]) for r in rows] == [
        ("A/70/174", NGD + "UnDocumentSymbol", "https://undocs.org/A/70/174", "2015", 11)]


def test_the_three_gge_reports_have_symbols(select: Select) -> None:
    # 000:266 "(UN GGE 2010): …symbol=A/65/201 … (UN GGE 2013): …symbol=A/68/98 … UN GGE 2015: …symbol=A/70/174"
    rows = select("""SELECT ?symbol ?page WHERE { GRAPH ngg:links { ?i skos:notation ?symbol ; schema:sameAs ?page } }
        ORDER BY ?symbol""")
    assert [(r["symbol"], r["page"]) for r in rows] == [
        ("A/65/201", "https://undocs.org/A/65/201"), ("A/68/98", "https://undocs.org/A/68/98"),
        ("A/70/174", "https://undocs.org/A/70/174")]


def test_links_graph_is_described_and_kept_from_the_reasoner(ask: Ask) -> None:
    assert ask("""ASK { GRAPH ngg:metadata { ngg:links ng:graphRole ng:LinksGraph ; a void:Linkset ;
        void:linkPredicate skos:exactMatch , schema:sameAs ; void:triples ?n FILTER (?n > 40) } }""")
    # no owl:sameAs anywhere for our actors, and nothing HermiT inferred mentions an external identifier
    assert not ask("ASK { ?s owl:sameAs ?o FILTER STRSTARTS(STR(?s), 'https://w3id.org/normgraph/id/actor/') }")
    assert not ask("""ASK { GRAPH ngg:inferred { ?s ?p ?o FILTER (STRSTARTS(STR(?o), "http://www.wikidata.org/")
        || STRSTARTS(STR(?o), "http://publications.europa.eu/") || STRSTARTS(STR(?o), "https://undocs.org/")) } }""")


# --------------------------------------------------------------------------- bad input


@cache
def corpus() -> Graph:
    """The union of the graphs the loaders emit from the bundled corpus."""
    union = Graph()
    for graph in load().graphs.values():
        union += graph
    return union


def links_from(tmp_path: Path, text: str) -> Graph:
    path = tmp_path / "links.yaml"
    path.write_text(text, encoding="utf-8")
    return links_graph(corpus(), path, Iris())


def test_the_real_file_loads() -> None:
    assert len(links_graph(corpus(), LINKS_YAML, Iris())) > 40


@pytest.mark.parametrize(("text", "line", "message"), [
    ("states:\n  - actor: france\n    alpha3: FR\n", 2, "'FR' is not an ISO 3166-1 alpha-3 code"),
    ("states:\n  - actor: france\n    alpha3: FRA\n    wikidata: 142\n", 2, "'142' is not a Wikidata item id"),
    ("states:\n  - actor: frnce\n    alpha3: FRA\n", 2, "'frnce' is not defined"),
    ("states:\n  - actor: microsoft\n    alpha3: MSF\n", 2, "'microsoft' is not a State"),
    ("organisations:\n  - actor: nato\n", 2, "needs a wikidata item"),
    ("un_documents:\n  - instrument: un-charter\n", 2, "has no UN document symbol"),
    ("countries: []\n", 1, "unknown section(s) countries"),
])
def test_bad_entries_are_reported_with_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    with pytest.raises(LoaderError) as raised:
        links_from(tmp_path, text)
    assert raised.value.line == line and message in raised.value.message
    assert str(raised.value).startswith(f"{tmp_path / 'links.yaml'}:{line}: ")


def test_a_state_without_links_stops_the_build(tmp_path: Path) -> None:
    text = LINKS_YAML.read_text(encoding="utf-8").replace("  - actor: kenya\n    alpha3: KEN\n    wikidata: Q114\n", "")
    with pytest.raises(LoaderError, match=r"states without links .*: kenya$"):
        links_from(tmp_path, text)


# --------------------------------------------------------------------------- the shapes, beyond their fixture pair


@pytest.mark.parametrize(("turtle", "shape"), [
    ('<actor/france> a ng:State ; skos:notation "FRA"^^ng:Iso3166Alpha2 .', "CountryCodeShape"),
    ('<actor/france> a ng:State ; skos:notation "FR"^^ng:Iso3166Alpha3 .', "CountryCodeShape"),
    ('<actor/microsoft> a ng:Organisation ; skos:notation "MS"^^ng:Iso3166Alpha2 .', "CountryCodeShape"),
    ('<instrument/a-70-174> a ng:Instrument ; skos:notation "a/70/174"^^ng:UnDocumentSymbol .', "UnDocumentSymbolShape"),
    ('<actor/france> a ng:State ; skos:notation "A/70/174"^^ng:UnDocumentSymbol .', "UnDocumentSymbolShape"),
])
def test_shapes_refuse_malformed_or_misplaced_codes(turtle: str, shape: str) -> None:
    prefixes = ("@base <https://w3id.org/normgraph/id/> . @prefix ng: <https://w3id.org/normgraph/def/> . "
                "@prefix skos: <http://www.w3.org/2004/02/skos/core#> . ")
    data = Graph().parse(data=prefixes + turtle, format="turtle")
    shapes = Graph().parse(ROOT / "shapes" / "normgraph-shapes.ttl", format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True, inference="none")
    assert not conforms
    sources = {str(s).rsplit("/", 1)[-1] for r in report.objects(None, SH.result) for s in report.objects(r, SH.sourceShape)}
    assert shape in sources
