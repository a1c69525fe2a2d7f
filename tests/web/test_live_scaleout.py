"""Two `attune serve` processes on PostgreSQL and Redis: live beats through both, stored once.

Needs the local PostgreSQL (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379). If either is
not reachable the test fails and says so: it never skips.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from live_helpers import chunks, paced_rr
from numpy.testing import assert_allclose
from service_helpers import REDIS_URL, fresh_postgres_database, redis_key_prefix, server_class

from attune.core import clean_rr, time_domain

pytestmark = pytest.mark.services

PASSWORD = "a calm long passphrase"


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[Any]:
    # A fresh Redis key prefix per run: login counters from an earlier run never lock this one out.
    with fresh_postgres_database("scaleout") as database, redis_key_prefix() as prefix:
        server = server_class()(
            tmp_path,
            extra_env={"ATTUNE_DATABASE_URL": database, "ATTUNE_REDIS_URL": REDIS_URL,
                       "ATTUNE_REDIS_KEY_PREFIX": prefix},
            processes=2,
        )
        yield server
        server.stop()


class Browser:
    """Just enough of a browser: a cookie jar, CSRF, form posts."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name and c.value is not None)

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=20) as r:
            return str(r.read().decode())

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.cookie("csrftoken")}).encode()
        req = urllib.request.Request(self.base + path, data=body, method="POST",
                                     headers={"Referer": self.base + path, "Accept": "application/json"})
        try:
            with self.opener.open(req, timeout=20) as r:
                return int(r.status), str(r.read().decode())
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def sign_in(self, username: str) -> None:
        html = self.get("/accounts/login/")
        assert "csrfmiddlewaretoken" in html
        status, _ = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert status in (200, 302) and any(c.name == "sessionid" for c in self.jar), "signing in failed"


async def _stream(ws_url: str, cookie: str, groups: list[list[float]], first_seq: int) -> tuple[str, list[Any]]:
    from websockets.asyncio.client import connect

    async with connect(ws_url, origin=ws_url.replace("ws://", "http://").split("/ws/")[0],
                       additional_headers={"Cookie": f"sessionid={cookie}"}, proxy=None) as ws:
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome" and welcome["acked_seq"] == first_seq - 1, welcome
        readings = []
        for seq, group in enumerate(groups, start=first_seq):
            await ws.send(json.dumps({"type": "beats", "seq": seq, "rr_ms": group}))
            ack = json.loads(await ws.recv())
            assert ack == {"type": "ack", "seq": seq}, ack
            readings.append(json.loads(await ws.recv()))
        # The first message again, as a browser that missed an ack would: acked, not counted.
        await ws.send(json.dumps({"type": "beats", "seq": first_seq, "rr_ms": groups[0]}))
        assert json.loads(await ws.recv())["duplicate"] is True
        return welcome["node"], readings


async def _finish(ws_url: str, cookie: str) -> dict[str, Any]:
    from websockets.asyncio.client import connect

    async with connect(ws_url, origin=ws_url.replace("ws://", "http://").split("/ws/")[0],
                       additional_headers={"Cookie": f"sessionid={cookie}"}, proxy=None) as ws:
        json.loads(await ws.recv())
        await ws.send(json.dumps({"type": "finish"}))
        finished = json.loads(await ws.recv())
        assert finished["type"] == "finished", finished
        return dict(finished["summary"])


def test_two_processes_share_live_recordings_through_postgresql_and_redis(two_processes: Any) -> None:
    server = two_processes
    server.manage("shell", "-c", (
        "from django.contrib.auth import get_user_model as g; "
        f"g().objects.create_user('sam', 'sam@example.test', '{PASSWORD}')"
    ))
    browser = Browser(server.url)
    browser.sign_in("sam")
    status, body = browser.post("/live/recordings/start/", {"kind": "free", "pacer_bpm": "6"})
    assert status == 201, body
    started = json.loads(body)
    ws_url = f"ws://127.0.0.1:{server.port}{started['ws_path']}"
    cookie = browser.cookie("sessionid")

    rr = paced_rr(150, seed=11)
    groups = chunks(rr, 3)
    nodes: set[str] = set()
    readings: list[Any] = []
    # Reconnect in slices until both processes have served this recording (uvicorn's workers share
    # one listening socket, so which one answers is up to the kernel).
    slices = np.array_split(np.arange(len(groups)), 10)
    for part in slices:
        node, got = asyncio.run(_stream(ws_url, cookie, [groups[i] for i in part], int(part[0]) + 1))
        nodes.add(node)
        readings += got
    attempts = 0
    while len(nodes) < 2 and attempts < 40:  # more connections, no beats, just to meet both processes
        attempts += 1
        nodes.add(asyncio.run(_hello(ws_url, cookie)))
    assert len(nodes) == 2, f"only one server process answered: {nodes}"

    assert [r["beat"] for r in readings] == list(np.cumsum([len(g) for g in groups]))
    assert readings[-1]["calibrating"] is False
    summary = asyncio.run(_finish(ws_url, cookie))
    expected = time_domain(clean_rr(rr).nn_ms)
    assert summary["beats"] == rr.size
    assert_allclose(summary["rmssd_ms"], expected.rmssd_ms, rtol=1e-9)

    rr_text = browser.get(f"/physio/recordings/{started['id']}/rr.txt")
    stored = np.array([float(x) for x in rr_text.splitlines() if x and not x.startswith("#")])
    np.testing.assert_array_equal(stored, rr)
    page = browser.get(f"/physio/recordings/{started['id']}/")
    assert re.search(rf"{expected.rmssd_ms:.1f}", page)


async def _hello(ws_url: str, cookie: str) -> str:
    from websockets.asyncio.client import connect

    async with connect(ws_url, origin=ws_url.replace("ws://", "http://").split("/ws/")[0],
                       additional_headers={"Cookie": f"sessionid={cookie}"}, proxy=None) as ws:
        return str(json.loads(await ws.recv())["node"])


def test_two_processes_count_failed_logins_together(two_processes: Any) -> None:
    """Failed logins are counted in the database (django-axes): a lock earned on one process holds on the other."""
    server = two_processes
    username = f"robin{secrets.token_hex(3)}"
    server.manage("shell", "-c", (
        "from django.contrib.auth import get_user_model as g; "
        f"g().objects.create_user('{username}', 'r@example.test', '{PASSWORD}')"
    ))
    browser = Browser(server.url)
    browser.get("/accounts/login/")
    for attempt in range(1, 6):  # ATTUNE_LOGIN_FAILURE_LIMIT's default is 5: the fifth failure starts the pause
        status, body = browser.post("/accounts/login/", {"username": username, "password": "not it at all"})
        assert (status == 429) is (attempt == 5), (attempt, status)
    # Whichever process answers now, the right password is held back until the pause ends.
    for _ in range(4):
        status, body = browser.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert "Too many tries" in body, body[:400]
    # The failures are rows in the shared database, not counts in one process's memory.
    count = server.manage("shell", "-c", (
        f"from axes.models import AccessAttempt as A; print(A.objects.filter(username='{username}').count())"
    ))
    assert count.strip().splitlines()[-1] == "1", count
