from functools import wraps

from django.apps import AppConfig
from django.core.management.base import BaseCommand

# Management commands of these apps run inside a history context naming the command, so a
# row changed by `seed_demo`, `import_people` or `send_reminders` says where it came from.
_OWN_COMMANDS = ("workforce.", "roles.", "supervision.", "payments.")
_NOT_WRAPPED = {"runlocal"}  # starts a server: its requests carry their own context


def _label_management_commands() -> None:
    # Imported once the app registry is ready: pghistory's package defines models.
    import pghistory

    if getattr(BaseCommand.execute, "_history_context", False):
        return
    original = BaseCommand.execute

    @wraps(original)
    def execute(self, *args, **options):
        module = type(self).__module__
        name = module.rsplit(".", 1)[-1]
        if not module.startswith(_OWN_COMMANDS) or name in _NOT_WRAPPED:
            return original(self, *args, **options)
        with pghistory.context(command=name):
            return original(self, *args, **options)

    execute._history_context = True
    BaseCommand.execute = execute


class HistoryConfig(AppConfig):
    """Row history (django-pghistory event models), the read log and the admins' audit page."""

    name = "workforce.history"
    label = "history"
    verbose_name = "History and audit"

    def ready(self):
        _label_management_commands()
