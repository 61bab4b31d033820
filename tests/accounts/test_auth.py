import re

from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD


def test_login_with_good_password_goes_home(client, peer):
    response = client.post(
        reverse("login"), {"username": "peer", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == peer
    assert b"Hello, Peer" in response.content


def test_login_for_a_lead_continues_to_two_step_sign_in(client, lead):
    response = client.post(reverse("login"), {"username": "lead", "password": PASSWORD})
    assert response["Location"] == reverse("home")
    nxt = client.get(reverse("home"))
    assert nxt["Location"].startswith(reverse("two_factor_setup"))


def test_login_with_bad_password_says_so_and_stays_signed_out(client, lead):
    response = client.post(reverse("login"), {"username": "lead", "password": "wrong-password"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_sign_in(client, lead):
    lead.is_active = False
    lead.save()
    client.post(reverse("login"), {"username": "lead", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_login_starts_a_new_session(client, lead):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "attacker-chosen-session-id"
    client.post(reverse("login"), {"username": "lead", "password": PASSWORD})
    assert client.cookies["sessionid"].value != "attacker-chosen-session-id"


def test_logout_is_post_only_and_signs_out(client, lead):
    client.force_login(lead)
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_pages_need_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_change(client, lead):
    client.force_login(lead)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-new-pass-2026",
            "new_password2": "a-much-longer-new-pass-2026",
        },
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.check_password("a-much-longer-new-pass-2026")


def test_password_change_rejects_weak_password_and_keeps_old(client, lead):
    client.force_login(lead)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
    )
    assert response.status_code == 200
    assert b"This password is too common" in response.content
    lead.refresh_from_db()
    assert lead.check_password(PASSWORD)


def test_password_reset_by_email_end_to_end(client, lead):
    response = client.post(reverse("password_reset"), {"email": "lead@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", body).group(1)
    response = client.get(link, follow=True)
    assert response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "brand-new-secret-2026", "new_password2": "brand-new-secret-2026"},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.check_password("brand-new-secret-2026")


def test_password_reset_for_unknown_email_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 0
