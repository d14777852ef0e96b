"""Splitting a baseline-study footnote into the works it cites.

Each work is a Markdown link with an empty target, ``[Title](#)``, with its year and
publisher after it (``[T](#). 2014. African Union.``) or its author and year before it
(``A. Kastelic. 2015. [T](#). RACVIAC.``); editors are marked ``(eds.)``; a descriptor with a
colon may stand before the year (``Panel presentation: Feakin. 2017. IGF.``). A title cut by a
page break arrives as two adjacent links, which are one title."""

from __future__ import annotations

import re

from loaders.document import Citation
from loaders.errors import LoaderError

_LINK = re.compile(r"\[([^\]]*)\]\(#\)")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")


def _segments(text: str) -> list[str]:
    """Split on sentence full stops, keeping initials ("A. Kastelic") and "(eds.)" whole."""
    out: list[str] = []
    buf = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "." and (i + 1 == len(text) or text[i + 1] == " "):
            before = buf.rstrip()
            after = text[i + 1 :].lstrip()
            is_initial = re.search(r"(^|[\s,])[A-Z]$", before) is not None and after[:1].isupper()
            if is_initial:
                buf += ch
            else:
                if re.search(r"(^|[\s,])[A-Z]$", before):
                    before += "."  # keep the initial's full stop: "Hill, R."
                if before.strip():
                    out.append(before.strip())
                buf = ""
            i += 1
            continue
        buf += ch
        i += 1
    if buf.strip():
        out.append(buf.strip())
    return out


def split_citations(text: str, path: str, line: int) -> list[Citation]:
    links: list[tuple[str, int, int]] = []
    for m in _LINK.finditer(text):
        title = m.group(1).strip()
        if links and not text[links[-1][2] : m.start()].strip():
            prev_title, start, _ = links[-1]
            links[-1] = (f"{prev_title} {title}", start, m.end())
        else:
            links.append((title, m.start(), m.end()))
    if not links:
        return []
    citations: list[Citation] = []
    prefix = text[: links[0][1]]
    for index, (title, start, end) in enumerate(links):
        next_start = links[index + 1][1] if index + 1 < len(links) else len(text)
        segments = _segments(text[end:next_start].strip().lstrip(".").strip())
        prefix_segments = _segments(prefix.strip())
        creators: list[str] = []
        for segment in prefix_segments:
            if _YEAR.match(segment):
                continue
            if creators and re.fullmatch(r"[A-Z]\.", segment):
                creators[-1] = f"{creators[-1]}, {segment}"  # "Schmitt. M." is one author
            else:
                creators.append(segment)
        prefix_years = [int(s) for s in prefix_segments if _YEAR.match(s)]
        descriptor = year = publisher = None
        editors: list[str] = []
        i = 0
        if i < len(segments) and ":" in segments[i] and not _YEAR.match(segments[i]):
            descriptor = segments[i]
            i += 1
        if i < len(segments) and _YEAR.match(segments[i]):
            year = int(segments[i])
            i += 1
        if i < len(segments) and re.search(r"\(eds?\.\)$", segments[i]):
            editors = [segments[i]]
            i += 1
        if i < len(segments):
            publisher = segments[i]
            i += 1
        rest = segments[i:]
        if index + 1 == len(links) and rest:
            raise LoaderError(path, line, f"cannot read the end of the citation of [{title}]: {'. '.join(rest)!r}")
        note = None
        if prefix_years and year is None:
            year = prefix_years[0]
        elif prefix_years and year is not None and prefix_years[0] != year:
            note = f"the citation gives two years: {prefix_years[0]} before the title and {year} after it"
        if descriptor and ":" in descriptor:
            kind, _, who = descriptor.partition(":")
            creators.append(who.strip())
            descriptor = kind.strip()
        as_text = (prefix + text[start:next_start] if index == 0 else text[start:next_start]).strip()
        citations.append(
            Citation(title=title, year=year, publisher=publisher, creators=creators, editors=editors,
                     descriptor=descriptor, as_text=as_text, note=note)
        )
        prefix = ". ".join(rest)  # what follows the publisher belongs to the next work
    return citations
