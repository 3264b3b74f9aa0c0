"""Content negotiation: the media types each kind of resource offers, chosen by `Accept` (q-values honoured),
by a suffix (`.json`, `.ttl`, `.jsonld`, ...) or by a `format=` parameter (which SPARQL clients send)."""
from __future__ import annotations

import pyoxigraph as ox

from api.errors import NotAcceptable

RESULTS = {  # SELECT / ASK
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
RESULT_ALIASES = {"application/json": "application/sparql-results+json",
                  "application/xml": "application/sparql-results+xml", "text/xml": "application/sparql-results+xml"}
GRAPHS = {  # CONSTRUCT / DESCRIBE and RDF views of pages
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
GRAPH_ALIASES = {"application/x-turtle": "text/turtle", "text/n3": "text/turtle", "text/plain": "application/n-triples",
                 "application/json": "application/ld+json", "application/xml": "application/rdf+xml",
                 "text/xml": "application/rdf+xml", "application/x-trig": "application/trig"}
# `format=` values and path suffixes
FORMAT_NAMES = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "srj": ("application/sparql-results+json", None), "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "srx": ("application/sparql-results+xml", None), "csv": ("text/csv", None), "tsv": ("text/tab-separated-values", None),
    "ttl": (None, "text/turtle"), "turtle": (None, "text/turtle"), "nt": (None, "application/n-triples"),
    "ntriples": (None, "application/n-triples"), "jsonld": (None, "application/ld+json"),
    "json-ld": (None, "application/ld+json"), "rdf": (None, "application/rdf+xml"), "rdfxml": (None, "application/rdf+xml"),
    "trig": (None, "application/trig"), "nq": (None, "application/n-quads"), "nquads": (None, "application/n-quads"),
}
PAGE_SUFFIXES = {"html": "text/html", "json": "application/json", "ttl": "text/turtle", "jsonld": "application/ld+json",
                 "nt": "application/n-triples", "rdf": "application/rdf+xml", "csv": "text/csv"}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges by preference (q-value, then specificity, then order).

    >>> parse_accept("text/html;q=0.8, application/json, */*;q=0.1")
    [('application/json', 1.0), ('text/html', 0.8), ('*/*', 0.1)]
    """
    ranges = []
    for index, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranges.append((media, q, -media.count("*"), index))
    ranges.sort(key=lambda r: (-r[1], -r[2], r[3]))
    return [(media, q) for media, q, _, _ in ranges if q > 0]


def choose(header: str | None, offered: list[str], aliases: dict[str, str] | None = None,
           default: str | None = None) -> str:
    """The offered media type that `Accept` prefers; `default` (or the first offered) for none or `*/*`.

    >>> choose("application/json", ["text/html", "application/ld+json"], {"application/json": "application/ld+json"})
    'application/ld+json'
    >>> choose(None, ["text/html", "application/json"])
    'text/html'
    """
    default = default or offered[0]
    ranges = parse_accept(header)
    if not ranges:
        return default
    aliases = aliases or {}
    for media, _ in ranges:
        media = aliases.get(media, media)
        if media in offered:
            return media
        if media == "*/*":
            return default
        if media.endswith("/*"):
            family = media[:-1]
            if default.startswith(family):
                return default
            hit = next((m for m in offered if m.startswith(family)), None)
            if hit:
                return hit
    raise NotAcceptable(f"cannot produce any of {header!r}; available: {', '.join(offered)}", accept=header)


def split_suffix(key: str) -> tuple[str, str | None]:
    """`china.ttl` -> (`china`, `text/turtle`); keys without a known suffix are returned unchanged.

    >>> split_suffix("CN.jsonld")
    ('CN', 'application/ld+json')
    >>> split_suffix("gallium")
    ('gallium', None)
    """
    stem, dot, suffix = key.rpartition(".")
    if dot and stem and suffix.lower() in PAGE_SUFFIXES:
        return stem, PAGE_SUFFIXES[suffix.lower()]
    return key, None


def prefers_html(header: str | None) -> bool:
    """True for browsers: text/html ranks above JSON in `Accept`."""
    for media, _ in parse_accept(header):
        if media in ("text/html", "application/xhtml+xml"):
            return True
        if media in ("application/json", "*/*") or media.startswith("application/"):
            return False
    return False
