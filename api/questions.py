"""Questions over HTTP: `GET /ask?q=`, `POST /ask` and `/ask.csv`, the same JSON as `crmkg ask --json`."""
from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.pages import read_store
from kg.ask import Asker

router = APIRouter(tags=["questions"])
QUESTION = Query(..., min_length=1, max_length=1000, description="a question in English or Dutch",
                 examples=["Who dominates the processing of rare earth elements?"])
CSV_COLUMNS = ["question", "intent", "answer", "iri", "same_as", "documents", "stage", "share", "year", "sentence",
               "start", "end", "document", "document_title", "document_date", "publisher", "cites"]


class AskBody(BaseModel):
    q: str = Field(..., min_length=1, max_length=1000, description="a question in English or Dutch",
                   examples=["Wie domineert de verwerking van zeldzame aardmetalen?"])


def answer(question: str) -> dict:
    return Asker(read_store()).ask(question)


@router.get("/ask", summary="Answer a question (JSON)")
def ask_get(q: str = QUESTION) -> dict:
    """Intent, resolved entities, the SPARQL that ran, and answers with evidence (sentence, offsets, document,
    cited sources) and the number of corroborating documents; `intent: null` and a `message` when not understood."""
    return answer(q)


@router.get("/ask.json", summary="Answer a question (JSON, by suffix)")
def ask_json(q: str = QUESTION) -> dict:
    """The same as `GET /ask`."""
    return answer(q)


@router.post("/ask", summary="Answer a question sent as JSON")
def ask_post(body: AskBody) -> dict:
    """`{"q": "..."}` in, the same JSON as `GET /ask` out."""
    return answer(body.q)


def answers_csv(reply: dict) -> str:
    """One row per answer and evidence sentence (an answer without evidence has one row)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for item in reply.get("answers", []):
        detail = item.get("detail", {})
        base = {"question": reply["question"], "intent": reply["intent"], "answer": item["label"], "iri": item["iri"],
                "same_as": " ".join(item.get("same_as", [])), "documents": item.get("documents", ""),
                "stage": detail.get("stage", ""), "share": detail.get("share", ""), "year": detail.get("year", "")}
        for ev in item.get("evidence") or [{}]:
            doc = ev.get("document", {})
            writer.writerow({**base, "sentence": ev.get("sentence", ""), "start": ev.get("start", ""),
                             "end": ev.get("end", ""), "document": doc.get("iri", ""),
                             "document_title": doc.get("title", ""), "document_date": doc.get("date") or "",
                             "publisher": doc.get("publisher") or "",
                             "cites": " | ".join(str(c if isinstance(c, str) else c.get("label", c))
                                                 for c in ev.get("cites", []))})
    return out.getvalue()


@router.get("/ask.csv", summary="Answer a question (CSV)", response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "one row per answer and evidence sentence"}})
def ask_csv(q: str = QUESTION) -> Response:
    """The answers as CSV: one row per answer and evidence sentence, with document and cited sources."""
    return Response(answers_csv(answer(q)), media_type="text/csv",
                    headers={"Content-Disposition": 'inline; filename="answers.csv"'})
