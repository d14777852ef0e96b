"""Fact tests: specific facts a careful reader can check in the two bundled documents, asserted
through SPARQL on the built store.

Every test names the document line(s) it comes from as ``000:LINE`` (data/documents/
000_81206ae0df0fa091.txt, the Geneva Dialogue Phase 1 Report) or ``001:LINE`` (data/documents/
001_2fc7f1733201151b.txt, the baseline study "Roles and Responsibilities of States"), quoting the
line. A fact the graph gets wrong because of a loader or curation bug is written as it should be
and marked ``xfail(strict=True)`` with the reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest

from loaders.corpus import parse_corpus

ID = "https://w3id.org/normgraph/id/"
INFERRED = "https://w3id.org/normgraph/graph/inferred"

# Prefixes for the resources the tests name (appended to the ones conftest.py prepends). A slash
# is not allowed in a prefixed name, so every IRI folder that tests name gets its own prefix.
LOCAL_PREFIXES = f"""
PREFIX doc: <{ID}document/>
PREFIX actor: <{ID}actor/>
PREFIX cluster: <{ID}cluster/>
PREFIX status: <{ID}status/>
PREFIX dim: <{ID}dimension/>
PREFIX role: <{ID}state-role/>
PREFIX norm: <{ID}norm/>
PREFIX instrument: <{ID}instrument/>
PREFIX initiative: <{ID}initiative/>
PREFIX work: <{ID}work/>
PREFIX criterion: <{ID}criterion/>
PREFIX regime: <{ID}regime-component/>
PREFIX annex: <{ID}annex/geneva-dialogue-phase-1-report/annex-1/>
PREFIX fn000: <{ID}footnote/geneva-dialogue-phase-1-report/>
PREFIX fn001: <{ID}footnote/roles-and-responsibilities-of-states/>
PREFIX states: <{ID}responsibility/states/>
PREFIX private: <{ID}responsibility/private-sector/>
PREFIX others: <{ID}responsibility/other-actors/>
"""

Rows = list[dict[str, object]]


@pytest.fixture(scope="module")
def query(select: Callable[[str], Rows]) -> Callable[[str], Rows]:
    return lambda text: select(LOCAL_PREFIXES + text)


@pytest.fixture(scope="module")
def holds(ask: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda text: ask(LOCAL_PREFIXES + text)


def short(iri: object) -> str:
    """``https://w3id.org/normgraph/id/actor/france`` → ``actor/france``."""
    text = str(iri)
    assert text.startswith(ID), text
    return text[len(ID):]


def column(rows: Rows, name: str) -> list[object]:
    return [row[name] for row in rows]


def shorts(rows: Rows, name: str) -> set[str]:
    return {short(row[name]) for row in rows}


def single(rows: Rows, name: str) -> object:
    assert len(rows) == 1, rows
    return rows[0][name]


# =================================================================================================
# Document metadata
# =================================================================================================


def test_phase1_report_title(query):
    # 000:3 "**GENEVA DIALOGUE ON RESPONSIBLE BEHAVIOUR IN CYBERSPACE**"  000:5 "*Phase 1 Report*"
    rows = query("SELECT ?t WHERE { doc:geneva-dialogue-phase-1-report dcterms:title ?t }")
    assert single(rows, "t") == "Geneva Dialogue on Responsible Behaviour in Cyberspace — Phase 1 Report"


def test_phase1_report_authors(query):
    # 000:7 "**Professor Paul Cornish**"  000:11 "**Dr Camino Kavanagh**"
    rows = query("""
        SELECT ?name WHERE {
          doc:geneva-dialogue-phase-1-report dcterms:creator ?author .
          ?author a ng:Person ; rdfs:label ?name .
        }""")
    assert sorted(column(rows, "name")) == ["Camino Kavanagh", "Paul Cornish"]


def test_phase1_report_issue_date(holds):
    # 000:15 "31<sup>st</sup> May 2019"
    assert holds('ASK { doc:geneva-dialogue-phase-1-report dcterms:issued "2019-05-31"^^xsd:date }')


@pytest.mark.parametrize(
    ("person", "affiliation"),
    [
        # 000:9 "*Visiting Professor, LSE IDEAS, London School of Economics*"
        ("paul-cornish", "LSE IDEAS"),
        # 000:13 "*Visiting Fellow, King's College London*"
        ("camino-kavanagh", "King's College London"),
    ],
)
def test_author_affiliation(query, person, affiliation):
    rows = query(f"SELECT ?org WHERE {{ actor:{person} ng:affiliation/rdfs:label ?org }}")
    assert column(rows, "org") == [affiliation]


@pytest.mark.parametrize(
    ("person", "position"),
    [
        # 000:9 "*Visiting Professor, LSE IDEAS, London School of Economics*"
        ("paul-cornish", "Visiting Professor, LSE IDEAS, London School of Economics"),
        # 000:13 "*Visiting Fellow, King's College London*"
        ("camino-kavanagh", "Visiting Fellow, King's College London"),
    ],
)
def test_author_position(query, person, position):
    rows = query(f"SELECT ?p WHERE {{ actor:{person} ng:position ?p }}")
    assert column(rows, "p") == [position]


def test_baseline_study_title(query):
    # 001:3 "Roles and Responsibilities of States"
    rows = query("SELECT ?t WHERE { doc:roles-and-responsibilities-of-states dcterms:title ?t }")
    assert single(rows, "t") == "Roles and Responsibilities of States"


def test_baseline_study_subtitle(query):
    # 001:5 "Geneva Dialogue for Responsible Behaviour in Cyberspace in the context of international peace and security"
    rows = query("SELECT ?t WHERE { doc:roles-and-responsibilities-of-states ng:subtitle ?t }")
    assert single(rows, "t") == (
        "Geneva Dialogue for Responsible Behaviour in Cyberspace in the context of international peace and security"
    )


def test_geneva_dialogue_established_by_swiss_fdfa(query):
    # 000:41 "The Geneva Dialogue on Responsible Behaviour in Cyberspace was established by the Swiss Federal
    #         Department of Foreign Affairs"
    rows = query("SELECT ?by WHERE { initiative:geneva-dialogue ng:promotedBy ?by }")
    assert shorts(rows, "by") == {"actor/swiss-fdfa"}


# =================================================================================================
# The eleven GGE 2015 norms (000:144-154)
# =================================================================================================


def test_eleven_gge_norms(query):
    # 000:130 "The GGE thus recommended a number of non-binding norms (eleven in total)"
    rows = query("""
        SELECT (COUNT(DISTINCT ?n) AS ?count) WHERE {
          ?n a ng:VoluntaryNorm ; ng:instrument instrument:a-70-174 ; skos:notation ?notation .
        }""")
    assert single(rows, "count") == 11


def test_gge_norm_notations(query):
    # 000:144 "- a) Consistent with the purposes of the United Nations" … 000:154 "- k) States should not conduct"
    rows = query("SELECT ?notation WHERE { ?n a ng:VoluntaryNorm ; ng:instrument instrument:a-70-174 ; skos:notation ?notation }")
    assert sorted(column(rows, "notation")) == [f"13({letter})" for letter in "abcdefghijk"]


@pytest.mark.parametrize(
    ("letter", "text"),
    [
        # 000:146 "- c) States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs;"
        ("c", "States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs;"),
        # 000:149 "- f) A State should not conduct or knowingly support ICT activity contrary to its obligations …"
        (
            "f",
            "A State should not conduct or knowingly support ICT activity contrary to its obligations under international law "
            "that intentionally damages critical infrastructure or otherwise impairs the use and operation of critical "
            "infrastructure to provide services to the public;",
        ),
        # 000:154 "- k) States should not conduct or knowingly support activity to harm the information systems of the
        #          authorized emergency response teams …"
        (
            "k",
            "States should not conduct or knowingly support activity to harm the information systems of the authorized "
            "emergency response teams (sometimes known as computer emergency response teams or cybersecurity incident "
            "response teams) of another State. A State should not use authorized emergency response teams to engage in "
            "malicious international activity.",
        ),
    ],
)
def test_gge_norm_verbatim_text(query, letter, text):
    rows = query(f"SELECT ?text WHERE {{ norm:gge-2015-13{letter} ng:normText ?text }}")
    assert single(rows, "text") == text


def test_gge_norm_13c_notation(query):
    # 000:146 "- c) States should not knowingly allow their territory …"
    rows = query("SELECT ?notation WHERE { norm:gge-2015-13c skos:notation ?notation }")
    assert single(rows, "notation") == "13(c)"


def test_gge_norms_instrument_symbol(query):
    # 000:67 "United Nations General Assembly, *Group of Governmental Experts …*, A/70/174, 22 July 2015"
    rows = query("SELECT ?symbol WHERE { norm:gge-2015-13a ng:instrument/ng:documentSymbol ?symbol }")
    assert single(rows, "symbol") == "A/70/174"


def test_gge_report_issue_date(holds):
    # 000:67 "A/70/174, 22 July 2015, para. 2: <https://undocs.org/A/70/174> (UN GGE 2015)."
    assert holds('ASK { instrument:a-70-174 dcterms:issued "2015-07-22"^^xsd:date }')


def test_gge_norms_phrased_as_restraint(query):
    # 000:132 "The norms are a mix of restraint measures and positive duties"; "should not" in
    # 000:146 (c), 000:149 (f) and 000:154 (k) only
    rows = query("""
        SELECT ?notation WHERE {
          ?n a ng:VoluntaryNorm ; ng:instrument instrument:a-70-174 ; skos:notation ?notation ; ng:phrasing dim:restraint .
        }""")
    assert sorted(column(rows, "notation")) == ["13(c)", "13(f)", "13(k)"]


def test_gge_norms_phrased_as_positive_duty(query):
    # 000:132 "The norms are a mix of restraint measures and positive duties"; 000:144-153 "States should cooperate",
    # "should consider", "should respect", "should take", "should respond", "should encourage"
    rows = query("""
        SELECT ?notation WHERE {
          ?n a ng:VoluntaryNorm ; ng:instrument instrument:a-70-174 ; skos:notation ?notation ; ng:phrasing dim:positive-duty .
        }""")
    assert sorted(column(rows, "notation")) == ["13(a)", "13(b)", "13(d)", "13(e)", "13(g)", "13(h)", "13(i)", "13(j)"]


def test_gge_norm_13c_is_advocated_by_the_2015_gge(query):
    # 000:130 "The GGE thus recommended a number of non-binding norms (eleven in total)"; 000:146 "- c) …"
    rows = query("""
        SELECT ?claimant ?status WHERE {
          ?claim ng:about states:gge-2015-13c ; ng:claimant ?claimant ; ng:status ?status .
        }""")
    assert {(short(r["claimant"]), short(r["status"])) for r in rows} == {("actor/un-gge-2015", "status/advocated")}


def test_gge_norm_13c_modality_is_stated_restraint(query):
    # 000:146 "- c) States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs;"
    rows = query("""
        SELECT ?value ?basis ?exact WHERE {
          ?c ng:classifies states:gge-2015-13c ; ng:dimension dim:modality ; ng:value ?value ; ng:basis ?basis ;
             ng:evidence/oa:exact ?exact .
        }""")
    assert [(short(r["value"]), short(r["basis"]), r["exact"]) for r in rows] == [
        ("dimension/restraint", "dimension/stated",
         "States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs"),
    ]


# =================================================================================================
# Annex 1 (000:429-483)
# =================================================================================================


def test_annex_rows(query):
    # 000:433 "13 (a)", 000:437 "13 (b)", 000:441 "13 (d)", 000:448 "**13 (g)**", 000:455 "**13 (h)**",
    # 000:462 "**13 (i)**", 000:469 "**13 (j)**", 000:476 "**13 (k)**"
    rows = query("SELECT ?notation WHERE { ?annex a ng:Annex ; ng:hasRow/ng:norm/skos:notation ?notation }")
    assert sorted(column(rows, "notation")) == ["13(a)", "13(b)", "13(d)", "13(g)", "13(h)", "13(i)", "13(j)", "13(k)"]


def test_annex_omits_norms_c_e_f(query):
    # 000:433-476: the table jumps from 13 (b) to 13 (d) and from 13 (d) to 13 (g)
    rows = query("SELECT ?notation WHERE { ?annex a ng:Annex ; ng:omitsNorm/skos:notation ?notation }")
    assert sorted(column(rows, "notation")) == ["13(c)", "13(e)", "13(f)"]


def test_annex_row_13h_has_four_empty_cells(query):
    # 000:459-460 "Extant/Assumed R&R	Prospective R&R	Extant/Assumed R&R	Prospective R&R" / "----	----	----	----"
    rows = query("""
        SELECT ?cell ?empty (COUNT(?entry) AS ?entries) WHERE {
          annex:13h ng:hasCell ?cell . ?cell ng:isEmpty ?empty .
          OPTIONAL { ?cell ng:hasEntry ?entry }
        } GROUP BY ?cell ?empty""")
    assert sorted((r["empty"], r["entries"]) for r in rows) == [(True, 0)] * 4


def test_annex_13g_private_sector_prospective_has_six_entries(query):
    # 000:453 "<li>- Develop products with due regard …</li> … <li>- Contribute to ensuring supply chain integrity</li>"
    rows = query("""
        SELECT (COUNT(?entry) AS ?count) WHERE {
          annex:13g ng:hasCell ?cell .
          ?cell ng:actorGroup cluster:private-sector ; ng:status status:prospective ; ng:hasEntry ?entry .
        }""")
    assert single(rows, "count") == 6


def test_annex_13g_private_sector_prospective_entries_in_order(query):
    # 000:453 "<li>- Develop products with due regard for security and maintain legacy systems</li> <li>- Support
    #          attribution efforts</li> <li>- Refrain from security-endangering offensive measures … </li>
    #          <li>- Provide active assistance …</li> <li>- Refrain from backing state actors in offensive activities</li>
    #          <li>- Contribute to ensuring supply chain integrity</li>"
    rows = query("""
        SELECT ?text WHERE {
          annex:13g ng:hasCell ?cell .
          ?cell ng:actorGroup cluster:private-sector ; ng:status status:prospective ; ng:hasEntry ?entry .
          ?entry ng:text ?text ; ng:order ?order .
        } ORDER BY ?order""")
    assert column(rows, "text") == [
        "Develop products with due regard for security and maintain legacy systems",
        "Support attribution efforts",
        "Refrain from security-endangering offensive measures and subversive actions (e.g. hack-backs)",
        "Provide active assistance in implementing norms of responsible behaviour",
        "Refrain from backing state actors in offensive activities",
        "Contribute to ensuring supply chain integrity",
    ]


def test_annex_13d_private_sector_column_header(query):
    # 000:443 "Current R&R	Prospective R&R	Extant/Assumed R&R	Prospective R&R"
    rows = query("""
        SELECT ?header WHERE {
          annex:13d ng:hasCell ?cell .
          ?cell ng:actorGroup cluster:private-sector ; ng:status status:assumed ; ng:columnHeader ?header .
        }""")
    assert single(rows, "header") == "Current R&R"


def test_annex_13a_private_sector_group_header(query):
    # 000:434 "PRIVATE (TECH) SECTOR		OTHER ACTORS"
    rows = query("""
        SELECT DISTINCT ?header WHERE {
          annex:13a ng:hasCell ?cell . ?cell ng:actorGroup cluster:private-sector ; ng:groupHeader ?header .
        }""")
    assert single(rows, "header") == "PRIVATE (TECH) SECTOR"


def test_annex_13d_private_sector_current_entries(query):
    # 000:444 "- Forensics - PPPs with law enforcement, IRUs etc. - Self-regulation (GIF, ToS etc.) - National regulation/ legislation"
    rows = query("""
        SELECT ?text WHERE {
          annex:13d ng:hasCell ?cell .
          ?cell ng:actorGroup cluster:private-sector ; ng:status status:assumed ; ng:hasEntry ?entry .
          ?entry ng:text ?text ; ng:order ?order .
        } ORDER BY ?order""")
    assert column(rows, "text") == [
        "Forensics", "PPPs with law enforcement, IRUs etc.", "Self-regulation (GIF, ToS etc.)", "National regulation/ legislation",
    ]


def test_annex_13d_other_actors_extant_entries(query):
    # 000:444 "- Research, inc. on IL (e.g., work of the ILC) - Security research - Technical support to victims
    #          - Incident response (CERTs)"
    rows = query("""
        SELECT ?text WHERE {
          annex:13d ng:hasCell ?cell .
          ?cell ng:actorGroup cluster:other-actors ; ng:status status:assumed ; ng:hasEntry ?entry .
          ?entry ng:text ?text ; ng:order ?order .
        } ORDER BY ?order""")
    assert column(rows, "text") == [
        "Research, inc. on IL (e.g., work of the ILC)", "Security research", "Technical support to victims", "Incident response (CERTs)",
    ]


def test_annex_13d_row_text_differs_from_norm_list(query):
    # 000:441 "13 (d)	States should consider how best to cooperate to exchange information, assist each other, and
    #          prosecute terrorist and criminal use of ICTs and implement other cooperative measures to address such threats."
    rows = query("SELECT ?text WHERE { annex:13d ng:rowText ?text }")
    assert single(rows, "text") == (
        "States should consider how best to cooperate to exchange information, assist each other, and prosecute terrorist "
        "and criminal use of ICTs and implement other cooperative measures to address such threats."
    )


def test_annex_13i_private_extant_refers_to_tech_accord(query):
    # 000:467 "<ul style="list-style-type: none"> <li>- Tech Accord</li> </ul>" (first column: Extant/Assumed R&R)
    rows = query("""
        SELECT ?initiative WHERE {
          annex:13i ng:hasCell ?cell .
          ?cell ng:actorGroup cluster:private-sector ; ng:status status:assumed ; ng:hasEntry/ng:refersTo ?initiative .
        }""")
    assert shorts(rows, "initiative") == {"initiative/cybersecurity-tech-accord"}


def test_tech_accord_initiative_label(query):
    # 000:241 "the multiple-signatory Cybersecurity Tech Accord"
    rows = query("SELECT ?label WHERE { initiative:cybersecurity-tech-accord rdfs:label ?label }")
    assert single(rows, "label") == "Cybersecurity Tech Accord"


def test_annex_13j_msft_campaign_refers_to_digital_peace_now(query):
    # 000:474 "<li>- Tech Accord</li> <li>- MSFT Digital Peace Campaign</li>"
    rows = query("""
        SELECT ?initiative WHERE {
          annex:13j ng:hasCell ?cell .
          ?cell ng:actorGroup cluster:private-sector ; ng:status status:assumed ; ng:hasEntry ?entry .
          ?entry ng:text "MSFT Digital Peace Campaign"@en ; ng:refersTo ?initiative .
        }""")
    assert shorts(rows, "initiative") == {"initiative/digital-peace-now"}


def test_annex_13k_other_actors_prospective_has_two_entries(query):
    # 000:483 "<li>- The technical community could develop a form of “rapid reaction plan” …</li>
    #          <li>- Report on ICT-related vulnerabilities and back these documents with evidence-based research.</li>"
    rows = query("""
        SELECT (COUNT(?entry) AS ?count) WHERE {
          annex:13k ng:hasCell ?cell .
          ?cell ng:actorGroup cluster:other-actors ; ng:status status:prospective ; ng:hasEntry ?entry .
        }""")
    assert single(rows, "count") == 2


def test_annex_has_32_entries(query):
    # 000:436 (3), 000:440 (2), 000:444 (8), 000:453 (9), 000:459 (0), 000:467 (4), 000:474 (4), 000:483 (2)
    rows = query("SELECT (COUNT(?entry) AS ?count) WHERE { ?annex a ng:Annex ; ng:hasRow/ng:hasCell/ng:hasEntry ?entry }")
    assert single(rows, "count") == 32


def test_annex_column_statuses(query):
    # 000:435 "Extant/Assumed R&R	Prospective R&R	Extant/Assumed R&R	Prospective R&R"; 000:443 "Current R&R	Prospective R&R …"
    rows = query("SELECT DISTINCT ?header ?status WHERE { ?cell a ng:AnnexCell ; ng:columnHeader ?header ; ng:status ?status }")
    assert {(r["header"], short(r["status"])) for r in rows} == {
        ("Extant/Assumed R&R", "status/assumed"),
        ("Current R&R", "status/assumed"),
        ("Prospective R&R", "status/prospective"),
    }


def test_hack_back_responsibility_serves_13g_and_13i(query):
    # 000:453 (13 (g)) and 000:467 (13 (i)) both list "- Refrain from security-endangering offensive measures and
    # subversive actions (e.g. hack-backs)"
    rows = query("""
        SELECT ?notation WHERE {
          ?r rdfs:label "Refrain from security-endangering offensive measures and subversive actions (e.g. hack-backs)"@en ;
             ng:servesNorm/skos:notation ?notation .
        }""")
    assert sorted(column(rows, "notation")) == ["13(g)", "13(i)"]


def test_hack_back_responsibility_has_two_prospective_annex_claims(query):
    # 000:453 and 000:467: the same entry in the Prospective R&R column of rows 13 (g) and 13 (i)
    rows = query("""
        SELECT ?claim ?claimant WHERE {
          ?r rdfs:label "Refrain from security-endangering offensive measures and subversive actions (e.g. hack-backs)"@en .
          ?claim ng:about ?r ; ng:status status:prospective ; ng:claimant ?claimant .
        }""")
    assert sorted(short(r["claimant"]) for r in rows) == ["actor/geneva-dialogue-workshop-participants"] * 2


def test_hack_back_responsibility_is_one_resource(query):
    # 000:453 and 000:467: the same entry text in two cells is one responsibility
    rows = query("""
        SELECT DISTINCT ?r WHERE {
          ?r a ng:Responsibility ;
             rdfs:label "Refrain from security-endangering offensive measures and subversive actions (e.g. hack-backs)"@en .
        }""")
    assert shorts(rows, "r") == {"responsibility/private-sector/refrain-from-security-endangering-offensive-measures-and"}


def test_annex_research_entry_claims(query):
    # 000:436 (13 (a)) and 000:440 (13 (b)): "- Research" in the other actors' Extant/Assumed R&R column
    rows = query("""
        SELECT ?notation WHERE {
          ?claim ng:about others:research ; ng:status status:assumed ;
                 ng:claimant actor:geneva-dialogue-workshop-participants .
          ?entry ng:expresses ?claim . ?row ng:hasCell/ng:hasEntry ?entry ; ng:norm/skos:notation ?notation .
        }""")
    assert sorted(column(rows, "notation")) == ["13(a)", "13(b)"]


# =================================================================================================
# Footnotes
# =================================================================================================


@pytest.mark.parametrize(
    ("document", "count"),
    [
        # 000:446 "<sup>43</sup> UN General Assembly, *Group of Governmental Experts …*" is the last note
        ("geneva-dialogue-phase-1-report", 43),
        # 001:220 "⁵¹ Schmitt. M. 2015. [In Defense of Due Diligence in Cyberspace](#). The Yale Law Journal Forum."
        ("roles-and-responsibilities-of-states", 51),
    ],
)
def test_footnote_count(query, document, count):
    rows = query(f"""
        SELECT (COUNT(DISTINCT ?n) AS ?count) (MIN(?n) AS ?first) (MAX(?n) AS ?last) WHERE {{
          ?f a ng:Footnote ; ng:inDocument doc:{document} ; ng:noteNumber ?n .
        }}""")
    assert (rows[0]["count"], rows[0]["first"], rows[0]["last"]) == (count, 1, count)


def test_ibid_notes_of_phase1_report(query):
    # 000:77 "<sup>4</sup> Ibid." (after note 3);  000:142 "<sup>12</sup> Ibid, pp.7-8." (after note 11)
    rows = query("""
        SELECT ?n ?target WHERE {
          ?f ng:inDocument doc:geneva-dialogue-phase-1-report ; ng:isIbid true ; ng:noteNumber ?n ; ng:ibidOf/ng:noteNumber ?target .
        }""")
    assert sorted((r["n"], r["target"]) for r in rows) == [(4, 3), (12, 11)]


def test_ibid_notes_of_baseline_study(query):
    # 001:188 "⁴⁴ [Cyber Resilience. Playbook …](#). 2018. WEF."  001:190-194 "⁴⁵ *Ibid.*" "⁴⁶ *Ibid.*" "⁴⁷ *Ibid.*"
    rows = query("""
        SELECT ?n ?target WHERE {
          ?f ng:inDocument doc:roles-and-responsibilities-of-states ; ng:isIbid true ; ng:noteNumber ?n ;
             ng:ibidOf/ng:noteNumber ?target .
        }""")
    assert sorted((r["n"], r["target"]) for r in rows) == [(45, 44), (46, 44), (47, 44)]


@pytest.mark.parametrize("note", [45, 46, 47])
def test_ibid_citation_of_baseline_study(query, note):
    # 001:188 "⁴⁴ [Cyber Resilience. Playbook for Public-Private Cooperation](#). 2018. WEF."  001:190 "⁴⁵ *Ibid.*" …
    rows = query(f"""
        SELECT ?work ?via WHERE {{
          ?c ng:inFootnote fn001:{note} ; ng:citedWork ?work ; ng:viaIbid ?via .
        }}""")
    assert [(short(r["work"]), r["via"]) for r in rows] == [("work/cyber-resilience-playbook-for-public-private-cooperation", True)]


def test_cyber_resilience_playbook_metadata(query):
    # 001:184 "⁴² [Cyber Resilience. Playbook for Public-Private Cooperation](#). 2018. WEF."
    rows = query("""
        SELECT ?title ?year ?publisher WHERE {
          work:cyber-resilience-playbook-for-public-private-cooperation dcterms:title ?title ; ng:year ?year ;
              dcterms:publisher ?publisher .
        }""")
    assert [(r["title"], r["year"], short(r["publisher"])) for r in rows] == [
        ("Cyber Resilience. Playbook for Public-Private Cooperation", "2018", "actor/world-economic-forum"),
    ]


def test_footnote_42_cited_from_next_steps_paragraph(query):
    # 000:415 "The first Geneva Dialogue workshop was well-attended by representatives of the different stakeholder
    #          communities.<sup>42</sup>"
    rows = query("SELECT ?text WHERE { fn000:42 ng:citedFrom/ng:text ?text }")
    assert str(single(rows, "text")).startswith(
        "The first Geneva Dialogue workshop was well-attended by representatives of the different stakeholder communities."
    )


@pytest.mark.parametrize(
    ("category", "status", "actors"),
    [
        # 000:421 "States represented included France, Germany, Israel, Kenya, the Netherlands, Mexico and the United Kingdom."
        ("states", "represented", {"france", "germany", "israel", "kenya", "netherlands", "mexico", "united-kingdom"}),
        # 000:421 "The United States, Russia and China were invited to send representatives."
        ("states", "invited", {"united-states", "russia", "china"}),
        # 000:421 "Companies represented include Huawei, Kaspersky, Kudelski, Microsoft, Swift, Swissgrid and Telefonica."
        ("private-sector", "represented", {"huawei", "kaspersky", "kudelski", "microsoft", "swift", "swissgrid", "telefonica"}),
        # 000:421 "The technical community was also represented, including by APNIC, FIRST, HEIG-VD, the Institute for Security
        #          and Safety and Namibia University of Science and Technology."
        (
            "technical-community", "represented",
            {"apnic", "first", "heig-vd", "institute-for-security-and-safety", "namibia-university-of-science-and-technology"},
        ),
        # 000:421 "Civil society was represented by organisations such as Citizen Lab, Global Partners, ICRC, ICT4Peace, the Just
        #          Net Coalition and the World Economic Forum."
        (
            "civil-society", "represented",
            {"citizen-lab", "global-partners-digital", "icrc", "ict4peace-foundation", "just-net-coalition", "world-economic-forum"},
        ),
        # 000:421 "Academia and policy research think-tanks included CCDCOE, CEIP, EUISS, the Hoover Institute and the
        #          Universities of Cambridge and Lausanne."
        (
            "academia", "represented",
            {"ccdcoe", "carnegie-endowment-for-international-peace", "euiss", "hoover-institution", "university-of-cambridge",
             "university-of-lausanne"},
        ),
    ],
)
def test_workshop_participants_by_category(query, category, status, actors):
    rows = query(f"""
        SELECT ?actor WHERE {{
          ?p a ng:Participation ; ng:event initiative:geneva-dialogue-workshop-2018 ; ng:category cluster:{category} ;
             ng:participationStatus "{status}" ; ng:participant ?actor .
        }}""")
    assert shorts(rows, "actor") == {f"actor/{slug}" for slug in actors}


def test_invited_states_were_invited_only(query):
    # 000:421 "The United States, Russia and China were invited to send representatives." (not "represented")
    rows = query("""
        SELECT ?state ?relation WHERE {
          VALUES ?state { actor:united-states actor:russia actor:china }
          VALUES ?relation { ng:participatedIn ng:invitedTo }
          ?state ?relation initiative:geneva-dialogue-workshop-2018 .
        }""")
    assert {(short(r["state"]), r["relation"].rsplit("/", 1)[1]) for r in rows} == {
        ("actor/united-states", "invitedTo"), ("actor/russia", "invitedTo"), ("actor/china", "invitedTo"),
    }


@pytest.mark.parametrize(
    ("note", "source"),
    [
        # 000:67 "<sup>1</sup> United Nations General Assembly, … A/70/174, 22 July 2015"
        (1, "instrument/a-70-174"),
        # 000:446 "<sup>43</sup> UN General Assembly, … (UNGA: A/70/174, 22 July 2015), pp.7-8."
        (43, "instrument/a-70-174"),
    ],
)
def test_phase1_footnote_cites_gge_report(query, note, source):
    rows = query(f"SELECT ?src WHERE {{ fn000:{note} cito:cites ?src }}")
    assert shorts(rows, "src") == {source}


def test_krasner_footnote_cites_international_regimes_1983(query):
    # 000:365 "<sup>39</sup> S. Krasner, ‘Overviews’, in S. Krasner (ed.), *International Regimes* (London: Cornell
    #          University Press, 1983), p.2."
    rows = query("""
        SELECT ?title ?year ?creator WHERE {
          ?c ng:inFootnote fn000:39 ; ng:citedWork ?w . ?w dcterms:title ?title ; ng:year ?year ; dcterms:creator ?creator .
        }""")
    assert [(r["title"], r["year"], short(r["creator"])) for r in rows] == [("Overviews", "1983", "actor/stephen-krasner")]


# =================================================================================================
# Cited works of the baseline study (001)
# =================================================================================================


def test_commonwealth_cybergovernance_model_metadata(query):
    # 001:30 "[Commonwealth Cybergovernance Model](#). 2014. Commonwealth Telecommunications Organisation."
    rows = query("""
        SELECT ?title ?year ?publisher WHERE {
          work:commonwealth-cybergovernance-model dcterms:title ?title ; ng:year ?year ; dcterms:publisher ?publisher .
        }""")
    assert [(r["title"], r["year"], short(r["publisher"])) for r in rows] == [
        ("Commonwealth Cybergovernance Model", "2014", "actor/commonwealth-telecommunications-organisation"),
    ]


def test_commonwealth_cybergovernance_model_cited_in_seven_footnotes(query):
    # 001:30 (¹), 001:34 (³), 001:43 (⁴), 001:45 (⁵), 001:47 (⁶), 001:49 (⁷), 001:63 (⁸):
    # "[Commonwealth Cybergovernance Model](#). 2014. Commonwealth Telecommunications Organisation."
    rows = query("SELECT DISTINCT ?n WHERE { ?c ng:citedWork work:commonwealth-cybergovernance-model ; ng:inFootnote/ng:noteNumber ?n }")
    assert sorted(column(rows, "n")) == [1, 3, 4, 5, 6, 7, 8]


def test_most_cited_works_of_baseline_study(query):
    # Counted from 001:30-220: no work is cited in more than seven notes; seven are reached by the Commonwealth
    # Cybergovernance Model (¹ ³ ⁴ ⁵ ⁶ ⁷ ⁸), "The role and responsibilities of an effective regulator" (⁹ ¹¹ ¹² ¹³ ¹⁴ ¹⁵ ¹⁷),
    # "Cybersecurity policy making at a turning point" (⁹ ¹⁴ ¹⁷ ²⁸ ²⁹ ³⁶ ³⁸), "2015 GGE Report" (⁹ ¹² ¹³ ¹⁵ ¹⁶ ¹⁸ ²⁰),
    # the 2015 "Chair's Statement" (¹⁰ ¹³ ¹⁵ ¹⁸ ¹⁹ ²³ ²⁵) and the WEF playbook (³⁹ ⁴² ⁴³ ⁴⁴ and Ibid. ⁴⁵ ⁴⁶ ⁴⁷)
    rows = query("""
        SELECT ?w (COUNT(DISTINCT ?f) AS ?notes) WHERE {
          ?c a ng:Citation ; ng:citedWork ?w ; ng:inFootnote ?f . ?f ng:inDocument doc:roles-and-responsibilities-of-states .
        } GROUP BY ?w ORDER BY DESC(?notes)""")
    top = max(r["notes"] for r in rows)
    assert (top, {short(r["w"]) for r in rows if r["notes"] == top}) == (7, {
        "work/commonwealth-cybergovernance-model",
        "work/the-role-and-responsibilities-of-an-effective-regulator",
        "work/cybersecurity-policy-making-at-a-turning-point",
        "instrument/a-70-174",  # "2015 GGE Report" is the instrument A/70/174 (data/registry/works.yaml)
        "work/chair-s-statement-2015",
        "work/cyber-resilience-playbook-for-public-private-cooperation",
    })


def test_three_chairs_statements(query):
    # 001:90 "[Chair's Statement](#). 2011. Global Conference on Cyberspace. [Chair's Statement](#). 2015. …";
    # 001:96 "²¹ [Chair's Statement](#). 2017. Global Conference on Cyberspace."
    rows = query("""
        SELECT ?year ?publisher WHERE {
          ?w a ng:CitedWork ; dcterms:title "Chair's Statement"@en ; ng:year ?year ; dcterms:publisher ?publisher .
        }""")
    assert sorted((r["year"], short(r["publisher"])) for r in rows) == [
        ("2011", "actor/global-conference-on-cyberspace"),
        ("2015", "actor/global-conference-on-cyberspace"),
        ("2017", "actor/global-conference-on-cyberspace"),
    ]


@pytest.mark.parametrize(
    ("year", "notes"),
    [
        # 001:90 "¹⁸ [Chair's Statement](#). 2011. …"  001:98 "²² [Chair's Statement](#). 2011. Global Conference on Cyberspace."
        ("2011", [18, 22]),
        # 001:67 "¹⁰ [Chair's Statement](#). 2015. Global Conference on Cyberspace." and notes ¹³ ¹⁵ ¹⁸ ¹⁹ ²³ ²⁵
        ("2015", [10, 13, 15, 18, 19, 23, 25]),
        # 001:96 "²¹ [Chair's Statement](#). 2017. Global Conference on Cyberspace."
        ("2017", [21]),
    ],
)
def test_chairs_statement_footnotes(query, year, notes):
    rows = query(f"""
        SELECT DISTINCT ?n WHERE {{
          ?w dcterms:title "Chair's Statement"@en ; ng:year "{year}"^^xsd:gYear .
          ?c ng:citedWork ?w ; ng:inFootnote/ng:noteNumber ?n .
        }}""")
    assert sorted(column(rows, "n")) == notes


def test_hill_work_title_reassembled_across_page_break(query):
    # 001:141 "Hill, R. 2018. [Best practices in cyber security from intergovernmental](#)" continued after the page
    # break at 001:148 "[discussions, and a private sector proposal](#). 2017. Richard Hill, Hill & Associates."
    rows = query("""
        SELECT ?title ?year WHERE {
          ?c ng:inFootnote fn001:35 ; ng:citedWork ?w . ?w dcterms:creator actor:richard-hill ; dcterms:title ?title ; ng:year ?year .
        }""")
    assert [(r["title"], r["year"]) for r in rows] == [
        ("Best practices in cyber security from intergovernmental discussions, and a private sector proposal", "2017"),
    ]


def test_hill_work_publisher(query):
    # 001:152 "³⁷ [Best practices in cyber security from intergovernmental discussions, and a private sector proposal](#).
    #          2017. Richard Hill, Hill & Associates."
    rows = query("SELECT ?p WHERE { work:best-practices-in-cyber-security-from-intergovernmental dcterms:publisher ?p }")
    assert shorts(rows, "p") == {"actor/hill-and-associates"}


def test_hill_work_cited_in_four_footnotes(query):
    # 001:141/148 (³⁵), 001:152 (³⁷), 001:154 (³⁸), 001:182 (⁴¹)
    rows = query("""
        SELECT DISTINCT ?n WHERE {
          ?c ng:citedWork work:best-practices-in-cyber-security-from-intergovernmental ; ng:inFootnote/ng:noteNumber ?n .
        }""")
    assert sorted(column(rows, "n")) == [35, 37, 38, 41]


def test_no_work_titled_with_a_title_fragment(query):
    # 001:141 "[Best practices in cyber security from intergovernmental](#)" + 001:148 "[discussions, and a private sector
    # proposal](#)" are two halves of one title, not two works
    rows = query("""
        SELECT ?w WHERE {
          ?w dcterms:title ?title .
          FILTER(STR(?title) IN ("Best practices in cyber security from intergovernmental", "discussions, and a private sector proposal"))
        }""")
    assert rows == []


def test_footnote_35_has_seven_citations(query):
    # 001:141+148 "³⁵ [Confidence-building measures in cyberspace](#). 2014. Atlantic Council. [Rights and Responsibilities
    # in Cyberspace](#). … [Best practices …](#) [discussions, …](#). 2017. … [Risk and Responsibility in a Hyperconnected World](#)."
    rows = query("SELECT ?pos ?w WHERE { ?c a ng:Citation ; ng:inFootnote fn001:35 ; ng:position ?pos ; ng:citedWork ?w } ORDER BY ?pos")
    assert [short(r["w"]) for r in rows] == [
        "work/confidence-building-measures-in-cyberspace",
        "work/rights-and-responsibilities-in-cyberspace",
        "work/briefings-from-the-research-advisory-group",
        "work/the-it-industry-s-cybersecurity-principles-for-industry-and",
        "work/international-cyber-norms",
        "work/best-practices-in-cyber-security-from-intergovernmental",
        "work/risk-and-responsibility-in-a-hyperconnected-world",
    ]


def test_getting_beyond_norms_is_one_work(query):
    # 001:135 "³² [Getting beyond norms. New approaches …](#). 2017. CIGI."  001:158 "⁴⁰ [Getting Beyond Norms. New approaches …](#)."
    rows = query("""
        SELECT DISTINCT ?w WHERE {
          ?w a ng:CitedWork ; dcterms:title ?t FILTER(STRSTARTS(LCASE(STR(?t)), "getting beyond norms"))
        }""")
    assert shorts(rows, "w") == {"work/getting-beyond-norms-new-approaches-to-international-cyber"}


def test_getting_beyond_norms_cited_in_footnotes_32_and_40(query):
    # 001:135 "³² [Getting beyond norms. …](#). 2017. CIGI."  001:158 "⁴⁰ [Getting Beyond Norms. …](#). 2017. CIGI."
    rows = query("""
        SELECT DISTINCT ?n WHERE {
          ?c ng:citedWork work:getting-beyond-norms-new-approaches-to-international-cyber ; ng:inFootnote/ng:noteNumber ?n .
        }""")
    assert sorted(column(rows, "n")) == [32, 40]


def test_getting_beyond_norms_publisher_and_year(query):
    # 001:135 "[Getting beyond norms. New approaches to international cyber security challenges](#). 2017. CIGI."
    rows = query("""
        SELECT ?year ?publisher WHERE {
          work:getting-beyond-norms-new-approaches-to-international-cyber ng:year ?year ; dcterms:publisher ?publisher .
        }""")
    assert [(r["year"], short(r["publisher"])) for r in rows] == [("2017", "actor/cigi")]


def test_cicte_recommendations_spellings_are_one_work(query):
    # 001:30 and 001:32 "…practitioners' workshop on OAS integral cybersecurity strategy…"; 001:45 "…workshop on the OAS
    # integral cybersecurity strategy…" (2004, Organisation of American States)
    rows = query("""
        SELECT DISTINCT ?w ?n WHERE {
          ?w a ng:CitedWork ; dcterms:title ?t FILTER(STRSTARTS(STR(?t), "Recommendations of the CICTE"))
          ?c ng:citedWork ?w ; ng:inFootnote/ng:noteNumber ?n .
        }""")
    assert sorted((short(r["w"]), r["n"]) for r in rows) == [
        ("work/recommendations-of-the-cicte-cybersecurity-practitioners", 1),
        ("work/recommendations-of-the-cicte-cybersecurity-practitioners", 2),
        ("work/recommendations-of-the-cicte-cybersecurity-practitioners", 5),
    ]


def test_industry_cyber_partnership_has_no_year(query):
    # 001:49 "NATO [Industry Cyber Partnership](#). NATO CCD CoE." (no year given)
    rows = query("SELECT ?w ?year WHERE { ?w dcterms:title \"Industry Cyber Partnership\"@en . OPTIONAL { ?w ng:year ?year } }")
    assert [(short(r["w"]), r["year"]) for r in rows] == [("work/industry-cyber-partnership", None)]


def test_industry_cyber_partnership_publisher(query):
    # 001:49 "NATO [Industry Cyber Partnership](#). NATO CCD CoE."
    rows = query("SELECT ?p WHERE { work:industry-cyber-partnership dcterms:publisher ?p }")
    assert shorts(rows, "p") == {"actor/ccdcoe"}


def test_international_cyber_norms_editors(query):
    # 001:139 "³⁴ [International Cyber Norms](#). 2016. Osula & Roigas (eds.). NATO CCD CoE."
    rows = query("SELECT ?name WHERE { work:international-cyber-norms ng:editor/rdfs:label ?name }")
    assert sorted(column(rows, "name")) == ["Anna-Maria Osula", "Henry Rõigas"]


def test_international_cyber_norms_publisher_and_year(query):
    # 001:139 "³⁴ [International Cyber Norms](#). 2016. Osula & Roigas (eds.). NATO CCD CoE."
    rows = query("SELECT ?year ?p WHERE { work:international-cyber-norms ng:year ?year ; dcterms:publisher ?p }")
    assert [(r["year"], short(r["p"])) for r in rows] == [("2016", "actor/ccdcoe")]


def test_feakin_panel_presentation(query):
    # 001:218 "⁵⁰ [International Cooperation Between CERTS: WS38 Technical Diplomacy for Cybersecurity](#). Panel
    #          presentation: Feakin. 2017. IGF."
    rows = query("""
        SELECT ?title ?genre ?year ?publisher WHERE {
          ?c ng:inFootnote fn001:50 ; ng:citedWork ?w .
          ?w dcterms:title ?title ; ng:genre ?genre ; ng:year ?year ; dcterms:publisher ?publisher ;
             dcterms:creator/rdfs:label ?creator FILTER(CONTAINS(?creator, "Feakin"))
        }""")
    assert [(r["title"], r["genre"], r["year"], short(r["publisher"])) for r in rows] == [
        ("International Cooperation Between CERTS: WS38 Technical Diplomacy for Cybersecurity", "Panel presentation", "2017", "actor/igf"),
    ]


def test_footnote_51_schmitt_2015(query):
    # 001:220 "⁵¹ Schmitt. M. 2015. [In Defense of Due Diligence in Cyberspace](#). The Yale Law Journal Forum."
    rows = query("""
        SELECT ?title ?year ?creator ?publisher WHERE {
          ?c ng:inFootnote fn001:51 ; ng:citedWork ?w .
          ?w dcterms:title ?title ; ng:year ?year ; dcterms:creator/rdfs:label ?creator ; dcterms:publisher/rdfs:label ?publisher .
        }""")
    assert [(r["title"], r["year"], r["creator"], r["publisher"]) for r in rows] == [
        ("In Defense of Due Diligence in Cyberspace", "2015", "Michael Schmitt", "The Yale Law Journal Forum"),
    ]


def test_footnote_1_of_baseline_cites_eight_works(query):
    # 001:30 "¹ [African Union Convention …](#). 2014. African Union. [APEC Cybersecurity Strategy](#). 2002. APEC. …
    #          [Decision no.1106](#). 2013. OSCE."
    rows = query("SELECT (COUNT(?c) AS ?count) WHERE { ?c a ng:Citation ; ng:inFootnote fn001:1 }")
    assert single(rows, "count") == 8


def test_tallinn_manual_2013(query):
    # 001:158 "[Tallinn Manual](#). 2013. NATO CCD CoE."
    rows = query("""
        SELECT ?year ?publisher WHERE {
          ?c ng:inFootnote fn001:40 ; ng:citedWork ?w .
          ?w dcterms:title "Tallinn Manual"@en ; ng:year ?year ; dcterms:publisher ?publisher .
        }""")
    assert [(r["year"], short(r["publisher"])) for r in rows] == [("2013", "actor/ccdcoe")]


def test_finnemore_hollis_2016_is_one_work_across_documents(query):
    # 000:71 "<sup>3</sup> M. Finnemore and D.B. Hollis (2016), ‘Constructing Cyber Norms’. *The American Journal of
    #         International Law*, Vol. 110, No. 3 (July 2016), pp. 425-479"
    # 001:150 "³⁶ [Constructing Norms for Global Cybersecurity](#). 2016. Finnemore and Hollis."
    rows = query("""
        SELECT DISTINCT ?w WHERE {
          { fn000:3 cito:cites ?w } UNION { ?c ng:inFootnote fn001:36 ; ng:position 1 ; ng:citedWork ?w }
        }""")
    assert len(rows) == 1


# =================================================================================================
# Claims of the baseline study (001)
# =================================================================================================

BULLET_CLAIMS = """
    SELECT ?claim ?order ?r WHERE {{
      ?claim a ng:Claim ; ng:claimant cluster:{claimant} ; ng:status status:{status} ; ng:order ?order ;
             ng:inParagraph/ng:inDocument doc:roles-and-responsibilities-of-states ; ng:about ?r .
      ?r ng:bearer cluster:states .
    }} ORDER BY ?order"""


@pytest.mark.parametrize(
    ("claimant", "status", "count"),
    [
        # 001:23 "The following roles and responsibilities have thus far been agreed by states …": bullets 001:25-28, 38-41
        ("states", "assumed", 8),
        # 001:55 "The following roles and responsibilities have thus far been proposed by states …": bullets 001:57-61, 77-80
        ("states", "advocated", 9),
        # 001:110 "The private sector has thus far argued that states should, among other, bear the responsibility of:" 001:112-116
        ("private-sector", "suggested", 5),
        # 001:118 "The communities and users have thus far argued that states should …": bullets 001:120-123, 143-146
        ("communities-and-users", "suggested", 8),
    ],
)
def test_baseline_bullet_claim_count(query, claimant, status, count):
    rows = query(BULLET_CLAIMS.format(claimant=claimant, status=status))
    assert len({r["claim"] for r in rows}) == count


def test_assumed_bullet_themes_in_order(query):
    # 001:25 "- Development and adoption of a cybersecurity framework." 001:26 "- Awareness raising …" 001:27 "- Capacity
    # building …" 001:28 "- Cooperation, …" 001:38 "- Norm development, …" 001:39 "- Development of, and engagement in,
    # public-private partnerships …" 001:40 "- Ensuring security of end-users …" 001:41 "- Responsible behaviour, …"
    rows = query(BULLET_CLAIMS.format(claimant="states", status="assumed"))
    assert [short(r["r"]) for r in rows] == [f"responsibility/states/{theme}" for theme in (
        "cybersecurity-framework", "awareness-raising", "capacity-building", "cooperation",
        "norm-development", "public-private-partnerships", "ensuring-security", "responsible-behaviour",
    )]


def test_private_sector_suggested_themes(query):
    # 001:112 "- Adopting national cybersecurity frameworks …" 001:113 "- Norm development …" 001:114 "- Development of, and
    # engagement in, public-private partnerships …" 001:115 "- Ensure security …" 001:116 "- Responsible behaviour …"
    rows = query(BULLET_CLAIMS.format(claimant="private-sector", status="suggested"))
    assert [short(r["r"]) for r in rows] == [f"responsibility/states/{theme}" for theme in (
        "cybersecurity-framework", "norm-development", "public-private-partnerships", "ensuring-security", "responsible-behaviour",
    )]


def test_advocated_responsible_behaviour_supported_by_notes_18_to_25(query):
    # 001:80 "- Responsible behaviour through developing comprehensive cybersecurity frameworks … overall.¹⁸ … ¹⁹ … ²⁰ …
    #         ²¹ … here²², … ²³ … Teams²⁴, … incidents.²⁵"
    rows = query("""
        SELECT ?n WHERE {
          ?claim ng:claimant cluster:states ; ng:status status:advocated ; ng:about states:responsible-behaviour ;
                 ng:order ?o ; ng:supportedBy/ng:noteNumber ?n .
        }""")
    assert sorted(column(rows, "n")) == [18, 19, 20, 21, 22, 23, 24, 25]


def test_assumed_cooperation_bullet_continues_across_page_break(query):
    # 001:28 "- Cooperation, including international, … information sharing. More" continued at 001:36 "specifically listed
    # activities also include … development of a regional CERT.⁴"
    rows = query("""
        SELECT ?n WHERE {
          ?claim ng:claimant cluster:states ; ng:status status:assumed ; ng:about states:cooperation ; ng:order ?o ;
                 ng:supportedBy/ng:noteNumber ?n .
        }""")
    assert column(rows, "n") == [4]


def test_ip_theft_responsibility_is_stated_restraint(query):
    # 001:51 "Negative responsibilities refer to agreements *not* to conduct or support ICT-enabled theft of intellectual
    #         property, including trade secrets or other confidential business information, …"
    rows = query("""
        SELECT ?value ?basis WHERE {
          ?c ng:classifies states:refrain-from-ict-enabled-theft-of-intellectual-property ; ng:dimension dim:modality ;
             ng:value ?value ; ng:basis ?basis .
        }""")
    assert [(short(r["value"]), short(r["basis"])) for r in rows] == [("dimension/restraint", "dimension/stated")]


def test_ip_theft_responsibility_assumed_by_states_with_footnote_8(query):
    # 001:51 "… with the intent of providing competitive advantages to companies or commercial sectors.⁸"
    # 001:63 "⁸ [Commonwealth Cybergovernance Model](#). 2014. … [G7 Declaration …](#). 2017. G7.
    #         [Antalya Summit Declaration](#). 2015. G20."
    rows = query("""
        SELECT ?n WHERE {
          ?claim ng:about states:refrain-from-ict-enabled-theft-of-intellectual-property ; ng:claimant cluster:states ;
                 ng:status status:assumed ; ng:supportedBy/ng:noteNumber ?n .
        }""")
    assert column(rows, "n") == [8]


def test_civil_society_recognised_claims(query):
    # 001:162 "civil society actors recognise that states already engage in security provision …⁴² Efforts aimed at norm
    # development are also recognised, …⁴³ Finally, state efforts aimed at adopting comprehensive national cybersecurity
    # frameworks through public-private cooperation are also referred to as already ongoing activities.⁴⁴"
    rows = query("""
        SELECT ?r ?n WHERE {
          ?claim ng:claimant cluster:civil-society ; ng:status status:recognised ; ng:about ?r ; ng:supportedBy/ng:noteNumber ?n .
          ?r ng:bearer cluster:states .
        }""")
    assert sorted((short(r["r"]), r["n"]) for r in rows) == [
        ("responsibility/states/cybersecurity-framework", 44),
        ("responsibility/states/ensuring-security", 42),
        ("responsibility/states/norm-development", 43),
    ]


def test_seven_state_roles(query):
    # 001:11 "national governments do, or are expected to, act as stakeholders, regulators, coordinators, defenders,
    #         users, promoters and educators"
    rows = query("SELECT DISTINCT ?role WHERE { ?a a ng:RoleAttribution ; ng:roleOf cluster:states ; ng:role ?role }")
    assert shorts(rows, "role") == {
        f"state-role/{r}" for r in ("stakeholder", "regulator", "coordinator", "defender", "user", "promoter", "educator")
    }


def test_seven_headed_further_questions(query):
    # 001:166, 170, 174, 178, 198, 202, 206: the headed questions under 001:164 "Further questions for consideration"
    rows = query("""
        SELECT ?text WHERE {
          ?q a ng:Question ; ng:inDocument doc:roles-and-responsibilities-of-states ; ng:questionText ?text ; ng:inSection ?s .
          ?s ng:heading ?text ; dcterms:isPartOf/ng:heading "Further questions for consideration"@en .
        }""")
    assert sorted(column(rows, "text")) == sorted([
        "How much control do states have over the private sector in efforts to ensure cybersecurity?",
        "How big of a role should the private sector have in providing cyber defence?",
        "Should the state have a greater role in private sector claims of attribution?",
        "Can national normative frameworks socialise norms at the international level?",
        "Can an international mechanism for attribution be established?",
        "Where do Computer Emergency Response Teams fit in the wider cybersecurity stakeholder landscape?",
        "Can/Should the principle of due diligence be applied to cyber activities?",
    ])


def test_attribution_mechanism_question_elaboration(query):
    # 001:200 "There have been suggestions that an international mechanism for attribution can be established based on
    #          operating principles to those of the International Atomic Energy Agency (IAEA)."
    rows = query("""
        SELECT ?e WHERE {
          ?q ng:questionText "Can an international mechanism for attribution be established?"@en ; ng:elaboration ?e .
        }""")
    assert str(single(rows, "e")).startswith(
        "There have been suggestions that an international mechanism for attribution can be established based on operating "
        "principles to those of the International Atomic Energy Agency (IAEA)."
    )


# =================================================================================================
# Actors and initiatives
# =================================================================================================


def test_oas_spellings_are_one_actor(query):
    # 000:172 "the Organisation for American States (OAS)"; 000:363 "(ARF, OAS, OSCE, SCO)";
    # 001:30 "[Declaration strengthening cyber-security in the Americas](#). 2012. Organisation of American States."
    rows = query("""
        SELECT DISTINCT ?actor WHERE {
          ?actor a/rdfs:subClassOf* ng:Actor ; rdfs:label|skos:altLabel ?name .
          FILTER(STR(?name) IN ("Organisation for American States", "Organisation of American States", "OAS"))
        }""")
    assert shorts(rows, "actor") == {"actor/organization-of-american-states"}


def test_oas_alt_labels(query):
    # 000:172 "Organisation for American States (OAS)"; 001:30 "Organisation of American States"
    rows = query("SELECT ?alt WHERE { actor:organization-of-american-states skos:altLabel ?alt }")
    assert {"Organisation for American States", "Organisation of American States", "OAS"} <= set(column(rows, "alt"))


def test_oas_publishes_baseline_works(query):
    # 001:30 "[Declaration strengthening cyber-security in the Americas](#). 2012. Organisation of American States."
    rows = query("SELECT ?p WHERE { work:declaration-strengthening-cyber-security-in-the-americas dcterms:publisher ?p }")
    assert shorts(rows, "p") == {"actor/organization-of-american-states"}


@pytest.mark.parametrize(
    ("initiative", "promoter"),
    [
        # 000:241 "Microsoft’s ‘Digital Peace Now’ initiative"
        ("digital-peace-now", "microsoft"),
        # 000:241 "(culminating ideally – for Microsoft – in a ‘Digital Geneva Convention’)"
        ("digital-geneva-convention", "microsoft"),
        # 000:241 "initiatives such as Siemens’ ‘Charter of Trust’"
        ("charter-of-trust", "siemens"),
        # 000:241 "Kaspersky’s ‘Global Transparency Initiative’"
        ("global-transparency-initiative", "kaspersky"),
        # 000:241 "Google’s ‘Project Zero’"
        ("project-zero", "google"),
        # 000:241 "Telefonica’s Manifesto for a New Digital Deal’"
        ("manifesto-for-a-new-digital-deal", "telefonica"),
        # 000:367 "The work of multi-stakeholder groups such as the GCCS or the French ‘Call’"
        ("paris-call", "france"),
    ],
)
def test_initiative_promoter(query, initiative, promoter):
    rows = query(f"SELECT ?by WHERE {{ initiative:{initiative} ng:promotedBy ?by }}")
    assert short(single(rows, "by")) == f"actor/{promoter}"


def test_paris_call_label(query):
    # 000:257 "Initiatives such as the recent Paris Call for Trust and Security in Cyberspace, the Siemens Charter of Trust, …"
    rows = query("SELECT ?label WHERE { initiative:paris-call rdfs:label ?label }")
    assert single(rows, "label") == "Paris Call for Trust and Security in Cyberspace"


def test_microsoft_initiatives(query):
    # 000:241 "Microsoft’s ‘Digital Peace Now’ initiative and its advocacy of norms … (culminating ideally – for Microsoft –
    #          in a ‘Digital Geneva Convention’)"
    rows = query("SELECT ?label WHERE { ?i a ng:Initiative ; ng:promotedBy actor:microsoft ; rdfs:label ?label }")
    assert sorted(column(rows, "label")) == ["Digital Geneva Convention", "Digital Peace Now"]


def test_krasner_spelled_steven_in_the_body(query):
    # 000:348 "Steven Krasner defined ‘regime’ in the following way:"; 000:365 "S. Krasner, ‘Overviews’"
    rows = query("SELECT ?alt WHERE { actor:stephen-krasner skos:altLabel ?alt }")
    assert {"Steven Krasner", "S. Krasner"} <= set(column(rows, "alt"))


# =================================================================================================
# Criteria, regime components, traditional responsibilities (000)
# =================================================================================================


def test_five_environment_criteria_in_order(query):
    # 000:57 "- Non-exclusivity: …" 000:58 "- Behavioural consistency: …" 000:59 "- Trustworthiness: …"
    # 000:60 "- Positive incentives: …" 000:61 "- Negative incentives (i.e. disincentives): …"
    rows = query("SELECT ?label WHERE { ?c a ng:EnvironmentCriterion ; rdfs:label ?label ; ng:order ?o } ORDER BY ?o")
    assert column(rows, "label") == [
        "Non-exclusivity", "Behavioural consistency", "Trustworthiness", "Positive incentives", "Negative incentives",
    ]


def test_non_exclusivity_definition(query):
    # 000:57 "- Non-exclusivity: all legitimate participants, undertaking legitimate activities, should be able to enjoy
    #         the benefits of cyberspace."
    rows = query("SELECT ?d WHERE { criterion:non-exclusivity skos:definition ?d }")
    assert single(rows, "d") == (
        "all legitimate participants, undertaking legitimate activities, should be able to enjoy the benefits of cyberspace."
    )


def test_krasner_norms_definition(query):
    # 000:350 "Norms are standards of behaviour defined in terms of rights and obligations."
    rows = query("SELECT ?d WHERE { regime:norms skos:definition ?d }")
    assert single(rows, "d") == "Norms are standards of behaviour defined in terms of rights and obligations."


def test_krasner_principles_definition(query):
    # 000:350 "Principles are beliefs of fact, causation and rectitude."
    rows = query("SELECT ?d WHERE { regime:principles skos:definition ?d }")
    assert single(rows, "d") == "Principles are beliefs of fact, causation and rectitude."


def test_krasner_regime_components(query):
    # 000:350 "Implicit or explicit principles, norms, rules and decision-making procedures around which actors’
    #          expectations converge in a given area of international relations."
    rows = query("SELECT ?label WHERE { ?c a ng:RegimeComponent ; rdfs:label ?label }")
    assert {"Principles", "Norms", "Rules", "Decision-making procedures"} <= set(column(rows, "label"))


@pytest.mark.parametrize(
    ("responsibility", "line", "quote"),
    [
        # 000:103 "- Responsibility for the safety and well-being of a state’s nationals … in the event of conflict (…)."
        (
            "safety-and-well-being-of-nationals", 103,
            "Responsibility for the safety and well-being of a state’s nationals and those who find themselves in its territory, "
            "as well as nationals of other states in the event of conflict",
        ),
        # 000:104 "- Responsibility to protect sovereign territory and interests; and maintain and grow a secure and strong
        #          national economy;"
        (
            "protect-sovereign-territory-interests-and-national-economy", 104,
            "Responsibility to protect sovereign territory and interests; and maintain and grow a secure and strong national economy",
        ),
        # 000:105 "- Responsibility to other states and the international community as a whole."
        (
            "responsibility-to-other-states-and-international-community", 105,
            "Responsibility to other states and the international community as a whole.",
        ),
    ],
)
def test_traditional_state_responsibility(query, responsibility, line, quote):
    # 000:101 "a traditional and simple understanding of responsible state behaviour … would include the following:"
    rows = query(f"""
        SELECT ?line ?exact WHERE {{
          ?claim ng:about states:{responsibility} ; ng:claimant actor:phase-1-report-authors ; ng:status status:attributed ;
                 ng:evidence ?q .
          ?q ng:line ?line ; oa:exact ?exact .
          FILTER(?line = {line})
        }}""")
    assert [(r["line"], r["exact"]) for r in rows] == [(line, quote)]


# =================================================================================================
# Dimensions
# =================================================================================================


def test_use_of_force_bindingness_is_stated_hard(query):
    # 000:109 "This exchange of rights and obligations is made explicit in the Charter of the United Nations in which …
    #          Article 2.4 insists that all members of the United Nations shall refrain ‘from the threat or use of force …’"
    rows = query("""
        SELECT ?value ?basis ?exact WHERE {
          ?c ng:classifies states:refrain-from-threat-or-use-of-force ; ng:dimension dim:bindingness ; ng:value ?value ;
             ng:basis ?basis ; ng:evidence/oa:exact ?exact .
        }""")
    assert [(short(r["value"]), short(r["basis"]), r["exact"]) for r in rows] == [
        ("dimension/hard", "dimension/stated",
         "This exchange of rights and obligations is made explicit in the Charter of the United Nations"),
    ]


def test_use_of_force_grounded_in_un_charter(query):
    # 000:109 "Article 2.4 insists that all members of the United Nations shall refrain ‘from the threat or use of force …’"
    rows = query("SELECT ?g WHERE { states:refrain-from-threat-or-use-of-force ng:groundedIn ?g }")
    assert shorts(rows, "g") == {"instrument/un-charter"}


def test_responsibilities_grounded_in_un_charter_are_hard(query):
    # 000:107 "their existing obligations under international law, including obligations under the UN Charter";
    # 000:363 "These responsibilities, many of which derive from the UN Charter and other existing international law"
    rows = query("""
        SELECT ?r ?b WHERE { ?r a ng:Responsibility ; ng:groundedIn instrument:un-charter ; ng:bindingness ?b }""")
    assert {short(r["b"]) for r in rows} == {"dimension/hard"}


def test_awareness_raising_bindingness_is_curated_soft(query):
    # 001:26 "- Awareness raising among the private sector and the general public, through capacity building in the form of
    #         promoting educational and training programmes on risks in cyberspace.²" (no legal instrument is named)
    rows = query("""
        SELECT ?value ?basis ?rationale WHERE {
          ?c ng:classifies states:awareness-raising ; ng:dimension dim:bindingness ; ng:value ?value ; ng:basis ?basis ;
             ng:rationale ?rationale .
        }""")
    assert [(short(r["value"]), short(r["basis"]), bool(str(r["rationale"]).strip())) for r in rows] == [
        ("dimension/soft", "dimension/curated", True),
    ]


def test_curated_classifications_have_a_rationale(query):
    # data/README.md: a curated value states its basis as a one-line rationale (e.g. for 001:26 awareness raising)
    rows = query("""
        SELECT (COUNT(?c) AS ?curated) (COUNT(?rationale) AS ?withRationale) WHERE {
          ?c a ng:Classification ; ng:basis dim:curated . OPTIONAL { ?c ng:rationale ?rationale }
        }""")
    assert rows[0]["curated"] == rows[0]["withRationale"] > 0


def test_stated_classifications_have_evidence(query):
    # data/README.md: a stated value is anchored by a quote (e.g. 000:146 "States should not knowingly allow …")
    rows = query("""
        SELECT (COUNT(?c) AS ?stated) (COUNT(?q) AS ?withEvidence) WHERE {
          ?c a ng:Classification ; ng:basis dim:stated . OPTIONAL { ?c ng:evidence ?q }
        }""")
    assert rows[0]["stated"] == rows[0]["withEvidence"] > 0


def test_cert_incident_response_productive_is_stated(query):
    # 000:300 "The incident response work of CERTs and CSIRTs is another important example of such productive responsibilities."
    rows = query("""
        SELECT ?value ?basis WHERE {
          ?c ng:classifies others:incident-response-certs ; ng:dimension dim:behaviour-mode ; ng:value ?value ; ng:basis ?basis .
        }""")
    assert [(short(r["value"]), short(r["basis"])) for r in rows] == [("dimension/productive", "dimension/stated")]


def test_research_is_both_reactive_and_productive(query):
    # 000:298 "Such ‘reactive’ behaviours are also evident in targeted research"; 000:310 "Other forms of productive
    # behaviours include **academic** and **applied research**"; 000:436 "- Research" (Annex 1, other actors)
    rows = query("SELECT ?mode WHERE { others:research ng:behaviourMode ?mode }")
    assert shorts(rows, "mode") == {"dimension/reactive", "dimension/productive"}


def test_hack_back_modality_is_stated_restraint(query):
    # 000:453 "<li>- Refrain from security-endangering offensive measures and subversive actions (e.g. hack-backs)</li>"
    rows = query("""
        SELECT ?value ?basis WHERE {
          ?c ng:classifies private:refrain-from-security-endangering-offensive-measures-and ; ng:dimension dim:modality ;
             ng:value ?value ; ng:basis ?basis .
        }""")
    assert [(short(r["value"]), short(r["basis"])) for r in rows] == [("dimension/restraint", "dimension/stated")]


def test_gge_norms_bindingness_is_stated_soft(query):
    # 000:206 "in the form of a set of eleven non-binding norms of responsible state behaviour"
    rows = query("""
        SELECT DISTINCT ?value ?basis WHERE {
          ?norm a ng:VoluntaryNorm ; ng:instrument instrument:a-70-174 .
          ?r ng:servesNorm ?norm ; ng:bearer cluster:states ; ng:hasClassification ?c .
          FILTER(STRSTARTS(STR(?r), "{ID}responsibility/states/gge-2015-13"))
          ?c ng:dimension dim:bindingness ; ng:value ?value ; ng:basis ?basis .
        }""".replace("{ID}", ID))
    assert [(short(r["value"]), short(r["basis"])) for r in rows] == [("dimension/soft", "dimension/stated")]


# =================================================================================================
# Provenance
# =================================================================================================


@pytest.fixture(scope="module")
def corpus_texts() -> dict[str, str]:
    return {doc.slug: doc.text for doc in parse_corpus()}


def test_every_quote_is_the_span_it_points_at(query, corpus_texts):
    # data/README.md: "A *quote* is a verbatim span of the document's **normalised text**" — checked for every ng:Quote
    rows = query("""
        SELECT ?q ?doc ?exact ?start ?end WHERE {
          ?q a ng:Quote . OPTIONAL { ?q oa:exact ?exact ; oa:start ?start ; oa:end ?end ; ng:sourceDocument ?doc }
        }""")
    assert len(rows) > 500

    def span(row: dict[str, object]) -> object:
        if None in (row["doc"], row["start"], row["end"]):
            return None
        return corpus_texts[short(row["doc"]).removeprefix("document/")][row["start"]:row["end"]]

    assert [r["q"] for r in rows if span(r) != r["exact"]] == []


def test_every_responsibility_has_a_claim_with_evidence(query):
    # data/README.md: "a fact is either parsed from the document structure … or stated in one of these files, anchored by
    # a verbatim quote"
    rows = query("""
        SELECT ?r WHERE {
          ?r a ng:Responsibility .
          FILTER NOT EXISTS { ?claim ng:about ?r ; ng:evidence ?q . ?q a ng:Quote }
        }""")
    assert rows == []


@pytest.mark.parametrize("slug", ["geneva-dialogue-phase-1-report", "roles-and-responsibilities-of-states"])
def test_document_text_sha256(query, corpus_texts, slug):
    # the normalised text of 000 / 001 (data/README.md "Quotes and the normalised text")
    rows = query(f"SELECT ?sha WHERE {{ doc:{slug} ng:textSha256 ?sha }}")
    assert single(rows, "sha") == hashlib.sha256(corpus_texts[slug].encode("utf-8")).hexdigest()


def test_footnote_42_quote_is_on_line_421(query):
    # 000:421 "States represented included France, Germany, Israel, Kenya, the Netherlands, Mexico and the United Kingdom."
    rows = query("""
        SELECT DISTINCT ?line WHERE {
          ?p a ng:Participation ; ng:participant actor:france ; ng:evidence ?q . ?q ng:line ?line ; oa:exact ?exact .
        }""")
    assert column(rows, "line") == [421]


def test_title_paragraph_is_not_the_front_matter_section(query):
    # 000:3 "**GENEVA DIALOGUE ON RESPONSIBLE BEHAVIOUR IN CYBERSPACE**"; 001:3 "Roles and Responsibilities of States"
    rows = query("SELECT ?s WHERE { ?s a ng:Section , ng:Paragraph }")
    assert rows == []


# =================================================================================================
# Inference (graph/inferred)
# =================================================================================================


def test_inferred_soft_responsibility(holds):
    # 001:26 "- Awareness raising …" (bindingness soft, curated) ⇒ ng:SoftResponsibility by ng:bindingness dim:soft
    assert holds(f"ASK {{ GRAPH <{INFERRED}> {{ states:awareness-raising a ng:SoftResponsibility }} }}")


def test_soft_responsibility_type_is_not_asserted(query):
    # the class ng:SoftResponsibility is only inferred, never written by the loaders (000:65 "both ‘hard’ and ‘soft’ meanings")
    rows = query(f"""
        SELECT ?g WHERE {{
          GRAPH ?g {{ states:awareness-raising a ng:SoftResponsibility }}
          FILTER(?g != <{INFERRED}>)
        }}""")
    assert rows == []


def test_no_inferred_class_triple_is_asserted(query):
    # every rdf:type of the inferred graph is absent from the asserted graphs
    rows = query(f"""
        SELECT ?s ?t ?g WHERE {{
          GRAPH <{INFERRED}> {{ ?s a ?t . FILTER(?t IN (ng:SoftResponsibility, ng:HardResponsibility, ng:RestraintResponsibility,
                                                       ng:PositiveDuty, ng:ReactiveResponsibility, ng:ProductiveResponsibility)) }}
          GRAPH ?g {{ ?s a ?t }}
          FILTER(?g != <{INFERRED}>)
        }} LIMIT 5""")
    assert rows == []


def test_inferred_hard_responsibility(holds):
    # 000:109 "Article 2.4 insists that all members of the United Nations shall refrain ‘from the threat or use of force …’"
    assert holds(f"ASK {{ GRAPH <{INFERRED}> {{ states:refrain-from-threat-or-use-of-force a ng:HardResponsibility }} }}")


def test_inferred_restraint_responsibility(holds):
    # 000:453 "<li>- Refrain from security-endangering offensive measures and subversive actions (e.g. hack-backs)</li>"
    assert holds(
        f"ASK {{ GRAPH <{INFERRED}> {{ private:refrain-from-security-endangering-offensive-measures-and a ng:RestraintResponsibility }} }}"
    )


def test_inferred_reactive_and_productive_together(holds):
    # 000:211 "Sometimes both are exercised simultaneously."; 000:436 "- Research"
    assert holds(f"""
        ASK {{ GRAPH <{INFERRED}> {{ others:research a ng:ReactiveResponsibility , ng:ProductiveResponsibility }} }}""")
