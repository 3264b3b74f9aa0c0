"""crm_paragraph_sentences.v1: a line break ends a sentence (headings, numbered paragraphs, list items)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("crm_paragraph_sentences_v1")
def paragraph_sentences(doc: Doc) -> Doc:
    for i, token in enumerate(doc[:-1]):
        if "\n" in token.text or token.whitespace_ == "" and token.text.endswith("\n"):
            doc[i + 1].is_sent_start = True
        elif i > 0 and "\n" in doc[i - 1].whitespace_:
            token.is_sent_start = True
    return doc
