"""Leavers: ending a login's last membership switches the login off and ends every session,
audited, in the same transaction; a membership ending while another remains keeps it on."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory
from workforce.models import AuditEntry, Capacity, Membership, Person
from workforce.platform import audit
from workforce.register import services

TODAY = timezone.localdate()


def _live_session_users() -> set[str]:
    return {
        s.get_decoded().get("_auth_user_id")
        for s in Session.objects.filter(expire_date__gt=timezone.now())
    }


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    return client


def test_lead_recording_leaving_ends_access_login_and_every_session(client, personas):
    lead, peer = personas["lead"], personas["peer"]
    phone, laptop = _signed_in(peer), _signed_in(peer)
    client.force_login(lead)
    response = client.post(
        reverse("workforce:person_leave", args=[peer.person.pk]),
        {"end_date": TODAY.isoformat(), "reason": "resigned", "close_login": "on"},
    )
    assert response.status_code == 302
    peer.refresh_from_db()
    assert not peer.is_active
    assert not Membership.objects.filter(user=peer).exists()
    assert str(peer.pk) not in _live_session_users()
    # Both devices are signed out; the lead's own session is untouched.
    for device in (phone, laptop):
        assert device.get(reverse("home")).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    actions = list(
        AuditEntry.objects.filter(actor=lead).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["membership.ended", "login.closed", "person.left"]
    closed = AuditEntry.objects.get(action="login.closed")
    assert closed.changes["sessions_ended"] == 2
    assert closed.organisation_id == peer.person.organisation_id
    left = AuditEntry.objects.get(action="person.left")
    assert left.changes["login_closed"] is True
    ended = AuditEntry.objects.get(action="membership.ended")
    assert left.changes["memberships_ended"] == [int(ended.object_id)]


def test_a_membership_elsewhere_keeps_the_login_and_its_sessions(personas, other_org):
    peer = personas["peer"]
    MembershipFactory(user=peer, organisation=other_org, capacity=Capacity.PEER_WORKER)
    device = _signed_in(peer)
    services.person_leave(
        person=peer.person, by=personas["lead"], end_date=TODAY, reason="moved_role"
    )
    peer.refresh_from_db()
    assert peer.is_active
    assert list(Membership.objects.filter(user=peer).values_list("organisation", flat=True)) == [
        other_org.pk
    ]
    assert device.get(reverse("home")).status_code == 200
    assert not AuditEntry.objects.filter(action="login.closed").exists()
    assert AuditEntry.objects.filter(action="membership.ended").count() == 1


def test_ending_one_of_two_memberships_keeps_the_login(personas, org):
    supervisor = personas["supervisor"]
    extra = MembershipFactory(user=supervisor, organisation=org, capacity=Capacity.PEER_WORKER)
    device = _signed_in(supervisor)
    assert services.membership_end(membership=extra, by=personas["admin"]) is False
    supervisor.refresh_from_db()
    assert supervisor.is_active
    assert device.get(reverse("home")).status_code == 200


def test_ending_the_last_membership_closes_the_login_and_its_sessions(personas):
    supervisor = personas["supervisor"]
    device = _signed_in(supervisor)
    (membership,) = Membership.objects.filter(user=supervisor)
    assert services.membership_end(membership=membership, by=personas["admin"]) is True
    supervisor.refresh_from_db()
    assert not supervisor.is_active
    assert device.get(reverse("home")).status_code == 302
    entry = AuditEntry.objects.get(action="login.closed")
    assert (entry.actor, entry.object_id, entry.changes["sessions_ended"]) == (
        personas["admin"],
        str(supervisor.pk),
        1,
    )
    ended = AuditEntry.objects.get(action="membership.ended")
    assert ended.changes["capacity"] == Capacity.SUPERVISOR


def test_leaving_without_closing_the_login_keeps_access(personas):
    peer = personas["peer"]
    device = _signed_in(peer)
    services.person_leave(
        person=peer.person, by=personas["lead"], end_date=TODAY, reason="other", close_login=False
    )
    peer.refresh_from_db()
    assert peer.is_active
    assert Membership.objects.filter(user=peer).exists()
    assert device.get(reverse("home")).status_code == 200


def test_leaving_is_one_transaction_with_the_login_closing(personas, monkeypatch):
    """If any part fails (here the last audit entry), nothing happened: the membership,
    the login and its session are all still there."""
    peer = personas["peer"]
    device = _signed_in(peer)
    real_record = audit.record

    def failing_record(**kwargs):
        if kwargs["action"] == "person.left":
            raise RuntimeError("audit store unavailable")
        return real_record(**kwargs)

    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(RuntimeError):
        services.person_leave(
            person=peer.person, by=personas["lead"], end_date=TODAY, reason="other"
        )
    peer.refresh_from_db()
    assert peer.is_active
    assert Membership.objects.filter(user=peer).exists()
    assert Person.objects.get(pk=peer.person.pk).status == Person.Status.ACTIVE
    assert str(peer.pk) in _live_session_users()
    assert device.get(reverse("home")).status_code == 200
    assert not AuditEntry.objects.exists()


def test_ending_a_capacity_on_the_organisation_page_goes_through_the_service(client, personas):
    admin, peer = personas["admin"], personas["peer"]
    device = _signed_in(peer)
    (membership,) = Membership.objects.filter(user=peer)
    client.force_login(admin)
    response = client.post(
        reverse(
            "workforce:capacity_end",
            kwargs={"pk": membership.organisation_id, "membership_pk": membership.pk},
        )
    )
    assert response.status_code == 302
    peer.refresh_from_db()
    assert not peer.is_active
    assert device.get(reverse("home")).status_code == 302
    assert AuditEntry.objects.filter(action="login.closed", actor=admin).exists()


def test_the_admin_site_cannot_remove_memberships(client, personas):
    admin, peer = personas["admin"], personas["peer"]
    (membership,) = Membership.objects.filter(user=peer)
    client.force_login(admin)
    response = client.post(
        reverse("admin:workforce_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:workforce_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"},
    )
    assert Membership.objects.filter(pk=membership.pk).exists()
    peer.refresh_from_db()
    assert peer.is_active
    assert not AuditEntry.objects.filter(action="membership.ended").exists()
