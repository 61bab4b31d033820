from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "supervision.incidents"
    label = "incidents"
    verbose_name = "Boundary incidents"

    def ready(self):
        # The check that every nation has a bank holiday calendar (Django's check registry).
        from supervision.incidents import checks  # noqa: F401
