"""Turn a converted-PDF document's lines into body blocks and footnotes.

Both document formats share the same page-break problem: the PDF converter put each page's
footnotes where the page ended, often in the middle of a sentence. This module knows how to
put sentences back together; the format modules only say what each line is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from loaders.document import Block, Footnote, ParsedDocument, Section
from loaders.errors import LoaderError
from loaders.textutil import clean_markup, ends_sentence, slugify


@dataclass
class Line:
    """What one source line is, as told by a format's classifier."""

    kind: str  # blank | separator | footnote | footnote-continuation | heading | bullet | paragraph | skip
    text: str = ""
    number: int = 0  # footnote number
    level: int = 0  # heading level


Classifier = Callable[[str, int, "Assembler"], Line]


class Assembler:
    """Collects blocks and footnotes, joining text that a page break split."""

    def __init__(self, doc: ParsedDocument, *, keep_links_in_notes: bool = False) -> None:
        self.doc = doc
        self.path = str(doc.path)
        self.keep_links_in_notes = keep_links_in_notes
        self._raw: list[tuple[str, str, int, int]] = []  # kind, raw text, line, level
        self._segments: list[list[tuple[int, int]]] = []  # per block: (offset in raw text, source line)
        self._notes: dict[int, tuple[str, int]] = {}
        self._last_note: int | None = None
        self._break_since_last = False

    # -- feeding -------------------------------------------------------------------------
    def add(self, line: Line, lineno: int) -> None:
        kind = line.kind
        if kind in ("blank", "skip"):
            return
        if kind == "separator":
            self._break_since_last = True
            return
        if kind == "footnote":
            if line.number in self._notes:
                first = self._notes[line.number][1]
                raise LoaderError(
                    self.path, lineno, f"footnote {line.number} is defined twice (first at line {first})"
                )
            self._notes[line.number] = (line.text, lineno)
            self._last_note = line.number
            self._break_since_last = True
            return
        if kind == "footnote-continuation":
            if self._last_note is None:
                raise LoaderError(self.path, lineno, "text continues a footnote, but no footnote precedes it")
            text, first = self._notes[self._last_note]
            self._notes[self._last_note] = (text + " " + line.text, first)
            return
        if kind in ("paragraph", "bullet") and self._continues_previous(line):
            prev_kind, prev_raw, prev_line, prev_level = self._raw[-1]
            self._raw[-1] = (prev_kind, prev_raw + " " + line.text, prev_line, prev_level)
            self._segments[-1].append((len(prev_raw) + 1, lineno))
            self._break_since_last = False
            return
        self._raw.append((kind, line.text, lineno, line.level))
        self._segments.append([(0, lineno)])
        self._break_since_last = False

    def _continues_previous(self, line: Line) -> bool:
        """A paragraph continues the previous block if that block stopped mid-sentence and
        either a page break (footnotes) came between or this text starts in lowercase."""
        if line.kind != "paragraph" or not self._raw:
            return False
        prev_kind, prev_raw, _, _ = self._raw[-1]
        if prev_kind not in ("paragraph", "bullet"):
            return False
        if ends_sentence(clean_markup(prev_raw).text):
            return False
        first = clean_markup(line.text).text[:1]
        return self._break_since_last or first.islower() or first == "("

    @property
    def last_note_number(self) -> int | None:
        return self._last_note

    def last_note_text(self) -> str:
        return self._notes[self._last_note][0] if self._last_note is not None else ""

    # -- finishing -----------------------------------------------------------------------
    def finish(self, front_matter_heading: str = "Front matter") -> None:
        doc = self.doc
        stack: list[Section] = []
        siblings: dict[str, int] = {}
        current: Section | None = None
        for (kind, raw, lineno, level), segments in zip(self._raw, self._segments, strict=True):
            cleaned = clean_markup(raw)
            block = Block(kind=kind, text=cleaned.text, line=lineno, level=level, markers=cleaned.markers)
            # where each source line's text starts in the cleaned text (for quotes' line numbers)
            block.line_starts = [(0, lineno)] + [
                (len(clean_markup(raw[:offset]).text) + 1, line) for offset, line in segments[1:]
            ]
            if kind == "heading":
                while stack and stack[-1].level >= level:
                    stack.pop()
                parent = stack[-1] if stack else None
                base = (parent.slug_path + "/" if parent else "") + section_slug(cleaned.text)
                count = siblings.get(base, 0) + 1
                siblings[base] = count
                slug_path = base if count == 1 else f"{base}-{count}"
                current = Section(
                    heading=cleaned.text, level=level, line=lineno, slug_path=slug_path,
                    order=len(doc.sections) + 1, parent=parent, block=block,
                )
                doc.sections.append(current)
                stack.append(current)
                block.section = current
            else:
                if current is None:
                    # text before the first heading: a synthetic section whose heading is not
                    # in the text (so that the first paragraph stays a paragraph)
                    heading_block = Block(kind="heading", text=front_matter_heading, line=lineno)
                    current = Section(
                        heading=front_matter_heading, level=1, line=lineno, slug_path="front-matter",
                        order=len(doc.sections) + 1, parent=None, block=heading_block,
                    )
                    doc.sections.append(current)
                    stack.append(current)
                block.section = current
                current.paragraphs.append(block)
            doc.blocks.append(block)
        for number, (raw, lineno) in sorted(self._notes.items()):
            cleaned = clean_markup(raw)
            note = Footnote(number=number, text=cleaned.text, line=lineno, raw=raw)
            note.urls = extract_urls(raw)
            doc.footnotes[number] = note

    def append_block(self, block: Block, section: Section) -> None:
        block.section = section
        section.paragraphs.append(block)
        self.doc.blocks.append(block)


def section_slug(heading: str) -> str:
    """Short, stable slugs for numbered parts ("SECTION 2: …" → section-2)."""
    import re

    m = re.match(r"(?i)^(section|annex)\s+(\d+)\b", heading)
    if m:
        return f"{m.group(1).lower()}-{m.group(2)}"
    return slugify(heading)


def extract_urls(raw: str) -> list[str]:
    import re

    urls: list[str] = []
    for m in re.finditer(r"<(https?://[^>\s]+)>|\]\((https?://[^)\s]+)\)", raw):
        url = (m.group(1) or m.group(2)).replace("\\_", "_")
        if url not in urls:
            urls.append(url)
    return urls


def check_markers(doc: ParsedDocument) -> None:
    """Every footnote marker has its note and every note is referenced, unless the document's
    metadata declares the gap (``known_missing_notes``)."""
    known_missing = {int(k) for k in (doc.meta.get("known_missing_notes") or {}) if k != "__line__"}
    referenced: set[int] = set()
    for block in doc.blocks:
        for number, _ in block.markers:
            referenced.add(number)
            if number not in doc.footnotes and number not in known_missing:
                raise LoaderError(
                    str(doc.path), block.line,
                    f"footnote marker {number} has no footnote text in the document "
                    "(declare it under known_missing_notes in the metadata if the source lacks it)",
                )
    for number, note in doc.footnotes.items():
        if number not in referenced:
            raise LoaderError(str(doc.path), note.line, f"footnote {number} is never referenced by a marker in the text")


def resolve_ibid(doc: ParsedDocument) -> None:
    import re

    for number in sorted(doc.footnotes):
        note = doc.footnotes[number]
        if re.match(r"(?i)^ibid\b", note.text):
            previous = [n for n in doc.footnotes if n < number]
            if not previous:
                raise LoaderError(str(doc.path), note.line, f"footnote {number} says Ibid. but no footnote precedes it")
            note.is_ibid = True
            target = max(previous)
            # an Ibid. of an Ibid. resolves to what that one resolves to
            while doc.footnotes[target].is_ibid and doc.footnotes[target].ibid_of is not None:
                target = doc.footnotes[target].ibid_of  # type: ignore[assignment]
            note.ibid_of = target
