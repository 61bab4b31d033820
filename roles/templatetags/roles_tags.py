from django import template

from roles import selectors

register = template.Library()


@register.inclusion_tag("roles/partials/my_role.html", takes_context=True)
def my_role(context):
    """On the home page: the role versions the user holds today, in plain language (nothing
    for someone with no current assignment)."""
    request = context.get("request")
    versions = selectors.role_versions_for(request.user) if request is not None else []
    return {"versions": versions}
