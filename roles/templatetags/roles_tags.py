from django import template

register = template.Library()


@register.inclusion_tag("roles/partials/my_role.html")
def my_role(versions):
    """On the home page: the role versions the user holds today, in plain language (nothing
    for someone with no current assignment). The home view reads them."""
    return {"versions": versions}
