"""A member's data, all of it, as one zip of JSON and CSV.

The contract for every app under ``attune.web``: if the app keeps anything about a member, it has
a module ``data_export`` with

    export_member_data(user) -> dict[str, list[dict[str, Any]]]

that returns table name -> rows for that member and nobody else. Table names are lower-case
words joined by underscores and unique across apps; values are JSON-able (str, int, float, bool,
None, lists and dicts of those). Datetimes may be given as aware ``datetime`` objects (they are
written in ISO 8601 with the member's own offset) or as ISO 8601 strings with an offset.

An app may also define ``delete_member_data(user) -> None`` for anything that deleting the user's
row does not remove by itself (files on disk, for example); account deletion calls it first.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import enum
import importlib
import io
import json
import math
import re
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.utils import timezone

Tables = dict[str, list[dict[str, Any]]]

EXPORT_FORMAT = "attune-export/1"
JSON_NAME = "attune-export.json"
_TABLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
# Cells that a spreadsheet would run as a formula; see OWASP "CSV Injection".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

ABOUT = """\
This is everything attune holds about you, exported at your request.

attune-export.json holds all of it in one file: "tables" maps each kind of record (your profile,
check-ins, practice sessions and so on) to a list of rows. Every time is written in ISO 8601 with
its offset from UTC, in your own time zone. Empty values are null.

Each table is also here as a CSV file (UTF-8, comma-separated, a header row first) that opens in a
spreadsheet. In the CSV files, lists and nested values are written as JSON text, and a text cell
that starts with = + - or @ gets a leading apostrophe so a spreadsheet shows it instead of running
it. The JSON file is always exact.

Your password is not included, not even in scrambled form.
"""

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def member_data_modules() -> Iterator[ModuleType]:
    """The ``data_export`` module of every attune app that has one, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if not config.name.startswith("attune.web."):
            continue
        module_name = f"{config.name}.data_export"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        yield module


def values_of(record: object, names: Iterable[str]) -> dict[str, object]:
    """``record``'s attributes ``names``, keyed by name, in order: a row of the export, or part of a payload."""
    return {name: getattr(record, name) for name in names}


def to_jsonable(value: Any, zone: dt.tzinfo) -> Any:
    """Turn one exported value into plain JSON data; datetimes in ``zone`` with their offset."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime):
        aware = value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(zone).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value, zone)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v, zone) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v, zone) for v in value]
    raise TypeError(f"cannot export a value of type {type(value).__name__}; give plain JSON data instead")


def collect_member_data(user: User) -> Tables:
    """Every table every app keeps for ``user``, as plain JSON data."""
    zone = user.zone
    tables: Tables = {}
    for module in member_data_modules():
        provided = module.export_member_data(user)
        for name, rows in provided.items():
            if not _TABLE_NAME.fullmatch(name):
                raise ValueError(f"{module.__name__}: table name {name!r} must be lower-case words joined by _")
            if name in tables:
                raise ValueError(f"{module.__name__}: another app already exports a table named {name!r}")
            tables[name] = [{str(k): to_jsonable(v, zone) for k, v in row.items()} for row in rows]
    return tables


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    return str(value)


def table_csv(rows: list[dict[str, Any]]) -> str:
    """One table as CSV text: a header with every column that any row has, then the rows."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    buffer = io.StringIO(newline="")
    if not columns:
        return ""
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(columns))
    for row in rows:
        writer.writerow([_csv_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def export_filename(user: User, day: dt.date | None = None) -> str:
    day = day or timezone.localdate(timezone=user.zone)
    return f"attune-export-{user.get_username()}-{day.isoformat()}.zip"


def build_export(user: User, now: dt.datetime | None = None) -> bytes:
    """The member's whole export as the bytes of a zip file."""
    zone = user.zone
    moment = (now or timezone.now()).astimezone(zone)
    tables = collect_member_data(user)
    document = {
        "format": EXPORT_FORMAT,
        "exported_at": moment.isoformat(),
        "username": user.get_username(),
        "time_zone": str(getattr(user, "timezone", "UTC")),
        "about": ABOUT,
        "tables": tables,
    }
    stamp = moment.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, text: str) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, text.encode("utf-8"))

        add("README.txt", ABOUT)
        add(JSON_NAME, json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n")
        for name, rows in tables.items():
            add(f"{name}.csv", table_csv(rows))
        # Apps may add whole files too (recordings as RR text files, for example).
        for module in member_data_modules():
            files = getattr(module, "export_member_files", None)
            if files is not None:
                for name, text in files(user).items():
                    add(name, text)
    return buffer.getvalue()
