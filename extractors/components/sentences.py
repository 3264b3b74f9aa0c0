"""crm_paragraph_sentences.v1: a line break ends a sentence (headings, numbered paragraphs, list items), and a
citation marker such as '[1].' or '[1][3]' stays with the sentence it ends."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


OPENING_QUOTES = {'"', "“", "„", "‘"}


@Language.component("crm_paragraph_sentences_v1")
def paragraph_sentences(doc: Doc) -> Doc:
    inside = False
    for i, token in enumerate(doc):
        if i == 0:
            continue
        prev = doc[i - 1]
        if "\n" in prev.text or "\n" in prev.whitespace_:
            token.is_sent_start = True
            inside = token.text.startswith("[")
            continue
        if token.text.startswith("[") or inside or (prev.text.endswith("]") and token.text in {".", "!", "?", ";"}):
            token.is_sent_start = False
            inside = token.text.startswith("[") and not token.text.endswith("]") or inside and not token.text.endswith("]")
        elif token.text in OPENING_QUOTES and prev.text in {".", "!", "?"} and prev.whitespace_ and not token.whitespace_ \
                and i + 1 < len(doc):
            token.is_sent_start = True  # '... presenteerde. "Dit is de beste kans," zei Boric': the quote opens
            doc[i + 1].is_sent_start = False
    return doc
