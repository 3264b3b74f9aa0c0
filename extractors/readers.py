"""Read .md/.txt (with optional YAML front matter), .html and .pdf files into a SourceDocument.

The body text kept here is the text that evidence offsets refer to; a numbered source list at the end
("## Sources" followed by "[1] ...") is split off into `sources`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

from kg.errors import DocumentError

MAX_BYTES = 50 * 1024 * 1024
SUPPORTED_SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm", ".pdf"}
DOCUMENT_TYPES = {"news", "audit-report", "press-release", "other"}
SOURCES_HEADING = re.compile(r"^#{1,6}\s*(sources|references|bronnen|noten|notes and sources)\s*$", re.I | re.M)
SOURCE_ENTRY = re.compile(r"^\s*\[(\d{1,3})\]\s*(.+?)\s*$", re.M)
URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$", re.I)  # an absolute http(s) IRI: it names the document graph


@dataclass
class SourceDocument:
    """One document as read from disk: metadata, body text, and its numbered source list."""

    path: str
    text: str
    title: str
    date: str | None = None
    publisher: str | None = None
    url: str | None = None
    doc_type: str = "other"
    language: str | None = None
    sources: dict[int, str] = field(default_factory=dict)
    content_hash: str = ""

    @property
    def identity(self) -> str:
        return self.url or Path(self.path).name


def read_document(path: str | Path) -> SourceDocument:
    """Read one file; raise DocumentError naming the file and the problem."""
    path = Path(path)
    if not path.exists():
        raise DocumentError(f"{path}: no such file", path=path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"{path}: unsupported file type {path.suffix!r} (use .md, .txt, .html or .pdf)", path=path)
    size = path.stat().st_size
    if size == 0:
        raise DocumentError(f"{path}: the file is empty", path=path)
    if size > MAX_BYTES:
        raise DocumentError(f"{path}: {size} bytes is over the {MAX_BYTES // 2**20} MiB limit", path=path)
    raw = path.read_bytes()
    return parse_document(raw, str(path), path.suffix.lower())


def parse_document(raw: bytes, name: str, suffix: str) -> SourceDocument:
    """Parse the bytes of a document called `name` (suffix picks the reader)."""
    if suffix == ".pdf":
        meta, body = {}, _pdf_text(raw, name)
    else:
        if b"\x00" in raw[:8192]:
            raise DocumentError(f"{name}: looks like a binary file, not text", path=name)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8", path=name) from exc
        if suffix in {".html", ".htm"}:
            meta, body = _html_text(text, name)
        else:
            meta, body = _front_matter(text, name)
            body = _markdown_to_text(body)
    body, sources = _split_sources(body)
    body = body.strip()
    if not body.strip():
        raise DocumentError(f"{name}: no text to extract from", path=name)
    title = str(meta.get("title") or _first_line(body) or Path(name).stem).strip()
    doc_type = str(meta.get("type") or "other").strip().lower()
    if doc_type not in DOCUMENT_TYPES:
        raise DocumentError(f"{name}: front matter 'type: {doc_type}' is not one of {sorted(DOCUMENT_TYPES)}", path=name)
    return SourceDocument(
        path=name, text=body, title=title, date=_date(meta.get("date"), name),
        publisher=_opt(meta.get("publisher")), url=_url(meta.get("url"), name), doc_type=doc_type,
        language=_opt(meta.get("language")), sources=sources,
        content_hash=hashlib.sha256(raw).hexdigest(),
    )


def _opt(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


def _url(value: object, name: str) -> str | None:
    url = _opt(value)
    if url is not None and not URL.match(url):
        raise DocumentError(f"{name}: front matter 'url: {url}' is not an absolute http(s) URL", path=name)
    return url


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:200]


def _date(value: object, name: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError as exc:
        raise DocumentError(f"{name}: front matter 'date: {value}' is not a date (use YYYY-MM-DD)", path=name) from exc


def _front_matter(text: str, name: str) -> tuple[dict, str]:
    if not text.lstrip().startswith("---"):
        return {}, text
    try:
        post = frontmatter.loads(text)
    except (yaml.YAMLError, ValueError) as exc:
        raise DocumentError(f"{name}: broken front matter: {str(exc).splitlines()[0]}", path=name) from exc
    if not isinstance(post.metadata, dict):
        raise DocumentError(f"{name}: front matter must be a mapping of keys to values", path=name)
    return dict(post.metadata), post.content


def _markdown_to_text(text: str) -> str:
    """Drop Markdown markup that is not prose (heading marks, emphasis) and keep the lines."""
    text = re.sub(r"^#{1,6}\s+(?!(sources|references|bronnen|noten)\s*$)", "", text, flags=re.M | re.I)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    return text


def _split_sources(text: str) -> tuple[str, dict[int, str]]:
    match = SOURCES_HEADING.search(text)
    if not match:
        return text, {}
    tail = text[match.end():]
    sources = {int(n): entry for n, entry in SOURCE_ENTRY.findall(tail)}
    # Keep what follows the source list (notes to editors) out of the body: it is not cited prose.
    return text[:match.start()], sources


def _html_text(text: str, name: str) -> tuple[dict, str]:
    import trafilatura

    body = trafilatura.extract(text, include_comments=False, include_tables=False, favor_precision=True) or ""
    meta_obj = trafilatura.extract_metadata(text)
    meta: dict = {}
    if meta_obj is not None:
        meta = {"title": meta_obj.title, "date": meta_obj.date, "publisher": meta_obj.sitename, "url": meta_obj.url}
    if not body.strip():
        raise DocumentError(f"{name}: the HTML has no article text (only scripts, styles or navigation)", path=name)
    if meta.get("url") and not URL.match(meta["url"]):
        del meta["url"]  # a relative or malformed canonical link in the page is not worth rejecting the page for
    return {k: v for k, v in meta.items() if v}, body


def _pdf_text(raw: bytes, name: str) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise DocumentError(f"{name}: unreadable PDF: {exc}", path=name) from exc
    text = "\n\n".join(p.strip() for p in pages)
    if not text.strip():
        raise DocumentError(f"{name}: the PDF has no text layer (scanned images need OCR first)", path=name)
    # Undo hyphenation at line ends and join wrapped lines inside paragraphs.
    text = re.sub(r"-\n(?=[a-z])", "", text)
    return re.sub(r"(?<![.\n:])\n(?!\n)", " ", text)
