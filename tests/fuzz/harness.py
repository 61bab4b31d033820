"""Sends one generated submission through the real view and judges what came back.

Each example runs in a savepoint that is rolled back afterwards, so valid submissions do not
pile up state and every example starts from the same database. Whether the database changed
is read cheaply from PostgreSQL's own per-transaction counters (`pg_stat_xact_user_tables`:
rows inserted, updated and deleted so far in this transaction, per table); only when they
moved is each touched table's content compared (an md5 over its rows) after the example and
after its rollback, so a write that a view undid itself is not mistaken for a change.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from django import forms
from django.core import mail
from django.db import connection, transaction
from django.forms.formsets import BaseFormSet
from django.template.backends.django import Template as BackendTemplate

# Tables that change on any request, valid or not, and hold no business data.
ALWAYS_IGNORED = frozenset(
    {
        "django_session",  # the session's idle timer and messages
        "axes_accessattempt",  # failed sign-ins, counted for lockout, on purpose
        "axes_accessfailurelog",
        "axes_accesslog",
        # The read log: who opened a page showing narratives, plans or notes. A refused
        # form is shown again, and showing it is a read, recorded on purpose.
        "history_readlogentry",
    }
)

COUNTERS_SQL = """
    SELECT relname, n_tup_ins + n_tup_upd + n_tup_del
    FROM pg_stat_xact_user_tables WHERE schemaname = 'public'
"""


def _counters() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(COUNTERS_SQL)
        return dict(cursor.fetchall())


def _digests(tables: list[str]) -> dict[str, str]:
    if not tables:
        return {}
    qn = connection.ops.quote_name
    # Table names come from pg_stat_xact_user_tables, quoted; nothing from the request.
    select = "SELECT %s, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM "
    parts = [select + f"{qn(table)} t" for table in tables]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), tables)
        return dict(cursor.fetchall())


@dataclass
class Outcome:
    status: int
    changed: list[str]  # tables whose content differs after the request


class Fuzzer:
    def __init__(self, client, url: str, *, ignored=()):
        self.client = client
        self.url = url
        self.ignored = ALWAYS_IGNORED | set(ignored)
        self.statuses: dict[int, int] = {}
        self.examples = 0
        self._last_counters: dict[str, int] | None = None

    def post(self, data: dict, raw: bytes | None, render: bool = True) -> Outcome:
        cookies = self.client.cookies
        saved = {key: morsel.value for key, morsel in cookies.items()}
        self.client.cookies.pop("messages", None)  # messages nobody reads would pile up
        mail.outbox = []
        _RENDER["full"] = render
        with transaction.atomic():
            # The counters only grow, and nothing but reads ran since the last example's
            # rollback: its reading is this one's starting point (one query saved).
            before = self._last_counters if self._last_counters is not None else _counters()
            if raw is not None:
                response = self.client.post(
                    self.url, raw, content_type="application/x-www-form-urlencoded"
                )
            else:
                response = self.client.post(self.url, data)
            if response.status_code >= 500:
                self._last_counters = None
                transaction.set_rollback(True)
                raise AssertionError(self._explain(response, data, raw))
            after = self._last_counters = _counters()
            touched = sorted(
                table
                for table, count in after.items()
                if count != before.get(table, 0) and table not in self.ignored
            )
            digests_after = _digests(touched)
            transaction.set_rollback(True)
        digests_before = _digests(touched)
        changed = [t for t in touched if digests_after[t] != digests_before[t]]
        # The session row a valid sign-in, password change or sign-out made was rolled back
        # with everything else: put back the cookies that name the one that still exists.
        self.client.cookies.clear()
        for key, value in saved.items():
            self.client.cookies[key] = value
        self.examples += 1
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        return Outcome(response.status_code, changed)

    def check(self, data: dict, raw: bytes | None = None, render: bool = True) -> Outcome:
        outcome = self.post(data, raw, render)
        if _refused(outcome.status):
            assert not outcome.changed, (
                f"POST {self.url} answered {outcome.status} (the input was refused) but "
                f"changed {outcome.changed}; sent {_short(data, raw)}"
            )
        return outcome

    def _explain(self, response, data, raw) -> str:
        exc_info = getattr(response, "exc_info", None)
        trace = "".join(traceback.format_exception(*exc_info)) if exc_info else "(no traceback)"
        return f"POST {self.url} -> {response.status_code}\nsent {_short(data, raw)}\n{trace}"


def _refused(status: int) -> bool:
    """A re-rendered form (200: success always redirects) or a 4xx says: nothing was done."""
    return status == 200 or 400 <= status < 500


def _short(data: dict, raw: bytes | None) -> str:
    text = repr(raw) if raw is not None else repr(data)
    return text if len(text) < 2000 else text[:2000] + "…"


# --- Rendering: in full for some examples, a cheap stand-in for the rest.
#
# Rendering the page is most of a request's cost (crispy forms render every widget through
# templates), and a fuzz run is thousands of requests. So one example in RENDER_EVERY renders
# the page exactly as a user would get it (chosen by Hypothesis, so a failure found there
# shrinks and replays the same way); the others stop at the page's top-level template and
# instead evaluate what the template would read of its forms: errors, every bound field's
# value and widget value. Everything before that (middleware, view, form, service, database)
# runs for real in every example.

RENDER_EVERY = 5
_RENDER = {"full": True}
_real_render = BackendTemplate.render


def _forms_in(value, depth=0):
    if depth > 3:
        return
    if isinstance(value, forms.BaseForm | BaseFormSet):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _forms_in(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _forms_in(item, depth + 1)


def _touch(form) -> None:
    if isinstance(form, BaseFormSet):
        str(form.non_form_errors())
        str(form.management_form)
        for member in form.forms:
            _touch(member)
        return
    str(form.errors)
    str(form.non_field_errors())
    for bound in form:
        # What the widget's template would be given: formatted value, options, attributes.
        widget = bound.field.widget
        widget.get_context(bound.html_name, bound.value(), bound.build_widget_attrs({}))
        str(bound.errors)


def _render(self, context=None, request=None):
    if _RENDER["full"]:
        return _real_render(self, context, request)
    for form in _forms_in(context or {}):
        _touch(form)
    return ""


class fast_rendering:  # noqa: N801 - used as a context manager, like a function
    """Within it, only examples given `render=True` render their page in full; the test
    environment's per-template signal (for response.context, unused here) is switched off
    too."""

    def __enter__(self):
        from django.template import Template
        from django.test.utils import _TestState

        self._instrumented = Template._render
        saved = getattr(_TestState, "saved_data", None)
        if saved is not None:
            Template._render = saved.template_render
        BackendTemplate.render = _render
        return self

    def __exit__(self, *exc):
        from django.template import Template

        Template._render = self._instrumented
        BackendTemplate.render = _real_render
        _RENDER["full"] = True
        return False
