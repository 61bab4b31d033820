"""A row's check constraints validated in one query.

Django's `full_clean` (services, model forms, the admin) asks the database about each
CheckConstraint in its own query inside its own savepoint; a claim or an incident has dozens.
Models that inherit `OneQueryChecks` ask about all of them at once and report exactly the
errors Django would: same messages, same codes, same order. Other constraints (unique,
exclusion) are validated by Django as before.
"""

from __future__ import annotations

from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE


def failed_checks(model, instance, checks, *, exclude, using) -> list[CheckConstraint] | None:
    """The constraints among `checks` that `instance` breaks, from one query; a check that
    names an excluded field is skipped, as Django skips it. None if the database could not
    answer (a value it cannot cast, say): the caller then asks constraint by constraint."""
    against = instance._get_field_expression_map(meta=model._meta, exclude=exclude)
    query = Query(None)
    for name, value in against.items():
        if not hasattr(value, "resolve_expression"):
            value = Value(value)
        query.add_annotation(value, name, select=False)
    asked = []
    for constraint in checks:
        # NULL passes a check constraint in SQL, so it passes here too.
        test = Coalesce(Q(constraint.condition), True, output_field=BooleanField())
        try:
            query.add_annotation(test, f"_check_{len(asked)}")
        except FieldError:
            continue
        asked.append(constraint)
    if not asked:
        return []
    connection = connections[using]
    # A failed query must not abort the caller's transaction: give it a savepoint.
    guard = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    try:
        with guard:
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError:
        return None
    return [constraint for constraint, passed in zip(asked, row, strict=True) if not passed]


class OneQueryChecks(models.Model):
    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        errors = {}
        for model_class, constraints in self.get_constraints():
            checks = [c for c in constraints if type(c) is CheckConstraint]
            failed = failed_checks(model_class, self, checks, exclude=exclude, using=using)
            asked = {id(c) for c in checks} if failed is not None else set()
            broken = {id(c) for c in failed or []}
            for constraint in constraints:
                try:
                    if id(constraint) in asked:
                        if id(constraint) in broken:
                            raise ValidationError(
                                constraint.get_violation_error_message(),
                                code=constraint.violation_error_code,
                            )
                    else:
                        constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    # As Model.validate_constraints files them.
                    if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
