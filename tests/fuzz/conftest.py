"""Fixtures for the fuzz tests: objects of another organisation whose ids the fuzzer sends."""

import pytest


@pytest.fixture
def foreign_ids(other_org, outsider):
    """Primary keys of another organisation's rows (people, teams, roles, training...), as
    strings: a form must treat them as unknown, never act on them."""
    from django.apps import apps

    from tests.factories import published_version

    published_version(other_org, outsider, title="Their peer support worker")
    ids = {outsider.pk, outsider.person.pk, other_org.pk}
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if "organisation" in names and model._meta.app_label in {
            "workforce",
            "roles",
            "supervision",
            "incidents",
            "payments",
        }:
            ids.update(
                model._default_manager.filter(organisation=other_org).values_list("pk", flat=True)
            )
    return sorted(str(pk) for pk in ids)
