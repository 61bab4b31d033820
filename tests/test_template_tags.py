"""Template tags draw, never query: every templatetags module of every app formats values
its view already read, so a view shows all that its page costs.

A tag module may import the standard library, Django's template and formatting helpers,
and pure modules of the apps (money formatting, the glossary, `choices` vocabularies). It
may not import a models, selectors, services, access or rules module, nor `django.db`:
those are how a tag would start running queries again.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import types
from pathlib import Path

import pytest
from django.db import models
from django.template.backends.django import get_installed_libraries

ROOT = Path(__file__).resolve().parent.parent
APPS = ("workforce", "roles", "supervision", "payments")
# Module names that read or write data, or decide access: none of these in a tag module.
FORBIDDEN_PARTS = {"models", "selectors", "services", "access", "rules"}


def _tag_modules() -> set[str]:
    """Every templatetags module in the project's packages, on disk and as Django loads them
    (so a tag library in a new app, or one Django registers by another path, is included)."""
    found = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for app in APPS
        for path in (ROOT / app).rglob("templatetags/*.py")
        if path.name != "__init__.py"
    }
    found |= {
        module for module in get_installed_libraries().values() if module.split(".")[0] in APPS
    }
    return found


def _is_vocabulary(name: str) -> bool:
    """A `choices` module (or a name in one) holds only TextChoices (checked below)."""
    return "choices" in name.split(".")


def forbidden(name: str) -> bool:
    if name == "django.db" or name.startswith("django.db."):
        return True
    if name.split(".")[0] not in APPS or _is_vocabulary(name):
        return False
    return bool(FORBIDDEN_PARTS.intersection(name.split(".")))


def _import_nodes(tree: ast.Module, everywhere: bool):
    if everywhere:
        yield from ast.walk(tree)
        return
    # At import time only: top-level statements and the blocks of top-level ifs and trys.
    for node in tree.body:
        yield node
        if isinstance(node, ast.If | ast.Try):
            yield from ast.iter_child_nodes(node)


def _imports(source: str, package: str, everywhere: bool = True) -> list[str]:
    """Every module `source` imports, and `module.name` for each `from module import name`."""
    names = []
    for node in _import_nodes(ast.parse(source), everywhere):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against the tag module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            names.append(module)
            names += [f"{module}.{alias.name}" for alias in node.names]
    return names


def forbidden_imports(source: str, package: str = "", everywhere: bool = True) -> list[str]:
    """The modules (and `from module import name` pairs) in `source` that a tag may not use.
    `from workforce import access` counts: it imports a module that `workforce` is not."""
    bad = []
    for name in _imports(source, package, everywhere):
        if forbidden(name) and not any(name.startswith(f"{b}.") for b in bad):
            bad.append(name)
    return bad


def _app_modules_imported(source: str, package: str) -> set[str]:
    """The project's modules a tag module imports (not the names inside them)."""
    found = set()
    for name in _imports(source, package):
        if name.split(".")[0] not in APPS:
            continue
        try:
            if importlib.util.find_spec(name) is not None:
                found.add(name)
        except ModuleNotFoundError:  # a name inside a module, not a module
            continue
    return found


def test_the_checker_catches_what_would_query():
    source = (
        "from django.db import connection\n"
        "from workforce.organisations import access\n"
        "from supervision import selectors, services\n"
        "import payments.models\n"
        "from roles.models import RoleVersion\n"
        "from .. import rules\n"
        "from django.utils import timezone\n"
        "from payments.choices import ClaimState\n"
        "from supervision.incidents.models.choices import State\n"
        "from payments.money import format_gbp\n"
    )
    assert forbidden_imports(source, package="supervision.templatetags") == [
        "django.db",
        "workforce.organisations.access",
        "supervision.selectors",
        "supervision.services",
        "payments.models",
        "roles.models",
        "supervision.rules",
    ]


def test_every_app_with_tags_is_checked():
    found = _tag_modules()
    assert {
        "workforce.templatetags.reports_tags",
        "workforce.templatetags.plain_tags",
        "supervision.templatetags.supervision_tags",
        "supervision.incidents.templatetags.incidents_tags",
        "payments.templatetags.payments_tags",
    } <= found


@pytest.mark.parametrize("name", sorted(_tag_modules()))
def test_tag_module_imports_nothing_that_queries(name):
    module = importlib.import_module(name)
    source = Path(module.__file__).read_text()
    assert forbidden_imports(source, package=name.rsplit(".", 1)[0]) == []


@pytest.mark.parametrize("name", sorted(_tag_modules()))
def test_what_a_tag_module_imports_imports_nothing_that_queries(name):
    """One step further: a helper module a tag imports must not itself import a layer that
    queries when it loads (as the dashboard the home page's tag once called did)."""
    package = name.rsplit(".", 1)[0]
    source = Path(importlib.import_module(name).__file__).read_text()
    for helper in sorted(_app_modules_imported(source, package)):
        if _is_vocabulary(helper):
            continue  # checked to hold only choices below
        module = importlib.import_module(helper)
        if not hasattr(module, "__file__") or module.__file__.endswith("__init__.py"):
            continue  # a package imported for one of its modules: that module is checked
        helper_source = Path(module.__file__).read_text()
        helper_package = helper.rsplit(".", 1)[0]
        assert forbidden_imports(helper_source, helper_package, everywhere=False) == [], helper


@pytest.mark.parametrize("name", sorted(_tag_modules()))
def test_tag_module_holds_no_model_or_query(name):
    """What the module holds, however it got there: no model, manager, queryset, and no
    module or function from a layer that reads the database."""
    module = importlib.import_module(name)
    for attr, value in vars(module).items():
        if attr.startswith("__"):
            continue
        assert not (isinstance(value, type) and issubclass(value, models.Model)), attr
        assert not isinstance(value, models.Manager | models.QuerySet), attr
        if isinstance(value, types.ModuleType):
            assert not forbidden(value.__name__), attr
        elif inspect.isfunction(value) or inspect.isclass(value):
            assert not forbidden(value.__module__), f"{attr} from {value.__module__}"


@pytest.mark.parametrize("name", sorted(_tag_modules()))
def test_vocabulary_a_tag_imports_defines_no_model(name):
    """The `choices` modules tags may import hold words for stored values, nothing more."""
    module = importlib.import_module(name)
    imported = [
        node.module
        for node in ast.walk(ast.parse(Path(module.__file__).read_text()))
        if isinstance(node, ast.ImportFrom) and _is_vocabulary(node.module or "")
    ]
    for vocabulary in imported:
        held = vars(importlib.import_module(vocabulary)).values()
        assert not [v for v in held if isinstance(v, type) and issubclass(v, models.Model)]


def test_badges_name_every_state():
    """The tags key their badges by the stored values: a new state needs its colour."""
    from payments.choices import ClaimState
    from payments.templatetags import payments_tags
    from supervision.choices import ComplianceStatus, SessionStatus
    from supervision.templatetags import supervision_tags

    assert set(payments_tags.BADGES) == set(ClaimState.values)
    assert set(supervision_tags.SESSION_CLASSES) == set(SessionStatus.values)
    assert set(supervision_tags.COMPLIANCE_CLASSES) == set(ComplianceStatus.LABELS)
