"""Every URL, every capacity: the expected status. A new view without an entry fails here."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.accounts.matrix import ACCOUNTS_MATRIX
from tests.history.matrix import HISTORY_MATRIX
from tests.incidents.matrix import INCIDENTS_MATRIX
from tests.matrix import ANON, PERSONAS, row
from tests.payments.matrix import PAYMENTS_MATRIX
from tests.register.matrix import WORKFORCE_MATRIX
from tests.reports.matrix import REPORTS_MATRIX
from tests.supervision.matrix import SUPERVISION_MATRIX

# url name -> ({persona: status}, kwargs factory). The factory gets a dict with "org" (the
# personas' organisation) and "fixture" (pytest's getfixturevalue, to ask for any fixture).
# Each app may keep its rows in its own module and merge them in with MATRIX.update(...).
MATRIX = {
    "home": (row(200), None),
    "workforce:organisations": (row(200), None),
    # Another organisation's page is "not found", never "forbidden".
    "workforce:organisation": (row(200, outsider=404), lambda f: {"pk": f["org"].pk}),
    "login": (row(302, anon=200), None),
    # Signing out is POST only: a link or image cannot sign anyone out.
    "logout": (row(405, anon=405), None),
    "password_change": (row(200), None),
    "password_change_done": (row(200), None),
    "password_reset": (row(200, anon=200), None),
    "password_reset_done": (row(200, anon=200), None),
    "password_reset_confirm": (
        row(200, anon=200),
        lambda f: {"uidb64": "MQ", "token": "set-password"},
    ),
    "password_reset_complete": (row(200, anon=200), None),
    "two_factor_manage": (row(200), None),
    # Those who must use it already have an authenticator (set-up sends them to verify);
    # the others may set one up, and have nothing to verify yet.
    "two_factor_setup": (row(302, peer=200, peer2=200, supervisor=200), None),
    "two_factor_verify": (row(200, peer=302, peer2=302, supervisor=302), None),
    "two_factor_cancel": (row(405, anon=405), None),
}
# The workforce register: people, assignments, training, wellbeing, diversity.
MATRIX.update(WORKFORCE_MATRIX)


# --- Roles. Co-production leads and admins write (publish, retire, edit drafts); everyone in
# the organisation reads what has been published; another organisation's role is not found.
# Write pages are refused (403) to those who write roles nowhere, and not found (404) to a
# lead of another organisation. Drafts' own visibility is in tests/roles/test_access.py.
def _published_role(f):
    from tests.factories import make_role_version

    return {"pk": make_role_version(f["org"]).role_id}


def _published_version(f):
    from tests.factories import make_role_version

    return {"pk": make_role_version(f["org"]).role_id, "number": 1}


def _draft_role(f):
    from tests.factories import make_role_version

    return {"pk": make_role_version(f["org"], published=False).role_id}


_ROLE_READ = row(200, outsider=404)
_ROLE_WRITE = row(403, lead=200, admin=200, outsider=404)
MATRIX.update(
    {
        "roles:list": (row(200), None),
        # The outsider leads in their own organisation, so may create roles there.
        "roles:create": (row(403, lead=200, admin=200, outsider=200), None),
        "roles:detail": (_ROLE_READ, _published_role),
        "roles:history": (_ROLE_READ, _published_role),
        "roles:diff": (_ROLE_READ, _published_role),
        "roles:version": (_ROLE_READ, _published_version),
        "roles:print": (_ROLE_READ, _published_version),
        # POST only: a link or prefetch cannot start a draft.
        "roles:new_draft": (row(405, anon=405), _published_role),
        "roles:edit_draft": (_ROLE_WRITE, _draft_role),
        "roles:publish": (_ROLE_WRITE, _draft_role),
        "roles:discard_draft": (_ROLE_WRITE, _draft_role),
        "roles:retire": (_ROLE_WRITE, _published_role),
    }
)

# Involvement payments: claims, approvals, finance batches, rate cards.
MATRIX.update(PAYMENTS_MATRIX)

# Supervision: sessions, confirm/dispute, actions, compliance, printable records.
MATRIX.update(SUPERVISION_MATRIX)

# Boundary incidents: reporting, the escalation workflow's steps, queues, deadlines.
MATRIX.update(INCIDENTS_MATRIX)

# Dashboards and reports: presence, supervision, incidents, payments, diversity (+ CSV).
MATRIX.update(REPORTS_MATRIX)

# Account settings (email change with re-authentication).
MATRIX.update(ACCOUNTS_MATRIX)

# Row history, read log and the admins' audit page.
MATRIX.update(HISTORY_MATRIX)


def _named_patterns(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the admin site is bound by its own permissions: see test_admin.py
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_has_an_entry():
    names = set(_named_patterns(get_resolver().url_patterns))
    missing = names - MATRIX.keys()
    assert not missing, f"add these views to the access matrix: {sorted(missing)}"
    stale = MATRIX.keys() - names
    assert not stale, f"these matrix entries name no URL: {sorted(stale)}"


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_access_matrix(client, personas, org, url_name, request):
    expected, kwargs_for = MATRIX[url_name]
    url = reverse(
        url_name,
        kwargs=kwargs_for({"org": org, "fixture": request.getfixturevalue}) if kwargs_for else None,
    )
    seen = {}
    for who in [ANON, *PERSONAS]:
        client.logout()
        if who != ANON:
            client.force_login(personas[who])
        seen[who] = client.get(url).status_code
    assert seen == expected, f"{url_name} ({url})"


def test_other_organisations_objects_are_not_found(client, personas, other_org):
    url = reverse("workforce:organisation", kwargs={"pk": other_org.pk})
    for who in PERSONAS:
        client.force_login(personas[who])
        expected = 200 if who == "outsider" else 404
        assert client.get(url).status_code == expected, who
