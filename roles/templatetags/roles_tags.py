from django import template

from roles import selectors

register = template.Library()


@register.inclusion_tag("roles/partials/my_role.html", takes_context=True)
def my_role(context):
    """A peer worker's own role version on their home page, or nothing.

    Which version someone holds comes from their assignment (issue 4); until
    selectors.role_version_for knows, this renders nothing rather than guess.
    """
    request = context.get("request")
    version = selectors.role_version_for(request.user) if request is not None else None
    return {"version": version}
