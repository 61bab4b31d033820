from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Involvement payments"

    def ready(self):
        # Registers the payments models' scopes and rules with workforce.access.
        from payments import rules  # noqa: F401
