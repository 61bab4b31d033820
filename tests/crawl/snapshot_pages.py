"""Snapshot of every page each demo user can reach by following links: status, type and
visible text. Run before and after a change that must not alter what the app does, then
compare the two files (issue 18's proof that a refactor moved code without changing pages):

    CRAWL_OUT=/tmp/before.json python -m workforce.platform.pgembed run -- \
        python -m pytest -p no:cacheprovider tests/crawl/snapshot_pages.py

Not collected by the suite (the file name does not start with test_): it is a tool.
"""

import hashlib
import html
import json
import os
import re
from collections import deque

import pytest
from django.core.management import call_command
from django.test import Client

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/accounts/logout/", "/accounts/two-factor/cancel/", "/admin/logout/")
HIDDEN = re.compile(r"<(script|style|svg)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
MAX_PAGES = 600


def visible_text(body: str) -> str:
    text = TAG.sub(" ", HIDDEN.sub(" ", body))
    return " ".join(html.unescape(text).split())


def crawl(client) -> dict[str, dict]:
    pages, queue = {}, deque(["/"])
    while queue and len(pages) < MAX_PAGES:
        path = queue.popleft()
        if path in pages or path.startswith(SKIP):
            continue
        response = client.get(path)
        body = b"".join(response) if response.streaming else response.content
        kind = response.get("Content-Type", "").split(";")[0]
        page = {"status": response.status_code, "type": kind}
        if kind == "text/html":
            text = body.decode("utf-8", errors="replace")
            page["text"] = visible_text(text)
            if response.status_code == 200:
                queue.extend(p.replace("&amp;", "&") for p in HREF.findall(text))
        else:
            page["sha256"] = hashlib.sha256(body).hexdigest()
            page["bytes"] = len(body)
        if response.status_code in (301, 302):
            page["location"] = response["Location"]
        pages[path] = page
    return pages


@pytest.mark.slow
def test_snapshot(db, settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    from django.contrib.auth import get_user_model

    out = os.environ.get("CRAWL_OUT")
    if not out:
        pytest.fail("set CRAWL_OUT to the file the snapshot is written to")
    call_command("seed_demo", verbosity=0)
    snapshot = {}
    for user in get_user_model().objects.order_by("username"):
        client = Client()
        client.force_login(user)
        snapshot[user.username] = crawl(client)
    with open(out, "w") as f:
        json.dump(snapshot, f, indent=1, sort_keys=True)
    assert all(len(pages) > 3 for pages in snapshot.values())
