import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

PROJECT_APPS = ["workforce", "roles", "supervision", "incidents", "payments"]


def test_every_model_is_registered_in_admin():
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            assert admin.site.is_registered(model), f"{model.__name__} is not in the admin"


@pytest.mark.parametrize("who", ["lead", "peer", "finance", "outsider"])
def test_admin_refuses_non_staff(client, personas, who):
    client.force_login(personas[who])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_permissions_sees_no_models(client, personas):
    lead = personas["lead"]
    lead.is_staff = True
    lead.save()
    client.force_login(lead)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.context["app_list"] == []
    assert client.get(reverse("admin:workforce_person_changelist")).status_code == 403


def test_superuser_can_open_every_changelist(client, personas):
    client.force_login(personas["admin"])
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
