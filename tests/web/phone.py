"""Measures of a page on a phone, taken in the browser: horizontal scroll, text under 12 px (computed styles),
interactive targets under 44 × 44 px, and axe-core's serious or critical violations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parents[1] / "fixtures" / "axe" / "axe-4.10.3.min.js"

MEASURE = r"""() => {
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none' || el.closest('[hidden]')) { return false; }
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  };
  const where = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') +
    ' "' + (el.textContent || el.value || '').trim().slice(0, 30) + '"';
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) { continue; }
    const el = node.parentElement;
    const skipped = '.visually-hidden, .skip-link, script, style, noscript, title, desc';
    if (!el || !visible(el) || el.closest(skipped)) { continue; }
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 12) { small.push(where(el) + ' ' + size + 'px'); }
  }
  // Text drawn in an SVG chart: its rendered height, not the attribute, is what she reads.
  document.querySelectorAll('svg text').forEach((t) => {
    if (!visible(t)) { return; }
    const h = t.getBoundingClientRect().height;
    if (h && h < 12) { small.push('svg text "' + t.textContent.slice(0, 20) + '" ' + h.toFixed(1) + 'px high'); }
  });
  const tiny = [];
  const inline = (el) => {
    // A link inside a sentence (WCAG 2.5.8's inline exception): its block has other text around it.
    if (el.tagName !== 'A') { return false; }
    const block = el.parentElement;
    return block && block.textContent.trim().length > el.textContent.trim().length + 1 &&
      getComputedStyle(el).display === 'inline';
  };
  const interactive = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
    '[tabindex]:not([tabindex="-1"])';
  document.querySelectorAll(interactive).forEach((el) => {
    let target = el;
    if (el.tagName === 'INPUT' && (el.type === 'radio' || el.type === 'checkbox') && el.closest('label')) {
      target = el.closest('label');  // the card around it is the target
    }
    if (!visible(target) || inline(el)) { return; }
    const r = target.getBoundingClientRect();
    if (r.width < 43.5 || r.height < 43.5) {
      tiny.push(where(el) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
    }
  });
  const doc = document.documentElement;
  return { overflow: doc.scrollWidth - doc.clientWidth, small: small, tiny: tiny };
}"""


def measure(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(MEASURE)
    return result


def serious_violations(page: Any, rules: list[str] | None = None) -> list[str]:
    """Each serious or critical axe violation on the page as 'rule: target' (WCAG 2.x A and AA rules, or only the
    named rules)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    only = {"type": "rule", "values": rules} if rules else {
        "type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    }
    result = page.evaluate(
        "async (only) => (await axe.run(document, {runOnly: only})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))",
        only,
    )
    return list(result)


def problems(page: Any) -> list[str]:
    """Everything wrong with the page on this phone, in words (empty when all is well)."""
    found = measure(page)
    out = []
    if found["overflow"] > 0:
        out.append(f"scrolls sideways by {found['overflow']} px")
    out += [f"text under 12 px: {s}" for s in found["small"][:5]]
    out += [f"target under 44 px: {s}" for s in found["tiny"][:8]]
    out += [f"axe: {v}" for v in serious_violations(page)]
    return out
