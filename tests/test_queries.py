"""The ready-made query catalogue (queries/*.rq): every query runs on the built store with its
default parameters and gives an answer a reader can check in the documents; headers are complete;
parameters are bound safely (graph/catalogue.py).

Document lines are cited as ``000:LINE`` (data/documents/000_81206ae0df0fa091.txt, the Phase 1
Report) or ``001:LINE`` (data/documents/001_2fc7f1733201151b.txt, the baseline study). A fact the
graph gets wrong is written as it should be and marked ``xfail(strict=True)`` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.catalogue import TYPES, CannedQuery, bind, load_catalogue, load_query
from loaders.corpus import parse_corpus

QUERIES = Path(__file__).resolve().parent.parent / "queries"
CATALOGUE = load_catalogue(QUERIES)
BY_NAME = {query.name: query for query in CATALOGUE}
ID = "https://w3id.org/normgraph/id/"
PHASE1 = ID + "document/geneva-dialogue-phase-1-report"
BASELINE = ID + "document/roles-and-responsibilities-of-states"

Rows = list[dict[str, object]]


def _value(term: object) -> object:
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype.endswith("#integer"):
            return int(term.value)
        if datatype.endswith("#boolean"):
            return term.value == "true"
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value.removeprefix(ID)
    return None if term is None else str(term)


@pytest.fixture(scope="module")
def run(oxstore: ox.Store) -> Callable[..., Rows]:
    """Run a catalogue query by name with the given parameter values (else the defaults)."""

    def execute(name: str, **values: object) -> Rows:
        query = BY_NAME[name]
        solutions = oxstore.query(query.sparql, use_default_graph_as_union=True, substitutions=bind(query, values))
        names = [variable.value for variable in solutions.variables]
        return [{n: _value(row[n]) for n in names} for row in solutions]

    return execute


def col(rows: Rows, name: str) -> list[object]:
    return [row[name] for row in rows]


def where(rows: Rows, **match: object) -> Rows:
    return [row for row in rows if all(row[key] == value for key, value in match.items())]


def split(text: object, separator: str = ", ") -> set[str]:
    return set(str(text).split(separator)) if text else set()


# =================================================================================================
# The catalogue itself
# =================================================================================================


def test_catalogue_has_at_least_32_queries():
    assert len(CATALOGUE) >= 32


@pytest.mark.parametrize("query", CATALOGUE, ids=lambda q: q.name)
def test_header_is_complete(query: CannedQuery):
    text = query.path.read_text(encoding="utf-8")
    assert text.startswith("#+ summary: ")
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", query.name)
    assert query.summary and query.description and query.returns.startswith("one row per")
    assert query.tags
    assert "PREFIX" in query.sparql and "#+" not in query.sparql
    for param in query.params:
        assert param.type in TYPES and param.description and param.default is not None


@pytest.mark.parametrize("query", CATALOGUE, ids=lambda q: q.name)
def test_every_param_is_a_projected_variable(query: CannedQuery):
    projection = query.sparql[query.sparql.index("SELECT"):query.sparql.index("WHERE")]
    for param in query.params:
        assert re.search(rf"\?{param.name}\b", query.sparql.split("WHERE", 1)[1]), param.name
        assert re.search(rf"\?{param.name}\b", projection), f"{param.name} is not in the SELECT projection"


@pytest.mark.parametrize("query", CATALOGUE, ids=lambda q: q.name)
def test_runs_with_defaults_and_answers(run, query: CannedQuery):
    rows = run(query.name)
    assert rows, f"{query.name} returns nothing with its defaults"
    for param in query.params:  # the bound parameter comes back in every row
        assert {str(row[param.name]) for row in rows} == {str(_value(bind(query)[ox.Variable(param.name)]))}


def test_every_query_has_a_fact_test():
    tested = {name.removeprefix("test_q_").replace("_", "-") for name in globals() if name.startswith("test_q_")}
    assert {query.name for query in CATALOGUE} <= tested


# =================================================================================================
# bind(): types, enums, injection
# =================================================================================================


def test_bind_defaults_and_types():
    values = bind(BY_NAME["works-before-year-supporting-claims"], {"before": "2012"})
    assert values[ox.Variable("before")] == ox.Literal("2012", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))
    assert values[ox.Variable("claimant")] == ox.NamedNode(ID + "cluster/states")
    assert bind(BY_NAME["footnote-citations"], {"number": "7"})[ox.Variable("number")] == ox.Literal(7)
    assert bind(BY_NAME["annex-1-cells-by-emptiness"], {"empty": "false"})[ox.Variable("empty")] == ox.Literal(False)


@pytest.mark.parametrize(
    ("query", "name", "value"),
    [
        ("footnote-citations", "number", "thirty-five"),
        ("footnote-citations", "number", True),
        ("footnote-citations", "document", "not an iri"),
        ("actor-profile", "actor", "https://w3id.org/normgraph/id/actor/x> } UNION { ?s ?p ?o } #"),
        ("works-by-year-range", "from", "20x5"),
        ("annex-1-cells-by-emptiness", "empty", "maybe"),
        ("search-quotes", "text", 42),
    ],
)
def test_bind_rejects_a_wrong_type_naming_the_parameter(query, name, value):
    with pytest.raises(ValueError, match=f"'{name}'"):
        bind(BY_NAME[query], {name: value})


@pytest.mark.parametrize(
    ("query", "name", "value"),
    [
        ("annex-1-cells-for-norm", "norm", ID + "norm/un-charter-2-4"),
        ("initiatives-by-kind-with-promoters", "kind", "think tank"),
        ("dimension-classifications-by-basis", "basis", ID + "dimension/hard"),
    ],
)
def test_bind_rejects_a_value_outside_enum_naming_the_parameter(query, name, value):
    with pytest.raises(ValueError, match=f"parameter '{name}'.*not one of"):
        bind(BY_NAME[query], {name: value})


def test_bind_rejects_an_unknown_parameter():
    with pytest.raises(ValueError, match="'bearer'"):
        bind(BY_NAME["state-roles"], {"bearer": ID + "cluster/states"})


@pytest.mark.parametrize(
    "hostile",
    [
        "} UNION { ?s ?p ?o }",
        "'>",
        '"> . ?s ?p ?o . <x',
        "due diligence\n} } SELECT * WHERE { ?s ?p ?o }",
        "{ }",
        '") || true || ("',
        "\\u0022 } #",
    ],
)
def test_string_parameter_cannot_change_the_query(run, hostile):
    # search-quotes binds ?text as a literal; pasted into the text these would match every quote
    assert bind(BY_NAME["search-quotes"], {"text": hostile})[ox.Variable("text")] == ox.Literal(hostile)
    assert len(run("search-quotes", text=hostile)) == len(run("search-quotes", text="zz-no-such-phrase-zz")) == 0
    # 000:156 "paragraph 13 c) of the 2015 report relates to the principle of due diligence"
    assert len(run("search-quotes", text="due diligence")) == 7


def test_load_catalogue_refuses_a_bad_header(tmp_path):
    (tmp_path / "no-summary.rq").write_text("#+ description: x\n#+ returns: one row per x\nSELECT ?x WHERE { ?x ?p ?o }\n")
    with pytest.raises(ValueError, match="summary"):
        load_catalogue(tmp_path)
    unused = tmp_path / "unused.rq"
    unused.write_text(
        "#+ summary: s\n#+ description: d\n#+ returns: one row per x\n#+ params:\n#+   - name: bearer\n"
        "#+     type: iri\n#+     default: https://example.org/x\n#+     description: b\nSELECT ?x WHERE { ?x ?p ?o }\n"
    )
    with pytest.raises(ValueError, match="'bearer' is not a variable"):
        load_query(unused)
    unused.write_text(unused.read_text().replace("type: iri", "type: date"))
    with pytest.raises(ValueError, match="type 'date'"):
        load_query(unused)


# =================================================================================================
# One fact per query, checkable in the documents
# =================================================================================================


def test_q_state_roles(run):
    # 001:11 "national governments do, or are expected to, act as stakeholders, regulators, coordinators, defenders,
    #         users, promoters and educators"
    rows = run("state-roles")
    assert set(col(rows, "roleLabel")) == {"Stakeholder", "Regulator", "Coordinator", "Defender", "User", "Promoter", "Educator"}
    assert {(row["line"], row["document"]) for row in rows} == {(11, "document/roles-and-responsibilities-of-states")}
    assert all("regulators, coordinators, defenders, users, promoters and educators" in str(row["quote"]) for row in rows)


def test_q_workshop_participants_by_category(run):
    rows = run("workshop-participants-by-category")
    # 000:421 "States represented included France, Germany, Israel, Kenya, the Netherlands, Mexico and the United Kingdom."
    assert set(col(where(rows, categoryLabel="States", status="represented"), "participantLabel")) == {
        "France", "Germany", "Israel", "Kenya", "Netherlands", "Mexico", "United Kingdom"}
    # 000:421 "Companies represented include Huawei, Kaspersky, Kudelski, Microsoft, Swift, Swissgrid and Telefonica."
    assert len(where(rows, categoryLabel="Private sector", status="represented")) == 7
    # 000:421 "… think-tanks included CCDCOE, CEIP, EUISS, the Hoover Institute and the Universities of Cambridge and Lausanne."
    assert len(where(rows, categoryLabel="Academia and think tanks")) == 6
    assert len(rows) == 34 and {(row["line"], row["footnote"]) for row in rows} == {(421, 42)}


def test_q_workshop_invited_not_represented(run):
    # 000:421 "The United States, Russia and China were invited to send representatives."
    rows = run("workshop-invited-not-represented")
    assert sorted(col(rows, "participantLabel")) == ["China", "Russia", "United States"]
    assert set(col(rows, "quote")) == {"The United States, Russia and China were invited to send representatives."}


def test_q_initiatives_by_kind_with_promoters(run):
    # 000:241 "initiatives such as Siemens’ ‘Charter of Trust’, … Google’s ‘Project Zero’, Kaspersky’s ‘Global Transparency
    #          Initiative’, and Telefonica’s Manifesto for a New Digital Deal’"
    rows = run("initiatives-by-kind-with-promoters")
    promoted = {(row["label"], row["promoterLabel"]) for row in rows}
    assert {("Charter of Trust", "Siemens"), ("Project Zero", "Google"), ("Global Transparency Initiative", "Kaspersky"),
            ("Manifesto for a New Digital Deal", "Telefónica"), ("Cybersecurity Tech Accord", "Private sector")} <= promoted
    assert ("Google’s ‘Project Zero’", 241) in {(row["context"], row["line"]) for row in rows}
    # 000:241 "Microsoft’s ‘Digital Peace Now’ initiative" — filed as a campaign
    campaigns = run("initiatives-by-kind-with-promoters", kind="campaign")
    assert ("Digital Peace Now", "Microsoft") in {(row["label"], row["promoterLabel"]) for row in campaigns}


def test_q_civil_society_organisations_and_behaviours(run):
    # 000:296 "These behaviours are reflected in on-going advocacy, awareness raising and oversight work … The work of groups
    #          such as the Citizen Lab, … AccessNow, the ICT4 Peace Foundation, Human Rights Watch, GlobalPartners …"
    rows = run("civil-society-organisations-and-behaviours")
    advocacy = where(rows, behaviour="responsibility/civil-society/advocacy-awareness-raising-and-oversight")
    assert set(col(advocacy, "organisationLabel")) == {
        "Citizen Lab", "Access Now", "ICT4Peace Foundation", "Human Rights Watch", "Global Partners Digital"}
    assert {(row["modes"], row["line"]) for row in advocacy} == {("reactive", 296)}


def test_q_responsibilities_urged_on_bearer_with_supporting_works(run):
    rows = run("responsibilities-urged-on-bearer-with-supporting-works")
    # 001:110 "The private sector has thus far argued that states should, among other, bear the responsibility of:" 001:112-116
    assert {row["line"] for row in rows} == {112, 113, 114, 115, 116}
    # 001:131 "³⁰ [Digital Security and Due Process …](#). 2017. Google. [International Cybersecurity Norms](#). 2016. Microsoft.
    #          [The need for a Digital Geneva Convention](#). 2017. Microsoft. [Charter of Trust. …](#). 2018. Siemens."
    security = where(rows, responsibility="responsibility/states/ensuring-security")
    assert [(row["footnote"], row["title"], row["year"], row["publisher"]) for row in security] == [
        (30, "Digital Security and Due Process: Modernising cross-border government access standards for the cloud era", "2017", "Google"),
        (30, "International Cybersecurity Norms", "2016", "Microsoft"),
        (30, "The need for a Digital Geneva Convention", "2017", "Microsoft"),
        (30, "Charter of Trust. For a secure digital world", "2018", "Siemens"),
    ]


def test_q_restraint_responsibilities_with_claimants_and_sources(run):
    rows = run("restraint-responsibilities-with-claimants-and-sources")
    # 000:146 c), 000:149 f), 000:154 k): "States should not …", "A State should not …"
    gge = where(rows, claimantLabel="2015 UN Group of Governmental Experts", statusLabel="advocated")
    assert {row["line"] for row in gge} == {146, 149, 154}
    # 000:109 "Article 2.4 insists that all members of the United Nations shall refrain ‘from the threat or use of force …’"
    force = where(rows, responsibility="responsibility/states/refrain-from-threat-or-use-of-force")
    assert [(row["claimantLabel"], row["statusLabel"], row["groundedIn"], row["line"]) for row in force] == [
        ("United Nations", "assumed", "Charter of the United Nations", 109)]
    # 001:116 "Restraint is a core element, referring to refraining from … cyber weapons development.³¹"
    weapons = where(rows, responsibility="responsibility/states/refrain-from-cyber-weapons-development")
    assert [(row["claimantLabel"], row["statusLabel"], row["footnotes"]) for row in weapons] == [("Private sector", "suggested", "31")]
    assert split(weapons[0]["works"], " | ") == {
        "The need for a Digital Geneva Convention", "International Cybersecurity Norms",
        "From Articulation to Implementation: Enabling progress on cybersecurity norms"}


def test_q_reactive_productive_behaviours(run):
    modes = {row["responsibility"]: row["mode"] for row in run("reactive-productive-behaviours")}
    # 000:211 "Sometimes both are exercised simultaneously."; 000:298 "‘reactive’ behaviours are also evident in targeted
    # research"; 000:310 "Other forms of productive behaviours include academic and applied research"
    assert modes["responsibility/other-actors/research"] == "both"
    # 000:300 "The incident response work of CERTs and CSIRTs is another important example of such productive responsibilities."
    assert modes["responsibility/certs/incident-response"] == "productive"
    # 000:296 "‘reactive behaviours’ … These behaviours are reflected in on-going advocacy, awareness raising and oversight"
    assert modes["responsibility/civil-society/advocacy-awareness-raising-and-oversight"] == "reactive"


def test_q_annex_1_cells_for_norm(run):
    rows = run("annex-1-cells-for-norm")
    # 000:453 "<li>- Develop products with due regard for security and maintain legacy systems</li> … <li>- Contribute to
    #          ensuring supply chain integrity</li>" (Prospective R&R of the private sector, row 13 (g))
    prospective = where(rows, groupLabel="Private sector", status="status/prospective")
    assert [row["entryText"] for row in prospective][:2] == [
        "Develop products with due regard for security and maintain legacy systems", "Support attribution efforts"]
    assert len(prospective) == 6 and {row["line"] for row in prospective} == {453}
    # 000:453: the third column (other actors, Extant/Assumed R&R) is empty in row 13 (g)
    assert [(row["isEmpty"], row["entryText"]) for row in where(rows, groupLabel="Other actors", status="status/assumed")] == [
        (True, None)]
    # 000:459-460 "Extant/Assumed R&R	Prospective R&R	…" / "----	----	----	----": four empty cells in row 13 (h)
    assert col(run("annex-1-cells-for-norm", norm=ID + "norm/gge-2015-13h"), "isEmpty") == [True] * 4


def test_q_annex_1_cells_by_emptiness(run):
    empty = run("annex-1-cells-by-emptiness")
    # 000:459-460: row 13 (h) has no entry at all
    assert col(empty, "notation").count("13(h)") == 4 and set(col(empty, "entries")) == {0}
    # 000:436 (3), 440 (2), 444 (8), 453 (9), 467 (4), 474 (4), 483 (2): 32 entries in the filled cells
    filled = run("annex-1-cells-by-emptiness", empty=False)
    assert sum(col(filled, "entries")) == 32 and len(empty) + len(filled) == 32


def test_q_norms_omitted_from_annex_1(run):
    # 000:437-441: the table jumps from 13 (b) to 13 (d), 000:441-448 from 13 (d) to 13 (g)
    rows = run("norms-omitted-from-annex-1")
    assert col(rows, "notation") == ["13(c)", "13(e)", "13(f)"]
    assert col(rows, "line") == [146, 148, 149]


def test_q_hard_responsibilities_and_grounding_instruments(run):
    rows = run("hard-responsibilities-and-grounding-instruments")
    # 000:109 "This exchange of rights and obligations is made explicit in the Charter of the United Nations in which …
    #          Article 2.4 insists that all members of the United Nations shall refrain ‘from the threat or use of force …’"
    force = where(rows, responsibility="responsibility/states/refrain-from-threat-or-use-of-force")
    assert [(row["basisLabel"], row["quote"], row["instrumentLabel"]) for row in force] == [
        ("stated", "This exchange of rights and obligations is made explicit in the Charter of the United Nations",
         "Charter of the United Nations")]
    # 000:124 "(para. 28 f) … (para. 28 e)" of the 2015 report: grounded in A/70/174
    proxies = where(rows, responsibility="responsibility/states/not-use-proxies-to-commit-internationally-wrongful-acts")
    assert "A/70/174" in col(proxies, "symbol")
    assert len({row["responsibility"] for row in rows}) == 9


def test_q_assumed_responsibilities_urged_by_others(run):
    rows = {row["responsibility"].removeprefix("responsibility/states/"): row for row in run("assumed-responsibilities-urged-by-others")}
    # 001:112-116 (private sector) and 001:120-146 (communities and users) both list framework, norm development, PPPs,
    # ensuring security and responsible behaviour, all also assumed by states (001:25, 38, 39, 40, 41)
    both = {name for name, row in rows.items() if row["urgingClusters"] == 2}
    assert both == {"cybersecurity-framework", "norm-development", "public-private-partnerships", "ensuring-security",
                    "responsible-behaviour"}
    # 001:121 "- Awareness raising among the general public.³³" — only communities and users (the private sector's list,
    # 001:112-116, has no awareness raising)
    assert (rows["awareness-raising"]["urgedBy"], rows["awareness-raising"]["oneClusterOnly"]) == ("Communities and users", True)


def test_q_dimension_classifications_by_basis(run):
    # 001:26 "- Awareness raising among the private sector and the general public, through capacity building …" — no
    # instrument is named, so its bindingness is a curator's decision
    curated = where(run("dimension-classifications-by-basis"), responsibility="responsibility/states/awareness-raising",
                    dimensionLabel="bindingness")
    assert [row["valueLabel"] for row in curated] == ["soft"] and str(curated[0]["rationale"]).strip()
    assert str(curated[0]["curationFile"]).startswith("data/curation/")
    # 000:146 "c) States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs;"
    stated = where(run("dimension-classifications-by-basis", basis=ID + "dimension/stated"),
                   responsibility="responsibility/states/gge-2015-13c", dimensionLabel="modality")
    assert [(row["valueLabel"], row["line"]) for row in stated] == [("restraint", 146)]


def test_q_gge_2015_norms_with_phrasing(run):
    rows = run("gge-2015-norms-with-phrasing")
    # 000:144-154 "- a) …" to "- k) …"; 000:132 "The norms are a mix of restraint measures and positive duties"
    assert col(rows, "notation") == [f"13({letter})" for letter in "abcdefghijk"]
    assert col(rows, "line") == list(range(144, 155))
    assert [row["notation"] for row in rows if row["phrasingLabel"] == "restraint"] == ["13(c)", "13(f)", "13(k)"]
    # 000:146 "- c) States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs;"
    assert rows[2]["text"] == "States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs;"


def test_q_norms_by_document_and_section(run):
    phase1 = run("norms-by-document-and-section")
    # 000:120 "### The Work of the UN Groups of Governmental Experts" … 000:146 "- c) States should not knowingly allow …"
    assert "The Work of the UN Groups of Governmental Experts" in col(where(phase1, notation="13(c)"), "heading")
    baseline = run("norms-by-document-and-section", document=BASELINE)
    # 001:202 "Where do Computer Emergency Response Teams fit in the wider cybersecurity stakeholder landscape?" (norm 13(k))
    certs = where(baseline, notation="13(k)", how="question")
    assert [(row["heading"], row["firstLine"]) for row in certs] == [
        ("Where do Computer Emergency Response Teams fit in the wider cybersecurity stakeholder landscape?", 202)]


def test_q_norms_by_topic(run):
    # 000:168 "Several of the norms recommended in 2015 relate to critical infrastructure." — 13 (f), (g), (h) at 000:149-151
    rows = run("norms-by-topic")
    assert [(row["notation"], row["line"]) for row in rows] == [("13(f)", 149), ("13(g)", 150), ("13(h)", 151)]
    # 000:152 "i) States should take reasonable steps to ensure the integrity of the supply chain …"
    assert col(run("norms-by-topic", theme=ID + "theme/supply-chain"), "notation") == ["13(i)"]


def test_q_works_cited_for_theme(run):
    rows = {row["title"]: row for row in run("works-cited-for-theme")}
    # 001:27 "- Capacity building nationally, …³"  001:34 "³ [APEC Cybersecurity Strategy](#). 2002. APEC. …"
    apec = rows["APEC Cybersecurity Strategy"]
    assert (apec["year"], apec["publisherLabel"], apec["footnotes"]) == ("2002", "Asia-Pacific Economic Cooperation",
                                                                      "Baseline study — States 3")
    # 001:122 "- Capacity building of the state actor cluster …³⁴"  001:139 "³⁴ [International Cyber Norms](#). 2016. Osula &
    #          Roigas (eds.). NATO CCD CoE."
    norms = rows["International Cyber Norms"]
    assert (norms["year"], norms["publisher"]) == ("2016", "actor/ccdcoe")
    assert "Baseline study — States 34" in split(norms["footnotes"])


def test_q_most_cited_publishers(run):
    # The UN General Assembly publishes the GGE reports A/70/174, A/68/98, A/65/201, GA Res 2625 and GA Res 56/83:
    # 26 citations in 23 notes — 000:67 "<sup>1</sup> United Nations General Assembly, … A/70/174", 000:134 (⁸, Res 2625),
    # 000:174 (¹⁵, GA Res. 56/83), 000:266 (²⁴, the 2010, 2013 and 2015 reports) …; 001:65 "⁹ … [2015 GGE Report](#).
    # United Nations.", 001:69 "¹¹ … [2013 GGE Report](#)", 001:75 "¹⁴ … [2010 GGE Report](#)" …
    rows = run("most-cited-publishers")
    top = rows[0]
    assert (top["publisherLabel"], top["citations"], top["works"], top["footnotes"]) == (
        "United Nations General Assembly", 26, 5, 23)
    # ITU: 001:32 (²), 34 (³), 43 (⁴ ×3), 45 (⁵ ×3), 49 (⁷), 65 (⁹), 69 (¹¹), 71 (¹²), 73 (¹³), 75 (¹⁴), 82 (¹⁵), 86 (¹⁷):
    # "[Resolution 130](#). 2014. ITU.", "[The role and responsibilities of an effective regulator](#). 2009. ITU." …
    second = rows[1]
    assert (second["publisherLabel"], second["citations"], second["works"], second["footnotes"]) == (
        "International Telecommunication Union", 16, 4, 12)


def test_q_works_in_most_footnotes(run):
    rows = run("works-in-most-footnotes")
    # The Phase 1 Report cites the 2015 GGE report (A/70/174) in notes 1, 2, 5, 11, 12 (Ibid), 14, 24, 25, 35, 38, 43:
    # 000:67 "<sup>1</sup> United Nations General Assembly, … A/70/174 …", 000:69 "<sup>2</sup> UN GGE 2015 para 25." …
    # and the baseline study as "[2015 GGE Report](#). United Nations." in notes ⁹ ¹² ¹³ ¹⁵ ¹⁶ ¹⁸ ²⁰ (001:65-94)
    assert (rows[0]["work"], rows[0]["footnoteCount"]) == ("instrument/a-70-174", 18)
    assert split(rows[0]["footnotes"]) == {f"Phase 1 Report {n}" for n in (1, 2, 5, 11, 12, 14, 24, 25, 35, 38, 43)} | {
        f"Baseline study — States {n}" for n in (9, 12, 13, 15, 16, 18, 20)}
    # 001:30-63: "[Commonwealth Cybergovernance Model](#). 2014. …" in notes ¹ ³ ⁴ ⁵ ⁶ ⁷ ⁸
    model = where(rows, title="Commonwealth Cybergovernance Model")[0]
    assert model["footnoteCount"] == 7


def test_q_ibid_footnotes_resolved(run):
    rows = run("ibid-footnotes-resolved")
    # 000:77 "<sup>4</sup> Ibid."  000:142 "<sup>12</sup> Ibid, pp.7-8."  001:190-194 "⁴⁵ *Ibid.*" "⁴⁶ *Ibid.*" "⁴⁷ *Ibid.*"
    assert [(row["footnote"], row["resolvesTo"], row["line"]) for row in rows] == [
        (4, 3, 77), (12, 11, 142), (45, 44, 190), (46, 44, 192), (47, 44, 194)]
    # 000:71 "<sup>3</sup> M. Finnemore and D.B. Hollis (2016), ‘Constructing Cyber Norms’"
    assert rows[0]["workTitle"] == "Constructing Cyber Norms"
    # 001:188 "⁴⁴ [Cyber Resilience. Playbook for Public-Private Cooperation](#). 2018. WEF."
    assert {row["workTitle"] for row in rows[2:]} == {"Cyber Resilience. Playbook for Public-Private Cooperation"}


def test_q_responsibility_quotes_and_positions(run):
    rows = run("responsibility-quotes-and-positions")
    # 001:26 "- Awareness raising among the private sector …²" (assumed), 001:58 "- Awareness raising among all stakeholders,
    # …¹¹" (advocated), 001:121 "- Awareness raising among the general public.³³" (suggested by communities and users)
    assert [(row["line"], row["statusLabel"], row["claimantLabel"]) for row in rows] == [
        (26, "assumed", "States"), (58, "advocated", "States"), (121, "suggested", "Communities and users")]
    assert rows[2]["quote"] == "Awareness raising among the general public."
    text = {doc.slug: doc.text for doc in parse_corpus()}["roles-and-responsibilities-of-states"]
    assert all(text[row["start"]:row["end"]] == row["quote"] for row in rows)


def test_q_works_before_year_supporting_claims(run):
    rows = run("works-before-year-supporting-claims")
    # 001:65 "⁹ [The role and responsibilities of an effective regulator](#). 2009. ITU. … [Cybersecurity policy making at a
    # turning point](#). 2012. OECD. [Decision no.1106](#). 2013. OSCE."  001:90 "¹⁸ [Chair's Statement](#). 2011. …"
    # and the GGE reports of 2010 (001:75 "¹⁴ … [2010 GGE Report](#)") and 2013 (001:69 "¹¹ … [2013 GGE Report](#)")
    gge = ("Report of the Group of Governmental Experts on Developments in the Field of Information and Telecommunications"
           " in the Context of International Security")
    assert {(row["title"], row["year"]) for row in rows} == {
        ("The role and responsibilities of an effective regulator", "2009"), ("Chair's Statement", "2011"),
        ("Cybersecurity policy making at a turning point", "2012"), ("Decision no.1106", "2013"),
        (f"{gge} (2010)", "2010"), (f"{gge} (2013)", "2013")}
    # 001:57 "- Adopting comprehensive national cybersecurity frameworks …⁹"
    assert 9 in col(where(rows, responsibility="responsibility/states/cybersecurity-framework"), "footnote")


def test_q_works_before_year_supporting_claims_includes_2013_gge_report(run):
    # 001:58 "- Awareness raising among all stakeholders, through engagement in public-private partnerships.¹¹"
    # 001:69 "¹¹ [The role and responsibilities of an effective regulator](#). 2009. ITU. [2013 GGE Report](#). United Nations."
    # "[2013 GGE Report](#)" is the instrument A/68/98 (data/registry/works.yaml), dated 2013
    assert "instrument/a-68-98" in col(run("works-before-year-supporting-claims"), "work")


def test_q_further_questions_and_what_they_concern(run):
    rows = run("further-questions-and-what-they-concern")
    # 001:166, 170, 174, 178, 198, 202, 206: the seven headed questions under 001:164 "Further questions for consideration"
    assert [row["line"] for row in rows if row["headed"]] == [166, 170, 174, 178, 198, 202, 206]
    # 001:202 "Where do Computer Emergency Response Teams fit …" — concerns CERTs and norm 13(k) (000:154)
    certs = where(rows, line=202)[0]
    assert certs["norms"] == "GGE 2015 13(k)" and "CERTs and CSIRTs" in split(certs["actors"])
    # 001:206 "Can/Should the principle of due diligence be applied to cyber activities?"
    assert where(rows, line=206)[0]["concepts"] == "due diligence"


def test_q_concepts_and_stance(run):
    rows = run("concepts-and-stance")
    stances = {row["label"]: row["stance"] for row in rows}
    # 000:182 "Deterrence measures are often critiqued for the reciprocal reaction they provoke"
    assert stances["deterrence"] == "critiqued"
    # 001:212 "But whether transit states … bear a due diligence obligation is less clear."
    assert stances["due diligence"] == "contested"
    # 000:375 "there is an emerging trend amongst some states to adopt policies of consequences … Evolving concepts such as
    #          persistent engagement are also understood in this light."
    assert {(row["label"], row["line"]) for row in rows if row["label"] in ("persistent engagement", "policies of consequences")} == {
        ("persistent engagement", 375), ("policies of consequences", 375)}


def test_q_themes_in_both_documents(run):
    rows = {row["themeLabel"]: row for row in run("themes-in-both-documents")}
    # 000:190 "Capacity-building is necessary …" and 001:27 "- Capacity building nationally, …": the same responsibility
    assert rows["capacity building"]["sharedResponsibilities"] == 1
    # 000:147 "d) States should consider how best to cooperate to … prosecute terrorist and criminal use of ICTs" (a positive
    # duty) vs 001:80 "Ensuring digital space is not used by terrorists and radical groups also falls in this category"
    # (of negative responsibilities): the documents frame terrorism differently
    terrorism = rows["terrorism"]
    assert (terrorism["modalitiesPhase1"], terrorism["modalitiesBaseline"], terrorism["sameModalities"]) == (
        "positive duty", "restraint", False)


def test_q_inferred_statements_and_premises(run):
    rows = run("inferred-statements-and-premises")
    # 000:453 "<li>- Refrain from security-endangering offensive measures and subversive actions (e.g. hack-backs)</li>"
    hack_back = where(rows, subject="responsibility/private-sector/refrain-from-security-endangering-offensive-measures-and")
    assert [(row["assertedValue"], row["valueEvidence"]) for row in hack_back] == [
        ("dimension/restraint", "Refrain from security-endangering offensive measures and subversive actions (e.g. hack-backs)")]
    assert all(row["assertedValue"] == "dimension/restraint" for row in rows)


def test_q_inferred_statements_record_their_premise(run):
    # 000:453 "- Refrain from security-endangering offensive measures …" ⇒ RestraintResponsibility by ng:modality restraint
    assert all(row["premise"] for row in run("inferred-statements-and-premises"))


def test_q_responsibility_matrix(run):
    rows = run("responsibility-matrix")
    capacity = {(row["claimantLabel"], row["statusLabel"]) for row in rows if row["themeLabel"] == "capacity building"}
    # 001:27 "- Capacity building nationally, …" (assumed), 001:59 "- Capacity building of developing countries …" (advocated),
    # 001:122 "- Capacity building of the state actor cluster …" (communities and users)
    assert {("States", "assumed"), ("States", "advocated"), ("Communities and users", "suggested")} <= capacity
    # 001:112-116: the private sector's five bullets — frameworks, norm development, PPPs, ensure security, responsible behaviour
    private = {row["themeLabel"] for row in where(rows, claimantLabel="Private sector", statusLabel="suggested")}
    assert {"cybersecurity framework", "norm development", "public-private partnerships", "ensuring security",
            "responsible behaviour"} <= private


def test_q_actor_profile(run):
    rows = run("actor-profile")
    facts = {(row["relation"], row["itemLabel"]) for row in rows}
    # 000:241 "Microsoft’s ‘Digital Peace Now’ initiative … (culminating ideally – for Microsoft – in a ‘Digital Geneva Convention’)"
    assert {("promotes", "Digital Peace Now"), ("promotes", "Digital Geneva Convention")} <= facts
    # 000:421 "Companies represented include Huawei, Kaspersky, Kudelski, Microsoft, Swift, Swissgrid and Telefonica."
    assert ("represented at", "Geneva Dialogue workshop, November 2018") in facts
    # 001:131, 133, 216: "[International Cybersecurity Norms](#). 2016. Microsoft." … "[From Articulation to Implementation …](#)."
    assert {label for relation, label in facts if relation.startswith("publishes")} == {
        "International Cybersecurity Norms", "The need for a Digital Geneva Convention",
        "From Articulation to Implementation: Enabling progress on cybersecurity norms"}


def test_q_claims_per_status(run):
    rows = {(row["documentTitle"], row["statusLabel"]): row for row in run("claims-per-status")}
    # 001:110 "The private sector has thus far argued …" and 001:118 "The communities and users have thus far argued …"
    assert rows[("Baseline study — States", "suggested")]["claimants"] == 2
    assert rows[("Baseline study — States", "suggested")]["broaderLabel"] == "advocated"
    # 001:162 "civil society actors recognise that states already engage in security provision …⁴² Efforts aimed at norm
    # development are also recognised …⁴³ … are also referred to as already ongoing activities.⁴⁴"
    recognised = rows[("Baseline study — States", "recognised")]
    assert (recognised["claims"], recognised["claimants"], recognised["broaderLabel"]) == (3, 1, "assumed")
    # 000:436-483: the Annex 1 entries of the Prospective R&R columns
    assert rows[("Phase 1 Report", "prospective")]["claims"] == 17


def test_q_responsibilities_serving_norm(run):
    rows = run("responsibilities-serving-norm")
    # 000:152 "i) States should take reasonable steps to ensure the integrity of the supply chain …"
    assert ("responsibility/states/gge-2015-13i", "advocated", 152) in {
        (row["responsibility"], row["statusLabel"], row["line"]) for row in rows}
    # 000:453 (row 13 (g)) and 000:467 (row 13 (i)): "<li>- Contribute to ensuring supply chain integrity</li>"
    supply = where(rows, label="Contribute to ensuring supply chain integrity", statusLabel="prospective")
    assert sorted(col(supply, "line")) == [453, 467]


def test_q_works_by_year_range(run):
    rows = run("works-by-year-range")
    # 001:67 "¹⁰ [Chair's Statement](#). 2015. Global Conference on Cyberspace." and notes 13, 15, 18, 19, 23, 25
    chairs = where(rows, title="Chair's Statement")
    assert split(chairs[0]["footnotes"]) == {f"Baseline study — States {n}" for n in (10, 13, 15, 18, 19, 23, 25)}
    early = {(row["title"], row["year"]) for row in run("works-by-year-range", **{"from": 1900, "to": 1990})}
    # 000:134 "(General Assembly Resolution 2625 (XXV), 1970)"  000:365 "S. Krasner, ‘Overviews’, … 1983), p.2."
    assert early == {("Declaration on Principles of International Law Concerning Friendly Relations and Co-operation Among "
                      "States in Accordance with the Charter of the United Nations", "1970"), ("Overviews", "1983")}


def test_q_traditional_state_responsibilities(run):
    rows = run("traditional-state-responsibilities")
    # 000:101 "a traditional and simple understanding of responsible state behaviour … would include the following:"
    # 000:103 "- Responsibility for the safety and well-being …" 000:104 "- Responsibility to protect sovereign territory …"
    # 000:105 "- Responsibility to other states and the international community as a whole."
    assert col(rows, "line") == [103, 104, 105]
    assert rows[2]["quote"] == "Responsibility to other states and the international community as a whole."
    # 000:316 "While still bearing primary responsibility for national security and the safety of citizens"
    assert "States (assumed, line 316)" in split(rows[0]["alsoClaimed"], "; ")


def test_q_krasner_regime_components(run):
    rows = run("krasner-regime-components")
    # 000:350 "Implicit or explicit principles, norms, rules and decision-making procedures … Principles are beliefs of fact,
    #          causation and rectitude. Norms are standards of behaviour …"  000:365 "<sup>39</sup> S. Krasner, ‘Overviews’"
    assert col(rows, "label") == ["Regime", "Principles", "Norms", "Rules", "Decision-making procedures"]
    assert rows[2]["definition"] == "Norms are standards of behaviour defined in terms of rights and obligations."
    assert {(row["line"], row["footnote"], row["workTitle"], row["year"]) for row in rows} == {(350, 39, "Overviews", "1983")}


def test_q_environment_criteria(run):
    rows = run("environment-criteria")
    # 000:57 "- Non-exclusivity: …" 000:58 "- Behavioural consistency: …" 000:59 "- Trustworthiness: …"
    # 000:60 "- Positive incentives: …" 000:61 "- Negative incentives (i.e. disincentives): …"
    assert [(row["label"], row["line"]) for row in rows] == [
        ("Non-exclusivity", 57), ("Behavioural consistency", 58), ("Trustworthiness", 59), ("Positive incentives", 60),
        ("Negative incentives", 61)]
    assert rows[2]["definition"] == (
        "there should be a general sense that in this environment as in any other, contracts properly made will be respected and binding.")


def test_q_search_quotes(run):
    rows = run("search-quotes")
    # 000:156 "paragraph 13 c) of the 2015 report relates to the principle of due diligence and state responsibility"
    # 001:212 "But whether transit states—states through which the operations merely travel—bear a due diligence obligation"
    assert {("Phase 1 Report", 156, "norm/principle-of-due-diligence"), ("Baseline study — States", 212, "concept/due-diligence")} <= {
        (row["documentTitle"], row["line"], row["resource"]) for row in rows}
    assert all("due diligence" in str(row["quote"]).lower() for row in rows)


def test_q_legal_principles_and_instruments(run):
    rows = run("legal-principles-and-instruments")
    # 000:109 "Article 2.4 insists that all members of the United Nations shall refrain ‘from the threat or use of force against
    #          the territorial integrity or political independence of any state’"
    force = where(rows, norm="norm/un-charter-2-4")[0]
    assert (force["notation"], force["instrumentLabel"], force["phrasingLabel"], force["line"]) == (
        "Art. 2(4)", "Charter of the United Nations", "restraint", 109)
    # 000:327 "CBM 7 specifies that “participating states will voluntarily share information …”"
    commitments = run("legal-principles-and-instruments", kind="https://w3id.org/normgraph/def/PoliticalCommitment")
    assert ("CBM 7", 327) in {(row["notation"], row["line"]) for row in commitments}


def test_q_footnote_citations(run):
    rows = run("footnote-citations")
    # 001:141+148 "³⁵ [Confidence-building measures in cyberspace](#). 2014. Atlantic Council. … Hill, R. 2018. [Best practices in
    # cyber security from intergovernmental](#) … [discussions, and a private sector proposal](#). 2017. … [Risk and
    # Responsibility in a Hyperconnected World](#). 2012. WEF."
    assert col(rows, "position") == list(range(1, 8))
    assert (rows[0]["title"], rows[-1]["title"]) == ("Confidence-building measures in cyberspace",
                                                    "Risk and Responsibility in a Hyperconnected World")
    # 001:123 "- Cooperation, namely international, through state-to-state contracts, … provision of assistance.³⁵"
    assert str(rows[0]["citedFrom"]).startswith("Cooperation, namely international")
    # 000:219 "<sup>19</sup> The authors are grateful to Dennis Broeders …" — cites no work
    note19 = run("footnote-citations", document=PHASE1, number=19)
    assert [(row["line"], row["work"]) for row in note19] == [(219, None)]


def test_q_footnotes_of_document_with_works(run):
    rows = run("footnotes-of-document-with-works")
    # 001:220 "⁵¹ Schmitt. M. 2015. [In Defense of Due Diligence in Cyberspace](#). The Yale Law Journal Forum." is the last note
    assert sorted(set(col(rows, "footnote"))) == list(range(1, 52))
    # 001:30 "¹ [African Union Convention …](#). 2014. African Union. … [Decision no.1106](#). 2013. OSCE." — eight works
    note1 = where(rows, footnote=1)
    assert len(note1) == 8 and (note1[0]["title"], note1[-1]["title"]) == (
        "African Union Convention on Cyber Security and Personal Data Protection", "Decision no.1106")
    # 001:190 "⁴⁵ *Ibid.*" — cites the WEF playbook through the Ibid.
    assert [(row["title"], row["viaIbid"]) for row in where(rows, footnote=45)] == [
        ("Cyber Resilience. Playbook for Public-Private Cooperation", True)]
    phase1 = run("footnotes-of-document-with-works", document=PHASE1)
    # 000:446 "<sup>43</sup> UN General Assembly, …" is the last of 43 notes
    assert len(set(col(phase1, "footnote"))) == 43


def test_q_restraint_quote_line_after_page_break(run):
    # 001:41 "- Responsible behaviour, … sees agreements on taking responsibility for actions in cyberspace," continues after
    # the footnotes at 001:51 "… Negative responsibilities refer to agreements *not* to conduct or support ICT-enabled theft
    # of intellectual property …⁸"
    rows = where(run("restraint-responsibilities-with-claimants-and-sources"),
                 responsibility="responsibility/states/refrain-from-ict-enabled-theft-of-intellectual-property", statusLabel="assumed")
    assert col(rows, "line") == [51]


def test_q_states_with_external_identifiers(run):
    # 000:421 "States represented included France, Germany, Israel, Kenya, the Netherlands, Mexico and the United Kingdom.
    #          The United States, Russia and China were invited to send representatives." — the ten states, with
    #          the identifiers of data/registry/links.yaml (graph/links)
    rows = run("states-with-external-identifiers")
    assert col(rows, "label") == ["China", "France", "Germany", "Israel", "Kenya", "Mexico", "Netherlands", "Russia",
                                  "United Kingdom", "United States"]
    france = where(rows, label="France")
    assert [(r["alpha2"], r["alpha3"], r["wikidata"], r["euCountry"]) for r in france] == [
        ("FR", "FRA", "http://www.wikidata.org/entity/Q142", "http://publications.europa.eu/resource/authority/country/FRA")]
    assert {(r["alpha2"], r["alpha3"]) for r in rows} >= {("GB", "GBR"), ("US", "USA"), ("CN", "CHN"), ("KE", "KEN")}
    assert [r["wikidata"] for r in where(rows, label="Netherlands")] == [None]  # two candidate items: none linked
