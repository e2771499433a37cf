"""Helpers for the browser tests: Debian chromium through Playwright, screenshots, common actions."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

# Read at import: the autouse home fixture clears DOCAI_* variables before each test.
SHOTS = Path(os.environ.get("DOCAI_SCREENSHOTS") or Path(__file__).parent / "artifacts")

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]  # fmt: skip
TIMEOUT_MS = 90_000

needs_chromium = [
    pytest.mark.requires_chromium,
    pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("chromium") is None, reason="no chromium"),
]


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot under $DOCAI_SCREENSHOTS (default tests/webui/artifacts, git-ignored)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.wait_for_timeout(300)  # let transitions settle
    page.screenshot(path=str(path), full_page=True)
    return path


def note_timing(line: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with (SHOTS / "timings.txt").open("a") as f:
        f.write(line + "\n")


def open_engine_options(page: Any) -> None:
    if not page.locator("#engine").is_visible():
        page.get_by_text("Engine and options", exact=True).click()
        page.locator("#engine").wait_for()


def choose_engine(page: Any, name: str) -> None:
    open_engine_options(page)
    page.locator("#engine input").click()
    page.get_by_role("option", name=name, exact=True).click()


def upload_and_extract(page: Any, pdf: Path) -> float:
    """Upload `pdf`, click Extract, wait for its result card; returns click-to-visible-card seconds."""
    page.set_input_files("#upload input[type=file]", str(pdf))
    page.wait_for_function(  # the file list splits stem and extension into separate elements
        "name => document.querySelector('#upload').innerText.replace(/\\s/g, '').includes(name)", arg=pdf.name
    )
    started = time.perf_counter()
    page.click("#run")
    page.locator(f'#result-cards .docai-card[data-file="{pdf.name}"]').wait_for(state="visible")
    elapsed = time.perf_counter() - started
    page.locator("#evidence-page .docai-viewer-scroll, #evidence-page .docai-error").first.wait_for()
    return elapsed


def ask(page: Any, question: str) -> str:
    """Ask in the Ask tab; returns the answer's text (the last assistant message)."""
    page.get_by_role("tab", name="Ask").click()
    before = page.locator("#chat .message-row, #chat [data-testid=bot]").count()
    page.fill("#question textarea", question)
    page.click("#ask")
    page.locator("#chat").get_by_text(question).last.wait_for()
    page.wait_for_function("() => document.querySelector('#question textarea').value === ''")
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .message-row, #chat [data-testid=bot]').length > n", arg=before
    )
    return page.locator("#chat [data-testid=bot]").last.inner_text()


def contrast(page: Any, selector: str) -> float:
    """WCAG contrast ratio of an element's text colour against the first opaque background behind it."""
    return page.evaluate(
        """sel => {
          const el = document.querySelector(sel);
          const rgb = s => s.match(/[\\d.]+/g).map(Number);
          const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255;
            return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
            return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
          let bg = null, node = el;
          while (node && node.nodeType === 1) {
            const c = rgb(getComputedStyle(node).backgroundColor);
            if (c.length < 4 || c[3] > 0.5) { bg = c; break; }
            node = node.parentElement;
          }
          bg = bg || [255, 255, 255];
          const fg = rgb(getComputedStyle(el).color);
          const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
          return (a + 0.05) / (b + 0.05);
        }""",
        selector,
    )
