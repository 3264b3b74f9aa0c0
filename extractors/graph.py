"""Turn one document and the facts its spaCy Doc carries into that document's RDF graph (rdflib).

Statement nodes get content-derived IRIs (the same fact in two documents is one node); each document graph
adds its own Evidence (sentence, offsets, cited sources) to them. Entities used are typed in the graph so that
the SHACL gate can check every reference on the document graph alone."""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD
from spacy.tokens import Doc

from extractors.facts import Fact, Ref, facts
from extractors.pipeline import EXTRACTOR_VERSION
from extractors.readers import SourceDocument
from kg.namespaces import CRM, ID, ORG, PREFIXES, SCHEMA, document_iri, statement_iri

STATEMENT_CLASS = {
    "produces": CRM.SupplyStatement, "refines": CRM.SupplyStatement, "recycles": CRM.SupplyStatement,
    "supplies": CRM.SupplyStatement, "exports": CRM.SupplyStatement, "notRecycled": CRM.SupplyStatement,
    "importsFrom": CRM.Dependency, "dependsOn": CRM.Dependency, "partyTo": CRM.Participation, "said": CRM.Quote,
    "target": CRM.TargetStatement, "policy": CRM.PolicyStatement, "attended": CRM.Attendance,
    "participants": CRM.CountStatement, "succeeds": CRM.SuccessionStatement,
    "covers": CRM.ScopeStatement,
}
DOCUMENT_TYPE = {"news": CRM.NewsArticle, "audit-report": CRM.AuditReport, "press-release": CRM.PressRelease,
                 "other": CRM.OtherDocument}
AGREEMENT_STATUS = {"Signed": CRM.Signed, "Planned": CRM.Planned, "Stalled": CRM.Stalled, "Proposed": CRM.Proposed}


def new_graph() -> Graph:
    graph = Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    return graph


def document_graph(source: SourceDocument, doc: Doc, language: str) -> Graph:
    """The RDF graph of one document: its metadata, source list, evidence and statements."""
    graph = new_graph()
    doc_node = URIRef(document_iri(source.identity))
    _describe_document(graph, doc_node, source, language)
    for fact in facts(doc):
        _add_fact(graph, doc_node, source, fact)
    for iri, aliases in ((doc._.meta or {}).get("aliases") or {}).items():
        for alias in aliases:
            graph.add((URIRef(iri), SKOS.altLabel, Literal(alias)))
    # Every sentence that cites a source is kept as evidence, with or without a statement extracted from it,
    # so "where does this claim come from?" can be answered for any cited sentence.
    for sent in doc.sents:
        if sent._.citations:
            _evidence(graph, doc_node, source, Fact("said", None, sent, "crm_citations.v1"),
                      _extractor(graph, "crm_citations.v1"))
    return graph


def _describe_document(graph: Graph, node: URIRef, source: SourceDocument, language: str) -> None:
    graph.add((node, RDF.type, CRM.Document))
    graph.add((node, RDF.type, SCHEMA.CreativeWork))
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, DCTERMS.title, Literal(source.title)))
    graph.add((node, CRM.contentHash, Literal(source.content_hash)))
    graph.add((node, CRM.documentType, DOCUMENT_TYPE[source.doc_type]))
    graph.add((node, DCTERMS.language, Literal(language)))
    graph.add((node, CRM.sourceFile, Literal(source.path.rsplit("/", 1)[-1])))
    graph.add((node, SCHEMA.text, Literal(source.text)))
    if source.date:
        graph.add((node, DCTERMS.date, Literal(source.date, datatype=XSD.date)))
    if source.publisher:
        graph.add((node, DCTERMS.publisher, Literal(source.publisher)))
    if source.url:
        graph.add((node, SCHEMA.url, Literal(source.url, datatype=XSD.anyURI)))
    for number, entry in source.sources.items():
        _source_reference(graph, node, number, entry)


def _source_reference(graph: Graph, doc_node: URIRef, number: int, entry: str) -> URIRef:
    ref = URIRef(f"{doc_node}/source/{number}")
    graph.add((ref, RDF.type, CRM.SourceReference))
    graph.add((ref, CRM.citationNumber, Literal(number)))
    graph.add((ref, RDFS.label, Literal(entry)))
    graph.add((ref, CRM.inDocument, doc_node))
    return ref


def _extractor(graph: Graph, name: str) -> URIRef:
    node = URIRef(f"{ID}extractor/{name}")
    graph.add((node, RDF.type, CRM.Extractor))
    graph.add((node, RDF.type, PROV.SoftwareAgent))
    graph.add((node, RDFS.label, Literal(name)))
    graph.add((node, CRM.version, Literal(EXTRACTOR_VERSION)))
    return node


def _evidence(graph: Graph, doc_node: URIRef, source: SourceDocument, fact: Fact, extractor: URIRef) -> URIRef:
    sent = fact.sentence
    text = sent.text.rstrip()
    start, end = sent.start_char, sent.start_char + len(text)
    node = URIRef(f"{doc_node}/evidence/{start}-{end}")
    graph.add((node, RDF.type, CRM.Evidence))
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, CRM.sentence, Literal(text)))
    graph.add((node, CRM.start, Literal(start)))
    graph.add((node, CRM.end, Literal(end)))
    graph.add((node, CRM.document, doc_node))
    graph.add((node, PROV.wasAttributedTo, extractor))
    for number in sent._.citations:
        entry = source.sources.get(number, f"[{number}] (cited, but not in the document's source list)")
        graph.add((node, CRM.cites, _source_reference(graph, doc_node, number, entry)))
    return node


def _entity(graph: Graph, ref: Ref) -> URIRef:
    node = URIRef(ref.iri)
    if ref.rdf_type:
        graph.add((node, RDF.type, URIRef(ref.rdf_type)))
    graph.add((node, RDFS.label, Literal(ref.label, lang="en") if ref.kind == "MATERIAL" else Literal(ref.label)))
    return node


def _add_fact(graph: Graph, doc_node: URIRef, source: SourceDocument, fact: Fact) -> None:
    extractor = _extractor(graph, fact.extractor)
    evidence = _evidence(graph, doc_node, source, fact, extractor)
    node = URIRef(statement_iri(fact.key()))
    graph.add((node, RDF.type, STATEMENT_CLASS[fact.kind]))
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, CRM.relation, CRM[fact.kind]))
    graph.add((node, CRM.subject, _entity(graph, fact.subject)))
    graph.add((node, CRM.evidence, evidence))
    graph.add((node, CRM.polarity, Literal(fact.polarity)))
    graph.add((node, CRM.modality, CRM[fact.modality]))
    graph.add((node, PROV.wasAttributedTo, extractor))
    if fact.object is not None:
        graph.add((node, CRM.object, _entity(graph, fact.object)))
    if fact.material is not None:
        graph.add((node, CRM.material, _entity(graph, fact.material)))
    if fact.on_behalf_of is not None:
        graph.add((node, CRM.onBehalfOf, _entity(graph, fact.on_behalf_of)))
    if fact.stage:
        graph.add((node, CRM.stage, CRM[fact.stage]))
    if fact.share is not None:
        graph.add((node, CRM.share, Literal(f"{fact.share:.1f}", datatype=XSD.decimal)))
    if fact.quantity is not None:
        graph.add((node, CRM.quantity, Literal(str(fact.quantity), datatype=XSD.decimal)))
    if fact.unit:
        graph.add((node, CRM.unit, Literal(fact.unit)))
    if fact.year is not None:
        graph.add((node, CRM.year, Literal(str(fact.year), datatype=XSD.gYear)))
    if fact.date:
        if len(fact.date) == 10:
            graph.add((node, CRM.date, Literal(fact.date, datatype=XSD.date)))
        else:
            graph.add((node, CRM.year, Literal(fact.date[:4], datatype=XSD.gYear)))
    if fact.text:
        graph.add((node, CRM.text, Literal(fact.text)))
    if fact.verbatim is not None:
        graph.add((node, CRM.verbatim, Literal(fact.verbatim)))
    if fact.role and fact.kind != "policy":
        graph.add((node, CRM.role, Literal(fact.role)))
    if fact.count is not None:
        graph.add((node, CRM["count"], Literal(fact.count)))
    for ref in fact.extra_entities:
        entity = _entity(graph, ref)
        if ref.kind == "AGREEMENT" and fact.kind == "partyTo":
            from extractors.components.agreements import agreement_type
            graph.add((entity, CRM.agreementType, CRM[agreement_type(ref.label)]))
            graph.add((entity, CRM.party, URIRef(fact.subject.iri)))
            if fact.modality in AGREEMENT_STATUS:
                graph.add((entity, CRM.status, AGREEMENT_STATUS[fact.modality]))
        if ref.kind == "POLICY" and fact.kind == "policy" and fact.role:
            graph.add((entity, CRM.policyType, CRM[fact.role]))
    if fact.kind == "said" and fact.role and fact.subject.kind == "PERSON":
        graph.add((URIRef(fact.subject.iri), CRM.role, Literal(fact.role)))
        if fact.on_behalf_of is not None:
            graph.add((URIRef(fact.subject.iri), ORG.memberOf, URIRef(fact.on_behalf_of.iri)))
