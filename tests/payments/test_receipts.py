"""Receipts: PDF, JPEG or PNG by their content, size-limited, stored under MEDIA_ROOT
(outside the web root), served only through the access-checked view."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from payments import services
from payments.errors import PaymentsError
from payments.models import ExpenseLine
from tests.factories import JPEG, PDF, PNG, upload


def _add(claim, user, receipt):
    return services.expense_add(
        claim=claim,
        by=user,
        kind="travel",
        description="Taxi",
        amount=Decimal("9.99"),
        receipt=receipt,
    )


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("ticket.pdf", PDF, "application/pdf"),
        ("photo.JPG", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("scan.png", PNG, "image/png"),
    ],
)
def test_accepted_receipts(draft_claim, personas, media_root, name, content, kind):
    line = _add(draft_claim, personas["peer"], upload(name, content, "application/octet-stream"))
    assert line.receipt_type == kind and line.receipt_name == name
    stored = Path(line.receipt.path)
    assert stored.read_bytes() == content
    assert stored.is_relative_to(media_root)
    # A random name on disk: the person's file name never becomes a path.
    assert name.lower() not in stored.name.lower()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("receipt.pdf", b"<html><script>alert(1)</script>", "must be a PDF, a JPEG"),
        ("receipt.exe", b"MZ\x90\x00", "must be a PDF, a JPEG"),
        ("receipt.png", PDF, "name does not match"),
        ("receipt.pdf", PNG, "name does not match"),
        ("receipt.pdf", b"", "empty"),
    ],
)
def test_refused_receipts_change_nothing(draft_claim, personas, media_root, name, content, message):
    with pytest.raises(PaymentsError, match=message) as error:
        _add(draft_claim, personas["peer"], upload(name, content, "application/pdf"))
    assert error.value.field == "receipt"
    assert not ExpenseLine.objects.exists()
    assert not list(Path(media_root).rglob("*.*"))  # no file left behind


def test_receipts_have_a_size_limit(draft_claim, personas, settings):
    settings.PAYMENTS_RECEIPT_MAX_BYTES = 1024
    too_big = upload("big.pdf", PDF + b"0" * 2048)
    with pytest.raises(PaymentsError, match="the most we can take is"):
        _add(draft_claim, personas["peer"], too_big)


def test_the_default_limit_is_5_mb(draft_claim, personas):
    big = upload("big.pdf", PDF + b"0" * (5 * 1024 * 1024))
    with pytest.raises(PaymentsError, match=r"5\.1 MB; the most we can take is 5 MB"):
        _add(draft_claim, personas["peer"], big)


def test_media_is_outside_the_web_root(client, personas, receipt_line):
    media = Path(settings.MEDIA_ROOT).resolve()
    assert not media.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    for folder in settings.STATICFILES_DIRS:
        assert not media.is_relative_to(Path(folder).resolve())
    # No URL serves the uploads folder directly, whatever the path.
    client.force_login(personas["peer"])
    for prefix in (settings.MEDIA_URL, "/media/", "/static/"):
        assert client.get(f"{prefix}{receipt_line.receipt.name}").status_code == 404


def test_the_receipt_is_served_only_to_those_who_may_see_the_claim(client, personas, receipt_line):
    url = reverse("payments:receipt", kwargs={"pk": receipt_line.pk})
    client.force_login(personas["peer"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="receipt.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == Path(receipt_line.receipt.path).read_bytes()
    for who in ("peer2", "lead", "finance", "admin", "outsider"):
        client.force_login(personas[who])
        assert client.get(url).status_code == 404, who


def test_leads_and_finance_see_receipts_once_the_claim_reaches_them(client, personas, receipt_line):
    claim = services.claim_submit(claim=receipt_line.claim, by=personas["peer"])
    url = reverse("payments:receipt", kwargs={"pk": receipt_line.pk})
    client.force_login(personas["lead"])
    assert client.get(url).status_code == 200
    client.force_login(personas["finance"])
    assert client.get(url).status_code == 404
    services.claim_approve(claim=claim, approver=personas["lead"])
    assert client.get(url).status_code == 200


def test_removing_an_expense_removes_its_file(
    client, personas, receipt_line, django_capture_on_commit_callbacks
):
    path = Path(receipt_line.receipt.path)
    client.force_login(personas["peer"])
    url = reverse("payments:expense_remove", kwargs={"pk": receipt_line.pk})
    assert b"Remove this expense?" in client.get(url).content  # confirm first
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not ExpenseLine.objects.filter(pk=receipt_line.pk).exists()
    assert not path.exists()


def test_uploading_through_the_page(client, personas, draft_claim, media_root):
    client.force_login(personas["peer"])
    url = reverse("payments:expense_add", kwargs={"pk": draft_claim.pk})
    response = client.post(
        url,
        {"kind": "travel", "description": "Bus", "amount": "3.20", "receipt": upload("b.png", PNG)},
    )
    assert response.status_code == 302
    assert draft_claim.expenses.get().receipt_type == "image/png"
    response = client.post(
        url,
        {
            "kind": "travel",
            "description": "Bus",
            "amount": "3.20",
            "receipt": upload("x.pdf", b"no"),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "must be a PDF, a JPEG photo or a PNG image" in html
    assert draft_claim.expenses.count() == 1
