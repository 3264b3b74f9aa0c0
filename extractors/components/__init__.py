"""spaCy components of crmkg, one per module, each registered by name and version."""
