"""Every view that accepts POST is fuzzed, or excluded with a reason. A new form without an
entry in tests/fuzz/entries.py fails here, as a new URL without a row fails the matrix."""

from tests.fuzz.discovery import accepts_post, named_views, post_views
from tests.fuzz.entries import EXCLUDED, FUZZ


def test_every_post_view_is_fuzzed_or_excluded():
    missing = post_views().keys() - FUZZ.keys() - EXCLUDED.keys()
    assert not missing, (
        f"add these POST views to tests/fuzz/entries.py (FUZZ, or EXCLUDED with a reason "
        f"if they read no input): {sorted(missing)}"
    )


def test_no_stale_or_double_entries():
    posting = post_views().keys()
    assert not (FUZZ.keys() & EXCLUDED.keys())
    stale = (FUZZ.keys() | EXCLUDED.keys()) - posting
    assert not stale, f"these entries name no view that accepts POST: {sorted(stale)}"
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_the_detector_sees_post_only_and_get_only_views():
    views = dict(named_views())
    # Decorated POST-only, POST inside the body, POST through a shared helper, and a
    # class-based view; then views that only read.
    for name in ["logout", "roles:publish", "incidents:triage", "payments:claim_reject", "login"]:
        assert accepts_post(views[name]), name
    for name in ["home", "payments:person", "workforce:people", "reports:presence", "roles:list"]:
        assert not accepts_post(views[name]), name
