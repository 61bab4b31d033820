from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "supervision.incidents"
    label = "incidents"
    verbose_name = "Boundary incidents"

    def ready(self):
        # Registers the incident models' scopes and rules with workforce.access, and the
        # check that every nation has a bank holiday calendar.
        from supervision.incidents import checks, rules  # noqa: F401
        from workforce import navigation

        # A link from a person's page to their incidents and supervision chronology, shown
        # only to those the access layer lets see it.
        link = ("Incidents", "incidents:person", "view_incidents")
        links = getattr(navigation, "PERSON_LINKS", None)
        if links is not None and link not in links:
            links.append(link)
