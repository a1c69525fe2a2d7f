"""Exports written for the import tests: Oura sleep CSV files of any length, and zips of them."""

from __future__ import annotations

import datetime as dt
import io
import math
import random
import zipfile
from pathlib import Path

HEADER = ("id;day;type;bedtime_start;bedtime_end;average_hrv;lowest_heart_rate;average_heart_rate;"
          "total_sleep_duration;light_sleep_duration;deep_sleep_duration;rem_sleep_duration;awake_time;efficiency")


def oura_rows(nights: int, *, first: dt.date = dt.date(2024, 1, 1), seed: int = 1, offset: int = 0) -> list[str]:
    """One long sleep a night from ``first + offset`` days: RMSSD around 45 ms, lowest HR around 52."""
    rng = random.Random(seed)
    rows = []
    for n in range(offset, offset + nights):
        day = first + dt.timedelta(days=n)
        start = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(23, 10))
        end = dt.datetime.combine(day, dt.time(7, 0))
        rmssd = round(math.exp(rng.gauss(math.log(45), 0.18)), 1)
        low = round(rng.gauss(52, 2.5), 1)
        rows.append(f"night-{n:07d};{day.isoformat()};long_sleep;{start.isoformat()}+00:00;{end.isoformat()}+00:00;"
                    f"{rmssd};{low};{low + 5};25800;13200;5400;7200;2400;91")
    return rows


def oura_csv(path: Path, nights: int, **kwargs: object) -> Path:
    path.write_text("\n".join([HEADER, *oura_rows(nights, **kwargs)]) + "\n", encoding="utf-8")  # type: ignore[arg-type]
    return path


def zip_of(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()
