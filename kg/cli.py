"""The `crmkg` command line: thin commands over the library (ingest, ask, sparql, validate, export, stats,
contradictions, serve)."""
from __future__ import annotations

import json
import sys
from typing import Optional

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from kg.errors import CrmkgError
from kg.store import open_store

app = typer.Typer(help="crmkg: a knowledge graph of critical raw materials, with provenance.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
err = Console(stderr=True)
StoreOpt = typer.Option(None, "--store", help="store folder (default: $CRMKG_STORE or ./crmkg-data; ':memory:')")

RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
                  "tsv": ox.QueryResultsFormat.TSV, "xml": ox.QueryResultsFormat.XML}
GRAPH_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nq": ox.RdfFormat.N_QUADS, "nt": ox.RdfFormat.N_TRIPLES,
                 "trig": ox.RdfFormat.TRIG, "xml": ox.RdfFormat.RDF_XML}


class RateColumn(ProgressColumn):
    """Documents/s and words/s since the start (words in the task's `words` field)."""

    def render(self, task) -> Text:
        elapsed = task.elapsed or 0.0
        if elapsed <= 0:
            return Text("")
        return Text(f"{task.completed / elapsed:.1f} docs/s  {task.fields.get('words', 0) / elapsed:,.0f} words/s")


def _fail(exc: CrmkgError) -> None:
    err.print(f"[red]error[/red] [{exc.code}] {exc.message}")
    raise typer.Exit(2)


@app.command()
def ingest(paths: list[str] = typer.Argument(..., help="files or folders"), store: Optional[str] = StoreOpt,
           json_out: bool = typer.Option(False, "--json", help="print the summary as JSON"),
           processes: int = typer.Option(1, "--processes", help="extraction worker processes (local executor)"),
           executor: str = typer.Option("local", "--executor", help="local|dask: where extraction runs"),
           scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (--executor dask)")) -> None:
    """Extract, validate (SHACL) and store documents; rejected documents leave nothing behind."""
    try:
        db = open_store(store)  # first: a second writer is refused before seconds of imports
    except CrmkgError as exc:
        _fail(exc)
    from extractors.distributed import word_count
    from kg.ingest import ingest as run_ingest

    def advance(item) -> None:
        words = getattr(item, "words", None)
        if words is None:
            words = word_count(item.source.text) if item.source else 0
        bar.update(task, advance=1, words=bar.tasks[task].fields["words"] + words)

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} docs"), RateColumn(),
                  TimeElapsedColumn(), console=err, transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("ingest", total=None, words=0)
        try:
            summary = run_ingest(paths, db, progress=advance, processes=processes, executor=executor,
                                 scheduler=scheduler)
        except CrmkgError as exc:
            _fail(exc)
    if json_out:
        print(json.dumps(summary.to_dict(), indent=2))
    else:
        print(f"documents: {summary.documents} (added {summary.added}, replaced {summary.replaced}, "
              f"unchanged {summary.unchanged}), statements written: {summary.statements}, "
              f"rejected: {len(summary.rejected)}")
        for rejected in summary.rejected:
            print(f"  rejected {rejected.path}:")
            for reason in rejected.reasons[:10]:
                print(f"    - {reason}")
    if summary.rejected and summary.added + summary.replaced + summary.unchanged == 0:
        raise typer.Exit(1)


@app.command()
def ask(question: str, store: Optional[str] = StoreOpt,
        json_out: bool = typer.Option(False, "--json", help="print one JSON object")) -> None:
    """Answer a question in English or Dutch, with evidence."""
    from kg.ask import ask as run_ask

    try:
        reply = run_ask(open_store(store, read_only=True), question)
    except CrmkgError as exc:
        _fail(exc)
    if json_out:
        print(json.dumps(reply, ensure_ascii=False, indent=2))
        return
    print(f"intent: {reply['intent']}")
    if reply.get("message"):
        print(reply["message"])
    for answer in reply["answers"]:
        print(f"- {answer['label']}  ({answer.get('documents', 0)} document(s)) {answer.get('detail', {})}")
        for ev in answer["evidence"][:3]:
            print(f"    \"{ev['sentence']}\" — {ev['document']['title']} ({ev['document'].get('date')})")


@app.command()
def sparql(query: str, store: Optional[str] = StoreOpt,
           format: str = typer.Option("json", "--format", help="json|csv|tsv|xml for SELECT/ASK; ttl|nq|nt|trig|xml for CONSTRUCT")) -> None:
    """Run a SPARQL query over the union of all graphs."""
    try:
        result = open_store(store, read_only=True).query(query)
    except CrmkgError as exc:
        _fail(exc)
    if isinstance(result, ox.QueryTriples):
        fmt = GRAPH_FORMATS.get(format, ox.RdfFormat.TURTLE)
        if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            fmt = ox.RdfFormat.N_TRIPLES
        sys.stdout.write(result.serialize(format=fmt).decode())
    else:
        sys.stdout.write(result.serialize(format=RESULT_FORMATS.get(format, ox.QueryResultsFormat.JSON)).decode())
        sys.stdout.write("\n")


@app.command()
def validate(store: Optional[str] = StoreOpt) -> None:
    """Validate every document graph in the store against the shapes."""
    from kg.validate import validate_store

    try:
        report = validate_store(open_store(store, read_only=True))
    except CrmkgError as exc:
        _fail(exc)
    print(f"graphs checked: {report['graphs']}, conforms: {report['conforms']}")
    for violation in report["violations"][:50]:
        print(f"  - {violation}")
    if not report["conforms"]:
        raise typer.Exit(1)


@app.command()
def export(store: Optional[str] = StoreOpt,
           format: str = typer.Option("nq", "--format", help="nq|ttl|trig|jsonld")) -> None:
    """Write the whole store to standard output."""
    db = open_store(store, read_only=True)
    if format == "jsonld":
        from rdflib import Dataset

        from kg.void import to_jsonld

        ds = Dataset()
        ds.parse(data=_dump(db, ox.RdfFormat.N_QUADS), format="nquads")
        sys.stdout.write(to_jsonld(ds))  # compacted with ontology/context.jsonld (served at /context.jsonld)
        return
    fmt = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "ttl": ox.RdfFormat.TRIG}.get(format)
    if fmt is None:
        err.print(f"unknown format {format!r}: use nq, ttl, trig or jsonld")
        raise typer.Exit(2)
    sys.stdout.write(_dump(db, fmt))


@app.command()
def dump(file: str = typer.Argument(..., help="N-Quads file to write"), store: Optional[str] = StoreOpt) -> None:
    """Write every named graph of the store to one N-Quads file (a consistent snapshot, safe during an ingest)."""
    from kg.dump import dump as run_dump

    try:
        summary = run_dump(open_store(store, read_only=True), file)
    except CrmkgError as exc:
        _fail(exc)
    print(f"dumped {summary.quads} quads in {summary.graphs} named graphs to {summary.path}")


@app.command()
def restore(file: str = typer.Argument(..., help="N-Quads file written by `crmkg dump`"),
            store: Optional[str] = StoreOpt,
            force: bool = typer.Option(False, "--force", help="replace the contents of a non-empty store")) -> None:
    """Load a dump into an empty store (or replace a store's contents with --force)."""
    from kg.dump import restore as run_restore

    try:
        summary = run_restore(open_store(store), file, force=force)
    except CrmkgError as exc:
        _fail(exc)
    print(f"restored {summary.quads} quads in {summary.graphs} named graphs from {summary.path}")


def _dump(db, fmt) -> str:
    import io

    buffer = io.BytesIO()
    db.dump(buffer, fmt)
    return buffer.getvalue().decode()


@app.command("import-table")
def import_table(table: str = typer.Argument(..., help="a CSV file"),
                 mapping: str = typer.Option(..., "--mapping", help="its mapping file (mappings/*.yaml)"),
                 store: Optional[str] = StoreOpt,
                 json_out: bool = typer.Option(False, "--json", help="print the summary as JSON")) -> None:
    """Import a table as official-figure statements through a declarative mapping (SHACL-checked, idempotent)."""
    from kg.tables import import_table as run_import

    try:
        report = run_import(table, mapping, open_store(store))
    except CrmkgError as exc:
        _fail(exc)
    if json_out:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        skipped = ", ".join(f"{reason}: {n}" for reason, n in report.skipped.items()) or "none"
        print(f"{report.table}: {report.status}; rows: {report.rows}, statements: {report.statements}, "
              f"skipped: {sum(report.skipped.values())} ({skipped}); graph <{report.graph}>")
        if report.contradictions is not None:
            print(f"contradictions in the store now: {report.contradictions}")
        for line in report.warnings[:20] + [f"rejected: {r}" for r in report.rejected[:20]]:
            print(f"  - {line}")
    if report.status == "rejected":
        raise typer.Exit(1)


@app.command()
def void(store: Optional[str] = StoreOpt,
         base_url: str = typer.Option("http://127.0.0.1:8000/", "--base-url", help="where the API is served"),
         format: str = typer.Option("ttl", "--format", help="ttl|jsonld")) -> None:
    """Print the VoID + DCAT description of the store (also served at /.well-known/void)."""
    from kg.void import to_jsonld, void_graph

    graph = void_graph(open_store(store, read_only=True), base_url)
    sys.stdout.write(to_jsonld(graph) if format == "jsonld" else graph.serialize(format="turtle"))


@app.command()
def stats(store: Optional[str] = StoreOpt, json_out: bool = typer.Option(False, "--json")) -> None:
    """Counts: triples, documents, statements by relation, evidence, contradictions, linking coverage."""
    from kg.stats import store_stats

    figures = store_stats(open_store(store, read_only=True))
    if json_out:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key}: {value}")


@app.command()
def contradictions(store: Optional[str] = StoreOpt, json_out: bool = typer.Option(False, "--json")) -> None:
    """List statements whose values disagree, with their sources."""
    from kg.ask import ask as run_ask

    reply = run_ask(open_store(store, read_only=True), "Do sources disagree?")
    if json_out:
        print(json.dumps(reply["answers"], ensure_ascii=False, indent=2))
        return
    for answer in reply["answers"]:
        print(f"- {answer['label']}")
        for ev in answer["evidence"]:
            print(f"    \"{ev['sentence']}\" — {ev['document']['title']}")


@app.command("eval-facts")
def eval_facts(gold_set: str = typer.Argument(..., help="folder with docs/ and gold.json"),
               store: Optional[str] = StoreOpt, json_out: bool = typer.Option(False, "--json")) -> None:
    """Score extracted statements against a gold set's facts: precision and recall per relation kind."""
    from kg.evaluation import score_facts

    report = score_facts(gold_set, open_store(store, read_only=True))
    if json_out:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    print(f"{'kind':<14}{'gold':>6}{'ours':>6}{'recall':>8}{'precision':>11}{'F1':>7}")
    for kind, row in report.items():
        print(f"{kind:<14}{row['gold']:>6}{row['extracted']:>6}{row['recall']:>8.2f}{row['precision']:>11.2f}{row['f1']:>7.2f}")


@app.command()
def serve(store: Optional[str] = StoreOpt, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the API, the SPARQL endpoint and the web page."""
    import os

    import uvicorn

    if store:
        os.environ["CRMKG_STORE"] = store
    print(f"crmkg serving on http://{host}:{port}/  (try: http://{host}:{port}/ask?q=Who+dominates+the+processing+of+rare+earth+elements%3F)")
    uvicorn.run("api.app:app", host=host, port=port)


if __name__ == "__main__":
    app()
