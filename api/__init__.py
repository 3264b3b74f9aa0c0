"""FastAPI service: SPARQL protocol, questions and health; no logic of its own."""
