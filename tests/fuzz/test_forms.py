"""Hypothesis over every form: no 500, and a refused submission changes nothing.

For each entry in tests/fuzz/entries.py: sign in as a persona allowed to use the form, open
the page that serves it (for the fields it adds at run time and the values a browser would
send), then POST at least 500 generated submissions through the real view with Django's
test client. One in five renders its page in full; the others evaluate the page's forms
without producing HTML (see harness.fast_rendering: most of the cost is HTML). Every
answer must be below 500 (a 500 fails with the view's traceback); when
the answer says the input was refused (the form again with 200, or a 4xx), the database must
be as it was. Each example is rolled back, so all start from the same data.

FUZZ_EXAMPLES=50 in the environment makes a quick local run; the default is the 500 the
brief asks for, which `make fuzz` runs; `make test` (and so CI) runs 30 a form to stay
inside CI's 20 minutes. Cost, measured: about 27 ms of CPU per example (request, view, service,
savepoint and checks; Hypothesis's own drawing is about a fifth of it), so 55 forms x 500
is about 12 CPU-minutes: some 6-7 minutes on two idle cores with pytest-xdist. The role
editor (seven formsets) and the incident and supervision pages are the dearest.
"""

import os
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz import strategies
from tests.fuzz.entries import FUZZ
from tests.fuzz.fields import Field, browser_payload, fields_of_form_class, fields_on_page
from tests.fuzz.harness import RENDER_EVERY, Fuzzer, fast_rendering
from tests.test_access_matrix import MATRIX
from workforce.register.people_csv import COLUMNS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "500"))


def _declared_fields(entry) -> dict[str, Field]:
    fields = {}
    for spec in entry.forms:
        form_class, prefix = spec if isinstance(spec, tuple) else (spec, "")
        fields.update(fields_of_form_class(form_class, prefix))
    return fields


def _file_strategies(entry, foreign_ids):
    kinds = {
        "upload": strategies.uploads(),
        "csv": strategies.uploads(strategies.csv_texts(COLUMNS, foreign_ids)),
    }
    return {name: kinds[kind] for name, kind in entry.files.items()}


@pytest.mark.parametrize("url_name", sorted(FUZZ))
def test_form_survives_fuzzing(url_name, request, org, personas, foreign_ids, media_root):
    entry = FUZZ[url_name]
    ctx = {"org": org, "fixture": request.getfixturevalue, "personas": personas}
    client = Client(raise_request_exception=False)
    if entry.persona:
        client.force_login(personas[entry.persona])
    if entry.prepare:
        url = entry.prepare(client, ctx)
    else:
        kwargs_for = entry.kwargs or MATRIX[url_name][1]
        ctx["kwargs"] = kwargs_for(ctx) if kwargs_for else None
        url = reverse(url_name, kwargs=ctx["kwargs"]) + entry.query
    page_url = entry.page(ctx) if entry.page else url
    page = client.get(page_url)
    assert page.status_code in (200, 405), f"{page_url}: {page.status_code}"
    on_page = {}
    if page.status_code == 200:
        on_page = fields_on_page(page.content.decode(), urlsplit(url).path, urlsplit(page_url).path)
    fields = _declared_fields(entry)
    for name, found in on_page.items():
        if name in fields:
            fields[name].merge(found)
        else:
            fields[name] = found
    for name, known in entry.hints.items():
        fields.setdefault(name, Field(name)).merge(Field(name, choices=list(known)))
    if url_name == "supervision:action_complete":
        fields["next"] = Field("next", kind="choice", choices=["home", "mine", ""])
    assert fields, f"{url_name}: no fields found to fuzz"
    submission = strategies.submissions(
        fields, browser_payload(on_page), foreign_ids, _file_strategies(entry, foreign_ids)
    )
    fuzzer = Fuzzer(client, url, ignored=entry.ignored_tables)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(submission, st.integers(0, RENDER_EVERY - 1))
    def fuzz(sent, render):
        fuzzer.check(*sent, render=render == 0)

    with fast_rendering():
        fuzz()
    print(f"{url_name}: {fuzzer.examples} examples, statuses {sorted(fuzzer.statuses.items())}")
    assert fuzzer.examples >= EXAMPLES
