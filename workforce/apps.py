from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = "Workforce"

    def ready(self):
        # Django imports apps.py before any model exists: code that touches models is
        # imported here, once the registry is ready (Django's documented place for it).
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks
        from django.db.models.signals import post_migrate, post_save

        from workforce.accounts import twofactor
        from workforce.organisations.adminscope import check_admins
        from workforce.platform.caches import create_cache_table
        from workforce.platform.sessions import end_sessions_when_deactivated

        checks.register(check_admins, checks.Tags.admin)

        # A signal, not a service call, because logins are also deactivated in the admin:
        # whichever way it happens, the person's open sessions must end.
        post_save.connect(
            end_sessions_when_deactivated,
            sender=get_user_model(),
            dispatch_uid="workforce_end_sessions_when_deactivated",
        )
        user_logged_in.connect(twofactor.note_authenticator, dispatch_uid="workforce_two_step_on")
        # The database cache's table comes with `migrate`, as every other table does.
        post_migrate.connect(
            create_cache_table, sender=self, dispatch_uid="workforce_create_cache_table"
        )
