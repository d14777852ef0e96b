"""Content negotiation: an RFC 9110 ``Accept`` parser (q-values, wildcards, parameters) and the
formats this service speaks, by media type and by the short names of the ``format`` parameter."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str  # short name, as in ?format=
    media_type: str
    aliases: tuple[str, ...] = ()


RESULT_FORMATS = [
    Format("json", "application/sparql-results+json", ("application/json",)),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml")),
    Format("csv", "text/csv"),
    Format("tsv", "text/tab-separated-values"),
]
GRAPH_FORMATS = [
    Format("turtle", "text/turtle", ("application/x-turtle",)),
    Format("ntriples", "application/n-triples", ("text/plain",)),
    Format("nquads", "application/n-quads"),
    Format("jsonld", "application/ld+json", ("application/json",)),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml")),
    Format("trig", "application/trig"),
]
FORMAT_NAMES = {
    "json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
    "ttl": "turtle", "turtle": "turtle", "nt": "ntriples", "ntriples": "ntriples", "n-triples": "ntriples",
    "nq": "nquads", "nquads": "nquads", "jsonld": "jsonld", "json-ld": "jsonld", "rdf": "rdfxml",
    "rdfxml": "rdfxml", "rdf+xml": "rdfxml", "owl": "rdfxml", "trig": "trig", "html": "html",
}


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    params: tuple[tuple[str, str], ...]

    def matches(self, media_type: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*), 0 if none."""
        t, _, s = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == t and self.subtype == "*":
            return 2
        if self.type == t and self.subtype == s:
            return 3
        return 0


def parse_accept(header: str | None) -> list[MediaRange]:
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0, ())]
    ranges: list[MediaRange] = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0] or "/" not in pieces[0]:
            continue
        t, _, s = pieces[0].lower().partition("/")
        q = 1.0
        params: list[tuple[str, str]] = []
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            key, value = key.strip().lower(), value.strip().strip('"')
            if key == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
                break  # parameters after q are accept-extensions
            params.append((key, value))
        ranges.append(MediaRange(t or "*", s or "*", q, tuple(params)))
    return ranges or [MediaRange("*", "*", 1.0, ())]


def quality(ranges: list[MediaRange], media_type: str) -> float:
    best, best_q = 0, 0.0
    for r in ranges:
        specificity = r.matches(media_type)
        if specificity > best or (specificity == best and specificity and r.q > best_q):
            best, best_q = specificity, r.q
    return best_q if best else 0.0


def choose(formats: list[Format], accept: str | None) -> Format | None:
    """The acceptable format with the highest q (server order breaks ties); None if none is."""
    ranges = parse_accept(accept)
    best: tuple[float, int, Format] | None = None
    for index, fmt in enumerate(formats):
        q = max(quality(ranges, m) for m in (fmt.media_type, *fmt.aliases))
        if q <= 0:
            continue
        if best is None or q > best[0] or (q == best[0] and index < best[1]):
            best = (q, index, fmt)
    return best[2] if best else None


def by_name(formats: list[Format], name: str) -> Format | None:
    wanted = FORMAT_NAMES.get(name.lower(), name.lower())
    for fmt in formats:
        if fmt.name == wanted or fmt.media_type == name.lower():
            return fmt
    return None


def accepts_html(accept: str | None) -> bool:
    """True when a browser asks (text/html preferred over RDF and results types)."""
    if not accept:
        return False
    ranges = parse_accept(accept)
    html = max(quality(ranges, "text/html"), quality(ranges, "application/xhtml+xml"))
    explicit = [r for r in ranges if r.type != "*" and (r.type, r.subtype) in (("text", "html"), ("application", "xhtml+xml"))]
    if not explicit or html <= 0:
        return False
    others = [quality(ranges, f.media_type) for f in RESULT_FORMATS + GRAPH_FORMATS]
    html_types = (("text", "html"), ("application", "xhtml+xml"))
    specific_others = [r for r in ranges if r.type != "*" and r.subtype != "*" and (r.type, r.subtype) not in html_types]
    return not specific_others or html >= max(others)
