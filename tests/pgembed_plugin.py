"""The test runner's entry point for the embedded PostgreSQL (hooks imported by conftest).

`make test` runs pytest under `python -m workforce.platform.pgembed run`, which already holds the
server. A bare `pytest` (or an editor's test runner) has no supervisor, so this process
holds the server for the session and takes the supervisor's part for what it starts: xdist
workers and the tests' own subprocesses inherit SUPERVISED_ENV and register nothing, exactly
as under `make test`. Settings only name the server, so nothing else would start it.
"""

import os

import pytest

from workforce.platform import pgembed

_HOLDING = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("DATABASE_URL") or os.environ.get(pgembed.SUPERVISED_ENV) == "1":
        return
    if config.option.help or config.option.version:
        return
    try:
        pgembed.acquire()
    except pgembed.EmbeddedPostgresError as exc:
        raise pytest.UsageError(str(exc)) from exc
    os.environ[pgembed.SUPERVISED_ENV] = "1"
    config.stash[_HOLDING] = True


def pytest_unconfigure(config: pytest.Config) -> None:
    if config.stash.get(_HOLDING, False):
        del config.stash[_HOLDING]
        os.environ.pop(pgembed.SUPERVISED_ENV, None)
        pgembed.release()
