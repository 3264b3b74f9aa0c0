"""Deterministic generators for the benchmarks: a synthetic corpus in the style of corpus/ (news-style Markdown with
front matter, cited sentences and a numbered source list, built by recombining sentence templates with entities
from our vocabularies), and an N-Quads dataset of at least N triples grown from a really ingested sample.

    .venv/bin/python -m bench.generate corpus /tmp/synthetic --docs 10000
    .venv/bin/python -m bench.generate dataset STORE_DIR /tmp/big.nq --triples 1000000

The same arguments always give the same bytes: document i depends only on (seed, i)."""
from __future__ import annotations

import argparse
import io
import json
import random
import re
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import ID

COUNTRIES = ["China", "Australia", "Chile", "Indonesia", "the Democratic Republic of the Congo", "Japan",
             "the United States", "Brazil", "South Africa", "Canada", "Argentina", "Malaysia", "Vietnam", "Russia",
             "India", "Kazakhstan", "Morocco", "Norway", "Germany", "France", "Peru", "Zimbabwe", "Mexico",
             "the Philippines", "South Korea", "Rwanda", "Madagascar", "Myanmar", "Gabon", "Turkey"]
MATERIALS = ["lithium", "cobalt", "nickel", "gallium", "germanium", "natural graphite", "rare earth elements",
             "dysprosium", "neodymium", "terbium", "tungsten", "antimony", "manganese", "magnesium", "vanadium",
             "niobium", "tantalum", "platinum group metals", "copper", "bauxite", "silicon metal", "fluorspar",
             "boron", "titanium metal", "scandium", "hafnium", "bismuth", "beryllium", "phosphate rock"]
COMPANIES = ["Albemarle", "BHP", "Glencore", "Rio Tinto", "Eramet", "Ganfeng Lithium", "SQM", "Lynas Rare Earths",
             "MP Materials", "China Northern Rare Earth", "Iluka Resources", "CATL", "Solvay"]
PEOPLE = ["Marco Rubio", "Chris Wright", "Doug Burgum", "Jamieson Greer", "Scott Bessent", "Stéphane Séjourné"]
STAGES = ["mines", "refines", "processes", "produces"]
SOURCES = ["International Energy Agency — Global Critical Minerals Outlook {year}",
           "United States Geological Survey — Mineral Commodity Summaries {year}",
           "European Commission — Study on the critical raw materials for the EU ({year})",
           "Reuters — report on {material} supply ({year})", "Bloomberg — {material} market outlook ({year})",
           "{company} — annual report {year}", "OECD — Inventory of export restrictions on industrial raw materials {year}"]

# Sentences our extractors read (a fact each) and filler in the register of the real articles (no facts).
FACTS = [
    "{country} {stage} about {share}% of the world's {material} [{n}].",
    "{country} accounted for {share}% of global {material} production in {year} [{n}].",
    "{country} imports most of its {material} from {country2} [{n}].",
    "The European Union depends on {country} for {share}% of its supply of {material} [{n}].",
    "{company} produces {material} in {country} [{n}].",
    "{country} banned exports of {material} ore in {year} [{n}].",
    "{country} introduced export controls on {material} in {year} [{n}].",
    "Only {small}% of {material} is recycled in the European Union [{n}].",
    "{material_cap} is not recycled at scale in {country} [{n}].",
    "\"{country} must secure its supply of {material} before {later}\", said {person} [{n}].",
    "{country} and {country2} signed a memorandum of understanding on critical minerals in {year} [{n}].",
    "{country} joined the Minerals Security Partnership in {year} [{n}].",
]
FILLER = [
    "Analysts expect demand for {material} to grow as battery and magnet makers expand production.",
    "Prices of {material} rose sharply after the announcement, traders said.",
    "The ministry did not respond to a request for comment.",
    "Industry groups have called for more investment in mining, processing and recycling capacity.",
    "The decision follows months of negotiations between governments, producers and their customers.",
    "Carmakers and wind turbine manufacturers have warned that shortages could delay new factories.",
    "Diplomats said the talks would continue at a ministerial meeting later in the year.",
    "Environmental groups pointed to the water use and the tailings of new mines in the region.",
    "Several smaller projects are still waiting for permits and for financing from development banks.",
    "The figures do not include material that is traded through third countries before it is refined.",
]
TITLES = ["{material_cap} supply: {country} tightens its grip", "{country} and the race for {material}",
          "Why {material} matters for the energy transition", "{company} expands {material} output",
          "New rules for {material} trade worry importers"]


def _fill(template: str, rng: random.Random, n: int | None = None) -> str:
    country, country2 = rng.sample(COUNTRIES, 2)
    material = rng.choice(MATERIALS)
    year = rng.randint(2019, 2025)
    text = template.format(
        country=country, country2=country2, material=material, material_cap=material[:1].upper() + material[1:],
        stage=rng.choice(STAGES), share=rng.randint(5, 95), small=rng.randint(1, 30), year=year,
        later=year + rng.randint(3, 10), company=rng.choice(COMPANIES), person=rng.choice(PEOPLE), n=n)
    return text[:1].upper() + text[1:]


def document(i: int, seed: int = 0) -> str:
    """The Markdown text of synthetic document `i` (about 300-450 words)."""
    rng = random.Random(seed * 1_000_003 + i)
    sources = rng.randint(2, 4)
    paragraphs = []
    for _ in range(rng.randint(3, 5)):
        sentences = [_fill(rng.choice(FACTS), rng, rng.randint(1, sources)) for _ in range(rng.randint(2, 3))]
        sentences += [_fill(filler, rng) for filler in rng.sample(FILLER, rng.randint(2, 4))]
        rng.shuffle(sentences)
        paragraphs.append(" ".join(sentences))
    title = _fill(rng.choice(TITLES), rng)
    date = f"{rng.randint(2020, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    listed = "\n".join(f"[{k}] {_fill(rng.choice(SOURCES), rng)}" for k in range(1, sources + 1))
    body = "\n\n".join(paragraphs)
    return (f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {date}\npublisher: crmkg synthetic benchmark corpus\ntype: news\n"
            f"language: en\n---\n\n# {title}\n\n{body}\n\n## Sources\n\n{listed}\n")


def write_corpus(folder: str | Path, docs: int, seed: int = 0) -> list[Path]:
    """Write documents 0..docs-1 as doc-00000.md, ... into `folder`; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(docs):
        path = folder / f"doc-{i:05d}.md"
        path.write_text(document(i, seed), encoding="utf-8")
        paths.append(path)
    return paths


_DOC = re.compile(re.escape(f"<{ID}document/") + r"([0-9a-f]+)")
_STATEMENT = re.compile(re.escape(f"<{ID}statement/") + r"([0-9a-f]+)")


def grow_dataset(base_nquads: bytes, target_triples: int, output: str | Path) -> int:
    """Write `base_nquads` plus renamed copies of its document graphs to `output` until it holds at least
    `target_triples` quads; return the number written.

    Copy k renames every document IRI (and so its evidence IRIs) to `{iri}c{k}` and every statement IRI to
    `{iri}c{k}`: each copy is a new document with new statements about the same entities, so entity and
    material queries meet k times as many statements, as they would in a bigger corpus."""
    lines = base_nquads.decode("utf-8").splitlines()
    documents = [line for line in lines if _graph_is_document(line)]
    written = 0
    with open(output, "w", encoding="utf-8") as out:
        for line in lines:
            out.write(line + "\n")
        written = len(lines)
        copy = 0
        while written < target_triples and documents:
            copy += 1
            suffix = f"c{copy}"
            for line in documents:
                line = _DOC.sub(lambda m: m.group(0) + suffix, line)
                out.write(_STATEMENT.sub(lambda m: m.group(0) + suffix, line) + "\n")
            written += len(documents)
    return written


def _graph_is_document(line: str) -> bool:
    """Whether the quad's graph (its last IRI) is a document graph."""
    graph = line.rstrip()[:-1].rstrip().rsplit(" ", 1)[-1]
    return graph.startswith(f"<{ID}document/")


def dump_store(store_dir: str | Path) -> bytes:
    """The N-Quads of the store at `store_dir` (opened read-only)."""
    buffer = io.BytesIO()
    ox.Store.read_only(str(store_dir)).dump(buffer, format=ox.RdfFormat.N_QUADS)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    corpus = sub.add_parser("corpus", help="write a synthetic corpus")
    corpus.add_argument("folder")
    corpus.add_argument("--docs", type=int, default=10_000)
    corpus.add_argument("--seed", type=int, default=0)
    dataset = sub.add_parser("dataset", help="grow a store's N-Quads to at least --triples quads")
    dataset.add_argument("store")
    dataset.add_argument("output")
    dataset.add_argument("--triples", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.what == "corpus":
        paths = write_corpus(args.folder, args.docs, args.seed)
        print(f"wrote {len(paths)} documents to {args.folder}")
    else:
        written = grow_dataset(dump_store(args.store), args.triples, args.output)
        print(f"wrote {written:,} quads to {args.output}")


if __name__ == "__main__":
    main()
