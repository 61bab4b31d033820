"""Query counts on list pages stay constant as rows grow (no N+1), and small."""

import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from payments import services
from tests.factories import ActivityFactory, RateCardFactory

TODAY = timezone.localdate()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


SERIAL = itertools.count()


def _grow(claims, org, personas, n):
    for _ in range(n):
        i = next(SERIAL)
        claims("peer", "approved", description=f"Approved {i}")
        claims("peer2", "submitted", description=f"Waiting {i}")
        ActivityFactory(organisation=org)
        RateCardFactory(organisation=org, effective_from=TODAY.replace(year=2001 + i % 20))
    services.batch_create(organisation=org, by=personas["finance"], cut_off=TODAY)
    for _ in range(n):
        claims("peer", "approved", description=f"Next {next(SERIAL)}")


# The most queries each page may make, sign-in and session included. A paged list reads
# its page's keys, then those rows (workforce/paging.py): one query more than a slice.
PAGES = [
    # One more: the person's Universal Credit claim day, for their assessment period.
    ("peer", "payments:my_claims", None, 10),
    ("lead", "payments:approvals", None, 9),
    # The batches page's kept figures (the page's batch totals and paid counts, and the
    # median time to pay) are counted live here, each after its version check, because
    # the test's own transaction wrote the claims (workforce/figures.py); the waiting
    # claims are read keys first.
    ("finance", "payments:batches", None, 17),
    # Two more for the batch: its kept figures' version checks (workforce/figures.py),
    # counted live here because the test's own transaction wrote the claims.
    ("finance", "payments:batch", "batch", 16),
    # One more: the fees still expected (not yet paid), per person.
    ("finance", "payments:totals", None, 10),
    # One more: the cards' claim counts are a kept figure (its version check), counted live
    # here because the test's transaction wrote claims.
    ("lead", "payments:rate_cards", None, 8),
    ("lead", "payments:activities", None, 10),
]


def test_list_pages_do_not_grow_with_rows(
    client, personas, org, claims, django_assert_max_num_queries
):
    from payments.models import Batch

    def url(url_name, needs_batch):
        if needs_batch:
            return reverse(url_name, kwargs={"pk": Batch.objects.order_by("pk").first().pk})
        return reverse(url_name)

    def measure():
        counts = {}
        for who, url_name, needs_batch, _ in PAGES:
            client.force_login(personas[who])
            _count(client, url(url_name, needs_batch))  # a session's first request does more
            counts[url_name] = _count(client, url(url_name, needs_batch))
        return counts

    _grow(claims, org, personas, 1)
    few = measure()
    _grow(claims, org, personas, 4)
    many = measure()
    assert many == few, "a list page's queries grew with its rows"
    for who, url_name, needs_batch, most in PAGES:
        client.force_login(personas[who])
        client.get(url(url_name, needs_batch))
        with django_assert_max_num_queries(most):
            assert client.get(url(url_name, needs_batch)).status_code == 200
