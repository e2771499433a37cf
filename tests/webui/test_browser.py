"""A real browser (Debian chromium via Playwright) against the served app, one test per thing a user sees.

Each test saves a screenshot of its tab after the main action (see browser_kit.shot).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_kit import (
    CHROMIUM,
    FLAGS,
    TIMEOUT_MS,
    ask,
    choose_engine,
    contrast,
    needs_chromium,
    note_timing,
    shot,
    upload_and_extract,
)
from conftest import CHECKED_ENGINE, INVOICE_LINES, UNBALANCED_LINES, make_pdf

from docai.webui.home import example_invoice

pytestmark = needs_chromium
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


def _open(browser: Any, url: str, dark: bool = False) -> Any:
    context = browser.new_context(
        viewport={"width": 1400, "height": 1100}, color_scheme="dark" if dark else "light"
    )
    p = context.new_page()
    p.set_default_timeout(TIMEOUT_MS)
    p.goto(url + ("?__theme=dark" if dark else ""))
    p.wait_for_selector("#run")
    p.locator("#engine-status").wait_for()
    return p


@pytest.fixture
def page(browser: Any, served: Any) -> Iterator[Any]:
    p = _open(browser, served.url)
    yield p
    p.context.close()


def test_first_screen_explains_itself_without_placeholders(page: Any, served: Any) -> None:
    welcome = page.locator("#welcome").inner_text()
    assert "docai reads" in welcome and "Extract" in welcome
    status = page.locator("#engine-status").inner_text()
    assert "Engine in use: text" in status
    assert "no VLM server" in status and "no server configured" in status
    assert str(served.home / "ui.db") in status and "uploads" in status  # where the data lives
    assert page.locator("#try-example").is_visible()
    # no '1 2 3' placeholder headers, no red-outlined empty number box, no evidence viewer yet
    headers = page.evaluate(
        "() => [...document.querySelectorAll('th')].filter(t => t.offsetParent).map(t => t.innerText.trim())"
    )
    assert not [h for h in headers if h.isdigit()], headers
    assert page.locator("input:invalid, [aria-invalid=true]").count() == 0
    assert not page.locator("#evidence-viewer").is_visible()
    text = page.locator("body").inner_text().lower()
    assert "placeholder" not in text and "lorem" not in text
    shot(page, "01-first-screen")


@pytest.mark.skipif(example_invoice() is None, reason="examples/ not installed")
def test_one_click_example_gives_a_card_with_key_fields(page: Any) -> None:
    expected = json.loads((EXAMPLES / "expected.json").read_text())["invoice.pdf"]["fields"]
    page.click("#try-example")
    card = page.locator('#result-cards .docai-card[data-file="invoice.pdf"]')
    card.wait_for()
    text = card.inner_text()
    assert expected["invoice_number"] in text and expected["vendor"] in text
    assert card.locator(".docai-badge").inner_text() in ("ok", "needs review", "partial")
    assert "confidence" in text
    assert not page.locator("#welcome").is_visible()  # the results replace the introduction
    # the full table fits its box across and scrolls inside it down (33 fields for this invoice)
    box = page.locator("#fields-table .virtual-table-viewport").first
    box.wait_for()
    width = box.evaluate("e => [e.scrollWidth, e.clientWidth, e.scrollHeight, e.clientHeight]")
    assert width[0] <= width[1] + 2, f"fields table needs side scrolling: {width}"
    assert width[2] > width[3], f"a long table should scroll in its box: {width}"
    assert page.locator("#fields-table").bounding_box()["height"] < 500
    shot(page, "02-extract-example")


def test_extract_time_to_card_and_evidence_viewer(page: Any, browser_invoice_pdf: Path) -> None:
    elapsed = upload_and_extract(page, browser_invoice_pdf)
    note_timing(f"click Extract -> visible card, one-page invoice, text engine: {elapsed:.2f} s")
    print(f"\nclick Extract -> visible card: {elapsed:.2f} s")
    card = page.locator("#result-cards .docai-card").first.inner_text()
    assert "INV-1001" in card and "1234.5" in card
    viewer = page.locator("#evidence-page")
    img = viewer.locator(".docai-page img")
    assert img.evaluate("i => i.naturalWidth") > 500
    page_box = img.bounding_box()
    labels = viewer.locator(".docai-label")
    assert labels.count() >= 3
    for i in range(labels.count()):  # labels sit beside the page, never on its text
        lb = labels.nth(i).bounding_box()
        assert lb["x"] >= page_box["x"] + page_box["width"] - 1, labels.nth(i).inner_text()
    # hover a box: its field, value, confidence
    total = viewer.locator('.docai-box[data-field="total"]')
    total.hover()
    tip = total.locator(".docai-tip")
    tip.wait_for(state="visible")
    assert "total" in tip.inner_text() and "1234.5" in tip.inner_text() and "confidence" in tip.inner_text()
    shot(page, "03-evidence-hover")
    # keyboard: j steps to the next field, k back
    first = page.locator("#viewer-field input").input_value()
    page.locator("#evidence-page .docai-viewer-scroll").focus()
    page.keyboard.press("j")
    page.wait_for_function("v => document.querySelector('#viewer-field input').value !== v", arg=first)
    assert page.locator("#field-details .docai-fields tr.sel").count() == 1
    page.keyboard.press("k")
    page.wait_for_function("v => document.querySelector('#viewer-field input').value === v", arg=first)
    # zoom: + makes the page wider, 0 fits it again
    before = img.bounding_box()["width"]
    page.keyboard.press("+")
    page.wait_for_function(
        "w => document.querySelector('#evidence-page .docai-page img').getBoundingClientRect().width"
        " > w * 1.2",
        arg=before,
    )
    assert "125%" in viewer.locator(".docai-zoom-level").inner_text()
    page.keyboard.press("0")
    assert abs(img.bounding_box()["width"] - before) < 2


def test_review_file_says_why_and_marks_failed_and_ungrounded_fields(page: Any, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "checked.pdf", UNBALANCED_LINES)
    choose_engine(page, CHECKED_ENGINE)
    upload_and_extract(page, pdf)
    card = page.locator('#result-cards .docai-card[data-file="checked.pdf"]')
    assert card.locator(".docai-badge").inner_text() == "needs review"
    text = card.inner_text()
    assert "sum_of_parts failed" in text and "1234.50" in text  # why, at a glance
    assert "issue_date" in text and "not printed on the page" in text
    viewer = page.locator("#evidence-page")
    assert "bad" in viewer.locator('.docai-box[data-field="total"]').get_attribute("class")
    assert "✗" in viewer.locator('.docai-label[data-label="total"]').inner_text()
    issue = viewer.locator('.docai-box[data-field="issue_date"], .docai-label[data-label="issue_date"]')
    if issue.count():  # an ungrounded value keeps the box it claimed, drawn dashed
        assert "weak" in issue.first.get_attribute("class")
    viewer.locator('.docai-box[data-field="total"]').hover()
    tip = viewer.locator('.docai-box[data-field="total"] .docai-tip').inner_text()
    assert "✗ sum_of_parts" in tip and "confidence" in tip
    table = page.locator("#fields-table").inner_text()
    assert "failed check" in table and "not found on page" in table
    details = page.locator("#field-details").inner_text()
    assert "issue_date" in details and "2024-06-30" in details
    shot(page, "04-review")


def test_every_error_is_visible_and_names_the_file(page: Any, tmp_path: Path) -> None:
    bad = tmp_path / "notes.pdf"
    bad.write_text("plain text, not a PDF")
    upload_and_extract(page, bad)
    card = page.locator('#result-cards .docai-card[data-file="notes.pdf"]')
    assert card.locator(".docai-badge").inner_text() == "failed"
    text = card.inner_text()
    assert "notes.pdf: not a PDF or an image" in text and "What to do: upload a PDF or an image" in text
    assert "notes.bin" not in page.locator("body").inner_text()  # never the name docai stored it under
    assert not page.locator("#fields-table").is_visible()  # no empty table for a file that failed
    assert "notes.pdf" in page.locator("#evidence-page").inner_text()
    shot(page, "05-error")


def test_ask_answers_alike_first_or_after_another_question(page: Any) -> None:
    report = EXAMPLES / "annual_report.pdf"
    if not report.is_file():
        pytest.skip("examples/ not installed")
    page.get_by_role("tab", name="Ask").click()
    page.set_input_files("#ask-upload input[type=file]", str(report))
    page.wait_for_function("() => document.querySelector('#ask-upload').innerText.includes('annual')")
    first = ask(page, "What was Q4 revenue?")
    assert page.locator("#cited-page img").count() == 1  # the first cited page is shown without a click
    page.click("#clear-chat")
    ask(page, "What was total revenue in 2024?")
    again = ask(page, "What was Q4 revenue?")
    assert first == again
    captions = page.locator("#citations .caption-label, #citations figcaption")
    for i in range(captions.count()):
        assert captions.nth(i).evaluate("c => c.scrollWidth <= c.clientWidth + 1"), "caption cut off"
    thumb = page.locator("#citations img").first
    assert thumb.bounding_box()["width"] >= 90  # thumbnails big enough to recognise a page
    shot(page, "06-ask")


def test_history_lists_runs_and_answers_and_opens_each_in_its_view(page: Any, tmp_path: Path) -> None:
    # a document of its own, so the newest run for its name is this test's (its upload is stored here)
    pdf = make_pdf(tmp_path / "history-doc.pdf", [*INVOICE_LINES, (72, 650, f"Ref {tmp_path.name}")])
    upload_and_extract(page, pdf)
    ask(page, "What is the total?")
    page.get_by_role("tab", name="History").click()
    table = page.locator("#history-table")
    cells = table.locator("[role=gridcell]")  # the visible cells (the dataframe also keeps hidden ones)
    cells.filter(has_text="extraction").first.wait_for()  # listed on opening the tab, no click needed
    page.fill("#history-query textarea", "total")
    page.click("#history-refresh")
    page.wait_for_function(  # the search narrows the list to the answer
        "() => { const t = document.querySelector('#history-table').innerText;"
        " return t.includes('What is the total?') && !t.includes('extraction'); }"
    )
    page.fill("#history-query textarea", "history-doc")
    page.click("#history-refresh")
    cells.filter(has_text="extraction").first.wait_for()
    rows = table.inner_text()
    assert "extraction" in rows and "answer" in rows  # runs and answers in one list
    cells.filter(has_text="extraction").first.click()
    page.wait_for_function(
        "() => document.querySelector('#history-picked textarea').value.startsWith('extraction')"
    )
    shot(page, "07-history")
    page.click("#history-open")
    page.locator("#result-cards .docai-card").first.wait_for()
    assert page.get_by_role("tab", name="Extract").get_attribute("aria-selected") == "true"
    assert "INV-1001" in page.locator("#result-cards").inner_text()
    page.locator("#evidence-page .docai-box").first.wait_for()
    page.get_by_text("JSON", exact=True).first.click()
    assert "INV-1001" in page.locator("#result-json").inner_text()
    page.get_by_role("tab", name="History").click()
    cells.filter(has_text="answer").first.click()
    page.wait_for_function(
        "() => document.querySelector('#history-picked textarea').value.startsWith('answer')"
    )
    page.click("#history-open")
    page.locator("#chat").get_by_text("What is the total?").first.wait_for()
    assert page.get_by_role("tab", name="Ask").get_attribute("aria-selected") == "true"
    page.locator("#cited-page img").wait_for()
    assert "1,234.50" in page.locator("#chat").inner_text()


def test_batch_shows_one_progress_bar_tells_refused_entries_and_clears(
    page: Any, invoice_pdf: Path, tmp_path: Path
) -> None:
    import zipfile

    archive = tmp_path / "docs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(invoice_pdf, "a/invoice.pdf")
        zf.writestr("../evil.pdf", invoice_pdf.read_bytes())
        zf.writestr("/abs.pdf", invoice_pdf.read_bytes())
        link = zipfile.ZipInfo("link.pdf")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
    page.get_by_role("tab", name="Batch").click()
    page.set_input_files("#batch-upload input[type=file]", str(archive))
    page.wait_for_function("() => document.querySelector('#batch-upload').innerText.includes('docs')")
    page.click("#batch-run")
    most = 0
    for _ in range(60):
        trackers = page.evaluate(
            "() => [...document.querySelectorAll('[data-testid=status-tracker]')]"
            ".filter(t => !t.classList.contains('hide') && t.offsetParent && t.innerText.trim()).length"
        )
        most = max(most, trackers)
        if "done:" in page.locator("#batch-status textarea").input_value():
            break
        page.wait_for_timeout(250)
    assert "done: 1 file(s)" in page.locator("#batch-status textarea").input_value()
    assert most <= 1, f"{most} progress indicators at once"
    alert = page.locator("#batch-alert").inner_text()
    assert "evil.pdf" in alert and "unsafe path" in alert and "abs.pdf" in alert and "symbolic link" in alert
    shot(page, "08-batch")
    # the upload is removed (as after a refused oversized file): a new run clears the old text
    page.locator("#batch-upload button[aria-label='Clear']").first.click()
    page.click("#batch-run")
    page.wait_for_function(
        "() => document.querySelector('#batch-status textarea').value.startsWith('no documents to run')"
    )
    assert "done:" not in page.locator("#batch-status textarea").input_value()
    assert "no documents to run" in page.locator("#batch-alert").inner_text()
    assert page.locator("#batch-status .error, #batch-table .error, #batch-items .error").count() == 0


def test_oversized_upload_is_refused_visibly(page: Any, tmp_path: Path) -> None:
    big = tmp_path / "huge.pdf"
    with big.open("wb") as f:  # 51 MB, over the 50 MB default
        f.write(b"%PDF-1.4\n")
        f.truncate(51 * 1024 * 1024)
    page.get_by_role("tab", name="Batch").click()
    page.set_input_files("#batch-upload input[type=file]", str(big))
    toast = page.locator(".toast-body, [data-testid=toast-body]").first
    toast.wait_for()
    assert "50" in toast.inner_text() or "large" in toast.inner_text().lower()
    page.click("#batch-run")
    page.wait_for_function(
        "() => document.querySelector('#batch-status textarea').value.startsWith('no documents to run')"
    )


def test_dark_mode_keeps_text_readable(browser: Any, served: Any) -> None:
    page = _open(browser, served.url, dark=True)
    try:
        assert page.evaluate(
            "() => document.body.classList.contains('dark') || !!document.querySelector('.dark')"
        )
        assert contrast(page, "#welcome p") >= 4.5
        assert contrast(page, "#engine-status b") >= 4.5
        if example_invoice() is not None:
            page.click("#try-example")
            page.locator("#result-cards .docai-card").first.wait_for()
            page.locator("#field-details .docai-fields td").first.wait_for()
            assert contrast(page, "#result-cards .docai-card .v") >= 4.5
            assert contrast(page, "#result-cards .docai-badge") >= 4.5
            assert contrast(page, "#field-details .docai-fields td") >= 4.5
            assert contrast(page, "#evidence-page .docai-label") >= 4.5
        shot(page, "09-dark")
    finally:
        page.context.close()


def test_document_text_is_never_run_as_html(page: Any, injection_pdf: Path) -> None:
    upload_and_extract(page, injection_pdf)
    page.get_by_text("JSON", exact=True).first.click()
    page.locator("#result-json").get_by_text("window.__pwned", exact=False).first.wait_for()
    page.locator("#evidence-page .docai-box").first.hover()
    ask(page, "What is the note?")
    ask(page, "What is the invoice number?")
    page.wait_for_timeout(500)
    shown = page.evaluate(
        "() => document.body.innerText + [...document.querySelectorAll('textarea')].map(t => t.value).join()"
    )
    assert "window.__pwned" in shown  # the markup is on screen as text
    chat = page.locator("#chat").inner_text()
    assert "<script>" in chat and "onerror=" in chat  # shown literally, not parsed or stripped
    assert "<script>" in page.locator("#result-cards").inner_text()
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert (
        page.locator("#chat script, #result-cards script, #evidence-page script, img[src='x']").count() == 0
    )
