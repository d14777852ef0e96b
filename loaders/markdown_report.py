"""Parser for the ``markdown-report`` format (the Geneva Dialogue Phase 1 Report).

Markdown-like text converted from PDF: ``#`` headings, ``<sup>N</sup>`` footnote markers with
the notes at page ends, the UN GGE norm list as ``- a) …`` bullets, and Annex 1 as
tab-separated table rows (partly with inline HTML lists)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.assemble import Assembler, Line, check_markers, resolve_ibid
from loaders.document import Block, ParsedDocument
from loaders.errors import LoaderError
from loaders.textutil import clean_markup, read_document

_FOOTNOTE = re.compile(r"^<sup>(\d+)</sup>\s*(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ITALIC_HEADING = re.compile(r"^\*[^*].*:\*$")
_NORM_ITEM = re.compile(r"^([a-z])\)\s+(.*)$")
_ANNEX_ROW = re.compile(r"^\**\s*13\s*\(([a-z])\)\s*\**\s*(.*)$")


@dataclass
class NormItem:
    letter: str
    text: str
    block: Block
    offset: int  # offset of the norm text in the normalised text


@dataclass
class AnnexEntry:
    text: str  # verbatim, as a quote
    label: str  # cleaned for display and slugs
    start: int
    order: int


@dataclass
class AnnexCell:
    group: str  # private-sector | other-actors
    group_label: str
    header: str
    status: str  # assumed | prospective
    entries: list[AnnexEntry] = field(default_factory=list)
    block: Block | None = None


@dataclass
class AnnexRow:
    letter: str
    text: str
    line: int
    block: Block
    cells: list[AnnexCell] = field(default_factory=list)
    note: str | None = None


def _classify(raw: str) -> Line:
    line = raw.rstrip()
    stripped = line.strip()
    if not stripped:
        return Line("blank")
    if re.fullmatch(r"-{3,}", stripped):
        return Line("separator")
    m = _FOOTNOTE.match(stripped)
    if m:
        return Line("footnote", m.group(2), number=int(m.group(1)))
    m = _HEADING.match(stripped)
    if m:
        text = clean_markup(m.group(2)).text
        top = re.match(r"^(SECTION|ANNEX)\s+\d", text) is not None
        all_caps = text.upper() == text and any(c.isalpha() for c in text)
        level = 1 if top or all_caps else len(m.group(1))
        return Line("heading", m.group(2), level=max(level, 1))
    if _ITALIC_HEADING.match(stripped):
        return Line("heading", stripped, level=4)
    if stripped.startswith("- "):
        return Line("bullet", stripped[2:])
    return Line("paragraph", stripped)


def parse(path: Path, meta: dict[str, Any]) -> ParsedDocument:
    doc = ParsedDocument(path=path, meta=meta)
    lines = read_document(path)
    asm = Assembler(doc)
    annex_lines: list[tuple[int, str]] = []
    in_annex = False
    for lineno, raw in enumerate(lines, start=1):
        line = _classify(raw)
        if line.kind == "heading" and re.match(r"(?i)^annex\s+\d", clean_markup(line.text).text):
            in_annex = True
            asm.add(line, lineno)
            continue
        if in_annex and line.kind not in ("footnote", "blank", "separator"):
            is_subheading = line.kind == "heading" and "PRIVATE" not in raw and "OTHER ACTORS" not in raw
            if not is_subheading or annex_lines:
                annex_lines.append((lineno, raw))
                continue
        asm.add(line, lineno)
    asm.finish()
    norms = _norm_list(doc)
    annex = _parse_annex(doc, asm, annex_lines) if in_annex else []
    check_markers(doc)
    resolve_ibid(doc)
    doc.finish()
    for item in norms:
        item.offset = item.block.start + item.block.text.index(item.text)
    doc.extras["norms"] = norms
    doc.extras["annex"] = annex
    return doc


def _norm_list(doc: ParsedDocument) -> list[NormItem]:
    """The UN GGE 2015 norms, listed as ``- a) …`` bullets; a letter may occur once."""
    items: list[NormItem] = []
    seen: dict[str, int] = {}
    for block in doc.blocks:
        if block.kind != "bullet":
            continue
        m = _NORM_ITEM.match(block.text)
        if not m:
            continue
        letter = m.group(1)
        if letter in seen:
            raise LoaderError(
                str(doc.path), block.line, f"norm 13({letter}) is listed twice (first at line {seen[letter]})"
            )
        seen[letter] = block.line
        items.append(NormItem(letter=letter, text=m.group(2), block=block, offset=0))
    return items


def _status_of(header: str, path: str, lineno: int) -> str:
    h = header.lower()
    if "prospective" in h:
        return "prospective"
    if any(word in h for word in ("extant", "assumed", "current")):
        return "assumed"
    raise LoaderError(path, lineno, f"Annex 1 column header {header!r} names no known status")


def _split_entries(cell: str) -> list[str]:
    if "<li" in cell:
        items = re.findall(r"<li>(.*?)</li>", cell, flags=re.S)
        texts = [clean_markup(i).text for i in items]
    else:
        texts = re.split(r"(?:^|\s)-\s", clean_markup(cell).text)
    return [re.sub(r"^-\s*", "", t).strip() for t in texts if t.strip() and t.strip() != "-"]


def _parse_annex(doc: ParsedDocument, asm: Assembler, lines: list[tuple[int, str]]) -> list[AnnexRow]:
    """Annex 1, cell by cell. Each norm row is followed by a group header (private sector,
    other actors), a header line of four columns, and at most one data line of four
    tab-separated cells; a missing or short part means the table is truncated."""
    path = str(doc.path)
    section = doc.sections[-1] if doc.sections else None
    if section is None:
        raise LoaderError(path, lines[0][0] if lines else None, "Annex 1 has no heading")
    rows: list[AnnexRow] = []
    pending: dict[str, Any] = {}

    def close_row(at_line: int | None) -> None:
        if not rows:
            return
        row = rows[-1]
        if "headers" not in pending:
            raise LoaderError(
                path, at_line or row.line,
                f"Annex 1 row 13({row.letter}) has no column header line (Extant/Prospective R&R): the table is truncated",
            )
        if not row.cells:
            _make_cells(row, pending, ["", "", "", ""], None)
            if not pending.get("separator"):
                row.note = "The document ends after this row's header line; its cells are empty."
        pending.clear()

    def make_block(text: str, lineno: int) -> Block:
        block = Block(kind="table", text=text, line=lineno)
        asm.append_block(block, section)
        return block

    def _make_cells(row: AnnexRow, state: dict[str, Any], fields: list[str], lineno: int | None) -> None:
        groups = state.get("groups") or ["PRIVATE SECTOR", "OTHER ACTORS"]
        for i, raw_cell in enumerate(fields[:4]):
            group = "private-sector" if i < 2 else "other-actors"
            header = state["headers"][i]
            cell = AnnexCell(group=group, group_label=groups[0 if i < 2 else 1], header=header,
                             status=_status_of(header, path, state["header_line"]))
            texts = _split_entries(raw_cell)
            if texts:
                block = make_block(" ".join("- " + t for t in texts), lineno or row.line)
                cell.block = block
                pos = 0
                for order, text in enumerate(texts, start=1):
                    at = block.text.index(text, pos)
                    pos = at + len(text)
                    label = re.sub(r"\s*\]\s*$", "", text).strip()
                    cell.entries.append(AnnexEntry(text=text, label=label, start=at, order=order))
            row.cells.append(cell)

    for lineno, raw in lines:
        stripped = raw.strip()
        plain = clean_markup(raw).text
        m = _ANNEX_ROW.match(stripped)
        if m:
            close_row(lineno)
            text = clean_markup(m.group(2)).text
            block = make_block(f"13 ({m.group(1)}) {text}", lineno)
            rows.append(AnnexRow(letter=m.group(1), text=text, line=lineno, block=block))
            continue
        if not rows:
            make_block(plain, lineno)
            continue
        if plain.upper() == plain and ("PRIVATE" in plain or "OTHER ACTORS" in plain):
            parts = [p.strip(" #*") for p in re.split(r"\t+|\*\*\*\*", raw.strip()) if p.strip(" #*")]
            groups = pending.setdefault("groups", [])
            groups.extend(clean_markup(p).text for p in parts)
            make_block(" ".join(clean_markup(p).text for p in parts), lineno)
            continue
        if "R&R" in plain:
            headers = [h.strip() for h in raw.split("\t") if h.strip()]
            if len(headers) != 4:
                raise LoaderError(
                    path, lineno,
                    f"Annex 1 row 13({rows[-1].letter}): expected 4 column headers, found {len(headers)}: the table is truncated",
                )
            pending["headers"] = headers
            pending["header_line"] = lineno
            make_block(" ".join(headers), lineno)
            continue
        if re.fullmatch(r"[-\t ]+", raw) and "-" in raw:
            pending["separator"] = True
            continue
        if "headers" not in pending:
            raise LoaderError(path, lineno, f"Annex 1 row 13({rows[-1].letter}): cells before the column header line")
        if rows[-1].cells:
            raise LoaderError(path, lineno, f"Annex 1 row 13({rows[-1].letter}) has a second data line")
        fields = raw.rstrip("\n").split("\t")
        if len(fields) < 4:
            raise LoaderError(
                path, lineno,
                f"Annex 1 row 13({rows[-1].letter}): expected 4 cells (private sector extant/prospective, "
                f"other actors extant/prospective), found {len(fields)}: the table is truncated",
            )
        if any(f.strip() for f in fields[4:]):
            raise LoaderError(path, lineno, f"Annex 1 row 13({rows[-1].letter}): more than 4 cells")
        _make_cells(rows[-1], pending, fields, lineno)
    close_row(None)
    return rows

