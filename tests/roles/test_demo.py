"""Demo roles: realistic, across families, one with two versions, one in the VCSE partner;
seeding twice changes nothing."""

from django.core.management import call_command

from roles.models import Role, RoleVersion
from workforce import demo
from workforce.models import AuditEntry, Organisation


def _counts():
    return (Role.objects.count(), RoleVersion.objects.count(), AuditEntry.objects.count())


def test_demo_roles_are_seeded_once_and_realistic(demo_seeded, settings):
    settings.DEBUG = True
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    assert demo.seed()["roles"] == 0

    trust = Organisation.objects.get(name=demo.TRUST)
    published = RoleVersion.objects.filter(role__organisation=trust, status="published")
    assert published.count() >= 5
    assert {v.role.family for v in published} >= {
        "peer_support_worker",
        "senior_peer",
        "expert_by_experience",
        "coproduction_lead",
        "peer_researcher",
    }
    psw = published.get(title="Peer support worker")
    assert psw.afc_band == "3" and psw.number == 2
    assert {"Clinical advice", "Crisis intervention"} <= set(
        psw.exclusions.values_list("text", flat=True)
    )
    assert psw.role.versions.get(number=1).status == "superseded"
    assert published.get(title="Senior peer support worker").afc_band == "5"
    assert published.get(title="Co-production lead").afc_band == "7"
    assert published.get(title="Expert by experience").employment_basis == "sessional"
    assert published.filter(title="Peer researcher").exists()
    # Progression routes lead somewhere real.
    assert psw.progression_routes.get().to_role.versions.get(status="published").title == (
        "Senior peer support worker"
    )
    # A draft for leads to finish, and a role in the VCSE partner.
    assert RoleVersion.objects.filter(role__organisation=trust, status="draft").exists()
    assert RoleVersion.objects.filter(
        role__organisation__name=demo.VCSE, status="published"
    ).exists()
    # Written through the services: audited.
    assert AuditEntry.objects.filter(action="role.published").count() == published.count() + 2
