"""Importing people from a CSV file: all or nothing, and safe to repeat."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from workforce.organisations.models import Organisation
from workforce.platform import audit
from workforce.platform.base import WorkforceError, diff, snapshot
from workforce.register import people_csv
from workforce.register.models import Person

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class ImportRejected(WorkforceError):
    """Some rows have problems: nothing was imported. `errors` says which and why."""

    def __init__(self, errors: list[people_csv.RowError]):
        rows = len({e.row for e in errors})
        super().__init__(
            f"Nothing was imported: {rows} row{'s' if rows != 1 else ''} "
            f"{'have' if rows != 1 else 'has'} problems. Correct them and import the file again."
        )
        self.errors = errors


@dataclass
class ImportResult:
    created: list[Person] = field(default_factory=list)
    updated: list[Person] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.created)} added, {len(self.updated)} updated, "
            f"{self.unchanged} already up to date"
        )


@transaction.atomic
def people_import(
    *, organisation: Organisation, data: bytes, by: AbstractBaseUser | None
) -> ImportResult:
    """Add or update the people in a CSV file, matching on email within the organisation.

    Every row is checked first; if any has a problem nothing is written (`ImportRejected`).
    A filled-in cell overwrites the register, an empty one leaves it as it is, so importing
    the same file twice changes nothing the second time.
    """
    parsed = people_csv.parse(data)
    if parsed.errors:
        raise ImportRejected(parsed.errors)
    emails = [row.email.lower() for row in parsed.rows]
    # Locked, so two imports of overlapping files cannot both decide "new" for one email.
    existing = {
        person.email_ci: person
        for person in Person.objects.select_for_update()
        .annotate(email_ci=Lower("email"))
        .filter(organisation=organisation, email_ci__in=emails)
    }
    result = ImportResult()
    for row in parsed.rows:
        values = dict(row.values)
        person = existing.get(row.email.lower())
        if person is None:
            person = Person(organisation=organisation, **values)
            try:
                with transaction.atomic():
                    person.save()
            except IntegrityError as exc:
                # Someone added the same email between our check and now.
                raise ImportRejected(
                    [
                        people_csv.RowError(
                            row.row, "email", "Someone with this email was added meanwhile."
                        )
                    ]
                ) from exc
            audit.record(
                actor=by,
                action="person.created",
                obj=person,
                summary=f"Imported {person.full_name}",
                changes=diff({}, snapshot(person, list(values))) | {"import_row": row.row},
            )
            result.created.append(person)
            continue
        values.pop("email")  # matched on it; a change of case is not worth an update
        before = snapshot(person, list(values))
        for name, value in values.items():
            setattr(person, name, value)
        changes = diff(before, snapshot(person, list(values)))
        if not changes:
            result.unchanged += 1
            continue
        person.save(update_fields=list(changes))
        audit.record(
            actor=by,
            action="person.updated",
            obj=person,
            summary=f"Updated {person.full_name} from an import",
            changes=changes | {"import_row": row.row},
        )
        result.updated.append(person)
    return result
