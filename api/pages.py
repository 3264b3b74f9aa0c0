"""HTML pages (Jinja2 templates in api/templates, assets in api/static, no external resources): the question page
at `/`, the SPARQL editor at `/query`, and the helpers the entity, document and contradictions pages share."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api import describe
from kg.ask import EXAMPLES, Asker
from kg.namespaces import SPARQL_PREFIXES
from kg.store import OxigraphStore, open_store

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(href=describe.href, quote=quote, urlencode=urlencode)
templates.env.filters["wikidata"] = lambda iri: iri.rsplit("/", 1)[-1] if "wikidata.org" in iri else iri
router = APIRouter(tags=["pages"])
DEFAULT_QUERY = """SELECT ?actor ?material ?share ?year WHERE {
  ?st crm:relation crm:shareOf ; crm:subject ?a ; crm:material ?m ; crm:share ?share .
  OPTIONAL { ?st crm:year ?year }
  ?a rdfs:label ?actor . FILTER(LANG(?actor) = "en")
  ?m skos:prefLabel ?material . FILTER(LANG(?material) = "en")
}
ORDER BY DESC(?share)
LIMIT 50"""


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def read_store() -> OxigraphStore:
    """The store (CRMKG_STORE), opened read-only for one request."""
    return open_store(None, read_only=True)


def enrich(store: OxigraphStore, reply: dict) -> dict:
    """What the question page adds to an `Asker.ask` reply: evidence in context, readable labels for statement
    answers, the bar chart, and the links to the machine twins and the SPARQL editor."""
    docs = [e["document"]["iri"] for a in reply.get("answers", []) for e in a.get("evidence", [])]
    text_of = describe.texts(store, docs)
    statement_answers = [a["iri"] for a in reply.get("answers", []) if describe.is_statement_label(a)]
    readable = {s["iri"]: s["summary"] for s in describe.statements(store, statement_answers)}
    unnamed = [iri for iri in statement_answers if iri not in readable]
    if unnamed:  # contradictions: known by their comment
        readable.update({r["e"]: r["c"] for r in store.select("SELECT ?e ?c WHERE { ?e rdfs:comment ?c }", e=unnamed)})
    answers = []
    for answer in reply.get("answers", []):
        shown = dict(answer, display=readable.get(answer["iri"], answer["label"]), page=describe.href(answer["iri"]))
        shown["evidence"] = []
        for ev in answer.get("evidence", []):
            doc_id = describe.local_name(ev["document"]["iri"])
            text = text_of.get(ev["document"]["iri"], "")
            if text and text[ev["start"]:ev["end"]] == ev["sentence"]:
                before, sentence, after = describe.context(text, ev["start"], ev["end"])
            else:
                before, sentence, after = "", ev["sentence"], ""
            shown["evidence"].append(dict(ev, before=before, highlighted=sentence, after=after,
                                          href=f"/documents/{doc_id}#ev-{ev['start']}-{ev['end']}",
                                          doc_href=f"/documents/{doc_id}"))
        answers.append(shown)
    q = reply.get("question", "")
    sparql = SPARQL_PREFIXES + reply["sparql"] if reply.get("sparql") else None
    return {"answers": answers, "chart": describe.chart(reply.get("answers", [])), "sparql": sparql,
            "links": {"share": "/?" + urlencode({"q": q}), "json": "/ask?" + urlencode({"q": q}),
                      "csv": "/ask.csv?" + urlencode({"q": q}),
                      "editor": "/query?" + urlencode({"query": sparql}) if sparql else None}}


@router.get("/", response_class=HTMLResponse, summary="The question page")
def index(request: Request, q: str | None = Query(None, max_length=1000, description="a question; its answer is shown")):
    """Ask in English or Dutch; answers with their evidence in context, sources, chart and the generated SPARQL.
    `/?q=...` is the shareable address of an answer; `/ask?q=` and `/ask.csv?q=` are its machine twins."""
    context: dict = {"q": q or "", "examples": list(EXAMPLES.values()), "reply": None}
    if q and q.strip():
        store = read_store()
        reply = Asker(store).ask(q.strip())
        context.update(reply=reply, **enrich(store, reply))
    return render(request, "index.html", **context)


@router.get("/query", response_class=HTMLResponse, summary="The SPARQL editor")
def query_page(request: Request, query: str | None = Query(None, max_length=100_000,
                                                         description="the query to show in the editor")):
    """An editable SPARQL query, run against `/sparql` in the page (results as a table or as RDF text)."""
    return render(request, "query.html", query=query or SPARQL_PREFIXES + DEFAULT_QUERY)
