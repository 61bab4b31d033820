from django.urls import reverse


def _csp(response):
    return {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1:]
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    }


def test_content_security_policy_on_every_page(client, personas):
    client.force_login(personas["peer"])
    response = client.get(reverse("home"))
    policy = _csp(response)
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_script_tags_carry_the_requests_nonce(client, personas):
    client.force_login(personas["peer"])
    response = client.get(reverse("home"))
    script_src = _csp(response)["script-src"][0]
    nonce = script_src.split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert f'nonce="{nonce}"' in html
    assert html.count("<script") == html.count(f'nonce="{nonce}"')
    # A fresh nonce for every response.
    again = _csp(client.get(reverse("home")))["script-src"][0]
    assert again != script_src


def test_security_headers(client, personas):
    response = client.get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
