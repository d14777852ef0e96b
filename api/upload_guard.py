"""Checks on an RDF/XML upload before the engine parses it: XML entities.

The engine (oxrdfxml) expands the internal entities a document declares in its DTD, without a
limit: ten entities of ten references each ("billion laughs") ask it for gigabytes, and the
worker dies of it — after taking the memory from everything else on the host. It reads no
external entity (``SYSTEM``/``PUBLIC``), but refuses them with a confusing message. Here an
upload is refused with a clear 400 if it declares an external or parameter entity, or if its
entity references would expand to more than ``MAX_EXPANSION`` bytes. Ordinary RDF/XML, including
files that abbreviate namespaces with a few entities (as Protégé writes them), passes."""

from __future__ import annotations

import re

MAX_EXPANSION = 1 << 20  # bytes of text that entity references may add to one document
MAX_CHAIN = 32  # entities referring to entities referring to …

_DECLARATION = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s\"'>%]+)\s+(?:\"([^\"]*)\"|'([^']*)'|(SYSTEM|PUBLIC)\b)")
_REFERENCE = re.compile(rb"&([A-Za-z_:][\w.:\-]*);")


class UploadRefused(ValueError):
    pass


def check_rdfxml(body: bytes) -> None:
    if b"<!ENTITY" not in body:
        return
    values: dict[bytes, bytes] = {}
    for m in _DECLARATION.finditer(body):
        name = m.group(2)
        if m.group(1) or m.group(5):
            raise UploadRefused(f"the RDF/XML payload declares an external or parameter entity ({name.decode('ascii', 'replace')}): "
                                "not accepted (this server reads no files and fetches nothing while parsing)")
        values[name] = m.group(3) if m.group(3) is not None else m.group(4)
    sizes: dict[bytes, int] = {}

    def size(name: bytes, seen: tuple[bytes, ...] = ()) -> int:
        if name not in values:
            return 1  # a predefined entity (&amp; …) or a character reference stands for one character
        if name in seen:
            raise UploadRefused(f"the RDF/XML payload's entity {name.decode('ascii', 'replace')} refers to itself")
        if len(seen) > MAX_CHAIN:  # also keeps this recursion far from Python's limit
            raise UploadRefused(f"the RDF/XML payload's entities refer to each other more than {MAX_CHAIN} levels deep")
        if name not in sizes:
            value = values[name]
            total = len(value)
            for ref in _REFERENCE.finditer(value):
                total += size(ref.group(1), (*seen, name)) - len(ref.group(0))
                if total > MAX_EXPANSION:
                    break
            sizes[name] = total
        return sizes[name]

    end_of_dtd = body.find(b"]>")
    expansion = 0
    for ref in _REFERENCE.finditer(body, end_of_dtd if end_of_dtd >= 0 else 0):
        expansion += size(ref.group(1))
        if expansion > MAX_EXPANSION:
            raise UploadRefused(f"the RDF/XML payload's entity references would expand to more than {MAX_EXPANSION} bytes "
                                "(an entity-expansion attack?): not accepted")
