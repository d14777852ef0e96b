"""The controlled vocabularies (ontology/vocabularies.ttl) as the loaders need them: to
recognise a cluster from its name in a sentence and a theme from a bullet's first words."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from loaders.namespaces import DEFAULT_BASE, Iris


@dataclass
class Vocabulary:
    graph: Graph
    labels: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # kind → slug → labels
    base: str = DEFAULT_BASE

    @classmethod
    def load(cls, path: Path, iris: Iris | None = None) -> Vocabulary:
        """Read the shipped vocabularies, rewritten to the configured base."""
        iris = iris or Iris()
        graph = Graph()
        graph.parse(data=iris.rebase(path.read_text(encoding="utf-8")), format="turtle")
        vocab = cls(graph, base=iris.base)
        prefix = iris.base + "id/"
        for predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for subject, label in graph.subject_objects(predicate):
                iri = str(subject)
                if not iri.startswith(prefix):
                    continue
                kind, _, slug = iri[len(prefix):].partition("/")
                vocab.labels.setdefault(kind, {}).setdefault(slug, []).append(str(label))
        return vocab

    def slugs(self, kind: str) -> set[str]:
        return set(self.labels.get(kind, {}))

    def label(self, kind: str, slug: str) -> str:
        iri = URIRef(self.base + f"id/{kind}/{slug}")
        for value in self.graph.objects(iri, SKOS.prefLabel):
            return str(value)
        return slug.replace("-", " ")

    def cluster_named(self, name: str) -> str | None:
        """'private sector', 'communities and users', 'states', 'the State actor cluster' → slug."""
        if name in self.labels.get("cluster", {}):
            return name  # already a slug
        wanted = name.strip().lower().removeprefix("the ").removesuffix(" actor cluster").strip()
        candidates = {wanted, wanted.rstrip("s"), wanted + "s"}
        for slug, labels in self.labels.get("cluster", {}).items():
            forms = {label.lower() for label in labels} | {slug.replace("-", " ")}
            if candidates & forms:
                return slug
        return None

    def theme_of(self, text: str) -> str | None:
        """The theme whose label begins the text (longest label wins)."""
        lowered = text.lower()
        best: tuple[int, str] | None = None
        for slug, labels in self.labels.get("theme", {}).items():
            for label in labels:
                form = label.lower()
                whole_word = lowered.startswith(form) and (len(lowered) == len(form) or not lowered[len(form)].isalnum())
                if whole_word and (best is None or len(form) > best[0]):
                    best = (len(form), slug)
        return best[1] if best else None
