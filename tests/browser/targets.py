"""WCAG 2.2's new criteria on every page a crawl reaches (and OTHER_CRITERIA below).

Target size (2.5.8, AA): every control at least 24 x 24 CSS px, or far enough from every
other target that a 24 px circle centred on it touches none of them.

The criterion's exceptions are kept narrow on purpose: a link inside a sentence (its size is
set by the line of text around it) and controls the browser draws itself (the date picker's
own button, inside the field). Tick boxes and radio buttons must be 24 px even when spaced.
Nothing else is excused."""

from urllib.parse import urlsplit

MEASURE = """() => {
  const SIZE = 24;
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary,'
    + ' [role=button], [role=link], [tabindex]:not([tabindex="-1"])';
  const shown = el => {
    const s = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return s.visibility !== 'hidden' && s.display !== 'none' && box.width > 0 && box.height > 0
      && !el.closest('.visually-hidden, [hidden], [aria-hidden=true]');
  };
  // A link in running text: the line of words decides its height, as the criterion allows.
  const inSentence = el => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement;
    const words = [...block.childNodes].filter(n => n !== el)
      .map(n => (n.textContent || '').trim()).join('');
    return words.length > 0;
  };
  const targets = [...document.querySelectorAll(selector)].filter(shown)
    // The skip link is off screen until focused; a label wrapping its own input is one target.
    .filter(el => !el.classList.contains('skip-link'));
  const boxes = targets.map(el => el.getBoundingClientRect());
  const small = [];
  targets.forEach((el, i) => {
    const b = boxes[i];
    if ((b.width >= SIZE - 0.5 && b.height >= SIZE - 0.5) || inSentence(el)) return;
    const cx = b.left + b.width / 2, cy = b.top + b.height / 2;
    // Spacing: the 24 px circle round this target's centre must not reach another target.
    const crowded = targets.some((other, j) => {
      if (j === i || other.contains(el) || el.contains(other)) return false;
      const o = boxes[j];
      const dx = Math.max(o.left - cx, 0, cx - o.right);
      const dy = Math.max(o.top - cy, 0, cy - o.bottom);
      return Math.hypot(dx, dy) < SIZE / 2;
    });
    // Tick boxes and radio buttons are held to the full size even when spaced: they are
    // what people tap most on a phone form, and Bootstrap draws them at 16 px.
    const tickable = el.tagName === 'INPUT' && ['checkbox', 'radio'].includes(el.type);
    if (!crowded && !tickable) return;
    const name = (el.getAttribute('aria-label') || el.innerText || el.name || el.id || '')
      .trim().slice(0, 40);
    small.push(`<${el.tagName.toLowerCase()}${el.type ? ' type=' + el.type : ''}> "${name}"`
      + ` ${Math.round(b.width)}x${Math.round(b.height)}`);
  });
  return small;
}"""

# The other WCAG 2.2 criteria a page can be checked for by itself, on the same pages.
# 2.4.11 focus not obscured: nothing the app draws stays fixed or sticky over the page, so
# nothing can hide the focused control. 2.5.7 dragging: nothing is dragged. 3.2.6 consistent
# help: the same help, in the same place (the page's last landmark), on every page.
OTHER_CRITERIA = """(help) => {
  const problems = [];
  for (const el of document.querySelectorAll('body *')) {
    const position = getComputedStyle(el).position;
    if ((position === 'fixed' || position === 'sticky') && el.getBoundingClientRect().height > 0
        && !el.classList.contains('skip-link')) {
      problems.push(`2.4.11: <${el.tagName.toLowerCase()}> is ${position} and may hide focus`);
    }
  }
  for (const el of document.querySelectorAll('[draggable=true]')) {
    problems.push(`2.5.7: <${el.tagName.toLowerCase()}> can only be dragged`);
  }
  const landmarks = document.querySelectorAll('body > header, body > main, body > footer');
  const last = landmarks[landmarks.length - 1];
  if (!last || last.tagName !== 'FOOTER' || !last.innerText.includes(help)) {
    problems.push('3.2.6: the help in the footer is missing or not the last landmark');
  }
  return problems;
}"""
HELP = "If something on this page is wrong or worries you, talk to your supervisor"

# Links a crawl does not follow: downloads, printouts, sign-out, Django's own admin.
SKIPPED = ("/admin", "/accounts/logout", "/static/", "/media/")
SKIPPED_ENDS = (".csv", ".xlsx", "/print/", "/download/", "/receipt/")


def _pattern(path: str) -> str:
    """One page per shape of address: /claims/12/ and /claims/13/ are the same page."""
    return "/".join("N" if part.isdigit() else part for part in path.split("/"))


def crawl_targets(page, start="/", limit=60) -> dict[str, list[str]]:
    """{page: [controls too small and too close, and breaches of OTHER_CRITERIA]} over the
    pages reachable from `start` by following the app's own links, one page per address
    shape, at most `limit` pages."""
    failures, seen, queue = {}, set(), [start]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if _pattern(path) in seen:
            continue
        seen.add(_pattern(path))
        response = page.goto(path)
        if (
            response is None
            or response.status != 200
            or "text/html" not in (response.headers.get("content-type", ""))
        ):
            continue
        small = page.evaluate(MEASURE) + page.evaluate(OTHER_CRITERIA, HELP)
        if small:
            failures[path] = small
        for href in page.eval_on_selector_all(
            "main a[href], nav[aria-label=Main] a[href]", "els => els.map(e => e.href)"
        ):
            parts = urlsplit(href)
            link = parts.path
            if parts.netloc != urlsplit(page.url).netloc:
                continue
            if link.startswith(SKIPPED) or link.endswith(SKIPPED_ENDS):
                continue
            if _pattern(link) not in seen:
                queue.append(link)
    return failures
