"""The parsed form of one document, shared by both parsers and by the RDF writer.

A parser produces Blocks (body units in reading order) and Footnotes; ``finish`` then lays
them out as the normalised text and gives every unit its character offsets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Block:
    """A heading, paragraph, list item or table line of the body, in reading order."""

    kind: str  # heading | paragraph | bullet | table
    text: str
    line: int
    level: int = 0
    markers: list[tuple[int, int]] = field(default_factory=list)
    section: Section | None = None
    start: int = 0  # offset of ``text`` in the normalised text
    line_starts: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, source line)

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def line_at(self, offset: int) -> int:
        """The source line of a character of ``text`` (a block may span a page break)."""
        line = self.line
        for start, number in self.line_starts:
            if start <= offset:
                line = number
        return line


@dataclass
class Section:
    heading: str
    level: int
    line: int
    slug_path: str
    order: int
    parent: Section | None
    block: Block
    paragraphs: list[Block] = field(default_factory=list)


@dataclass
class Citation:
    """One cited work at one position of a footnote (baseline-study format)."""

    title: str
    year: int | None
    publisher: str | None
    creators: list[str]
    editors: list[str]
    descriptor: str | None
    as_text: str
    note: str | None = None


@dataclass
class Footnote:
    number: int
    text: str
    line: int
    raw: str
    urls: list[str] = field(default_factory=list)
    is_ibid: bool = False
    ibid_of: int | None = None
    citations: list[Citation] = field(default_factory=list)
    start: int = 0
    prefix_len: int = 0  # len("[N] ")

    @property
    def end(self) -> int:
        return self.start + self.prefix_len + len(self.text)


@dataclass
class ParsedDocument:
    path: Path
    meta: dict[str, Any]
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    footnotes: dict[int, Footnote] = field(default_factory=dict)
    text: str = ""
    # format-specific results (norms, annex, claims, questions) keyed by kind
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return str(self.meta["slug"])

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def finish(self) -> None:
        """Lay out the normalised text: body blocks, a blank line between, then the notes."""
        parts: list[str] = []
        offset = 0
        for block in self.blocks:
            block.start = offset
            parts.append(block.text)
            offset += len(block.text) + 2
        for number in sorted(self.footnotes):
            note = self.footnotes[number]
            prefix = f"[{number}] "
            note.start = offset
            note.prefix_len = len(prefix)
            parts.append(prefix + note.text)
            offset += len(prefix) + len(note.text) + 2
        self.text = "\n\n".join(parts) + "\n"

    def block_at(self, offset: int) -> Block | None:
        for block in self.blocks:
            if block.start <= offset < block.end:
                return block
        return None

    def footnote_at(self, offset: int) -> Footnote | None:
        for note in self.footnotes.values():
            if note.start <= offset < note.end:
                return note
        return None
