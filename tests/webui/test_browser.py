"""A real browser (Debian chromium via Playwright) against the served app: extract, evidence, ask, safety."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]  # fmt: skip
TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.requires_chromium,
    pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("chromium") is None, reason="no chromium"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, served: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    p = context.new_page()
    p.set_default_timeout(TIMEOUT_MS)
    p.goto(served.url)
    p.wait_for_selector("#run")
    yield p
    context.close()


def upload_and_extract(page: Any, pdf: Path) -> float:
    """Upload `pdf` in the Extract tab, click Extract and wait for the status; returns click-to-result s."""
    page.set_input_files("#upload input[type=file]", str(pdf))
    page.wait_for_function(  # the file list splits stem and extension into separate elements
        "name => document.querySelector('#upload').innerText.replace(/\\s/g, '').includes(name)", arg=pdf.name
    )
    started = time.perf_counter()
    page.click("#run")
    page.wait_for_function(
        "name => (document.querySelector('#status textarea') || {}).value?.includes(name + ': ')",
        arg=pdf.name,
    )
    page.wait_for_function(
        "name => (document.querySelector('#results-table') || {}).innerText?.includes(name)", arg=pdf.name
    )
    return time.perf_counter() - started


def ask(page: Any, question: str) -> None:
    page.get_by_role("tab", name="Ask").click()
    page.fill("#question textarea", question)
    page.click("#ask")
    page.locator("#chat").get_by_text(question).last.wait_for()
    page.wait_for_function("() => document.querySelector('#question textarea').value === ''")  # answered


def test_extract_shows_total_and_evidence_then_ask_cites_page(
    page: Any, invoice_pdf: Path, tmp_path: Path
) -> None:
    elapsed = upload_and_extract(page, invoice_pdf)
    table = page.locator("#results-table").inner_text()
    assert "INV-1001" in table and "1234.5" in table
    image = page.locator("#evidence-image img")
    image.wait_for()
    assert image.get_attribute("src")
    assert image.evaluate("img => img.naturalWidth") > 500
    page.wait_for_function(
        "() => document.querySelector('#field-details textarea').value.includes('page: 1')"
    )
    assert "box (pt)" in page.locator("#field-details textarea").input_value()
    assert "field box" in page.locator("#viewer-note textarea").input_value()
    shot = tmp_path / "extract.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"\nclick-to-result {elapsed:.2f}s for a one-page invoice (text engine); screenshot {shot}")

    ask(page, "What is the total?")
    page.locator("#chat").get_by_text("Cited:").last.wait_for()
    assert "1,234.50" in page.locator("#chat").inner_text()
    thumb = page.locator("#citations img").first
    thumb.wait_for()
    thumb.click()
    page.locator("#cited-page img").wait_for()
    assert "Page 1 of 1" in page.locator("#cited-note textarea").input_value()
    shot = tmp_path / "ask.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"ask screenshot {shot}")


def test_document_text_is_never_run_as_html(page: Any, injection_pdf: Path, tmp_path: Path) -> None:
    upload_and_extract(page, injection_pdf)
    page.get_by_text("JSON", exact=True).first.click()
    page.locator("#result-json").get_by_text("window.__pwned", exact=False).first.wait_for()
    ask(page, "What is the note?")
    ask(page, "What is the invoice number?")
    page.wait_for_timeout(500)
    page.screenshot(path=str(tmp_path / "injection.png"), full_page=True)
    print(f"\ninjection screenshot {tmp_path / 'injection.png'}")
    shown = page.evaluate(
        "() => document.body.innerText + [...document.querySelectorAll('textarea')].map(t => t.value).join()"
    )
    assert "window.__pwned" in shown  # the markup is on screen as text
    chat = page.locator("#chat").inner_text()
    assert "<script>" in chat and "onerror=" in chat  # shown literally, not parsed or stripped
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.locator("#chat script, #results-table script, #chat img[src='x']").count() == 0
