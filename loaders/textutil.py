"""Reading documents and turning their markup into normalised text.

Normalisation is documented in data/README.md; quotes and offsets refer to its result, so any
change here changes every quote's offsets (and the text hash recorded on the document).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from loaders.errors import LoaderError

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT_MAP = {c: str(i) for i, c in enumerate(SUPERSCRIPT_DIGITS)}
TERMINAL = tuple(".?!:;”\"’)]…")


def read_document(path: Path) -> list[str]:
    """Decode a document strictly as UTF-8 (an invalid byte is an error naming its line),
    normalise to NFC and LF line endings, and return its lines."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoaderError(
            str(path), line, f"invalid UTF-8 byte 0x{raw[exc.start]:02x} at column {column}"
        ) from None
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.split("\n")


def slugify(text: str, max_length: int = 60) -> str:
    """Lowercase ASCII slug; at most ``max_length`` characters, cut at a hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug or "x"


@dataclass
class CleanText:
    """Text with markup removed; ``markers`` are (footnote number, offset in ``text``)."""

    text: str
    markers: list[tuple[int, int]] = field(default_factory=list)


# Markdown / HTML markup of the converted PDFs. Order matters: longer tokens first.
_TOKEN = re.compile(
    r"(?P<sup><sup>(?P<supn>\d+)</sup>)"
    r"|(?P<supother><sup>(?P<suptext>[^<]*)</sup>)"
    r"|(?P<uni>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|(?P<html></?(?:ul|li|ol|br|p|span)\b[^>]*>)"
    r"|(?P<autolink><(?P<url>https?://[^>\s]+)>)"
    r"|(?P<mdlink>\[(?P<linktext>[^\]]*)\]\((?P<href>[^)\s]*)\))"
    r"|(?P<bold4>\*\*\*\*)"
    r"|(?P<emph>\*+)"
    r"|(?P<escape>\\+(?P<escaped>[_*\[\]()#]))"
)


def clean_markup(raw: str, *, keep_links: bool = False) -> CleanText:
    """Strip emphasis, footnote markers, HTML tags and escapes; fold whitespace.

    Footnote markers (``<sup>12</sup>`` or superscript digits) are removed from the text and
    returned with their offsets. Markdown links keep their text; with ``keep_links`` the
    ``[text](#)`` form is kept verbatim (the baseline study's citations need it)."""
    pieces: list[str | int] = []
    pos = 0
    for m in _TOKEN.finditer(raw):
        if m.start() > pos:
            pieces.append(raw[pos : m.start()])
        pos = m.end()
        if m.group("sup"):
            pieces.append(int(m.group("supn")))
        elif m.group("supother") is not None:
            pieces.append(m.group("suptext"))
        elif m.group("uni"):
            pieces.append(int("".join(_SUPERSCRIPT_MAP[c] for c in m.group("uni"))))
        elif m.group("html"):
            pieces.append(" ")
        elif m.group("autolink"):
            pieces.append(m.group("url"))
        elif m.group("mdlink") is not None:
            if keep_links:
                pieces.append(m.group(0).replace("\\_", "_"))
            else:
                text = m.group("linktext").replace("\\_", "_").replace("\\", "")
                pieces.append(text)
        elif m.group("bold4"):
            pieces.append(" ")
        elif m.group("emph"):
            pass
        elif m.group("escape"):
            pieces.append(m.group("escaped"))
    pieces.append(raw[pos:])
    out: list[str] = []
    markers: list[tuple[int, int]] = []
    length = 0
    pending_space = False
    for piece in pieces:
        if isinstance(piece, int):
            markers.append((piece, length))
            continue
        for ch in piece:
            if ch.isspace():
                pending_space = length > 0
                continue
            if pending_space:
                out.append(" ")
                length += 1
                pending_space = False
            out.append(ch)
            length += 1
    return CleanText("".join(out), markers)


def ends_sentence(text: str) -> bool:
    """True if the text ends like a complete sentence or list item."""
    stripped = text.rstrip()
    return not stripped or stripped.endswith(TERMINAL)
