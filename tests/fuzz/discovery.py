"""Which views accept POST: read from the views themselves, so a new form cannot slip in.

A view accepts POST when
- it is a class-based view with a `post` method (Django's auth views), or
- a `require_http_methods` decorator on it lists POST, or
- its code, the functions nested in it, the project functions it calls by name and the
  functions it closes over (followed a few levels deep) mention `POST` or `FILES`
  (`request.POST`, `request.method == "POST"`, `require_POST`).
A `require_http_methods` decorator that leaves POST out settles it the other way.
"""

from __future__ import annotations

import contextlib
import dis
import inspect
import types

from django.urls import URLPattern, URLResolver, get_resolver

PROJECT_PACKAGES = ("workforce", "roles", "supervision", "payments")
MARKERS = {"POST", "FILES"}


def named_views(patterns=None, namespace=""):
    """(url name, view callable) for every named URL outside the admin site."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the admin site is Django's own: see tests/organisations/test_admin.py
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_views(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry.callback


def _allowed_methods(view) -> set[str] | None:
    """The methods a `require_http_methods` decorator in the wrapper chain allows."""
    func = view
    while func is not None:
        for cell in func.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if (
                isinstance(value, list | tuple)
                and value
                and all(isinstance(v, str) and v.isupper() for v in value)
            ):
                return set(value)
        func = getattr(func, "__wrapped__", None)
    return None


def _is_project(func) -> bool:
    module = getattr(func, "__module__", "") or ""
    return module.split(".")[0] in PROJECT_PACKAGES


def _code_mentions_post(func, depth: int = 4, seen=None, markers=MARKERS) -> bool:
    seen = set() if seen is None else seen
    func = inspect.unwrap(func)
    code = getattr(func, "__code__", None)
    if code is None or code in seen or depth < 0:
        return False
    seen.add(code)
    stack = [code]
    called = []
    while stack:
        current = stack.pop()
        if markers & set(current.co_names) or markers & {
            c for c in current.co_consts if isinstance(c, str)
        }:
            return True
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
        # Only names loaded as globals are calls to follow: `preference.thresholds` must
        # not be mistaken for the `thresholds` view.
        called.extend(
            func.__globals__.get(ins.argval)
            for ins in dis.get_instructions(current)
            if ins.opname == "LOAD_GLOBAL"
        )
    for cell in func.__closure__ or ():
        with contextlib.suppress(ValueError):  # an empty cell
            called.append(cell.cell_contents)
    return any(
        callable(target)
        and isinstance(target, types.FunctionType)
        and _is_project(target)
        and _code_mentions_post(target, depth - 1, seen, markers)
        for target in called
    )


def accepts_post(view) -> bool:
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    allowed = _allowed_methods(view)
    if allowed is not None:
        return "POST" in allowed
    return _code_mentions_post(view)


def reads_query_string(view) -> bool:
    """Its code (followed as above) mentions `GET`: `request.GET`, the query string."""
    return getattr(view, "view_class", None) is None and _code_mentions_post(view, markers={"GET"})


def post_views() -> dict[str, object]:
    return {name: view for name, view in named_views() if accepts_post(view)}
