"""crmkg: the knowledge graph of critical raw materials (store, SHACL gate, ingest, questions, CLI)."""

__version__ = "0.1.0"
