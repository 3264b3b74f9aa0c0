"""Language identification (lingua) for documents whose front matter does not say."""
from __future__ import annotations

import functools

from kg.errors import DocumentError

SUPPORTED = ("en", "nl")


@functools.lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [Language.ENGLISH, Language.DUTCH, Language.GERMAN, Language.FRENCH, Language.SPANISH,
                 Language.ITALIAN, Language.PORTUGUESE]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str, name: str = "document") -> str:
    """ISO 639-1 code of `text`; DocumentError when it is not English or Dutch."""
    language = _detector().detect_language_of(text[:5000])
    code = language.iso_code_639_1.name.lower() if language else "unknown"
    if code not in SUPPORTED:
        raise DocumentError(f"{name}: the text is in an unsupported language ({code}); crmkg reads English and Dutch",
                            path=name)
    return code


def document_language(declared: str | None, text: str, name: str) -> str:
    if declared:
        code = declared.strip().lower()[:2]
        if code not in SUPPORTED:
            raise DocumentError(f"{name}: front matter 'language: {declared}' is not supported (en or nl)", path=name)
        return code
    return detect_language(text, name)
