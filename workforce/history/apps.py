from django.apps import AppConfig


class HistoryConfig(AppConfig):
    """Row history (django-pghistory event models), the read log and the admins' audit page."""

    name = "workforce.history"
    label = "history"
    verbose_name = "History and audit"
