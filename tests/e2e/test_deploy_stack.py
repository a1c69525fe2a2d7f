"""docs/deploy.md's recipe, run: nginx (TLS) in front of two `attune serve` processes, PostgreSQL and Redis.

The nginx configuration is read from docs/deploy.md itself, with loopback ports, host and a
certificate made here by openssl. nginx runs as the current user with everything in a temporary
folder. Needs nginx (scripts/ensure-nginx.sh), PostgreSQL and Redis (scripts/ensure-services.sh):
without one the test fails and says so, it never skips.
"""

from __future__ import annotations

import asyncio
import getpass
import http.client
import importlib.util
import json
import math
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any, TypeVar

import pytest

pytestmark = pytest.mark.services

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "a calm long passphrase"
SECRET_KEY = "deploy-stack-test-key-" + "x1y2z3" * 8  # long and varied enough for check --deploy
JOURNAL_KEYS = "t1:" + "B" * 43
T = TypeVar("T")


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


services = _load("attune_service_helpers", REPO / "tests" / "web" / "service_helpers.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"nginx exited early:\n{log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("nginx did not start within 30 s")


def documented_nginx_site() -> str:
    """The ```nginx block of docs/deploy.md, exactly as an operator would copy it."""
    text = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```nginx\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) == 1, "docs/deploy.md must hold exactly one nginx block"
    return str(blocks[0])


def _swap(text: str, old: str, new: str, count: int) -> str:
    assert text.count(old) == count, f"docs/deploy.md's nginx block changed: expected {old!r} {count} time(s)"
    return text.replace(old, new)


def make_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


@dataclass
class Stack:
    https_port: int
    http_port: int
    upstream_ports: tuple[int, int]
    cert: Path
    access_log: Path
    servers: list[Any]

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))  # trusts exactly the test's certificate


def _nginx() -> str:
    """Debian's nginx, or a failure that says how to get it (this test never skips)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        pytest.fail("nginx is missing: run scripts/ensure-nginx.sh (make test does) to install Debian's nginx")
    return found


def _start_nginx(tmp: Path, upstream_ports: tuple[int, int], cert: Path, key: Path,
                 https_port: int) -> tuple[subprocess.Popen[bytes], int]:
    """nginx with docs/deploy.md's site on ``https_port`` (and a free http port, returned), until stopped."""
    nginx = _nginx()
    http_port = _free_port()
    site = documented_nginx_site()
    site = _swap(site, "server 127.0.0.1:8001;", f"server 127.0.0.1:{upstream_ports[0]};", 1)
    site = _swap(site, "server 127.0.0.1:8002;", f"server 127.0.0.1:{upstream_ports[1]};", 1)
    site = _swap(site, "listen 80;", f"listen 127.0.0.1:{http_port};", 1)
    site = _swap(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;", 1)
    site = _swap(site, "server_name attune.example.org;", "server_name 127.0.0.1;", 2)
    site = _swap(site, "/etc/ssl/attune/fullchain.pem", str(cert), 1)
    site = _swap(site, "/etc/ssl/attune/privkey.pem", str(key), 1)
    (tmp / "attune-site.conf").write_text(site)
    # What Debian's /etc/nginx/nginx.conf provides, but as this user, in the temporary folder.
    (tmp / "nginx.conf").write_text(f"""
user {getpass.getuser()};
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log notice;
events {{ worker_connections 256; }}
http {{
    log_format upstream '$remote_addr "$request" $status upstream=$upstream_addr';
    access_log {tmp}/access.log upstream;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/attune-site.conf;
}}
""")
    test = subprocess.run([nginx, "-t", "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(tmp / "nginx.conf")],
                          capture_output=True, text=True, check=False)
    assert test.returncode == 0, f"nginx -t refused the documented configuration:\n{test.stderr}"
    proc = subprocess.Popen([nginx, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(tmp / "nginx.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    _wait_for_port(https_port, proc, tmp / "error.log")
    return proc, http_port


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    _nginx()  # before starting anything else
    Server = services.server_class()
    proxy_dir = tmp_path / "nginx"
    proxy_dir.mkdir()
    cert, key = make_certificate(proxy_dir)
    with services.fresh_postgres_database("deploy") as database, services.redis_key_prefix() as prefix:
        servers: list[Any] = []
        nginx: subprocess.Popen[bytes] | None = None
        try:
            https_port = _free_port()
            env = {
                "ATTUNE_PUBLIC_URL": f"https://127.0.0.1:{https_port}",
                "ATTUNE_DATABASE_URL": database,
                "ATTUNE_REDIS_URL": services.REDIS_URL,
                "ATTUNE_REDIS_KEY_PREFIX": prefix,
                "ATTUNE_SECRET_KEY": SECRET_KEY,
                "ATTUNE_JOURNAL_KEYS": JOURNAL_KEYS,
            }
            # One after the other: the first runs the migrations before the second starts.
            for i in range(2):
                data = tmp_path / f"attune-{i}"
                data.mkdir(mode=0o700)
                servers.append(Server(data, extra_env=env))  # each on a free loopback port of its own
            ports = (servers[0].port, servers[1].port)
            nginx, http_port = _start_nginx(proxy_dir, ports, cert, key, https_port)
            yield Stack(https_port, http_port, ports, cert, proxy_dir / "access.log", servers)
        finally:
            if nginx is not None:
                nginx.terminate()
                nginx.wait(10)
            for server in servers:
                server.stop()


class Browser:
    """Just enough of a browser over https: a cookie jar, CSRF, form posts, the certificate trusted."""

    def __init__(self, stack: Stack) -> None:
        self.base = stack.base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), urllib.request.HTTPSHandler(context=stack.tls())
        )

    def cookie(self, name: str) -> Any:
        return next(c for c in self.jar if c.name == name)

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        with self.opener.open(self.base + path, timeout=20) as r:
            return int(r.status), {k.lower(): v for k, v in r.headers.items()}, str(r.read().decode())

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str, str]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.cookie("csrftoken").value}).encode()
        req = urllib.request.Request(self.base + path, data=body, method="POST",
                                     headers={"Referer": self.base + path, "Accept": "application/json"})
        try:
            with self.opener.open(req, timeout=20) as r:
                return int(r.status), str(r.url), str(r.read().decode())
        except urllib.error.HTTPError as exc:
            return exc.code, path, exc.read().decode()


def _in_thread(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on its own event loop in its own thread (Playwright may hold this thread's loop)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = asyncio.run(make())
        except BaseException as exc:  # handed back to the test below
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    if "error" in box:
        raise box["error"]
    assert "value" in box, "the websocket conversation did not finish within 60 s"
    return box["value"]  # type: ignore[no-any-return]


async def _live(stack: Stack, ws_path: str, session: str, groups: list[list[float]]) -> dict[str, Any]:
    """Meet both processes over wss, stream beats through one of them, then finish through the proxy."""
    from websockets.asyncio.client import connect

    url = f"wss://127.0.0.1:{stack.https_port}{ws_path}"
    headers = {"Cookie": f"sessionid={session}"}
    nodes: set[str] = set()
    seq = 0
    for _ in range(8):
        async with connect(url, ssl=stack.tls(), origin=stack.base, additional_headers=headers, proxy=None) as ws:
            welcome = json.loads(await ws.recv())
            assert welcome["type"] == "welcome" and welcome["acked_seq"] == seq, welcome
            nodes.add(welcome["node"])
            for group in groups[seq : seq + len(groups) // 4]:
                seq += 1
                await ws.send(json.dumps({"type": "beats", "seq": seq, "rr_ms": group}))
                assert json.loads(await ws.recv()) == {"type": "ack", "seq": seq}
                assert json.loads(await ws.recv())["type"] == "reading"
        if len(nodes) == 2 and seq == len(groups):
            break
    async with connect(url, ssl=stack.tls(), origin=stack.base, additional_headers=headers, proxy=None) as ws:
        assert json.loads(await ws.recv())["acked_seq"] == len(groups)
        await ws.send(json.dumps({"type": "finish"}))
        finished = json.loads(await ws.recv())
    return {"nodes": nodes, "finished": finished}


def test_the_documented_stack_serves_pages_and_live_sessions_over_https_through_both_processes(
    stack: Stack,
) -> None:
    # Plain http is sent to https by nginx.
    conn = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=10)
    conn.request("GET", "/accounts/login/")
    redirect = conn.getresponse()
    assert redirect.status == 301 and (redirect.getheader("Location") or "").startswith("https://127.0.0.1")
    conn.close()

    browser = Browser(stack)
    status, _, html = browser.get("/accounts/signup/")
    assert status == 200 and "csrfmiddlewaretoken" in html
    assert browser.cookie("csrftoken").secure, "the CSRF cookie must be Secure in deployment mode"
    status, landed, _ = browser.post("/accounts/signup/", {
        "username": "rosa", "display_name": "Rosa", "email": "", "timezone": "UTC",
        "password1": PASSWORD, "password2": PASSWORD,
    })
    assert status == 200 and landed == stack.base + "/", (status, landed)
    assert browser.cookie("sessionid").secure, "the session cookie must be Secure in deployment mode"

    for _ in range(4):  # several requests, so that nginx's turns reach both processes
        status, headers, today = browser.get("/")
        assert status == 200 and "Rosa" in today
        assert headers.get("strict-transport-security") == "max-age=31536000; includeSubDomains"
        assert "content-security-policy" in headers

    status, _, body = browser.post("/live/recordings/start/", {"kind": "free", "pacer_bpm": "6"})
    assert status == 201, body
    started = json.loads(body)
    assert started["ws_url"].startswith(f"wss://127.0.0.1:{stack.https_port}/ws/live/"), started["ws_url"]

    # A recording long enough that its summary is the task worker's (taken from Redis by either
    # process's worker), not the finishing request's.
    rr = [round(850 + 60 * math.sin(2 * math.pi * 0.1 * i * 0.85), 1) for i in range(1616)]
    groups = [rr[i : i + 16] for i in range(0, len(rr), 16)]
    live = _in_thread(lambda: _live(stack, started["ws_path"], browser.cookie("sessionid").value, groups))
    assert len(live["nodes"]) == 2, f"one attune process answered every websocket: {live['nodes']}"
    assert live["finished"]["type"] == "finished", live["finished"]
    summary = live["finished"]["summary"]
    assert summary["beats"] == len(rr) and summary["summarising"] is True, summary
    deadline = time.monotonic() + 60
    page = ""
    while time.monotonic() < deadline:
        _, _, page = browser.get(started["detail_url"])
        if "being summarised" not in page:
            break
        time.sleep(0.5)
    assert "being summarised" not in page, "the worker did not summarise the recording within 60 s"
    assert "ms RMSSD" in page

    # Each process ran Django's deployment checks at start (deployment mode) and had nothing to say.
    for server in stack.servers:
        log = (Path(server.env["ATTUNE_DATA_DIR"]) / "server.log").read_text()
        assert "System check identified no issues" in log and "WARNINGS" not in log, log

    # nginx's log names the attune process behind each request: both served pages.
    upstreams = re.findall(r"upstream=127\.0\.0\.1:(\d+)", stack.access_log.read_text())
    served = {int(port) for port in upstreams}
    assert served == set(stack.upstream_ports), f"requests reached {served}, not both of {stack.upstream_ports}"
