"""The Django admin, held to the access layer: one base class for every model admin.

Who uses it: an organisation's administrators (staff logins holding the administrator
capacity there) look things up; installation operators (superusers) set up organisations.
Nobody reads or changes through it what the app's own pages would not show or allow:

- rows: only those of organisations where the user is an administrator
  (`access.admin_organisation_ids`), superuser or not; an `installation_wide` admin also
  shows a superuser every row, and only those admins exist for models without personal data
  (organisations, teams, logins' names, the sign-in lockout log);
- fields: `fields` is the allow-list of what may be read; `list_display`, `list_filter`,
  `search_fields`, `date_hierarchy` and `ordering` may name only those fields (checked when
  the admin is registered), and a URL may filter only on a `list_filter` or the date
  hierarchy: `?sexual_orientation=...` or `?text__icontains=...` is refused (400);
- writes: none, except where an admin names `operator_writable` fields for superusers
  (an organisation's or a team's name); organisations are never changed on a row, so nothing
  moves to another organisation. Capacities, people, claims and the rest change on the
  app's audited pages.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.filters import SimpleListFilter
from django.core.checks import Error
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models.constants import LOOKUP_SEP

from workforce.organisations import access

# What Django's own list filters and date hierarchy add after a filtered field's path.
FILTER_SUFFIXES = frozenset(
    {
        "exact",
        "isnull",
        "in",
        "id",
        "pk",
        "id__exact",
        "pk__exact",
        "year",
        "month",
        "day",
        "gte",
        "lt",
    }
)


def _filter_path(item) -> str:
    if isinstance(item, type) and issubclass(item, SimpleListFilter):
        raise ImproperlyConfigured("custom list filters are not allowed: name a field instead")
    return item[0] if isinstance(item, list | tuple) else item


class ScopedAdmin(admin.ModelAdmin):
    # Path from the model to its organisation's id ("organisation", "person__organisation").
    # None: the model has no organisation, so only an installation_wide admin shows it, and
    # only to a superuser.
    organisation_path: str | None = None
    installation_wide = False
    # Fields a superuser may set when adding a row here (never the organisation of a row
    # that exists).
    operator_writable: tuple[str, ...] = ()
    show_full_result_count = False

    # --- who may come in, and what they see

    def _is_operator(self, request) -> bool:
        return self.installation_wide and request.user.is_superuser

    def _may_use(self, request) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return self._is_operator(request) or bool(access.admin_organisation_ids(user))

    def has_module_permission(self, request):
        return self._may_use(request)

    def has_view_permission(self, request, obj=None):
        return self._may_use(request)

    def has_add_permission(self, request, obj=None):
        return bool(self.operator_writable) and self._is_operator(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self._is_operator(request):
            return queryset
        if self.organisation_path is None:
            return queryset.none()
        orgs = access.admin_organisation_ids(request.user)
        queryset = queryset.filter(**{f"{self.organisation_path}__in": orgs})
        if self._crosses_many(self.organisation_path):
            queryset = queryset.distinct()
        return queryset

    def get_fields(self, request, obj=None):
        if obj is None and self.has_add_permission(request):
            return list(self.operator_writable)
        return list(self.fields)

    def get_readonly_fields(self, request, obj=None):
        if obj is None and self.has_add_permission(request):
            return []
        return list(self.fields)

    def get_actions(self, request):
        return {}  # no bulk delete, nor any other bulk change

    # --- what a URL may filter on

    def lookup_allowed(self, lookup, value, request=None):
        paths = {_filter_path(item) for item in self.list_filter}
        if self.date_hierarchy:
            paths.add(self.date_hierarchy)
        for path in paths:
            suffix = lookup.removeprefix(path + LOOKUP_SEP)
            if lookup == path or (suffix != lookup and suffix in FILTER_SUFFIXES):
                return True
        return False

    # --- checked once, when registered

    def _crosses_many(self, path: str) -> bool:
        model = self.model
        for part in path.split(LOOKUP_SEP):
            if part == "pk":
                return False
            field = model._meta.get_field(part)
            if field.one_to_many or field.many_to_many:
                return True
            if not field.is_relation:
                break
            model = field.related_model
        return False

    @classmethod
    def check_allow_list(cls, model) -> None:
        readable = set(cls.fields or ())
        if not readable:
            raise ImproperlyConfigured(f"{cls.__name__}: name the readable fields in `fields`")
        named = [
            *(name for name in cls.list_display if name not in ("__str__", "pk")),
            *(_filter_path(item) for item in cls.list_filter),
            *(name.lstrip("^=@") for name in cls.search_fields),
            *([cls.date_hierarchy] if cls.date_hierarchy else []),
            *(name.lstrip("-") for name in (cls.ordering or ())),
            *cls.operator_writable,
        ]
        for name in named:
            root = name.split(LOOKUP_SEP)[0]
            if callable(getattr(cls, root, None)) and name in cls.list_display:
                continue  # a display method of the admin itself (a placeholder, a count)
            if root not in readable:
                raise ImproperlyConfigured(
                    f"{cls.__name__}: {name} is not among the readable fields of {model.__name__}"
                )
            if LOOKUP_SEP in name:
                _check_related_path(cls, model, name)


def _check_related_path(cls, model, name: str) -> None:
    """A path through a relation may end only on a field the related model's own admin
    lets be read (a person's name, say, never their wellbeing plan)."""
    parts = name.split(LOOKUP_SEP)
    current = model
    for index, part in enumerate(parts):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist as error:
            raise ImproperlyConfigured(f"{cls.__name__}: {name} is not a field path") from error
        if not field.is_relation:
            rest = parts[index + 1 :]
            if rest:
                raise ImproperlyConfigured(f"{cls.__name__}: {name}: lookups are not allowed")
            break
        target = field.related_model
        if index + 1 < len(parts):
            target_admin = admin.site._registry.get(target)
            allowed = set(getattr(target_admin, "fields", None) or ())
            if parts[index + 1] not in allowed:
                raise ImproperlyConfigured(
                    f"{cls.__name__}: {name} reads {target.__name__}.{parts[index + 1]}, "
                    f"which {target.__name__}'s admin does not show"
                )
        current = target


def check_admins(app_configs=None, **kwargs):
    """System check: every registered model admin is a ScopedAdmin within its allow-list."""
    errors = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ScopedAdmin):
            errors.append(
                Error(
                    f"{model._meta.label} is in the admin without ScopedAdmin",
                    hint="Register it with a subclass of "
                    "workforce.organisations.adminscope.ScopedAdmin.",
                    id="workforce.E101",
                )
            )
            continue
        try:
            type(model_admin).check_allow_list(model)
        except ImproperlyConfigured as error:
            errors.append(Error(str(error), id="workforce.E102"))
    return errors
