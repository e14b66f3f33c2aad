"""Business-hours clocks: schedules as data, and durations counted only while support is open.

Helpdesks measure SLA targets on a *schedule*: weekly open hours in a time zone, minus
holidays (Zendesk schedules, Freshdesk business hours). A schedule is a small mapping,
written in YAML or passed as a dict::

    timezone: Europe/Berlin
    hours:                      # days not listed are closed
      mon: ["09:00", "18:00"]
      fri: [["09:00", "12:00"], ["13:00", "17:00"]]   # several intervals: a lunch break
    holidays: ["2026-12-25", "2026-12-26"]             # closed all day

Open hours are wall-clock hours in the schedule's zone, so 09:00-18:00 stays 09:00-18:00
across daylight-saving changes; what is counted is the real time elapsed inside them (a
Sunday open 00:00-24:00 on the spring-forward day holds 23 hours).

Several schedules chosen per ticket by rules on ticket columns (first matching rule wins)::

    schedules: {standard: {...}, premium: {...}}
    rules:
      - when: {priority: urgent}
        schedule: premium
      - when: {organization_id: [ACME, Globex], team: Billing}   # all keys must match; a list is any-of
        schedule: premium
    default: standard

:func:`business_minutes` counts business minutes between two instants; :func:`business_times`
gives per ticket the first reply and resolution times on a schedule (or rule set);
``docs/business-hours.md`` describes the files.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from toolkit.errors import ConfigError, DataError
from toolkit.notes import add_note, with_notes
from toolkit.notes import notes as notes_of
from toolkit.ops.facts import first_resolution_minutes, resolution_minutes
from toolkit.schema import has_values
from toolkit.validation import SEGMENT_COLUMNS, check_table, check_tz

__all__ = ["DAYS", "Schedule", "ScheduleRules", "ScheduleSpec", "business_minutes", "business_times",
           "load_schedule", "load_schedules"]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Day names in ``hours``, Monday first (pandas' and numpy's weekday numbering)."""

RULE_COLUMNS = SEGMENT_COLUMNS
"""Ticket columns a rule's ``when`` may test."""

DEFAULT_NAME = "business hours"
"""The name of a schedule given as a dict without ``name`` (a file's is its stem)."""

_NS_PER_MINUTE = 60 * 10**9
_NS_PER_DAY = 24 * 60 * _NS_PER_MINUTE
_TIME = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")
_SCHEDULE_KEYS = ("name", "timezone", "hours", "holidays")
_RULES_KEYS = ("schedules", "rules", "default")


@dataclass(frozen=True)
class Schedule:
    """Weekly open hours in a time zone, with whole-day holidays; build it with :func:`load_schedule`.

    ``hours`` holds, per weekday (Monday first), the open intervals as (opening, closing)
    minutes after local midnight; ``holidays`` the closed local dates (sorted).
    """

    name: str
    timezone: str
    hours: tuple[tuple[tuple[int, int], ...], ...]
    holidays: tuple[dt.date, ...] = ()

    def describe(self) -> str:
        """One line for notes: ``Mon-Fri 09:00-18:00, Europe/Berlin, 2 holidays``."""
        runs, start = [], 0
        for day in range(1, 8):  # group consecutive days with the same hours
            if day == 7 or self.hours[day] != self.hours[start]:
                if self.hours[start]:
                    days = DAYS[start].title() + (f"-{DAYS[day - 1].title()}" if day - 1 > start else "")
                    times = ", ".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in self.hours[start])
                    runs.append(f"{days} {times}")
                start = day
        extra = f", {len(self.holidays)} holiday{'s' if len(self.holidays) != 1 else ''}" if self.holidays else ""
        return f"{'; '.join(runs)}, {self.timezone}{extra}"


@dataclass(frozen=True)
class Rule:
    """Tickets whose columns match every ``when`` entry (any of the listed values) use ``schedule``."""

    when: tuple[tuple[str, tuple[str, ...]], ...]
    schedule: str


@dataclass(frozen=True)
class ScheduleRules:
    """Named schedules and the rules that pick one per ticket; build it with :func:`load_schedules`."""

    schedules: Mapping[str, Schedule]
    rules: tuple[Rule, ...]
    default: str

    def assign(self, tickets: pd.DataFrame) -> pd.Series:
        """The schedule name for each ticket (first matching rule, else the default)."""
        names = pd.Series(self.default, index=tickets.index, dtype="object")
        decided = np.zeros(len(tickets), dtype=bool)
        for rule in self.rules:
            match = ~decided
            for column, values in rule.when:
                if column not in tickets.columns:  # never matches; business_times says so in a note
                    match = np.zeros(len(tickets), dtype=bool)
                    break
                match &= tickets[column].astype("str").isin(values).to_numpy() & tickets[column].notna().to_numpy()
            names[match] = rule.schedule
            decided |= match
        return names

    def describe(self) -> str:
        """One line for notes: each schedule's name and hours."""
        return "; ".join(f"{name} ({plan.describe()})" for name, plan in sorted(self.schedules.items()))


ScheduleSpec = ScheduleRules | Schedule | Mapping | str | os.PathLike
"""What a ``schedule`` argument accepts: loaded objects, a dict, or the path of a YAML file."""


# --------------------------------------------------------------------------- loading and validation

def load_schedule(schedule: Schedule | Mapping | str | os.PathLike, *, key: str = "schedule") -> Schedule:
    """A validated :class:`Schedule` from a dict, a YAML file path or a Schedule (returned as is).

    Raises
    ------
    ConfigError : naming the file and key (``hours.mon``, ``holidays[2]``) and the fix.
    """
    if isinstance(schedule, Schedule):
        return schedule
    data, file = _read(schedule, key)
    if isinstance(data, Mapping) and "schedules" in data:
        raise ConfigError("holds several schedules chosen by rules, where one schedule is expected", file=file,
                          key=key, fix="pass one schedule here, or the rules file to business_times / sla_attainment")
    return _schedule(data, file=file, prefix="", name=Path(file).stem if file else DEFAULT_NAME)


def load_schedules(schedule: ScheduleSpec, *, key: str = "schedule") -> ScheduleRules:
    """Schedules and the rules choosing one per ticket, from a dict, a YAML file path or loaded objects.

    A plain schedule (no ``schedules`` key) becomes a rule set with that one schedule for
    every ticket. ``rules`` are tried in order; ``default`` names the schedule for tickets no
    rule matches (optional when there is one schedule).
    """
    if isinstance(schedule, ScheduleRules):
        return schedule
    if isinstance(schedule, Schedule):
        return ScheduleRules({schedule.name: schedule}, (), schedule.name)
    data, file = _read(schedule, key)
    if not (isinstance(data, Mapping) and "schedules" in data):
        plan = _schedule(data, file=file, prefix="", name=Path(file).stem if file else DEFAULT_NAME)
        return ScheduleRules({plan.name: plan}, (), plan.name)
    _no_unknown_keys(data, _RULES_KEYS, file, "")
    named = data["schedules"]
    if not isinstance(named, Mapping) or not named:
        raise ConfigError("must map schedule names to schedules", file=file, key="schedules",
                          fix="write e.g. schedules: {standard: {timezone: Europe/Berlin, hours: {...}}}")
    schedules = {str(name): _schedule(spec, file=file, prefix=f"schedules.{name}.", name=str(name))
                 for name, spec in named.items()}
    default = data.get("default")
    if default is None:
        if len(schedules) > 1:
            raise ConfigError("no default schedule for tickets no rule matches", file=file, key="default",
                              fix=f"add default: one of {', '.join(schedules)}")
        default = next(iter(schedules))
    _known_schedule(default, schedules, file, "default")
    raw_rules = data.get("rules") or []
    if not isinstance(raw_rules, list):
        raise ConfigError("must be a list of rules", file=file, key="rules",
                          fix="write rules: [{when: {priority: urgent}, schedule: premium}]")
    rules = tuple(_rule(raw, i, schedules, file) for i, raw in enumerate(raw_rules))
    return ScheduleRules(schedules, rules, str(default))


def _read(schedule: Any, key: str) -> tuple[Any, str | None]:
    """The schedule data and the file it came from (None for a dict)."""
    if isinstance(schedule, Mapping):
        return schedule, None
    if not isinstance(schedule, str | os.PathLike):
        raise ConfigError(f"a schedule must be a dict or the path of a YAML file, got {type(schedule).__name__}",
                          key=key, fix="pass e.g. {'timezone': 'Europe/Berlin', 'hours': {'mon': ['09:00', '18:00']}}")
    file = Path(schedule)
    if not file.is_file():
        raise ConfigError("schedule file not found", file=str(file), key=key,
                          fix="pass the path of a YAML schedule (see docs/business-hours.md)")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"is not valid YAML: {problem}{where}", file=str(file),
                          fix="check the indentation and quoting around that line") from None
    except UnicodeDecodeError:
        raise ConfigError("is not a UTF-8 text file", file=str(file), fix="save the schedule as UTF-8 YAML") from None
    return data, str(file)


def _no_unknown_keys(data: Mapping, allowed: tuple[str, ...], file: str | None, prefix: str) -> None:
    for name in data:
        if name not in allowed:
            raise ConfigError(f"unknown key {name!r}", file=file, key=f"{prefix}{name}",
                              fix=f"use {', '.join(allowed)}")


def _schedule(data: Any, *, file: str | None, prefix: str, name: str) -> Schedule:
    where = prefix.rstrip(".") or None
    if not isinstance(data, Mapping):
        raise ConfigError("a schedule must be a mapping with timezone, hours and holidays", file=file, key=where,
                          fix="write e.g. {timezone: Europe/Berlin, hours: {mon: ['09:00', '18:00']}}")
    _no_unknown_keys(data, _SCHEDULE_KEYS, file, prefix)
    for required in ("timezone", "hours"):
        if required not in data:
            raise ConfigError(f"the schedule has no {required}", file=file, key=f"{prefix}{required}",
                              fix="add timezone: Europe/Berlin (an IANA name)" if required == "timezone"
                              else "add hours: {mon: ['09:00', '18:00'], ...} (days not listed are closed)")
    try:
        tz = check_tz(data["timezone"], key=f"{prefix}timezone")
    except ConfigError as exc:
        raise ConfigError(exc.problem, fix=exc.fix, file=file, key=exc.key) from None
    hours = data["hours"]
    if not isinstance(hours, Mapping):
        raise ConfigError("hours must map day names to [opening, closing] times", file=file, key=f"{prefix}hours",
                          fix="write e.g. hours: {mon: ['09:00', '18:00']}")
    week: list[tuple[tuple[int, int], ...]] = [()] * 7
    for day, spec in hours.items():
        day_key = f"{prefix}hours.{day}"
        if str(day).lower() not in DAYS:
            raise ConfigError(f"unknown day {day!r}", file=file, key=day_key, fix=f"use {', '.join(DAYS)}")
        week[DAYS.index(str(day).lower())] = _intervals(spec, file, day_key)
    if not any(week):
        raise ConfigError("the schedule is never open", file=file, key=f"{prefix}hours",
                          fix="give opening hours for at least one day, e.g. mon: ['09:00', '18:00']")
    holidays = data.get("holidays") or []
    if not isinstance(holidays, list):
        raise ConfigError("holidays must be a list of dates", file=file, key=f"{prefix}holidays",
                          fix="write e.g. holidays: ['2026-12-25', '2026-12-26']")
    dates = sorted({_date(value, file, f"{prefix}holidays[{i}]") for i, value in enumerate(holidays)})
    return Schedule(str(data.get("name") or name), tz, tuple(week), tuple(dates))


def _intervals(spec: Any, file: str | None, key: str) -> tuple[tuple[int, int], ...]:
    """``["09:00", "18:00"]`` or a list of such pairs, as sorted (opening, closing) minutes; None/[] is closed."""
    if spec is None or spec == []:
        return ()
    single = isinstance(spec, list | tuple) and len(spec) == 2 and not isinstance(spec[0], list | tuple)
    pairs = [spec] if single else spec
    if not isinstance(pairs, list | tuple) or not all(isinstance(p, list | tuple) and len(p) == 2 for p in pairs):
        raise ConfigError(f"expected [opening, closing] times, got {spec!r}", file=file, key=key,
                          fix="write e.g. ['09:00', '18:00'], or [['09:00', '12:00'], ['13:00', '17:00']]")
    out = []
    for opening, closing in pairs:
        start, end = _minute(opening, file, key), _minute(closing, file, key)
        if end <= start:
            raise ConfigError(f"closing time {closing!r} is not after opening time {opening!r}", file=file, key=key,
                              fix="write [opening, closing], e.g. ['09:00', '18:00']; split a night shift over two "
                                  "days (['22:00', '24:00'] and ['00:00', '06:00'])")
        out.append((start, end))
    out.sort()
    for (_, end), (start, _) in zip(out, out[1:], strict=False):
        if start < end:
            raise ConfigError("open intervals overlap", file=file, key=key,
                              fix="list separate intervals, e.g. [['09:00', '12:00'], ['13:00', '17:00']]")
    return tuple(out)


def _minute(value: Any, file: str | None, key: str) -> int:
    """Minutes after midnight of "HH:MM" (00:00-24:00)."""
    if file is not None and isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 24 * 60:
        return value  # YAML 1.1 reads unquoted 18:00 as the sexagesimal integer 1080 (minutes)
    match = _TIME.match(str(value).strip()) if isinstance(value, str) else None
    if match is None or int(match[1]) * 60 + int(match[2]) > 24 * 60:
        raise ConfigError(f"{value!r} is not a time of day", file=file, key=key,
                          fix="write times as 'HH:MM' in quotes, from '00:00' to '24:00'")
    return int(match[1]) * 60 + int(match[2])


def _date(value: Any, file: str | None, key: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value  # YAML reads unquoted 2026-12-25 as a date
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"holiday {value!r} is not a date", file=file, key=key,
                      fix="write dates as YYYY-MM-DD, e.g. '2026-12-25'")


def _known_schedule(name: Any, schedules: Mapping[str, Schedule], file: str | None, key: str) -> None:
    if str(name) not in schedules:
        raise ConfigError(f"unknown schedule {name!r}", file=file, key=key,
                          fix=f"use one of {', '.join(schedules)} (the names under schedules)")


def _rule(raw: Any, i: int, schedules: Mapping[str, Schedule], file: str | None) -> Rule:
    key = f"rules[{i}]"
    if not isinstance(raw, Mapping) or set(raw) != {"when", "schedule"} or not isinstance(raw["when"], Mapping) \
            or not raw["when"]:
        raise ConfigError("a rule needs `when` (ticket column: value or list of values) and `schedule`", file=file,
                          key=key, fix="write e.g. {when: {priority: urgent}, schedule: premium}")
    _known_schedule(raw["schedule"], schedules, file, f"{key}.schedule")
    when = []
    for column, values in raw["when"].items():
        if column not in RULE_COLUMNS:
            hint = " (a helpdesk group is `team`)" if column == "group" else ""
            raise ConfigError(f"cannot choose a schedule by {column!r}{hint}", file=file, key=f"{key}.when.{column}",
                              fix=f"use any of {', '.join(RULE_COLUMNS)}")
        listed = values if isinstance(values, list) else [values]
        when.append((str(column), tuple(str(v) for v in listed)))
    return Rule(tuple(when), str(raw["schedule"]))


# --------------------------------------------------------------------------- the clock

def business_minutes(start: pd.Series | pd.Timestamp, end: pd.Series | pd.Timestamp,
                     schedule: Schedule | Mapping | str | os.PathLike) -> pd.Series | float:
    """Business minutes between each ``start`` and ``end`` on ``schedule``.

    Parameters
    ----------
    start, end : tz-aware timestamps, as Series of equal length (or Timestamps; a Timestamp
        paired with a Series applies to every row). Zones may differ; naive ones are refused.
    schedule : a :class:`Schedule`, a dict or the path of a YAML file (see the module docstring).

    Returns
    -------
    A float Series (the index of ``start``, else ``end``) of minutes inside open hours: 0 where
    ``end <= start``, NaN where either is missing. Two Timestamps give a float.

    Examples
    --------
    >>> week = {"timezone": "Europe/Berlin", "hours": {d: ["09:00", "17:00"] for d in DAYS[:5]}}
    >>> business_minutes(pd.Timestamp("2026-03-06 16:00", tz="Europe/Berlin"),
    ...                  pd.Timestamp("2026-03-09 10:30", tz="Europe/Berlin"), week)
    150.0
    """
    plan = load_schedule(schedule)
    scalar = not isinstance(start, pd.Series) and not isinstance(end, pd.Series)
    index = start.index if isinstance(start, pd.Series) else end.index if isinstance(end, pd.Series) else None
    n = 1 if index is None else len(index)
    begin, finish = _utc_ns(start, "start", n), _utc_ns(end, "end", n)
    minutes = _business_ns(begin, finish, plan) / _NS_PER_MINUTE
    if scalar:
        return float(minutes[0])
    return pd.Series(minutes, index=index, dtype="float64")


def _utc_ns(values: Any, name: str, n: int) -> np.ndarray:
    """Instants as int64 UTC nanoseconds (NaT as int64 min), length ``n``; DataError for naive or non-times."""
    if isinstance(values, pd.Series):
        if len(values) != n:
            raise DataError(f"`start` and `end` have different lengths ({n} and {len(values)})" if name == "end"
                            else f"`start` and `end` have different lengths ({len(values)} and {n})",
                            fix="pass one end per start, e.g. two columns of the same table")
        series = values
        if not isinstance(series.dtype, pd.DatetimeTZDtype):
            if series.isna().all():
                return np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
            if pd.api.types.is_datetime64_dtype(series.dtype):
                raise DataError(f"`{name}` has timestamps without a time zone",
                                fix=f"localize them first, e.g. {name}.dt.tz_localize('UTC')")
            present = series.dropna()
            if not present.map(lambda v: isinstance(v, dt.datetime) and v.tzinfo is not None).all():
                raise DataError(f"`{name}` must hold tz-aware timestamps, got {series.dtype} values such as "
                                f"{present.iloc[0]!r}",
                                fix="pass tz-aware datetimes, e.g. pd.to_datetime(..., utc=True)")
            series = pd.to_datetime(series, utc=True)  # tz-aware objects, possibly in several zones
        return series.dt.tz_convert("UTC").dt.as_unit("ns").to_numpy(dtype="datetime64[ns]").view(np.int64)
    if values is None or values is pd.NaT or (isinstance(values, float) and np.isnan(values)):
        return np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    if not isinstance(values, pd.Timestamp | dt.datetime):
        raise DataError(f"`{name}` must be a timestamp or a Series of them, got {type(values).__name__}",
                        fix="pass e.g. pd.Timestamp('2026-03-02 09:00', tz='Europe/Berlin')")
    stamp = pd.Timestamp(values)
    if stamp.tzinfo is None:
        raise DataError(f"`{name}` has no time zone",
                        fix=f"pass e.g. pd.Timestamp('{stamp}', tz='UTC')")
    return np.full(n, stamp.tz_convert("UTC").as_unit("ns").value, dtype=np.int64)


def _business_ns(start: np.ndarray, end: np.ndarray, plan: Schedule) -> np.ndarray:
    """Business nanoseconds between paired UTC instants (float; NaN where either is NaT).

    The clock: business time elapsed up to instant t is the open time of all earlier local
    days (a cumulative sum over the days spanned) plus today's open time before t (each of
    today's intervals clipped). Everything is array arithmetic over the pairs and the days
    between the earliest and latest of them: no loop over rows.
    """
    nat = np.iinfo(np.int64).min
    valid = (start != nat) & (end != nat)
    out = np.full(len(start), np.nan)
    if not valid.any():
        return out
    s, e = start[valid], end[valid]
    forward = e > s
    local_s, local_e = _local_day(s, plan.timezone), _local_day(e, plan.timezone)
    first, last = min(local_s.min(), local_e.min()), max(local_s.max(), local_e.max())
    opens, lengths = _day_table(first, last, plan)
    cumulative = np.concatenate([[0], np.cumsum(lengths.sum(axis=1))])[:-1]

    def clock(t: np.ndarray, day: np.ndarray) -> np.ndarray:
        row = day - first
        today = np.clip(t[:, None] - opens[row], 0, lengths[row]).sum(axis=1)
        return cumulative[row] + today

    elapsed = np.where(forward, clock(e, local_e) - clock(s, local_s), 0)
    out[valid] = np.maximum(elapsed, 0).astype("float64")
    return out


def _local_day(utc_ns: np.ndarray, tz: str) -> np.ndarray:
    """Local calendar day (days since 1970-01-01 in ``tz``) of each UTC instant."""
    local = pd.DatetimeIndex(utc_ns.view("datetime64[ns]"), tz="UTC").tz_convert(tz).tz_localize(None)
    return np.floor_divide(local.asi8, _NS_PER_DAY)


def _day_table(first: int, last: int, plan: Schedule) -> tuple[np.ndarray, np.ndarray]:
    """Per local day first..last and open interval: the opening instant (UTC ns) and its real length (ns).

    Wall-clock openings that do not exist (the skipped hour of spring-forward) move to the
    first instant after the gap; in the repeated autumn hour an opening is the first
    occurrence and a closing the second, so the open time counted is the real time elapsed.
    """
    days = np.arange(first, last + 1, dtype=np.int64)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    width = max(len(h) for h in plan.hours)
    start_min = np.zeros((7, width), dtype=np.int64)
    end_min = np.zeros((7, width), dtype=np.int64)
    for wd, intervals in enumerate(plan.hours):
        for k, (a, b) in enumerate(intervals):
            start_min[wd, k], end_min[wd, k] = a, b
    holiday = np.isin(days, np.array(plan.holidays, dtype="datetime64[D]").astype(np.int64))
    is_open = (end_min[weekday] > start_min[weekday]) & ~holiday[:, None]
    wall_open = days[:, None] * _NS_PER_DAY + start_min[weekday] * _NS_PER_MINUTE
    wall_close = days[:, None] * _NS_PER_DAY + end_min[weekday] * _NS_PER_MINUTE
    opens = _wall_to_utc(wall_open.ravel(), plan.timezone, first_occurrence=True).reshape(wall_open.shape)
    closes = _wall_to_utc(wall_close.ravel(), plan.timezone, first_occurrence=False).reshape(wall_close.shape)
    lengths = np.where(is_open, np.maximum(closes - opens, 0), 0)
    return opens, lengths


def _wall_to_utc(wall_ns: np.ndarray, tz: str, *, first_occurrence: bool) -> np.ndarray:
    index = pd.DatetimeIndex(wall_ns.view("datetime64[ns]"))
    ambiguous = np.full(len(index), first_occurrence)
    return index.tz_localize(tz, ambiguous=ambiguous, nonexistent="shift_forward").tz_convert("UTC").asi8


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


# --------------------------------------------------------------------------- per ticket

def business_times(tickets: pd.DataFrame, schedule: ScheduleSpec) -> pd.DataFrame:
    """First reply and resolution times in business minutes, per ticket, on a schedule or rule set.

    Each ticket's clock starts at ``created_at``; the first reply is ``first_reply_minutes``
    (calendar) later, the first and final solves as :func:`toolkit.ops.facts.first_resolution_minutes`
    and :func:`~toolkit.ops.facts.resolution_minutes` define them. The business minutes between
    are counted on the ticket's schedule (the first matching rule's, else the default).

    Returns
    -------
    A frame aligned with ``tickets``: ``ticket_id``, ``schedule`` (its name),
    ``first_reply_business_minutes``, ``first_resolution_business_minutes``,
    ``full_resolution_business_minutes`` (NaN where the calendar time is unknown); notes on
    how the times were derived in ``attrs``.
    """
    tickets = check_table(tickets, "tickets", argument="tickets")
    plans = load_schedules(schedule)
    names = plans.assign(tickets)
    calendar = {
        "first_reply_business_minutes": tickets["first_reply_minutes"].astype("float64")
        if "first_reply_minutes" in tickets.columns else pd.Series(np.nan, index=tickets.index),
        "first_resolution_business_minutes": first_resolution_minutes(tickets),
        "full_resolution_business_minutes": resolution_minutes(tickets),
    }
    notes = notes_of(*calendar.values())
    for i, rule in enumerate(plans.rules, start=1):
        lacking = [column for column, _ in rule.when if not has_values(tickets, column)]
        if lacking:
            notes.append(f"Schedule rule {i} ({rule.schedule}) never applies: the tickets have no "
                         f"{' or '.join(lacking)} values.")
    out = pd.DataFrame({"ticket_id": tickets["ticket_id"], "schedule": names}, index=tickets.index)
    created = tickets["created_at"]
    for column, minutes in calendar.items():
        values = np.full(len(tickets), np.nan)
        ends = created + pd.to_timedelta(minutes.to_numpy(), unit="min")
        for name, plan in plans.schedules.items():  # one vectorised pass per schedule
            rows = (names == name).to_numpy()
            if rows.any():
                values[rows] = business_minutes(created[rows], ends[rows], plan).to_numpy()
        out[column] = values
    return with_notes(out, notes)


def on_clock(tickets: pd.DataFrame, schedule: ScheduleSpec | None) -> pd.DataFrame:
    """``tickets`` with its duration columns on the chosen clock, and a note saying which.

    ``schedule`` None keeps calendar minutes. Otherwise ``first_reply_minutes``,
    ``first_resolution_minutes`` and ``full_resolution_minutes`` are replaced by business
    minutes (:func:`business_times`), so every measure built on them (response times, SLA
    attainment, watermelon) runs on business hours unchanged. Only for measures that never
    turn these minutes back into instants.
    """
    if schedule is None:
        out = tickets.copy(deep=False)
        out.attrs = {}
        return add_note(out, CALENDAR_NOTE)
    plans = load_schedules(schedule)
    times = business_times(tickets, plans)
    out = tickets.copy()
    out.attrs = {}
    for column in ("first_reply_minutes", "first_resolution_minutes", "full_resolution_minutes"):
        out[column] = times[column.replace("_minutes", "_business_minutes")]
    return with_notes(out, [*notes_of(times), clock_note(plans, times["schedule"])])


CALENDAR_NOTE = "Times in calendar minutes (around the clock, nights, weekends and holidays included)."


def clock_note(plans: ScheduleRules, names: pd.Series) -> str:
    """The sentence that says a result is on business hours, and on which schedule(s) (``names``: per ticket)."""
    if len(plans.schedules) == 1:
        plan = next(iter(plans.schedules.values()))
        return f"Times in business minutes ({plan.name}: {plan.describe()}); SLA targets count business minutes too."
    counts = names.value_counts()
    split = ", ".join(f"{name} {int(counts.get(name, 0))} tickets" for name in sorted(plans.schedules))
    return (f"Times in business minutes, the schedule chosen per ticket by rule ({split}; {plans.describe()}); "
            "SLA targets count business minutes too.")


# --------------------------------------------------------------------------- the helpdesk's own figures

CHECKED_TIMES = {
    "first_reply_business_minutes": "first reply",
    "first_resolution_business_minutes": "first resolution",
    "full_resolution_business_minutes": "full resolution",
}
"""Business-hours times a helpdesk export may carry (kept by the loaders in ``extra`` under these names)."""

TOLERANCE_MINUTES = 1.0
"""Exports give whole minutes, so the reply or solve instant is known to a minute: closer is agreement."""


def helpdesk_business_times(tickets: pd.DataFrame) -> pd.DataFrame:
    """The helpdesk's own business-hours times per ticket, read from ``extra`` (a column per time found).

    Numbers written with thousands separators ("1,290") are read; empty values stay NaN. No
    column at all when the export has none (e.g. a Zendesk export without those columns).
    """
    out = pd.DataFrame(index=tickets.index)
    if "extra" not in tickets.columns:
        return out
    mappings = tickets["extra"].tolist()
    for key in CHECKED_TIMES:
        raw = pd.Series([m.get(key) if isinstance(m, dict) else None for m in mappings], index=tickets.index,
                        dtype="object")
        if raw.notna().any():
            text = raw.astype("str").str.replace(",", "", regex=False).str.strip()
            out[key] = pd.to_numeric(text.where(raw.notna()), errors="coerce").astype("float64")
    return out


def compare_business_times(tickets: pd.DataFrame, schedule: ScheduleSpec,
                           tolerance: float = TOLERANCE_MINUTES) -> pd.DataFrame:
    """The toolkit's business-hours times against the helpdesk's, per time the export carries.

    Returns one row per time the export carries: ``time`` (``first_reply_business_minutes``...),
    ``measure`` (its plain name), ``compared`` (tickets with both figures), ``mismatched`` (differing by more than
    ``tolerance`` minutes) and ``examples`` (the first mismatching tickets: id, export and
    recomputed minutes).
    """
    given = helpdesk_business_times(tickets)
    rows = []
    if given.empty:
        return pd.DataFrame(columns=["time", "measure", "compared", "mismatched", "examples"])

    ours = business_times(tickets, schedule)
    for key in given.columns:
        both = given[key].notna() & ours[key].notna()
        differ = both & ((given[key] - ours[key]).abs() > tolerance)
        shown = [f"{tid} (export {a:g}, recomputed {b:g})" for tid, a, b in
                 zip(tickets.loc[differ, "ticket_id"][:5], given.loc[differ, key][:5], ours.loc[differ, key][:5],
                     strict=True)]
        rows.append({"time": key, "measure": CHECKED_TIMES[key], "compared": int(both.sum()),
                     "mismatched": int(differ.sum()), "examples": ", ".join(shown)})
    return pd.DataFrame(rows)


def export_check_notes(tickets: pd.DataFrame, schedule: ScheduleSpec | None) -> list[str]:
    """Load-report sentences: how the export's business-hours times compare with the toolkit's on ``schedule``.

    Without a schedule, a sentence that the export carries such times (when it does) and how to check them.
    """
    given = helpdesk_business_times(tickets)
    if given.empty:
        return ["A business-hours schedule was given, but the export carries no business-hours times to check it "
                "against."] if schedule is not None else []
    if schedule is None:
        found = [CHECKED_TIMES[key] for key in given.columns]
        names = found[0] if len(found) == 1 else f"{', '.join(found[:-1])} and {found[-1]}"
        return [f"The export carries the helpdesk's business-hours {names} times; give the helpdesk's "
                "business-hours schedule to check the recomputed business-hours times against them."]
    comparison = compare_business_times(tickets, schedule)
    notes = []
    for row in comparison.itertuples():
        if row.mismatched:
            more = f" and {row.mismatched - 5} more" if row.mismatched > 5 else ""
            notes.append(f"Business-hours {row.measure} time differs from the export's on {row.mismatched} of "
                         f"{row.compared} tickets by more than {TOLERANCE_MINUTES:g} minute: {row.examples}{more}. "
                         "Check the schedule's hours, time zone, holidays and rules against the helpdesk's.")
    if not notes:
        counts = ", ".join(f"{row.measure} {row.compared}" for row in comparison.itertuples())
        notes.append(f"Business-hours times agree with the export's on every ticket compared ({counts}).")
    return notes
