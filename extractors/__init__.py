"""Documents in, per-document RDF graphs out: readers, spaCy components, entity linking, graph building."""

__version__ = "0.1.0"
