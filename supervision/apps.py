from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "Supervision"

    def ready(self):
        # Registers the supervision models' scopes and rules with workforce.access.
        from supervision import rules  # noqa: F401
