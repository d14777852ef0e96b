"""documents + registry + curation → named RDF graphs. The one entry point of loaders/."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from loaders.corpus import DATA_DIR, PROJECT_ROOT, parse_corpus
from loaders.document import ParsedDocument
from loaders.emit import Emitter
from loaders.emit_curation import (
    CurationFile,
    emit_claim_labels,
    emit_claim_works,
    emit_dimension_defaults,
    emit_registry,
)
from loaders.emit_formats import emit_annex, emit_bullet_claims, emit_headed_questions, emit_norm_list
from loaders.emit_structure import assign_work_slugs, emit_citations, emit_document, emit_ibid, emit_mentions
from loaders.errors import LoaderError
from loaders.namespaces import Iris
from loaders.registry import Registry
from loaders.vocabulary import Vocabulary
from loaders.yamlfile import load_yaml

ONTOLOGY_DIR = PROJECT_ROOT / "ontology"


@dataclass
class LoadResult:
    graphs: dict[str, Graph]
    documents: list[ParsedDocument]
    warnings: list[str] = field(default_factory=list)


def load(iris: Iris | None = None, data_dir: Path = DATA_DIR, ontology_dir: Path = ONTOLOGY_DIR) -> LoadResult:
    iris = iris or Iris()
    docs = parse_corpus(data_dir / "documents")
    registry = Registry()
    registry.load_files(data_dir / "registry")
    curation: list[tuple[Path, dict, str]] = []
    by_slug = {d.slug: d for d in docs}
    for doc in docs:
        folder = data_dir / "curation" / doc.slug
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            data = load_yaml(path) or {}
            if not isinstance(data, dict):
                raise LoaderError(str(path), 1, "a curation file is a mapping of sections")
            declared = data.get("document", doc.slug)
            if declared != doc.slug:
                raise LoaderError(str(path), 1, f"this file is in the folder of {doc.slug} but says document: {declared}")
            registry.add("actor", data.get("actors"), path)
            registry.add("initiative", data.get("initiatives"), path)
            curation.append((path, data, doc.slug))
    vocabulary = Vocabulary.load(ontology_dir / "vocabularies.ttl", iris)
    em = Emitter(iris=iris, registry=registry, vocabulary=vocabulary, documents=by_slug)

    for doc in docs:
        emit_document(em, doc)
        if doc.meta["format"] == "markdown-report":
            norms = emit_norm_list(em, doc)
            emit_annex(em, doc, norms)
        elif doc.meta["format"] == "baseline-study":
            emit_bullet_claims(em, doc)
            emit_headed_questions(em, doc)
    slugs = assign_work_slugs(em, docs)
    for doc in docs:
        emit_citations(em, doc, slugs)
        emit_mentions(em, doc)
    emit_registry(em)
    files = [CurationFile(em, path, data, slug) for path, data, slug in curation]
    for cf in files:
        cf.emit()
    emit_dimension_defaults(em, files)
    for doc in docs:
        emit_ibid(em, doc)
    emit_claim_works(em)
    emit_claim_labels(em)
    em.check_references()
    assert_once(em.graphs)
    return LoadResult(graphs=em.graphs, documents=docs, warnings=list(registry.minted) + em.warnings)


def assert_once(graphs: dict[str, Graph]) -> None:
    """A triple lives in one named graph: a curation file that cites a quote the document loader
    also minted (same IRI, same offsets) repeats its triples, and a triple in two graphs comes out
    twice from the union default graph (``SELECT (COUNT(*) …) { ?q oa:exact ?t }`` would count it
    twice). The document graph keeps it: the text is where the quote comes from."""
    documents = [g for name, g in graphs.items() if name.startswith("document/")]
    curation = graphs.get("curation")
    if curation is None:
        return
    for triple in [t for t in curation if any(t in g for g in documents)]:
        curation.remove(triple)
