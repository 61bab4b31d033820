"""Hypothesis over every GET page: no query string reaches a server error.

For every named URL (the access matrix's, with its kwargs factory), as the first persona the
matrix lets open it, the page is opened once to find its parameters (its GET forms' fields
and its links' query strings; see get_params.py for those no page shows), then requested
with each parameter given extreme and malformed values: dates in year 1 and 9999 or
impossible ones, negative and huge numbers, NUL bytes, 10,000 characters, unicode, '%',
SQL-looking text, repeated parameters, broken percent-encoding, and names nobody reads.
Every answer must be below 500 and no exception may escape, downloads read to the end.

Cheap on purpose: a few fixed cases plus GET_FUZZ_EXAMPLES (default 12) generated ones per
URL. URLs are grouped by app so the personas and objects are made once per group.
The last line of each group's output gives its count of requests and of server errors.
"""

from __future__ import annotations

import os
import re
import traceback
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz import strategies
from tests.fuzz.discovery import named_views, reads_query_string
from tests.fuzz.fields import Field, fields_of_form_class, fields_on_page
from tests.fuzz.get_params import GET_PARAMS, SKIPPED
from tests.matrix import ANON
from tests.test_access_matrix import MATRIX

EXAMPLES = int(os.environ.get("GET_FUZZ_EXAMPLES", "12"))
# The first of these the matrix lets open a page opens it (leads see the most).
PREFERENCE = ["lead", "admin", "supervisor", "safeguarding", "finance", "peer", "outsider", ANON]
UNREAD = "zz_nobody_reads_this"

HUGE = str(10**30)
EXTREMES = [
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-13-01",
    "10000-01-01",
    "-0001-01-01",
    "0000-00-00",
    "31/12/9999",
    "-1",
    "0",
    HUGE,
    "-" + HUGE,
    "2147483648",
    "9223372036854775808",
    "1e309",
    "NaN",
    "\x00",
    "1\x00",
    "a\x00b",
    "x" * 10_000,
    "9" * 10_000,
    "%",
    "%%",
    "100%",
    "_",
    "\\",
    "' OR '1'='1' --",
    "1; DROP TABLE workforce_person; --",
    "1 UNION SELECT password FROM auth_user",
    "\u202eevil\u202c",
    "\U0001f600" * 20,
    "Zoë Ångström",
    "\uff11\uff12",
    "\u00b2",  # a digit to str.isdigit, not to int()
    "\ud7ff",
    "-page",
    "--",
    "../../etc/passwd",
    "<script>alert(1)</script>",
]
# Sent to every parameter at once, before the generated examples.
FIXED = ["0001-01-01", "9999-12-31", HUGE, "-1", "\u00b2", "\x00", "x" * 10_000, "%"]
BROKEN_ENCODINGS = ["%", "%zz", "%ff%fe", "%c0%af", "%00"]

HREF = re.compile(r'href="([^"#]*)"')


# The payments factories build claims in set states that cannot all exist at once (two
# approved claims for the same work are duplicates): each payments page is its own group.
ONE_PER_GROUP = ("payments",)


def _group(url_name: str) -> str:
    app = url_name.split(":")[0] if ":" in url_name else "accounts"
    return url_name if app in ONE_PER_GROUP else app


def _persona(url_name: str) -> str | None:
    row = MATRIX[url_name][0]
    return next((who for who in PREFERENCE if row.get(who) == 200), None)


def _pages() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for url_name in sorted(MATRIX):
        if url_name in SKIPPED or _persona(url_name) is None:
            continue  # POST only, or a step no one reaches by GET (always redirected)
        groups.setdefault(_group(url_name), []).append(url_name)
    return groups


PAGES = _pages()


def _declared(url_name: str) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for item in GET_PARAMS.get(url_name, ()):
        if isinstance(item, str):
            fields[item] = Field(item)
        else:
            fields.update(fields_of_form_class(item))
    return fields


def _links_to(html: str, path: str) -> dict[str, Field]:
    """Parameter names and values in the page's links back to itself (sorting, paging)."""
    found: dict[str, Field] = {}
    for href in HREF.findall(html):
        parts = urlsplit(href.replace("&amp;", "&"))
        if parts.path not in ("", path) or not parts.query:
            continue
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            f = found.setdefault(name, Field(name, kind="choice"))
            if value and value not in f.choices:
                f.choices.append(value)
    return found


def _parameters(url_name: str, html: str, path: str) -> dict[str, Field]:
    fields = _declared(url_name)
    for found in (fields_on_page(html, path, path, method="get"), _links_to(html, path)):
        for name, f in found.items():
            if name in fields:
                fields[name].merge(f)
            else:
                fields[name] = f
    fields.setdefault("page", Field("page", kind="int"))
    fields[UNREAD] = Field(UNREAD)
    return fields


def _value(f: Field, foreign_ids):
    choices = [st.sampled_from(f.choices)] if f.choices else []
    return st.one_of(
        st.sampled_from(EXTREMES),
        st.sampled_from(strategies.NASTY),
        strategies.typed(f, foreign_ids),
        st.text(max_size=30),
        st.integers().map(str),
        *choices,
    )


@st.composite
def _queries(draw, fields: dict[str, Field], foreign_ids):
    """A raw query string: some parameters, each with one to three values, each value
    percent-encoded (NUL as %00), now and then with broken encoding appended."""
    names = sorted(fields)
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
    parts = []
    for name in chosen:
        # A valid choice for most: the other parameters' extreme values get past them.
        values = draw(st.lists(_value(fields[name], foreign_ids), min_size=1, max_size=3))
        parts += [f"{quote(name)}={quote(value, safe='')}" for value in values]
    if draw(st.integers(0, 5)) == 0:
        index = draw(st.integers(0, len(parts) - 1))
        parts[index] += draw(st.sampled_from(BROKEN_ENCODINGS))
    return "&".join(parts)


class GetFuzzer:
    def __init__(self):
        self.requests = 0
        self.statuses: dict[int, int] = {}
        self.failures: list[str] = []

    def get(self, client, path: str, query: str) -> None:
        url = f"{path}?{query}"
        with transaction.atomic():
            try:
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)  # a download fails while it streams
                status = response.status_code
                trace = getattr(response, "exc_info", None)
            except Exception as exc:  # an exception that escaped the test client
                status, trace = 500, (type(exc), exc, exc.__traceback__)
            transaction.set_rollback(True)
        self.requests += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status >= 500:
            text = "".join(traceback.format_exception(*trace)) if trace else "(no traceback)"
            self.failures.append(f"GET {url[:300]} -> {status}\n{text[-3000:]}")


def _fuzz_one(client, url_name, kwargs, fuzzer, foreign_ids):
    path = reverse(url_name, kwargs=kwargs)
    page = client.get(path)
    assert page.status_code == 200, f"{url_name}: {path} answered {page.status_code}"
    html = "" if page.streaming else page.content.decode("utf-8", "replace")
    fields = _parameters(url_name, html, path)
    for value in FIXED:
        fuzzer.get(client, path, "&".join(f"{quote(n)}={quote(value, safe='')}" for n in fields))

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(_queries(fields, foreign_ids))
    def fuzz(query):
        fuzzer.get(client, path, query)

    fuzz()


@pytest.mark.parametrize("group", sorted(PAGES))
def test_no_get_parameter_reaches_a_server_error(group, request, org, personas, foreign_ids):
    fuzzer = GetFuzzer()
    clients: dict[str, Client] = {}
    for url_name in PAGES[group]:
        who = _persona(url_name)
        client = clients.get(who)
        if client is None:
            client = clients[who] = Client(raise_request_exception=False)
            if who != ANON:
                client.force_login(personas[who])
        kwargs_for = MATRIX[url_name][1]
        ctx = {"org": org, "fixture": request.getfixturevalue}
        kwargs = kwargs_for(ctx) if kwargs_for else None
        _fuzz_one(client, url_name, kwargs, fuzzer, foreign_ids)
    print(
        f"{group}: {len(PAGES[group])} pages, {fuzzer.requests} requests, "
        f"{len(fuzzer.failures)} server errors, statuses {sorted(fuzzer.statuses.items())}"
    )
    assert not fuzzer.failures, "\n\n".join(fuzzer.failures[:5])
    assert fuzzer.requests >= len(PAGES[group]) * (EXAMPLES + len(FIXED))


def test_every_view_reading_get_is_listed():
    """A view whose code reads `request.GET` names its parameters in get_params.py."""
    reading = {name for name, view in named_views() if reads_query_string(view)}
    missing = reading - GET_PARAMS.keys()
    assert not missing, f"list the GET parameters of {sorted(missing)} in get_params.py"
    assert not GET_PARAMS.keys() - MATRIX.keys()
