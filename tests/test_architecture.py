"""The structure docs/architecture.md describes, checked where import-linter cannot: each
group of capacities is named once, the menu never links to a page its reader would be
refused, and no app registers itself with another module when it is imported."""

import ast
from pathlib import Path

import pytest
from django.urls import resolve, reverse

from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Capacity
from workforce.reports import navigation

ROOT = Path(__file__).resolve().parent.parent
APPS = ("workforce", "roles", "supervision", "payments")
CAPACITY_NAMES = {"C", "Capacity"}


def _capacity_tuples(path: Path) -> list[str]:
    """Module-level names bound to a tuple of two or more capacities."""
    found = []
    for node in ast.parse(path.read_text()).body:
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Tuple):
            continue
        members = [
            e
            for e in node.value.elts
            if isinstance(e, ast.Attribute)
            and isinstance(e.value, ast.Name)
            and e.value.id in CAPACITY_NAMES
        ]
        if len(members) >= 2:
            found += [t.id for t in node.targets if isinstance(t, ast.Name)]
    return found


def test_groups_of_capacities_are_defined_only_in_the_capacities_module():
    home = ROOT / "workforce" / "organisations" / "capacities.py"
    elsewhere = {
        f"{path.relative_to(ROOT)}: {name}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if path != home and "migrations" not in path.parts
        for name in _capacity_tuples(path)
    }
    assert elsewhere == set()
    assert _capacity_tuples(home), "the checker found no groups where they are defined"


def test_the_checker_sees_a_group_defined_elsewhere(tmp_path):
    module = tmp_path / "rules.py"
    module.write_text("APPROVERS = (C.COPRODUCTION_LEAD, C.ADMIN)\nONE = (C.ADMIN,)\n")
    assert _capacity_tuples(module) == ["APPROVERS"]


def test_every_group_holds_known_capacities():
    names = [n for n in dir(groups) if n.isupper()]
    assert names
    for name in names:
        assert set(getattr(groups, name)) <= set(Capacity.values), name


@pytest.mark.parametrize("label,url_name,wanted", navigation.ENTRIES)
def test_the_menu_never_links_to_a_page_its_reader_would_be_refused(label, url_name, wanted):
    view = resolve(reverse(url_name)).func
    required = getattr(view, "required_capacities", None)
    assert required is not None, f"{label}: its view is not behind access.access_required"
    if required:  # the page itself admits only these capacities
        assert wanted and set(wanted) <= required, label


def test_rules_modules_register_nothing_with_the_access_layer():
    from importlib import import_module

    from django.conf import settings

    own = set(access.SCOPES), set(access.RULES)
    for path in settings.ACCESS_RULES:
        assert import_module(path).RULEBOOK, path
    # Importing every app's rules changed none of the access layer's own tables: it reads
    # their books instead.
    assert (set(access.SCOPES), set(access.RULES)) == own
    assert set(access.scopes()) > set(access.SCOPES)
