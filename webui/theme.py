# ruff: noqa: E501 - CSS and JavaScript read better one rule per line
"""The app's look: one Gradio theme, the CSS on top of it, and the keyboard shortcuts script.

Every colour in the CSS is a theme variable or one of the `--docai-*` variables defined here for both
light and dark mode, so nothing is dark text on a dark background when the browser asks for dark.
"""

from __future__ import annotations

from typing import Any

STATUS_CSS = """
:root, .light {
  --docai-ok-fg: #166534; --docai-ok-bg: #dcfce7;
  --docai-review-fg: #92400e; --docai-review-bg: #fef3c7;
  --docai-bad-fg: #991b1b; --docai-bad-bg: #fee2e2;
  --docai-info-fg: #1e40af; --docai-info-bg: #dbeafe;
  --docai-box: #2563eb; --docai-box-bad: #dc2626; --docai-box-weak: #d97706;
}
.dark {
  --docai-ok-fg: #86efac; --docai-ok-bg: #14532d;
  --docai-review-fg: #fcd34d; --docai-review-bg: #78350f;
  --docai-bad-fg: #fca5a5; --docai-bad-bg: #7f1d1d;
  --docai-info-fg: #93c5fd; --docai-info-bg: #1e3a8a;
  --docai-box: #60a5fa; --docai-box-bad: #f87171; --docai-box-weak: #fbbf24;
}
.docai-badge { display: inline-block; padding: 0.1rem 0.55rem; border-radius: 999px; font-weight: 600;
  font-size: 0.85rem; }
.docai-ok, .docai-reviewed { color: var(--docai-ok-fg); background: var(--docai-ok-bg); }
.docai-review, .docai-partial { color: var(--docai-review-fg); background: var(--docai-review-bg); }
.docai-invalid, .docai-failed { color: var(--docai-bad-fg); background: var(--docai-bad-bg); }
.docai-running { color: var(--docai-info-fg); background: var(--docai-info-bg); }
"""

LAYOUT_CSS = """
#status textarea, #reasoning textarea, #answer-reasoning textarea { font-family: var(--font-mono); }
.docai-cards { display: flex; flex-direction: column; gap: 0.6rem; }
.docai-card { border: 1px solid var(--border-color-primary); border-radius: var(--radius-lg);
  background: var(--block-background-fill); color: var(--body-text-color); padding: 0.7rem 0.9rem; }
.docai-card h4 { margin: 0 0 0.35rem 0; display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap;
  color: var(--body-text-color); font-size: 1rem; }
.docai-card .docai-meta { color: var(--body-text-color-subdued); font-size: 0.85rem; font-weight: 400; }
.docai-card ul.docai-reasons { margin: 0.2rem 0 0.4rem 1.1rem; padding: 0; }
.docai-card ul.docai-reasons li { color: var(--body-text-color); }
.docai-card .docai-todo { color: var(--body-text-color-subdued); }
.docai-kv { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: 0.3rem 1rem; }
.docai-kv div { min-width: 0; }
.docai-kv .k { display: block; color: var(--body-text-color-subdued); font-size: 0.8rem; }
.docai-kv .v { display: block; overflow-wrap: anywhere; color: var(--body-text-color); }
.docai-flag { color: var(--docai-review-fg); font-weight: 600; }
.docai-empty { color: var(--body-text-color-subdued); padding: 0.6rem 0; }
.docai-panel { border: 1px solid var(--border-color-primary); border-radius: var(--radius-lg);
  background: var(--block-background-fill); color: var(--body-text-color); padding: 0.8rem 1rem; }
.docai-panel code { color: var(--body-text-color); background: var(--background-fill-secondary); }
.docai-panel h3 { margin-top: 0; color: var(--body-text-color); }
.docai-steps { margin: 0.3rem 0 0.3rem 1.2rem; padding: 0; }
.docai-error { border: 1px solid var(--docai-box-bad); color: var(--docai-bad-fg); background: var(--docai-bad-bg);
  border-radius: var(--radius-lg); padding: 0.6rem 0.9rem; }
.docai-error b { color: var(--docai-bad-fg); }
#citations .caption-label, #citations figcaption { white-space: normal !important; overflow: visible !important; }
"""

VIEWER_CSS = """
#evidence-page, #field-details { width: 100%; min-width: 0; }
#evidence-page .prose, #field-details .prose, #result-cards .prose { max-width: none !important; width: 100%; }
.docai-fields-scroll { max-height: 26rem; overflow: auto; margin-top: 0.5rem; }
.docai-viewer-scroll { max-height: 78vh; overflow: auto; border: 1px solid var(--border-color-primary);
  border-radius: var(--radius-lg); background: var(--background-fill-secondary); outline: none; }
.docai-viewer-scroll:focus-visible { box-shadow: 0 0 0 2px var(--docai-box); }
.docai-sheet { display: flex; width: calc(var(--docai-zoom, 1) * 100%); min-width: 20rem; }
.docai-page { position: relative; flex: 1 1 0; min-width: 0; line-height: 0; }
.docai-page img { width: 100%; height: auto; display: block; }
.docai-gutter { position: relative; flex: 0 0 9.5rem; }
.docai-box { position: absolute; box-sizing: border-box; outline: 2px solid var(--docai-box); outline-offset: 2px; border-radius: 1px; }
.docai-box.bad { outline-color: var(--docai-box-bad); }
.docai-box.weak { outline-style: dashed; outline-color: var(--docai-box-weak); }
.docai-box.sel { outline-width: 3px; outline-offset: 3px; }
.docai-box .docai-tip { display: none; position: absolute; left: 0; top: calc(100% + 6px); z-index: 20;
  width: 17rem; line-height: 1.35; padding: 0.5rem 0.6rem; font-size: 0.82rem; white-space: normal;
  color: var(--body-text-color); background: var(--block-background-fill);
  border: 1px solid var(--border-color-primary); border-radius: var(--radius-md);
  box-shadow: 0 4px 14px rgba(0, 0, 0, 0.25); }
.docai-box:hover { z-index: 15; }
.docai-box:hover .docai-tip { display: block; }
.docai-label { position: absolute; left: 0.4rem; right: 0.2rem; transform: translateY(-50%); line-height: 1.2;
  font-size: 0.75rem; padding: 0.1rem 0.35rem; border-radius: 4px; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; color: #fff; background: var(--docai-box); }
.docai-label.bad { background: var(--docai-box-bad); }
.docai-label.weak { background: var(--docai-box-weak); color: #111; }
.docai-label.sel { outline: 2px solid var(--body-text-color); }
.dark .docai-label { color: #0b1220; }
.docai-leaders { position: absolute; inset: 0; width: 100%; height: 100%; pointer-events: none; overflow: visible; }
.docai-leaders line { stroke: var(--docai-box); stroke-width: 1; opacity: 0.3; vector-effect: non-scaling-stroke; }
.docai-leaders line.sel { opacity: 1; stroke-width: 2; }
.docai-toolbar { display: flex; gap: 0.4rem; align-items: center; margin-bottom: 0.4rem; flex-wrap: wrap;
  color: var(--body-text-color-subdued); font-size: 0.85rem; }
.docai-toolbar button { border: 1px solid var(--border-color-primary); background: var(--button-secondary-background-fill);
  color: var(--button-secondary-text-color); border-radius: var(--radius-md); padding: 0.1rem 0.6rem; cursor: pointer; }
.docai-fields { width: 100%; border-collapse: collapse; font-size: 0.85rem; }
.docai-fields td, .docai-fields th { padding: 0.2rem 0.4rem; border-bottom: 1px solid var(--border-color-primary);
  text-align: left; vertical-align: top; color: var(--body-text-color); overflow-wrap: anywhere; }
.docai-fields tr.sel td { background: var(--docai-info-bg); color: var(--docai-info-fg); }
.docai-checks { margin: 0.2rem 0 0 0; padding: 0; list-style: none; }
"""

CSS = STATUS_CSS + LAYOUT_CSS + VIEWER_CSS

# Keyboard: j / ArrowRight next field, k / ArrowLeft previous, + and - zoom, 0 resets; never while typing.
KEYS_JS = """
<script>
(() => {
  if (window.__docaiKeys) return;
  window.__docaiKeys = true;
  const shown = el => el && el.offsetParent !== null;
  document.addEventListener('keydown', e => {
    const t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && t.closest && t.closest('input, textarea, select, [contenteditable="true"]')) return;
    const viewer = document.querySelector('#evidence-page');
    if (!shown(viewer)) return;
    const click = sel => { const b = document.querySelector(sel); if (shown(b)) { b.click(); e.preventDefault(); } };
    if (e.key === 'j' || e.key === 'ArrowRight') click('#viewer-next');
    else if (e.key === 'k' || e.key === 'ArrowLeft') click('#viewer-prev');
    else if (e.key === '+' || e.key === '=') { window.docaiZoom && window.docaiZoom(0.25); e.preventDefault(); }
    else if (e.key === '-') { window.docaiZoom && window.docaiZoom(-0.25); e.preventDefault(); }
    else if (e.key === '0') { window.docaiZoom && window.docaiZoom(0); e.preventDefault(); }
  });
})();
</script>
"""

# Runs once when the evidence page component mounts: zoom buttons, and keeping the zoom across redraws.
VIEWER_JS = """
let zoom = 1;
const apply = () => {
  element.style.setProperty('--docai-zoom', String(zoom));
  const z = element.querySelector('.docai-zoom-level');
  if (z) z.textContent = Math.round(zoom * 100) + '%';
  const sel = element.querySelector('.docai-box.sel');
  const box = element.querySelector('.docai-viewer-scroll');
  if (sel && box) {
    const r = sel.getBoundingClientRect(), b = box.getBoundingClientRect();
    if (r.top < b.top || r.bottom > b.bottom) box.scrollTop += r.top - b.top - b.height / 3;
    if (r.left < b.left || r.right > b.right) box.scrollLeft += r.left - b.left - 24;
  }
};
window.docaiZoom = d => { zoom = d === 0 ? 1 : Math.min(4, Math.max(0.5, zoom + d)); apply(); };
element.addEventListener('click', e => {
  const b = e.target.closest('[data-zoom]');
  if (b) window.docaiZoom(parseFloat(b.dataset.zoom));
});
watch('value', apply);
apply();
"""


def build_theme() -> Any:
    """A calm Gradio theme with fonts bundled in gradio (nothing is fetched from the internet)."""
    import gradio as gr

    return gr.themes.Soft(primary_hue="indigo", secondary_hue="slate", neutral_hue="slate")
