"""Parser for the ``baseline-study`` format (the Geneva Dialogue baseline studies).

Plain text from PDF: headings are short lines without final punctuation; bullets start with
``- ``; footnote markers are Unicode superscript digits; each note cites works as
``[Title](#). Year. Organisation.`` (with variants, see ``citations.py``). The claims the study
makes are read from its headings ("Assumed/Advocated Roles and Responsibilities") and lead-in
sentences ("The X has thus far argued that Y should … bear the responsibility of:"), so a
sibling study about another cluster loads with no code change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.assemble import Assembler, Line, check_markers, resolve_ibid
from loaders.citations import split_citations
from loaders.document import Block, ParsedDocument, Section
from loaders.errors import LoaderError
from loaders.textutil import SUPERSCRIPT_DIGITS, clean_markup, read_document

_FOOTNOTE = re.compile(rf"^([{SUPERSCRIPT_DIGITS}]+)\s*(.*)$")
_STATUS_HEADING = re.compile(r"(?i)^(assumed|advocated)\s+roles\s+and\s+responsibilities\b")
_SUGGESTED = re.compile(
    r"(?i)^the\s+(?P<claimant>.+?)\s+ha(?:s|ve)\s+thus\s+far\s+argued\s+that\s+(?P<bearer>.+?)\s+should\b.*"
    r"\bbear\s+the\s+responsibilit(?:y|ies)\s+of:?$"
)
_QUESTIONS_HEADING = re.compile(r"(?i)^further\s+questions\b")


@dataclass
class BulletClaim:
    """A bullet read as a claim: ``claimant`` says ``bearer`` has the responsibility, with
    ``status``; ``theme_text`` is the bullet's opening words (its theme is resolved later)."""

    block: Block
    status: str  # assumed | advocated | suggested
    claimant: str  # the cluster's name as written ("states", "private sector", …)
    bearer: str
    section: Section
    order: int


@dataclass
class HeadedQuestion:
    heading: Block
    section: Section
    elaboration: list[Block]


def _is_heading(text: str) -> bool:
    if len(text) > 130 or not text[:1].isupper() or text.startswith(("[", "- ")):
        return False
    if text.endswith("?"):
        return True
    return not text.endswith((".", ",", ";", ":", "”", ")")) and len(text.split()) <= 14


def parse(path: Path, meta: dict[str, Any]) -> ParsedDocument:
    doc = ParsedDocument(path=path, meta=meta)
    lines = read_document(path)
    asm = Assembler(doc)
    front = {str(meta.get("title", "")).strip(), str(meta.get("subtitle", "")).strip()} - {""}
    for lineno, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not stripped:
            asm.add(Line("blank"), lineno)
            continue
        m = _FOOTNOTE.match(stripped)
        if m:
            number = int("".join(str(SUPERSCRIPT_DIGITS.index(c)) for c in m.group(1)))
            asm.add(Line("footnote", m.group(2), number=number), lineno)
            continue
        if stripped.startswith("[") and asm.last_note_text().rstrip().endswith("](#)"):
            # a citation list cut by a page break continues after the body text
            asm.add(Line("footnote-continuation", stripped), lineno)
            continue
        if stripped.startswith("- "):
            asm.add(Line("bullet", stripped[2:]), lineno)
            continue
        if stripped in front:
            asm.add(Line("paragraph", stripped), lineno)
            continue
        text = clean_markup(stripped).text
        if _is_heading(text):
            level = 2 if text.endswith("?") or _STATUS_HEADING.match(text) else 1
            asm.add(Line("heading", stripped, level=level), lineno)
            continue
        asm.add(Line("paragraph", stripped), lineno)
    asm.finish()
    check_markers(doc)
    resolve_ibid(doc)
    for note in doc.footnotes.values():
        if not note.is_ibid:
            note.citations = split_citations(clean_markup(note.raw, keep_links=True).text, str(path), note.line)
    doc.finish()
    doc.extras["claims"] = _bullet_claims(doc)
    doc.extras["questions"] = _headed_questions(doc)
    return doc


def _bullet_claims(doc: ParsedDocument) -> list[BulletClaim]:
    subject = str(doc.meta.get("subject_cluster", "")).removeprefix("cluster:")
    if not subject:
        raise LoaderError(str(doc.path), None, "baseline-study metadata needs subject_cluster")
    claims: list[BulletClaim] = []
    context: tuple[str, str, str] | None = None
    current_section: Section | None = None
    for block in doc.blocks:
        if block.section is not current_section:
            current_section = block.section
            heading = current_section.heading if current_section else ""
            m = _STATUS_HEADING.match(heading)
            context = (m.group(1).lower(), subject, subject) if m else None
        if block.kind == "paragraph":
            m = _SUGGESTED.match(block.text)
            if m:
                context = ("suggested", m.group("claimant"), m.group("bearer"))
            continue
        if block.kind == "bullet" and context is not None and block.section is not None:
            status, claimant, bearer = context
            claims.append(BulletClaim(block, status, claimant, bearer, block.section, len(claims) + 1))
    return claims


def _headed_questions(doc: ParsedDocument) -> list[HeadedQuestion]:
    out: list[HeadedQuestion] = []
    inside = False
    for section in doc.sections:
        if section.level == 1:
            inside = bool(_QUESTIONS_HEADING.match(section.heading))
            continue
        if inside and section.heading.endswith("?"):
            out.append(HeadedQuestion(section.block, section, list(section.paragraphs)))
    return out
