"""The parsers, checked against the documents' structure (line numbers quoted from the files)."""

from __future__ import annotations

import pytest

from loaders.citations import split_citations
from loaders.corpus import parse_corpus
from loaders.document import ParsedDocument
from loaders.textutil import clean_markup, slugify


@pytest.fixture(scope="module")
def docs() -> dict[str, ParsedDocument]:
    return {d.slug: d for d in parse_corpus()}


@pytest.fixture(scope="module")
def phase1(docs: dict[str, ParsedDocument]) -> ParsedDocument:
    return docs["geneva-dialogue-phase-1-report"]


@pytest.fixture(scope="module")
def baseline(docs: dict[str, ParsedDocument]) -> ParsedDocument:
    return docs["roles-and-responsibilities-of-states"]


def test_clean_markup_removes_emphasis_markers_and_keeps_offsets() -> None:
    cleaned = clean_markup("the law of treaties “encapsulates … *pacta sunt*”.<sup>4</sup> Next")
    assert cleaned.text == "the law of treaties “encapsulates … pacta sunt”. Next"
    assert cleaned.markers == [(4, cleaned.text.index(" Next"))]


def test_superscript_digits_are_footnote_markers() -> None:
    cleaned = clean_markup("a National Points of Contact.¹ and more.⁴⁵")
    assert [n for n, _ in cleaned.markers] == [1, 45]
    assert "¹" not in cleaned.text


def test_slugs_are_short_ascii_and_cut_at_a_hyphen() -> None:
    assert slugify("Refrain from backing state actors in offensive activities") == (
        "refrain-from-backing-state-actors-in-offensive-activities"
    )
    long = slugify("How much control do states have over the private sector in efforts to ensure cybersecurity?")
    assert len(long) <= 60 and not long.endswith("-")
    assert slugify("Telefónica’s Manifesto") == "telefonicas-manifesto"  # ’ is not ASCII: dropped


def test_phase1_has_43_footnotes_and_baseline_51(phase1: ParsedDocument, baseline: ParsedDocument) -> None:
    # 000:446 "<sup>43</sup> UN General Assembly, …"; 001:220 "⁵¹ Schmitt. M. 2015. …"
    assert sorted(phase1.footnotes) == list(range(1, 44))
    assert sorted(baseline.footnotes) == list(range(1, 52))


def test_sentence_split_by_a_page_break_is_rejoined(phase1: ParsedDocument, baseline: ParsedDocument) -> None:
    # 000:65 ends "pacta sunt" and the sentence continues at 000:73 after footnotes 1-3
    assert "in its fundamental norm of pacta sunt servanda”, whereby" in phase1.text
    # 001:146 ends "Restraint from hacking personal", continued at 001:160 after footnotes 36-40
    assert "Restraint from hacking personal accounts or private data" in baseline.text
    # 000:382 bullet ends "growing possibility of", continued at 000:384 "escalation?"
    assert "dealing with the growing possibility of escalation? What role can private sector" in phase1.text


def test_paragraph_without_full_stop_is_not_joined_to_the_next(phase1: ParsedDocument) -> None:
    # 000:107 ends "…international human rights and humanitarian law" (no full stop); 000:109 is new
    assert "humanitarian law\n\nThe principle of responsibility" in phase1.text


def test_the_eleven_gge_norms_are_read_in_order(phase1: ParsedDocument) -> None:
    norms = phase1.extras["norms"]
    assert [n.letter for n in norms] == list("abcdefghijk")
    # 000:146
    assert norms[2].text == "States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs;"
    for norm in norms:
        assert phase1.text[norm.offset : norm.offset + len(norm.text)] == norm.text


def test_annex_rows_and_omitted_norms(phase1: ParsedDocument) -> None:
    rows = phase1.extras["annex"]
    assert [r.letter for r in rows] == list("abdghijk")  # 13(c), (e), (f) have no row
    cells = {(r.letter, c.group, c.status): [e.label for e in c.entries] for r in rows for c in r.cells}
    # 000:459-460: 13(h) has a header and a separator line, and no data: four empty cells
    assert all(cells[("h", g, s)] == [] for g in ("private-sector", "other-actors") for s in ("assumed", "prospective"))
    # 000:444: 13(d) private-sector "Current R&R"
    assert cells[("d", "private-sector", "assumed")] == [
        "Forensics", "PPPs with law enforcement, IRUs etc.", "Self-regulation (GIF, ToS etc.)", "National regulation/ legislation",
    ]
    assert len(cells[("g", "private-sector", "prospective")]) == 6
    assert cells[("j", "private-sector", "assumed")] == ["Tech Accord", "MSFT Digital Peace Campaign"]
    # 000:474: the stray "]" stays in the quote but not in the label
    assert cells[("j", "other-actors", "prospective")][0] == "Develop frameworks to report and remedy ICT vulnerabilities."
    # 000:483 (the file's last line, without a final newline)
    assert len(cells[("k", "other-actors", "prospective")]) == 2
    header = {r.letter: [c.header for c in r.cells] for r in rows}
    assert header["d"][0] == "Current R&R"


def test_ibid_resolves_to_the_note_it_repeats(phase1: ParsedDocument, baseline: ParsedDocument) -> None:
    assert phase1.footnotes[4].is_ibid and phase1.footnotes[4].ibid_of == 3  # 000:77 "Ibid."
    assert phase1.footnotes[12].ibid_of == 11  # 000:142 "Ibid, pp.7-8."
    # 001:190-194: three "Ibid." in a row all resolve to note 44
    assert [baseline.footnotes[n].ibid_of for n in (45, 46, 47)] == [44, 44, 44]


def test_baseline_bullets_become_claims_with_status_and_claimant(baseline: ParsedDocument) -> None:
    claims = baseline.extras["claims"]
    by = {}
    for c in claims:
        by.setdefault((c.status, c.claimant), []).append(c)
    assert len(by[("assumed", "states")]) == 8  # 001:25-41
    assert len(by[("advocated", "states")]) == 9  # 001:57-80
    assert len(by[("suggested", "private sector")]) == 5  # 001:112-116
    assert len(by[("suggested", "communities and users")]) == 8  # 001:120-146
    assert all(c.bearer == "states" for c in by[("suggested", "private sector")])


def test_citation_split_handles_every_variant() -> None:
    text = (
        "[International Cyber Norms](#). 2016. Osula & Roigas (eds.). NATO CCD CoE. "
        "A. Kastelic. 2015. [International Law as State Responsibility](#). RACVIAC. "
        "NATO [Industry Cyber Partnership](#). NATO CCD CoE. "
        "[The Proposed Digital Geneva Convention: Towards an inclusive public-private agreement on cyberspace?](#) 2017. GCSP. "
        "[International Cooperation Between CERTS: WS38 Technical Diplomacy for Cybersecurity](#). Panel presentation: Feakin. 2017. IGF. "
        "Hill, R. 2018. [Best practices in cyber security from intergovernmental](#) "
        "[discussions, and a private sector proposal](#). 2017. Richard Hill, Hill & Associates."
    )
    cites = split_citations(text, "x", 1)
    assert [c.title for c in cites] == [
        "International Cyber Norms",
        "International Law as State Responsibility",
        "Industry Cyber Partnership",
        "The Proposed Digital Geneva Convention: Towards an inclusive public-private agreement on cyberspace?",
        "International Cooperation Between CERTS: WS38 Technical Diplomacy for Cybersecurity",
        "Best practices in cyber security from intergovernmental discussions, and a private sector proposal",
    ]
    assert cites[0].editors == ["Osula & Roigas (eds.)"] and cites[0].publisher == "NATO CCD CoE"
    assert cites[1].creators == ["A. Kastelic"] and cites[1].year == 2015 and cites[1].publisher == "RACVIAC"
    assert cites[2].year is None and cites[2].creators == ["NATO"]
    assert cites[3].year == 2017 and cites[3].publisher == "GCSP"
    assert cites[4].descriptor == "Panel presentation" and cites[4].creators == ["Feakin"] and cites[4].publisher == "IGF"
    assert cites[5].year == 2017 and cites[5].creators == ["Hill, R."] and "2018" in (cites[5].note or "")


def test_normalised_text_offsets_match_blocks(phase1: ParsedDocument, baseline: ParsedDocument) -> None:
    for doc in (phase1, baseline):
        for block in doc.blocks:
            assert doc.text[block.start : block.end] == block.text
        for note in doc.footnotes.values():
            assert doc.text[note.start + note.prefix_len : note.end] == note.text
