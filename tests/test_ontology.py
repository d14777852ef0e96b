"""Tests of the normgraph ontology (ontology/normgraph.ttl) and its SKOS vocabularies
(ontology/vocabularies.ttl): documentation of every term, the contract in docs/model.md and
data/README.md, verbatim quotes, OWL 2 DL hygiene, and HermiT reasoning through owlready2.

owlready2 does not read Turtle, so the graphs are converted to N-Triples with rdflib first.
Every reasoning test uses a fresh owlready2 World.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import owlready2
import pytest
import rdflib
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = ROOT / "ontology" / "normgraph.ttl"
VOCABULARY_FILE = ROOT / "ontology" / "vocabularies.ttl"
MODEL_DOC = ROOT / "docs" / "model.md"
DOCUMENTS = sorted((ROOT / "data" / "documents").glob("*.txt"))

NG_IRI = "https://w3id.org/normgraph/def/"
NGR_IRI = "https://w3id.org/normgraph/id/"
NG = Namespace(NG_IRI)
ONTOLOGY_IRI = URIRef(NG_IRI)
DIM = Namespace(NGR_IRI + "dimension/")
CLUSTER = Namespace(NGR_IRI + "cluster/")
STATUS = Namespace(NGR_IRI + "status/")
THEME = Namespace(NGR_IRI + "theme/")
SCHEME = Namespace(NGR_IRI + "scheme/")
TEST = Namespace("https://example.org/normgraph-test/")

BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))
DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}

# Fixed slugs of data/README.md.
CLUSTERS = [
    "states", "private-sector", "civil-society", "communities-and-users", "technical-community",
    "academia", "certs", "other-actors", "intergovernmental-organisations",
]
STATUSES = ["assumed", "advocated", "suggested", "recognised", "prospective", "attributed"]
DIMENSION_VALUES = ["hard", "soft", "reactive", "productive", "restraint", "positive-duty",
                    "not-determinable"]
BASES = ["stated", "curated"]
DIMENSIONS = ["bindingness", "behaviour-mode", "modality"]
STATE_ROLES = ["stakeholder", "regulator", "coordinator", "defender", "user", "promoter",
               "educator"]
THEMES = [
    "cybersecurity-framework", "awareness-raising", "capacity-building", "cooperation",
    "norm-development", "public-private-partnerships", "ensuring-security",
    "responsible-behaviour", "policy-development", "research", "critical-infrastructure",
    "supply-chain", "vulnerabilities", "certs-and-incident-response", "attribution",
    "information-sharing", "human-rights", "transparency", "standardisation", "resilience",
    "crime", "deterrence", "confidence-building", "oversight", "diplomacy", "restraint",
    "international-law", "sovereignty", "self-regulation", "cyber-defence", "terrorism",
]
THEME_HIDDEN_LABELS = {
    "awareness-raising": ["Awareness raising"],
    "cybersecurity-framework": [
        "Development and adoption of a cybersecurity framework",
        "Adopting comprehensive national cybersecurity frameworks",
        "Adopting national cybersecurity frameworks",
    ],
    "capacity-building": ["Capacity building"],
    "cooperation": ["Cooperation"],
    "norm-development": ["Norm development"],
    "public-private-partnerships": [
        "Development of, and engagement in, public-private partnerships",
        "Establishment of, and engagement in, public-private partnerships",
    ],
    "ensuring-security": ["Ensuring security", "Ensure security",
                          "Ensuring overall national security"],
    "responsible-behaviour": ["Responsible behaviour"],
    "policy-development": ["Policy development"],
}


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

def _parse(*paths: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def _normalised_documents() -> str:
    """A close approximation of the loaders' normalised text (data/README.md): markup and
    footnote markers removed, whitespace folded. Enough to check that a quote is verbatim."""
    texts = []
    for path in DOCUMENTS:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"<sup>.*?</sup>", "", text)
        text = re.sub(r"</?(?:ul|li)\b[^>]*>", "", text)
        text = text.replace("\\_", "_").replace("*", "")
        text = re.sub("[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]", "", text)
        texts.append(re.sub(r"\s+", " ", text))
    return "\n".join(texts)


def _is_foreign(term) -> bool:
    return isinstance(term, URIRef) and not (
        str(term).startswith(NG_IRI) or str(term).startswith(NGR_IRI)
    )


def _new_world(combined: rdflib.Graph, extra: list[tuple] | None = None) -> owlready2.World:
    """A fresh owlready2 World holding ontology + vocabularies (+ extra test triples)."""
    graph = rdflib.Graph()
    for triple in combined:
        graph.add(triple)
    for triple in extra or []:
        graph.add(triple)
    data = graph.serialize(format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology("https://example.org/normgraph-test/ontology").load(
        fileobj=io.BytesIO(data), format="ntriples"
    )
    return world


def _run_hermit(world: owlready2.World) -> None:
    owlready2.sync_reasoner(world, infer_property_values=False, debug=0)


def _is_consistent(world: owlready2.World) -> bool:
    try:
        _run_hermit(world)
    except owlready2.OwlReadyInconsistentOntologyError:
        return False
    return True


def _responsibility(name: str, **dimensions: list[URIRef]) -> list[tuple]:
    subject = TEST[name]
    triples = [(subject, RDF.type, NG.Responsibility), (subject, NG.bearer, CLUSTER.states)]
    for prop, values in dimensions.items():
        triples += [(subject, NG[prop], value) for value in values]
    return triples


def _types_of(world: owlready2.World, iri: URIRef) -> set[str]:
    individual = world[str(iri)]
    assert individual is not None, iri
    return {c.iri for c in individual.INDIRECT_is_a if hasattr(c, "iri")}


# --------------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return _parse(ONTOLOGY_FILE)


@pytest.fixture(scope="module")
def vocabularies() -> rdflib.Graph:
    return _parse(VOCABULARY_FILE)


@pytest.fixture(scope="module")
def combined() -> rdflib.Graph:
    return _parse(ONTOLOGY_FILE, VOCABULARY_FILE)


# --------------------------------------------------------------------------------------------
# parsing, header, documentation of terms
# --------------------------------------------------------------------------------------------

def test_files_parse(ontology, vocabularies):
    assert len(ontology) > 500
    assert len(vocabularies) > 300


def test_ontology_header(ontology):
    DCTERMS = Namespace("http://purl.org/dc/terms/")
    VANN = Namespace("http://purl.org/vocab/vann/")
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert (ONTOLOGY_IRI, OWL.versionIRI, URIRef(NG_IRI + "0.1.0")) in ontology
    assert (ONTOLOGY_IRI, OWL.versionInfo, Literal("0.1.0")) in ontology
    assert (ONTOLOGY_IRI, DCTERMS.creator, Literal("normgraph contributors")) in ontology
    assert (ONTOLOGY_IRI, DCTERMS.license,
            URIRef("https://creativecommons.org/licenses/by/4.0/")) in ontology
    assert (ONTOLOGY_IRI, VANN.preferredNamespacePrefix, Literal("ng")) in ontology
    assert ontology.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri) is not None
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.title) is not None
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.description) is not None
    assert not list(ontology.objects(None, OWL.imports))


def test_every_ng_term_is_documented(ontology):
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef)
             and str(s).startswith(NG_IRI) and s != ONTOLOGY_IRI}
    assert len(terms) > 130
    for term in sorted(terms):
        labels = list(ontology.objects(term, RDFS.label))
        assert len(labels) == 1 and labels[0].language == "en", (term, labels)
        definitions = list(ontology.objects(term, SKOS.definition))
        assert definitions and all(d.language == "en" for d in definitions), term
        assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in ontology, term


def test_every_ng_term_used_is_defined(combined, ontology):
    defined = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    used = {t for triple in combined for t in triple
            if isinstance(t, URIRef) and str(t).startswith(NG_IRI)}
    assert used - defined - {URIRef(NG_IRI + "0.1.0")} == set()


def test_model_terms_exist(ontology):
    """Every ng: class and property named in docs/model.md exists with exactly that IRI."""
    model = MODEL_DOC.read_text(encoding="utf-8")
    names = set(re.findall(r"\bng:([A-Za-z][A-Za-z0-9]*)", model))
    classes_part = model.split("## Classes")[1].split("## Properties")[0]
    for line in classes_part.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Za-z]+)`", line.split("|")[1]))
    properties_part = model.split("## Properties")[1].split("## Curated")[0]
    names |= set(re.findall(r"`(?:ng:)?([a-z][A-Za-z0-9]+)`", properties_part))
    # rejected in model.md itself ("? No: the graph name is the marker"), and literal values
    names -= {"InferenceRecord", "inferredTriple", "represented", "invited"}
    assert len(names) > 120
    missing = sorted(n for n in names if (NG[n], RDFS.isDefinedBy, ONTOLOGY_IRI) not in ontology)
    assert missing == []


def test_definition_quotes_are_verbatim(combined):
    """Text in “…” inside a skos:definition occurs in a report's normalised text."""
    text = _normalised_documents()
    quotes = [(s, q) for s, d in combined.subject_objects(SKOS.definition)
              for q in re.findall(r"“([^“”]+)”", str(d))]
    assert len(quotes) > 100
    assert [(str(s), q) for s, q in quotes if q not in text] == []


def test_required_document_definitions_are_quoted(combined):
    expected = {
        NG.ReactiveResponsibility: "‘reactive behaviours’, are generally articulated",
        NG.ProductiveResponsibility: "‘productive behaviours’ – refer to those behaviours",
        NG.HardResponsibility: "the ‘hard’ (i.e. legally binding)",
        NG.SoftResponsibility: "the ‘soft’ (i.e. politically binding or voluntary norms)",
        NG.RestraintResponsibility: "“negative responsibilities”",
        NG.RegimeComponent: "Implicit or explicit principles, norms, rules and decision-making",
        NG.ActorCluster: "the three identified strands of actors – the state, the private sector",
        THEME["responsible-behaviour"]: "‘responsible behaviour’ could be defined as behaviour",
    }
    for term, fragment in expected.items():
        assert fragment in str(combined.value(term, SKOS.definition)), term


# --------------------------------------------------------------------------------------------
# namespaces and OWL 2 DL hygiene
# --------------------------------------------------------------------------------------------

def test_no_subject_minted_in_a_foreign_namespace(combined):
    """Foreign IRIs appear as subjects only in declarations (rdf:type owl:Class etc.)."""
    offending = [
        (s, p, o) for s, p, o in combined
        if _is_foreign(s) and not (p == RDF.type and o in DECLARATION_TYPES)
    ]
    assert offending == []


def test_external_terms_declared_consistently(ontology, combined):
    def kinds(term):
        return set(ontology.objects(term, RDF.type)) & DECLARATION_TYPES

    # every term, own or foreign, has exactly one declaration kind (no property punning)
    declared = {s for s, o in ontology.subject_objects(RDF.type) if o in DECLARATION_TYPES}
    for term in declared:
        assert len(kinds(term)) == 1, (term, kinds(term))
    # every foreign predicate and every foreign class referenced is declared
    for s, p, o in combined:
        if _is_foreign(p) and not str(p).startswith(BUILTIN_NAMESPACES):
            assert kinds(p) & PROPERTY_TYPES, p
        if p in (RDFS.subClassOf, OWL.equivalentClass, RDFS.domain, RDFS.range) and _is_foreign(o) \
                and not str(o).startswith(BUILTIN_NAMESPACES):
            assert OWL.Class in kinds(o), o
        if p == RDF.type and _is_foreign(o) and not str(o).startswith(BUILTIN_NAMESPACES):
            assert OWL.Class in kinds(o), o
        if p == RDFS.subPropertyOf:
            assert len(kinds(s)) == 1 and kinds(s) == kinds(o), (s, o)
    # annotation properties stay annotation properties
    for term in (SKOS.definition, SKOS.prefLabel, SKOS.closeMatch,
                 URIRef("http://purl.org/dc/terms/title")):
        assert kinds(term) == {OWL.AnnotationProperty}, term
    # ng: properties are object or datatype properties (literal vs IRI values kept apart),
    # except ng:year (xsd:gYear values are outside the OWL 2 datatype map) and ng:note (a
    # sub-property of the annotation property skos:editorialNote)
    annotation_ng = {NG.year, NG.note}
    for prop in {s for s in declared if str(s).startswith(NG_IRI)} - set(
            ontology.subjects(RDF.type, OWL.Class)) - annotation_ng:
        assert kinds(prop) <= {OWL.ObjectProperty, OWL.DatatypeProperty}, prop
    for prop in annotation_ng:
        assert kinds(prop) == {OWL.AnnotationProperty}, prop


def test_required_axioms(ontology):
    members = ontology.value(predicate=RDF.type, object=OWL.AllDisjointClasses)
    listed = set(Collection(ontology, ontology.value(members, OWL.members)))
    assert listed == {NG.Actor, NG.ActorCluster, NG.Norm, NG.Responsibility, NG.Source,
                      NG.Claim}
    assert (NG.HardResponsibility, OWL.disjointWith, NG.SoftResponsibility) in ontology
    assert (NG.RestraintResponsibility, OWL.disjointWith, NG.PositiveDuty) in ontology
    assert (NG.ReactiveResponsibility, OWL.disjointWith, NG.ProductiveResponsibility) \
        not in ontology
    assert (NG.ProductiveResponsibility, OWL.disjointWith, NG.ReactiveResponsibility) \
        not in ontology
    for prop in (NG.bindingness, NG.modality):
        assert (prop, RDF.type, OWL.FunctionalProperty) in ontology
    assert (NG.behaviourMode, RDF.type, OWL.FunctionalProperty) not in ontology
    different = ontology.value(predicate=RDF.type, object=OWL.AllDifferent)
    distinct = set(Collection(
        ontology, ontology.value(different, OWL.distinctMembers)))
    assert {DIM[v] for v in DIMENSION_VALUES + BASES + DIMENSIONS} <= distinct
    for prop in (NG.bearer, NG.claimant):
        union = ontology.value(ontology.value(prop, RDFS.range), OWL.unionOf)
        assert set(Collection(ontology, union)) == {NG.Actor,
                                                                      NG.ActorCluster}
    ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
    assert (NG.Responsibility, SKOS.closeMatch, ODRL.Duty) in ontology
    assert (NG.RestraintResponsibility, SKOS.closeMatch, ODRL.Prohibition) in ontology
    assert (NG.PositiveDuty, SKOS.closeMatch, ODRL.Duty) in ontology


# --------------------------------------------------------------------------------------------
# SKOS vocabularies
# --------------------------------------------------------------------------------------------

def test_every_concept_is_complete(vocabularies):
    schemes = set(vocabularies.subjects(RDF.type, SKOS.ConceptScheme))
    assert schemes == {SCHEME[n] for n in ("actor-clusters", "state-roles", "claim-statuses",
                                            "dimension-values", "themes")}
    concepts = set(vocabularies.subjects(RDF.type, SKOS.Concept))
    for concept in concepts | schemes:
        labels = list(vocabularies.objects(concept, SKOS.prefLabel))
        assert len(labels) == 1 and labels[0].language == "en", concept
        definitions = list(vocabularies.objects(concept, SKOS.definition))
        assert definitions and all(d.language == "en" for d in definitions), concept
        assert vocabularies.value(concept, RDFS.isDefinedBy) is not None, concept
    for concept in concepts:
        scheme = vocabularies.value(concept, SKOS.inScheme)
        assert scheme in schemes, concept
        is_top = (scheme, SKOS.hasTopConcept, concept) in vocabularies
        assert is_top == ((concept, SKOS.topConceptOf, scheme) in vocabularies), concept
        has_broader = vocabularies.value(concept, SKOS.broader) is not None
        assert is_top != has_broader, concept
        for narrower in vocabularies.objects(concept, SKOS.narrower):
            assert (narrower, SKOS.broader, concept) in vocabularies


def test_skos_label_integrity(vocabularies):
    """SKOS S13: pref/alt/hidden labels of a concept are pairwise disjoint; and no two concepts
    of one scheme share a preferred label."""
    for concept in set(vocabularies.subjects(SKOS.prefLabel, None)):
        pref, alt, hidden = (set(vocabularies.objects(concept, p))
                             for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel))
        assert not (pref & alt or pref & hidden or alt & hidden), concept
    for scheme in set(vocabularies.subjects(RDF.type, SKOS.ConceptScheme)):
        labels = [str(vocabularies.value(c, SKOS.prefLabel)).lower()
                  for c in vocabularies.subjects(SKOS.inScheme, scheme)]
        assert len(labels) == len(set(labels)), scheme


def test_fixed_slugs(vocabularies):
    def typed(namespace, slugs, cls):
        for slug in slugs:
            assert (namespace[slug], RDF.type, cls) in vocabularies, slug
            assert (namespace[slug], RDF.type, SKOS.Concept) in vocabularies, slug

    typed(CLUSTER, CLUSTERS, NG.ActorCluster)
    typed(Namespace(NGR_IRI + "state-role/"), STATE_ROLES, NG.StateRole)
    typed(STATUS, STATUSES, NG.Status)
    typed(DIM, DIMENSION_VALUES, NG.DimensionValue)
    typed(THEME, THEMES, NG.Theme)
    for slug in BASES + DIMENSIONS:
        assert (DIM[slug], SKOS.inScheme, SCHEME["dimension-values"]) in vocabularies
        assert (DIM[slug], RDF.type, NG.DimensionValue) not in vocabularies
    for cls, count in ((NG.ActorCluster, len(CLUSTERS)), (NG.StateRole, len(STATE_ROLES)),
                       (NG.Status, len(STATUSES)), (NG.DimensionValue, len(DIMENSION_VALUES)),
                       (NG.Theme, len(THEMES))):
        assert len(set(vocabularies.subjects(RDF.type, cls))) == count, cls


def test_cluster_structure(vocabularies):
    civil, users = CLUSTER["civil-society"], CLUSTER["communities-and-users"]
    assert (civil, SKOS.related, users) in vocabularies
    assert (civil, OWL.sameAs, users) not in vocabularies
    assert (civil, SKOS.exactMatch, users) not in vocabularies
    assert set(vocabularies.objects(CLUSTER["other-actors"], SKOS.narrower)) == {
        CLUSTER[s] for s in ("civil-society", "technical-community", "academia", "certs")}
    assert "the three identified strands of actors – the state, the private sector and " \
        "communities and users" in str(vocabularies.value(SCHEME["actor-clusters"],
                                                          SKOS.definition))


def test_status_structure(vocabularies):
    def alt(slug):
        return {str(a) for a in vocabularies.objects(STATUS[slug], SKOS.altLabel)}

    assert alt("assumed") == {"extant", "current", "agreed", "already assumed"}
    assert alt("advocated") == {"proposed", "promoted", "recommended"}
    assert (STATUS.suggested, SKOS.broader, STATUS.advocated) in vocabularies
    assert (STATUS.recognised, SKOS.broader, STATUS.assumed) in vocabularies
    assert (STATUS.prospective, SKOS.closeMatch, STATUS.advocated) in vocabularies


def test_theme_hidden_labels(vocabularies):
    for slug, expected in THEME_HIDDEN_LABELS.items():
        hidden = {str(h) for h in vocabularies.objects(THEME[slug], SKOS.hiddenLabel)}
        assert set(expected) <= hidden, slug
    # a hidden label identifies one theme only
    owners: dict[str, URIRef] = {}
    for theme, label in vocabularies.subject_objects(SKOS.hiddenLabel):
        assert owners.setdefault(str(label).lower(), theme) == theme, label


# --------------------------------------------------------------------------------------------
# reasoning with HermiT (owlready2)
# --------------------------------------------------------------------------------------------

def test_hermit_finds_ontology_and_vocabularies_consistent(combined):
    world = _new_world(combined)
    _run_hermit(world)
    assert world[str(NG.HardResponsibility)] is not None
    assert list(world.inconsistent_classes()) == []


def test_hard_and_soft_is_inconsistent(combined):
    world = _new_world(combined, _responsibility(
        "both-hard-and-soft", bindingness=[DIM.hard, DIM.soft]))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _run_hermit(world)


def test_norm_typed_as_actor_is_inconsistent(combined):
    norm = TEST["norm-and-actor"]
    world = _new_world(combined, [(norm, RDF.type, NG.Norm), (norm, RDF.type, NG.Actor)])
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _run_hermit(world)


def test_reactive_and_productive_is_consistent_and_classified_under_both(combined):
    world = _new_world(combined, _responsibility(
        "reactive-and-productive", behaviourMode=[DIM.reactive, DIM.productive],
        bindingness=[DIM.soft], modality=[DIM["positive-duty"]]))
    _run_hermit(world)
    types = _types_of(world, TEST["reactive-and-productive"])
    assert {str(NG.ReactiveResponsibility), str(NG.ProductiveResponsibility),
            str(NG.SoftResponsibility), str(NG.PositiveDuty)} <= types
    assert str(NG.HardResponsibility) not in types
    assert str(NG.RestraintResponsibility) not in types


def test_not_determinable_values_stay_consistent(combined):
    """A responsibility, its claim, classifications and an annex cell whose dimensions are
    all not-determinable: consistent, and classified under no dimension subclass."""
    r, claim = TEST["undetermined"], TEST["undetermined-claim"]
    triples = _responsibility("undetermined", bindingness=[DIM["not-determinable"]],
                              behaviourMode=[DIM["not-determinable"]],
                              modality=[DIM["not-determinable"]])
    triples += [
        (claim, RDF.type, NG.Claim), (claim, NG.about, r), (claim, NG.status, STATUS.suggested),
        (claim, NG.claimant, CLUSTER["private-sector"]),
        (claim, NG.evidence, TEST["quote-1"]), (TEST["quote-1"], RDF.type, NG.Quote),
        (TEST["annex-cell"], RDF.type, NG.AnnexCell),
        (TEST["annex-cell"], NG.status, STATUS.prospective),
        (TEST["annex-cell"], NG.actorGroup, CLUSTER["other-actors"]),
        (TEST["annex-cell"], NG.isEmpty, Literal(True)),
    ]
    for dimension in DIMENSIONS:
        record = TEST["classification-" + dimension]
        triples += [
            (record, RDF.type, NG.Classification), (record, NG.classifies, r),
            (record, NG.dimension, DIM[dimension]), (record, NG.value, DIM["not-determinable"]),
            (record, NG.basis, DIM.curated), (record, NG.rationale, Literal("test")),
        ]
    world = _new_world(combined, triples)
    _run_hermit(world)
    types = _types_of(world, r)
    for cls in (NG.HardResponsibility, NG.SoftResponsibility, NG.ReactiveResponsibility,
                NG.ProductiveResponsibility, NG.RestraintResponsibility, NG.PositiveDuty):
        assert str(cls) not in types, cls
    assert str(NG.Responsibility) in types


def test_restraint_and_positive_duty_is_inconsistent(combined):
    world = _new_world(combined, _responsibility(
        "restraint-and-duty", modality=[DIM.restraint, DIM["positive-duty"]]))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _run_hermit(world)


def test_value_of_another_dimension_is_inconsistent(combined):
    """bindingness ranges over {hard, soft, not-determinable} only."""
    world = _new_world(combined, _responsibility("misfiled", bindingness=[DIM.reactive]))
    assert not _is_consistent(world)


def test_blank_nodes_only_in_axioms(combined):
    """Blank nodes are used only for OWL axioms and class expressions, never for resources."""
    allowed = {OWL.Class, OWL.Restriction, OWL.AllDifferent, OWL.AllDisjointClasses, RDF.List}
    for node in {s for s in combined.subjects() if isinstance(s, BNode)}:
        node_types = set(combined.objects(node, RDF.type))
        if node_types:
            assert node_types <= allowed, node_types
        else:
            assert combined.value(node, RDF.first) is not None, node


def test_typical_data_is_consistent(combined):
    """A small sample in the shape docs/model.md prescribes, across all parts of the model,
    including xsd:gYear and xsd:date literals (outside the OWL 2 datatype map)."""
    DCTERMS = Namespace("http://purl.org/dc/terms/")
    OA = Namespace("http://www.w3.org/ns/oa#")
    SCHEMA = Namespace("https://schema.org/")
    CITO = Namespace("http://purl.org/spar/cito/")
    R = Namespace(NGR_IRI)
    report, section, para = R["document/d"], R["section/d/s"], R["paragraph/d/s/1"]
    note, citation, work = R["footnote/d/1"], R["citation/d/1-1"], R["work/w"]
    quote, instrument, norm = R["quote/d/abc-1"], R["instrument/a-70-174"], R["norm/n"]
    actor, person, initiative = R["actor/france"], R["actor/p"], R["initiative/i"]
    resp, claim = R["responsibility/states/r"], R["claim/d/c"]
    annex, row, cell, entry = (R["annex/d/annex-1"], R["annex/d/annex-1/13g"],
                               R["annex/d/annex-1/13g/private-sector/prospective"],
                               R["annex/d/annex-1/13g/private-sector/prospective/1"])
    triples = [
        (report, RDF.type, NG.Report), (report, DCTERMS.title, Literal("Report", lang="en")),
        (report, DCTERMS.creator, person), (report, DCTERMS.issued,
                                             Literal("2019-05-31", datatype=XSD.date)),
        (report, NG.series, initiative), (report, NG.textSha256, Literal("ab" * 32)),
        (report, NG.fileName, Literal("000.txt")), (report, NG.normalisation, Literal("NFC")),
        (person, RDF.type, NG.Person), (person, NG.position, Literal("Visiting Professor")),
        (person, NG.affiliation, R["actor/lse-ideas"]),
        (R["actor/lse-ideas"], RDF.type, NG.Organisation),
        (section, RDF.type, NG.Section), (section, DCTERMS.isPartOf, report),
        (section, NG.heading, Literal("Context")), (section, NG.level, Literal(2)),
        (section, NG.order, Literal(1)), (section, NG.sectionNumber, Literal("2")),
        (para, RDF.type, NG.Paragraph), (para, DCTERMS.isPartOf, section),
        (para, NG.text, Literal("…")), (para, NG.isListItem, Literal(False)),
        (para, NG.hasFootnoteMarker, note),
        (note, RDF.type, NG.Footnote), (note, NG.noteNumber, Literal(1)),
        (note, NG.inDocument, report), (note, NG.hasCitation, citation),
        (note, CITO.cites, work), (note, NG.isIbid, Literal(False)),
        (citation, RDF.type, NG.Citation), (citation, NG.position, Literal(1)),
        (citation, NG.citedWork, work), (citation, NG.viaIbid, Literal(False)),
        (citation, NG.citedAsText, Literal("[Work](#). 2015. OECD.")),
        (work, RDF.type, NG.CitedWork), (work, NG.year, Literal("2015", datatype=XSD.gYear)),
        (work, DCTERMS.publisher, R["actor/oecd"]), (R["actor/oecd"], RDF.type, NG.Organisation),
        (instrument, RDF.type, NG.Instrument), (instrument, NG.documentSymbol,
                                                Literal("A/70/174")),
        (instrument, SCHEMA.url, Literal("https://undocs.org/A/70/174", datatype=XSD.anyURI)),
        (work, SCHEMA.url, URIRef("https://example.org/work")),
        (quote, RDF.type, NG.Quote), (quote, OA.exact, Literal("States should")),
        (quote, OA.start, Literal(10, datatype=XSD.nonNegativeInteger)),
        (quote, OA.end, Literal(23, datatype=XSD.nonNegativeInteger)),
        (quote, NG.line, Literal(7)), (quote, NG.sourceDocument, report),
        (quote, NG.inSection, section), (quote, NG.inParagraph, para),
        (actor, RDF.type, NG.State), (actor, NG.memberOfCluster, CLUSTER.states),
        (actor, NG.mentionedIn, para), (actor, NG.participatedIn, initiative),
        (R["participation/p"], RDF.type, NG.Participation),
        (R["participation/p"], NG.participant, actor), (R["participation/p"], NG.event,
                                                        initiative),
        (R["participation/p"], NG.participationStatus, Literal("represented")),
        (R["participation/p"], NG.category, CLUSTER.states),
        (R["participation/p"], NG.evidence, quote),
        (initiative, RDF.type, NG.Initiative), (initiative, NG.promotedBy, R["actor/swiss-fdfa"]),
        (initiative, NG.initiativeKind, Literal("dialogue")), (initiative, NG.evidence, quote),
        (R["actor/swiss-fdfa"], RDF.type, NG.Organisation),
        (R["role/r"], RDF.type, NG.RoleAttribution), (R["role/r"], NG.roleOf, CLUSTER.states),
        (R["role/r"], NG.role, URIRef(NGR_IRI + "state-role/regulator")),
        (norm, RDF.type, NG.VoluntaryNorm), (norm, NG.instrument, instrument),
        (norm, NG.phrasing, DIM.restraint), (norm, NG.topic, THEME["international-law"]),
        (norm, NG.discussedIn, section), (norm, NG.normText, Literal("States should not …")),
        (resp, RDF.type, NG.Responsibility), (resp, NG.bearer, CLUSTER.states),
        (resp, RDFS.label, Literal("Refrain", lang="en")), (resp, NG.servesNorm, norm),
        (resp, NG.theme, THEME.restraint), (resp, NG.groundedIn, norm),
        (resp, NG.bindingness, DIM.hard), (resp, NG.modality, DIM.restraint),
        (resp, NG.behaviourMode, DIM.reactive),
        (claim, RDF.type, NG.Claim), (claim, NG.about, resp), (claim, NG.claimant, person),
        (claim, NG.status, STATUS.attributed), (claim, NG.supportedBy, note),
        (claim, NG.citesWork, work), (claim, NG.statedUnder, section),
        (claim, NG.order, Literal(1)), (claim, NG.evidence, quote),
        (annex, RDF.type, NG.Annex), (annex, NG.hasRow, row), (annex, NG.omitsNorm, norm),
        (row, RDF.type, NG.AnnexRow), (row, NG.norm, norm), (row, NG.hasCell, cell),
        (cell, RDF.type, NG.AnnexCell), (cell, NG.status, STATUS.prospective),
        (cell, NG.actorGroup, CLUSTER["private-sector"]), (cell, NG.hasEntry, entry),
        (cell, NG.columnHeader, Literal("Prospective R&R")), (cell, NG.isEmpty, Literal(False)),
        (entry, RDF.type, NG.AnnexEntry), (entry, NG.expresses, claim),
        (entry, NG.refersTo, initiative),
        (R["question/d/q"], RDF.type, NG.Question), (R["question/d/q"], NG.concernsActor,
                                                     CLUSTER.states),
        (R["question/d/q"], NG.concernsNorm, norm),
        (R["question/d/q"], NG.concernsConcept, R["concept/deterrence"]),
        (R["concept/deterrence"], RDF.type, NG.Concept),
        (R["concept/deterrence"], NG.stance, Literal("critiqued")),
        (URIRef("https://w3id.org/normgraph/graph/inferred"), NG.graphRole, NG.InferredGraph),
    ]
    world = _new_world(combined, triples)
    _run_hermit(world)
    types = _types_of(world, resp)
    assert {str(NG.HardResponsibility), str(NG.RestraintResponsibility),
            str(NG.ReactiveResponsibility)} <= types
    assert str(NG.Source) in _types_of(world, instrument)
