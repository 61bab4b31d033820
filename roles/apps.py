from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = "Roles"

    def ready(self):
        # Registers the roles models' scopes and rules with workforce.access.
        from roles import rules  # noqa: F401
