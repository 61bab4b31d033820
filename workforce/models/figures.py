from django.db import models


class FiguresVersion(models.Model):
    """How many committed changes a topic's tables have had (workforce/figures.py).

    Written only by the triggers of migration 0007, at commit; read by
    workforce_figures_version(). Nothing in the app writes it.
    """

    topic = models.CharField(max_length=40, primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "figures version"

    def __str__(self):
        return f"{self.topic} v{self.version}"
