"""Fuzzing every URL attune serves with generated bodies: never a 500, never an outsider's 2xx.

The URLs come from the resolver, so a new view is fuzzed without anyone listing it (and this file
fails until tests/web/fuzz_helpers.py knows the arguments that reach its object). Each URL gets
requests built by hypothesis, with a fixed seed and a bounded number of examples:

- the fields of the forms its view uses (found in the view's source), or of any form, or names
  nobody uses, with valid values, wrong types, NUL bytes, 400-digit integers, NaN, unicode;
- the same fields as a JSON object, arbitrary JSON nested to any depth, or NaN in raw JSON text;
- urlencoded, multipart (with files), JSON, or raw bytes under a wrong content type or charset;
- POST mostly, GET with a hostile query string, and methods no view takes.

Each request goes out as an anonymous visitor, the member who owns the objects, their guide and
an outsider (a guide who owns nothing here), inside a savepoint that is rolled back, so one
example's delete does not starve the next. No answer may be a 5xx; an outsider (and a visitor)
may never get a 2xx on a URL that names someone else's object.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import get_resolver, reverse
from fuzz_helpers import (
    World,
    asgi_request,
    build_world,
    record_cases,
    requests_in_this_thread,  # noqa: F401  (fixture)
    url_for,
    url_names,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from journal_helpers import journal_keys  # noqa: F401  (fixture)
from live_helpers import session_cookie

import attune.web

pytestmark = pytest.mark.usefixtures("journal_keys")

#: Examples per URL; each example is sent as four personas. The suite's time is about linear in it.
#: ATTUNE_FUZZ_EXAMPLES=200 runs a deeper, randomised search (docs/security.md, "Fuzzing").
EXAMPLES_PER_URL = int(os.environ.get("ATTUNE_FUZZ_EXAMPLES", "6"))
DERANDOMIZE = "ATTUNE_FUZZ_EXAMPLES" not in os.environ

#: URLs whose object an outsider may legitimately reach: public pages, and links whose secret is
#: the token or code in the URL itself (whoever holds it may use it).
PUBLIC = {
    "accounts:password_reset_confirm",
    "practices:detail",
    "practices:player",
    "workbooks:detail",
    "workbooks:enrol",
    "workbooks:join",
    "rooms:join_link",
    "rooms:workshop",
    "rooms:enrol",
    "rooms:cancel",
    "retreats:detail",
    "retreats:apply",
    "retreats:feed",
}


def _attune_forms() -> dict[str, type[forms.BaseForm]]:
    """Every form class attune defines, by class name."""
    for info in pkgutil.walk_packages(attune.web.__path__, "attune.web."):
        if info.name.endswith(".forms"):
            importlib.import_module(info.name)
    found: dict[str, type[forms.BaseForm]] = {}
    todo: list[type[Any]] = [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("attune.web."):
            found[cls.__name__] = cls
    return found


FORMS = _attune_forms()


def _forms_of_view(callback: Callable[..., Any]) -> list[type[forms.BaseForm]]:
    """The attune forms named in the view's source (and in the module's helpers it calls by name)."""
    try:
        source = inspect.getsource(inspect.unwrap(callback))
    except (OSError, TypeError):
        return []
    return [FORMS[name] for name in sorted(set(re.findall(r"\b(\w+Form)\b", source))) if name in FORMS]


# Values ---------------------------------------------------------------------------------------

HUGE = ["9" * 400, "-" + "9" * 400, "99999999999999999999", str(2**63), str(-(2**63) - 1), "2147483648"]
ODD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "-1",
    "0",
    "0x10",
    "1_000",
    "4.5",
    "true",
    "null",
    "[]",
    "{}",
    "on",
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "25:61",
    "abc",
    "../../etc/passwd",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "<script>x</script>",
    "\u202e\u200b\ufeff",
    "\U0001f600" * 50,
    "x" * 5000,
]
KEYS = ["next", "csrfmiddlewaretoken", "messages", "seq", "rr_ms", "sent_ms", "type", "kind", "q", "page", "day"]

texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
hostile = st.one_of(st.sampled_from(HUGE + ODD), texts, st.integers().map(str))


def _choices(field: forms.Field) -> list[str]:
    out: list[str] = []
    try:
        for value, label in getattr(field, "choices", []):
            if isinstance(label, list | tuple):
                out += [str(v) for v, _ in label]
            else:
                out.append(str(value))
    except Exception:
        return []
    return out


def _valid(field: forms.Field) -> st.SearchStrategy[str]:
    """Values a browser could send for ``field``: right type, mostly in range."""
    if isinstance(field, forms.ModelChoiceField):
        return st.integers(0, 5).map(str)
    if choices := _choices(field):
        return st.sampled_from(choices)
    if isinstance(field, forms.IntegerField):
        low = field.min_value if isinstance(field.min_value, int) else -5
        high = field.max_value if isinstance(field.max_value, int) else 100
        return st.integers(low, max(low, high)).map(str)
    if isinstance(field, forms.FloatField | forms.DecimalField):
        return st.floats(-1000, 1000, allow_nan=False).map(lambda x: f"{x:.3f}")
    if isinstance(field, forms.DateTimeField):
        return st.datetimes().map(lambda d: d.isoformat(" ", "minutes"))
    if isinstance(field, forms.DateField):
        return st.dates().map(lambda d: d.isoformat())
    if isinstance(field, forms.TimeField):
        return st.times().map(lambda t: t.strftime("%H:%M"))
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "true", "false"])
    if isinstance(field, forms.EmailField):
        return st.sampled_from(["olive@example.test", "x@y", "ünï@exämple.test"])
    return texts


def _field_value(field: forms.Field) -> st.SearchStrategy[Any]:
    one = st.one_of(_valid(field), _valid(field), hostile)
    return st.one_of(one, one, one, st.lists(one, min_size=2, max_size=3))


@st.composite
def _fields(draw: st.DrawFn, own: list[type[forms.BaseForm]]) -> dict[str, Any]:
    """A set of fields: a form's (own or any), each valid or hostile, some dropped, some added."""
    mine = bool(own) and draw(st.integers(0, 2)) > 0  # two times in three, a form of the view itself
    form = draw(st.sampled_from(own if mine else list(FORMS.values())))
    data: dict[str, Any] = {}
    for name, field in form.base_fields.items():
        if isinstance(field, forms.FileField):
            continue
        if draw(st.integers(0, 9)) > 0:  # now and then a field is missing
            data[name] = draw(_field_value(field))
    for _ in range(draw(st.integers(0, 2))):
        data[draw(st.one_of(st.sampled_from(KEYS), texts))] = draw(hostile)
    return data


def _files(form_fields: dict[str, Any], own: list[type[forms.BaseForm]]) -> st.SearchStrategy[dict[str, Any]]:
    names = sorted({n for f in own for n, fl in f.base_fields.items() if isinstance(fl, forms.FileField)} | {"file"})
    upload = st.builds(
        lambda name, content: SimpleUploadedFile(name, content),
        st.sampled_from(["a.zip", "a.csv", "export.xml", "x\x00.zip", "../../a.zip", "é.json", ""]).filter(bool),
        st.one_of(st.binary(max_size=300), st.just(b"PK\x03\x04" + b"\x00" * 40)),
    )
    return st.dictionaries(st.sampled_from(names), upload, max_size=2).map(lambda f: {**form_fields, **f})


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from([10**400, -(10**400), 2**63, 2**31]),
        st.floats(allow_nan=False, allow_infinity=False),
        texts,
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)),
    max_leaves=12,
)


def _raw_json() -> st.SearchStrategy[bytes]:
    def nested(n: int) -> st.SearchStrategy[str]:
        lists, objects = "[" * n + "]" * n, '{"a":' * n + "1" + "}" * n
        return st.sampled_from([lists, objects, '{"messages": ' + lists + "}"])

    deep = st.integers(1, 5).map(lambda k: 10**k).flatmap(nested)
    return st.one_of(
        deep,
        st.sampled_from(['{"x": NaN}', '{"seq": Infinity}', "[1,", "", "null", '"text"', "\x00", '{"a":1}garbage']),
    ).map(str.encode)


def _beats_json() -> st.SearchStrategy[Any]:
    number = st.one_of(st.floats(), st.integers(), st.sampled_from([10**400, 800, 800.5]), texts, st.none())
    message = st.fixed_dictionaries(
        {"seq": number, "rr_ms": st.one_of(st.lists(number, max_size=20), number)},
        optional={"sent_ms": number, "type": st.sampled_from(["beats", "ping", "x"])},
    )
    return st.fixed_dictionaries({"messages": st.one_of(st.lists(message, max_size=5), json_values)})


CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/json",
    "multipart/form-data",
    "multipart/form-data; boundary=BoUnDaRy",
    "text/plain",
    "application/xml",
    "application/octet-stream",
    "",
]
CHARSETS = ["", "; charset=utf-8", "; charset=latin-1", "; charset=utf-16", "; charset=rot13", "; charset=zlib",
            "; charset=no-such-codec", "; charset=", "; charset=UTF-8", "; charset=utf8", "; charset=us-ascii"]


@st.composite
def requests(draw: st.DrawFn, own: list[type[forms.BaseForm]]) -> dict[str, Any]:
    """One request: method, query string, and a body with its content type (or form data)."""
    method = draw(st.sampled_from(["POST"] * 6 + ["GET"] * 2 + ["PUT", "DELETE"]))
    query = ""
    if draw(st.booleans()):
        query = "?" + urlencode(draw(st.dictionaries(st.sampled_from(KEYS), hostile, max_size=3)), doseq=True)
    if method == "GET":
        params = draw(_fields(own))
        return {"method": "GET", "query": "?" + urlencode(params, doseq=True) if params else query}
    kind = draw(st.sampled_from(["form", "form", "multipart", "json", "json", "raw", "beats"]))
    fields = draw(_fields(own))
    if kind == "form":
        return {"method": method, "query": query, "body": urlencode(fields, doseq=True).encode(),
                "content_type": "application/x-www-form-urlencoded" + draw(st.sampled_from(CHARSETS[:3]))}
    if kind == "multipart":
        return {"method": method, "query": query, "data": draw(_files(fields, own))}
    if kind == "json":
        body = draw(st.one_of(st.just(fields), json_values))
        return {"method": method, "query": query, "body": json.dumps(body).encode(),
                "content_type": "application/json" + draw(st.sampled_from(CHARSETS[:2]))}
    if kind == "beats":
        return {"method": method, "query": query, "body": json.dumps(draw(_beats_json())).encode(),
                "content_type": "application/json"}
    body = draw(st.one_of(_raw_json(), st.binary(max_size=200), st.just(urlencode(fields, doseq=True).encode())))
    content_type = draw(st.sampled_from(CONTENT_TYPES)) + draw(st.sampled_from(CHARSETS))
    return {"method": method, "query": query, "body": body, "content_type": content_type}


@pytest.fixture
def world(owner: Any, guide: Any, other: Any) -> World:
    return build_world(owner, guide, other)


def _personas(world: World) -> dict[str, str]:
    """A Cookie header's session part for each persona."""
    cookies = {"anonymous": ""}
    for label, user in (("owner", world.owner), ("guide", world.guide), ("outsider", world.outsider)):
        cookies[label] = session_cookie(user).decode()
    return cookies


def _fuzz_url(personas: dict[str, str], url: str, own: list[Any], private: bool, sent: list[int]) -> None:
    """Hypothesis's examples for one URL, each sent as every persona inside a rolled-back savepoint."""

    @settings(
        max_examples=EXAMPLES_PER_URL,
        derandomize=DERANDOMIZE,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(req=requests(own))
    def fuzz(req: dict[str, Any]) -> None:
        for label, cookie in personas.items():
            with transaction.atomic():
                status, body = asgi_request(cookie, url, req)
                transaction.set_rollback(True)
            sent[0] += 1
            assert status < 500, f"{label} {req['method']} {url}: {status} {body[:300]!r}"
            if private and label in {"anonymous", "outsider"}:
                assert not 200 <= status < 300, f"{label} got {status} on {url}"

    fuzz()


@pytest.mark.usefixtures("requests_in_this_thread")
def test_every_url_survives_generated_requests_from_every_persona(world: World, request: Any) -> None:
    personas = _personas(world)
    targets = [
        (name, url_for(name, pattern, world.args), _forms_of_view(pattern.callback), bool(pattern.pattern.converters))
        for name, pattern in url_names(get_resolver().url_patterns)
    ]
    targets.append(("admin:login", "/admin/login/", [FORMS["LoginForm"]], False))
    assert len(targets) > 90  # every URL of the app, not a sample
    sent = [0]
    failures: list[str] = []
    for name, url, own, names_an_object in targets:
        try:
            _fuzz_url(personas, url, own, names_an_object and name not in PUBLIC, sent)
        except AssertionError as exc:
            failures.append(f"{name}: {exc}")
    record_cases(request, "HTTP requests", sent[0])
    assert not failures, "\n".join(failures)



@pytest.mark.usefixtures("requests_in_this_thread")
# A request that ends in a 500 leaves Django's spooled body for the garbage collector to close.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_fuzzer_notices_a_500(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from attune.web.middleware import RefuseUnreadableCharsetMiddleware

    def broken(self: Any, request: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(RefuseUnreadableCharsetMiddleware, "__call__", broken)
    with pytest.raises(AssertionError, match=r": 500 "):
        _fuzz_url(_personas(world), "/accounts/login/", [], False, [0])


@pytest.mark.usefixtures("requests_in_this_thread")
def test_the_fuzzer_notices_a_2xx_for_an_outsider(world: World) -> None:
    with pytest.raises(AssertionError, match=r"anonymous got 200"):
        _fuzz_url(_personas(world), "/accounts/login/", [], True, [0])


@pytest.mark.usefixtures("requests_in_this_thread")
def test_the_personas_are_who_they_say_through_the_asgi_stack(world: World) -> None:
    personas = _personas(world)
    checkin = reverse("checkins:detail", kwargs=world.args["checkins:"])
    cohort = reverse("workbooks:cohort", kwargs={"pk": world.args["workbooks:cohort"]["pk"]})
    get = {"method": "GET", "query": ""}
    assert asgi_request(personas["owner"], checkin, get)[0] == 200
    assert asgi_request(personas["guide"], cohort, get)[0] == 200
    assert asgi_request(personas["outsider"], checkin, get)[0] == 404
    assert asgi_request(personas["outsider"], cohort, get)[0] == 404
    assert asgi_request(personas["anonymous"], checkin, get)[0] == 302
