"""The web page in a real browser: Playwright driving Debian's Chromium against a live server on loopback.

The browser is the system's /usr/bin/chromium (installed with apt-get when missing); Playwright's own browser
download is never used. Screenshots go to tests/artifacts/ (not committed)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from live_server import build_store, live_server

from conftest import QUESTION

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
HIGHLIGHT = "rgb(255, 229, 138)"  # --mark in api/static/style.css


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, installed with apt-get when it is missing."""
    if not CHROMIUM.exists():
        try:
            subprocess.run(["bash", "-c", "apt-get update -qq && apt-get install -y -qq chromium"], check=True,
                           capture_output=True, timeout=900)
        except (subprocess.SubprocessError, OSError) as exc:
            output = getattr(exc, "stderr", b"") or b""
            pytest.fail(f"Chromium is missing and `apt-get install -y chromium` failed ({exc}): "
                        f"{output.decode(errors='replace')[-1000:]} -- install it as root and run the tests again")
    if not CHROMIUM.exists():
        pytest.fail(f"apt-get installed chromium but {CHROMIUM} is still missing")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the playwright package is missing: `pip install -e '.[test]'` installs it")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = build_store(tmp_path_factory.mktemp("browser"))
    with live_server(store) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_browser_ask_trace_to_document(page, server):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server + "/")
    page.get_by_label(re.compile("Ask a question")).fill(QUESTION)
    page.get_by_role("button", name="Ask").click()
    page.wait_for_selector(".answer")
    assert "?q=" in page.url  # the answer has a shareable address

    china = page.locator(".answer").filter(has=page.locator(".answer-label", has_text=re.compile(r"^China$")))
    assert china.count() == 1
    sentence = china.locator("mark.sentence").first
    assert sentence.is_visible()
    assert "rare earth" in sentence.inner_text()
    assert sentence.evaluate("el => getComputedStyle(el).backgroundColor") == HIGHLIGHT
    assert china.locator("a.wikidata").first.get_attribute("href") == "http://www.wikidata.org/entity/Q148"
    assert page.locator("figure.chart svg rect").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "answer.png"), full_page=True)

    evidence_text = sentence.inner_text().strip()
    china.locator("a.doc-link").first.click()
    page.wait_for_url(re.compile(r"/documents/[0-9a-f]{16}#ev-\d+-\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    target = page.locator(f"mark#{anchor}")
    assert target.inner_text().strip() == evidence_text
    assert target.is_visible()
    assert target.evaluate("el => el.matches(':target')")
    assert page.locator("mark.fact-sentence").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "document.png"), full_page=True)


def test_browser_sparql_editor_runs_the_generated_query(page, server):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server + "/?q=" + QUESTION.replace(" ", "+").replace("?", "%3F"))
    page.get_by_role("link", name="Open the SPARQL in the editor").click()
    page.wait_for_url(re.compile(r"/query\?query="))
    assert "VALUES" in page.locator("#query").input_value()
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector("table.results tbody tr")
    assert "rows in" in page.locator("#status").inner_text()
    assert page.locator("table.results a[href='/id/country/CN']").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "query.png"), full_page=True)
    page.locator("#query").fill("SELECT WHERE nonsense")
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector(".error-text")
    assert "malformed SPARQL" in page.locator(".error-text").inner_text()


def test_browser_entity_page(page, server):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server + "/id/country/CN")  # our IRI dereferences to the entity page
    assert page.url.endswith("/entities/country/CN")
    assert page.locator("h1").inner_text() == "China"
    assert page.locator(".statement").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "entity.png"), full_page=True)
