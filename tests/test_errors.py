from django.template.loader import render_to_string
from django.urls import reverse


def test_not_found_page_is_plain_english(client, personas):
    client.force_login(personas["peer"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"go to your home page" in response.content


def test_forbidden_page(client, personas, rf):
    from django.views.defaults import permission_denied

    request = rf.get("/")
    request.user = personas["peer"]
    response = permission_denied(request, exception=None)
    assert response.status_code == 403
    assert b"You cannot use this page" in response.content


def test_server_error_page_renders_without_database_or_context():
    html = render_to_string("500.html")
    assert "Sorry, something went wrong" in html
    assert "{%" not in html


def test_organisation_page_not_found_for_missing_id(client, personas):
    client.force_login(personas["lead"])
    assert client.get(reverse("workforce:organisation", kwargs={"pk": 424242})).status_code == 404
