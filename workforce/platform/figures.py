"""Figures that are costly to count, kept until what they count changes.

A few figures are counted over a whole organisation: supervision compliance for thousands
of people by team, by supervisor and over twelve months; the payment batches still to be
marked paid. Counted afresh on every view they cost far more than the page around them
(bench/README.md), yet they change only when someone logs or confirms supervision, a
claim moves on, a person or an assignment changes.

So each *topic* has a version per organisation in the database (FiguresVersion), raised
once by every transaction that commits a change to that organisation's rows of one of the
topic's tables (migration workforce/0014: triggers on each table note the organisations a
statement changed, and a deferred trigger raises their versions at commit, so no lock is
held while the transaction runs, and writers in different organisations never touch the
same row). A figure names the organisations it is counted from and is kept in the cache
under their versions; after a committed change in one of them the versions differ and it
is counted afresh, while other organisations' figures stay kept. A change's rows and its
raised versions become visible together, at commit, and the versions are read before the
figure is counted: so a figure is never kept under a version newer than the data it was
counted from.

A transaction that has itself changed one of a topic's tables (marked by a statement
trigger) sees its own changes and the cache does not: its figures are counted live, and
not kept.

Tables changed without row triggers (TRUNCATE, `manage.py flush`) do not raise the
version: clear the cache after them (the test suite does, before every test).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

T = TypeVar("T")

SUPERVISION = "supervision"
PAYMENTS = "payments"

# Which tables each topic's triggers watch (kept in step with migration 0014).
TOPIC_TABLES = {
    SUPERVISION: (
        "supervision_supervisionsession",
        "supervision_sessionsupervisee",
        "workforce_assignment",
        "workforce_person",
        "workforce_team",
        "workforce_membership",
        "roles_roleversion",
        "roles_supervisionrequirement",
    ),
    PAYMENTS: (
        "payments_claim",
        "payments_batch",
        "payments_batchline",
        "workforce_person",
        "workforce_membership",
    ),
}

# A day at most: every figure's key has the date in it anyway.
TIMEOUT_SECONDS = 24 * 60 * 60
_MISSING = object()


def version(topic: str, organisations: Iterable[int] = ()) -> str | None:
    """The committed versions of the topic in these organisations, as one text, or None if
    this transaction has changed the topic's tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT workforce_figures_version(%s, %s::bigint[])", [topic, sorted(organisations)]
        )
        return cursor.fetchone()[0]


def cached(
    topic: str,
    key: tuple[Hashable, ...],
    count: Callable[[], T],
    *,
    organisations: Iterable[int],
    for_good: bool = False,
) -> T:
    """`count()`, or what it gave last time for this `key` if nothing in `topic` changed in
    `organisations`.

    `organisations`: every organisation whose rows the figure counts (for a figure of what
    a user may see, every organisation they belong to). `key` must name everything else
    the figure depends on besides the topic's tables: the user it is counted for (their
    access), the date.

    `for_good`: the figure can never change once committed (the database refuses every
    change that would alter it), so it is kept whatever else changes in the topic; still
    counted live inside a transaction that is changing the topic (it may be making it).
    """
    current = version(topic, organisations)
    if current is None:
        return count()
    kept_under = "for-good" if for_good else current
    # Hashed: a key can name a page's worth of ids, or text from the request.
    named = "\x1f".join(str(part) for part in key).encode()
    cache_key = f"figures:{topic}:{kept_under}:{hashlib.sha256(named).hexdigest()}"
    value = cache.get(cache_key, _MISSING)
    if value is _MISSING:
        value = count()
        cache.set(cache_key, value, TIMEOUT_SECONDS)
    return value


def kept_html(
    topic: str,
    key: tuple[Hashable, ...],
    template: str,
    context: Callable[[], dict],
    request=None,
    *,
    organisations: Iterable[int],
    for_good: bool = False,
) -> SafeString:
    """`template` rendered with `context()`, kept like a figure (`cached`).

    For the parts of a page drawn from kept figures: rendering a few thousand of them into
    table rows costs more than counting them did (bench/README.md). The same rule for
    `key`: it must name everything the fragment shows besides the topic's tables, and the
    fragment must hold nothing of the request's own (no form, no CSRF token).
    `organisations` and `for_good` as for `cached`.
    """
    return cached(
        topic,
        ("html", template, *key),
        lambda: render_to_string(template, context(), request=request),
        organisations=organisations,
        for_good=for_good,
    )
