import time

from django.urls import reverse

from workforce.platform import sessions


def _age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_active_session_is_kept_and_touched(client, lead):
    client.force_login(lead)
    assert client.get(reverse("home")).status_code == 200
    assert sessions.LAST_SEEN in client.session
    assert sessions.STARTED in client.session


def test_idle_for_over_30_minutes_signs_out(client, lead, settings):
    client.force_login(lead)
    client.get(reverse("home"))
    _age_session(client, **{sessions.LAST_SEEN: settings.SESSION_IDLE_TIMEOUT + 5})
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "had not used the service for a while" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_activity_within_the_idle_limit_keeps_you_signed_in(client, lead, settings):
    client.force_login(lead)
    client.get(reverse("home"))
    _age_session(client, **{sessions.LAST_SEEN: settings.SESSION_IDLE_TIMEOUT - 60})
    assert client.get(reverse("home")).status_code == 200


def test_absolute_limit_of_12_hours(client, lead, settings):
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 60 * 60
    client.force_login(lead)
    client.get(reverse("home"))
    _age_session(
        client,
        **{sessions.STARTED: settings.SESSION_ABSOLUTE_TIMEOUT + 5, sessions.LAST_SEEN: 10},
    )
    response = client.get(reverse("home"), follow=True)
    assert "signed out after 12 hours" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_deactivating_a_user_ends_all_their_sessions(client, lead, peer):
    from django.test import Client

    other_device = Client()
    other_device.force_login(lead)
    client.force_login(lead)
    peer_client = Client()
    peer_client.force_login(peer)
    lead.is_active = False
    lead.save()
    from django.contrib.sessions.models import Session

    live_users = {s.get_decoded().get("_auth_user_id") for s in Session.objects.all()}
    assert str(lead.pk) not in live_users
    assert str(peer.pk) in live_users
    assert client.get(reverse("home")).status_code == 302
    assert peer_client.get(reverse("home")).status_code == 200
