"""Driving a page with the keyboard only, checking the focus indicator at every step.

`tab_to` presses Tab (or Shift+Tab) until the focused element matches a CSS selector and,
after every single key press, asserts that the focused element shows a visible focus
indicator (a computed outline or box-shadow that is not none/zero) and sits in the viewport.
"""

from __future__ import annotations

FOCUS_STATE = """(selector) => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return {ok: false, why: 'nothing is focused', matches: false};
  }
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = !!style.boxShadow && style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  const inView = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
    && box.top < window.innerHeight && box.left < window.innerWidth;
  const label = (el.labels && el.labels.length) ? el.labels[0].innerText
    : (el.getAttribute('aria-label') || '');
  return {
    ok: (outline || shadow) && inView,
    why: !(outline || shadow) ? 'no outline or box-shadow' : (!inView ? 'not in the viewport' : ''),
    matches: selector ? el.matches(selector) : false,
    describe: `<${el.tagName.toLowerCase()}${el.id ? ' id=' + el.id : ''}`
      + `${el.name ? ' name=' + el.name : ''}> ${(label || el.innerText || el.value || '')
      .trim().slice(0, 60)}`,
    outline: style.outline, shadow: style.boxShadow,
  };
}"""


def loaded(page) -> None:
    """Wait until the page has finished loading before pressing a key on it.

    Until its load event, Chromium keeps applying a "#main-content" address: on a late layout
    it scrolls <main> back into view and, once loading completes, moves focus to it. A key
    pressed on a page still loading its scripts and styles (a busy machine, a slow phone
    network) can land on an element that is then scrolled away or whose focus is taken by
    <main> mid-typing. A person cannot act faster than the page appears; the test waits too.
    """
    page.wait_for_load_state("load")


def focus_state(page, selector: str | None = None) -> dict:
    state = page.evaluate(FOCUS_STATE, selector)
    # Bootstrap scrolls smoothly (unless the user asks for reduced motion): give the browser a
    # moment to bring the focused element into view before judging.
    for _ in range(20):
        if state["ok"] or state["why"] != "not in the viewport":
            break
        page.wait_for_timeout(100)
        state = page.evaluate(FOCUS_STATE, selector)
    return state


def assert_focus_visible(page, where: str = "") -> dict:
    state = focus_state(page)
    assert state["ok"], (
        f"focus indicator missing {where} on {page.url}: {state.get('describe')} "
        f"({state['why']}; outline {state.get('outline')!r}, box-shadow {state.get('shadow')!r})"
    )
    return state


def press(page, key: str, where: str = "") -> dict:
    """Press a key that keeps focus on the page, then check the indicator."""
    loaded(page)
    page.keyboard.press(key)
    return assert_focus_visible(page, f"after {key} {where}")


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 60) -> list[str]:
    """Tab (or Shift+Tab) until the focused element matches `selector`. Returns the path."""
    key = "Shift+Tab" if backwards else "Tab"
    path = []
    loaded(page)
    for _ in range(limit):
        page.keyboard.press(key)
        state = focus_state(page, selector)
        path.append(state.get("describe", "?"))
        assert state["ok"], (
            f"focus indicator missing on {page.url} while tabbing to {selector}: "
            f"{state.get('describe')} ({state['why']}; outline {state.get('outline')!r}, "
            f"box-shadow {state.get('shadow')!r}). Path so far: {path}"
        )
        if state["matches"]:
            return path
    raise AssertionError(f"{selector} not reached in {limit} {key} presses on {page.url}: {path}")


def skip_to_main(page) -> None:
    """The first Tab on a page lands on the skip link, which moves focus to <main>.

    The skip link's script (static/js/skip-link.js) keeps "#main-content" out of the address.
    Were it there (a page still loading its scripts when the link was used), a page reached
    by a form posted from it keeps the fragment (browsers carry it across the redirect), so it
    opens at <main> already: the next Tab goes to the first thing in the page's content, and
    there is nothing to skip."""
    loaded(page)
    if page.url.endswith("#main-content"):
        return
    page.keyboard.press("Tab")
    state = focus_state(page, "a.skip-link")
    assert state["matches"], f"the first Tab did not reach the skip link: {state.get('describe')}"
    assert state["ok"], f"the skip link is not visibly focused: {state}"
    page.keyboard.press("Enter")
    state = focus_state(page, "main#main-content")
    assert state["matches"], f"the skip link did not move focus to main: {state.get('describe')}"
    assert state["ok"], f"main has no visible focus after the skip link: {state}"


def type_text(page, text: str) -> None:
    page.keyboard.type(text)
