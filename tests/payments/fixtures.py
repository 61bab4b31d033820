"""Payments fixtures, imported by tests/conftest.py so the access matrix can ask for them
too. Claims are made through the real services (tests.factories.make_claim)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import BenefitsThresholdFactory, RateCardFactory, make_claim

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def upload(name="receipt.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def seed_card(org):
    """The NIHR seed table as the organisation's first card."""
    return RateCardFactory(organisation=org)


@pytest.fixture
def threshold(org):
    """One of the organisation's benefits limits, in force with no end date."""
    return BenefitsThresholdFactory(organisation=org)


@pytest.fixture
def claims(personas, seed_card):
    """make(who, state, **fields): a claim by a persona, moved through the services."""

    def make(who="peer", state="draft", **fields):
        return make_claim(
            personas[who],
            state=state,
            approver=personas["lead"],
            finance=personas["finance"],
            **fields,
        )

    return make


@pytest.fixture
def draft_claim(claims):
    return claims("peer", "draft")


@pytest.fixture
def submitted_claim(claims):
    return claims("peer", "submitted")


@pytest.fixture
def approved_claim(claims):
    return claims("peer", "approved")


@pytest.fixture
def exported_claim(claims):
    return claims("peer", "exported")


@pytest.fixture
def paid_claim(claims):
    return claims("peer", "paid")


@pytest.fixture
def batch(exported_claim):
    return exported_claim.batch_lines.get().batch


@pytest.fixture
def receipt_line(media_root, draft_claim, personas):
    from payments import services

    return services.expense_add(
        claim=draft_claim,
        by=personas["peer"],
        kind="travel",
        description="Bus fare",
        amount="4.50",
        receipt=upload(),
    )
