"""A password changed (signed in) or reset (by email link) is audited in every organisation
the login belongs to, with no password or hash in the entry, and the login's email address
is told, in case it was not them."""

import re

from django.urls import reverse

from tests.factories import PASSWORD, MembershipFactory
from tests.queue import run_jobs
from workforce.models import AuditEntry
from workforce.models import Capacity as C

NEW = "plum kettle orbit meadow"


def _check_entries(user, action, orgs):
    entries = AuditEntry.objects.filter(action=action, actor=user, object_id=str(user.pk))
    assert {e.organisation_id for e in entries} == orgs
    assert entries.count() == len(orgs)
    user.refresh_from_db()
    for entry in entries:
        text = entry.summary + str(entry.changes)
        assert NEW not in text
        assert PASSWORD not in text
        assert user.password not in text
        assert user.password.split("$")[-1] not in text


def test_a_password_change_is_audited_everywhere_and_emailed(
    client, peer, other_org, mailoutbox, django_capture_on_commit_callbacks
):
    MembershipFactory(user=peer, organisation=other_org, capacity=C.PEER_WORKER)
    client.force_login(peer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        )
    assert response["Location"] == reverse("password_change_done")
    _check_entries(peer, "login.password_changed", {peer.person.organisation_id, other_org.pk})
    run_jobs()  # the worker sends what the change queued
    (notice,) = mailoutbox
    assert notice.to == [peer.email]
    assert "password" in notice.subject.lower()
    assert "changed" in notice.body
    assert "If this was not you" in notice.body
    assert NEW not in notice.body


def test_a_refused_password_change_records_and_sends_nothing(
    client, peer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(peer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("password_change"),
            {"old_password": "guess", "new_password1": NEW, "new_password2": NEW},
        )
    assert response.status_code == 200
    assert not AuditEntry.objects.filter(action__startswith="login.password").exists()
    run_jobs()  # the worker sends what the change queued
    assert mailoutbox == []


def test_a_password_reset_is_audited_everywhere_and_emailed(
    client, lead, other_org, mailoutbox, django_capture_on_commit_callbacks
):
    MembershipFactory(user=lead, organisation=other_org, capacity=C.COPRODUCTION_LEAD)
    client.post(reverse("password_reset"), {"email": lead.email})
    (link_mail,) = mailoutbox
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", link_mail.body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == reverse("password_reset_complete")
    _check_entries(lead, "login.password_reset", {lead.person.organisation_id, other_org.pk})
    run_jobs()  # the worker sends what the change queued
    notice = mailoutbox[1]
    assert notice.to == [lead.email]
    assert "reset" in notice.body
    assert "If this was not you" in notice.body
