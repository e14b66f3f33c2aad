"""Business-hours durations, hand-computed: weekends, holidays, DST, outside hours, schedules by rule."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import toolkit.ops
from toolkit.errors import ConfigError, DataError
from toolkit.io import load_tickets
from toolkit.notes import notes
from toolkit.ops import business_minutes, business_times, load_schedule, load_schedules
from toolkit.ops.business_time import helpdesk_business_times
from toolkit.samples import SAMPLES_DIR

BERLIN = {
    "timezone": "Europe/Berlin",
    "hours": {"mon": ["09:00", "18:00"], "tue": ["09:00", "18:00"], "wed": ["09:00", "18:00"],
              "thu": ["09:00", "18:00"], "fri": ["09:00", "17:00"]},
    "holidays": ["2026-12-25", "2026-12-26"],
}
AROUND_THE_CLOCK_SUNDAY = {"timezone": "Europe/Berlin", "hours": {"sun": ["00:00", "24:00"]}}


def berlin(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="Europe/Berlin")


def minutes(start: str, end: str, schedule=BERLIN) -> float:
    return business_minutes(berlin(start), berlin(end), schedule)


# -- one pair at a time, by hand ---------------------------------------------------------------------------

def test_within_one_open_day():
    assert minutes("2026-03-02 10:00", "2026-03-02 12:30") == 150.0  # Monday


def test_weekend_is_skipped():
    # Friday 16:00-17:00 (60) + Monday 09:00-10:30 (90); Saturday and Sunday are not listed: closed.
    assert minutes("2026-03-06 16:00", "2026-03-09 10:30") == 150.0


def test_holiday_is_closed_all_day():
    # Thu 24 Dec 10:00-18:00 (480), Fri 25 Dec holiday, weekend, Mon 28 Dec 09:00-10:00 (60).
    assert minutes("2026-12-24 10:00", "2026-12-28 10:00") == 540.0
    assert minutes("2026-12-25 10:00", "2026-12-25 16:00") == 0.0


def test_opened_before_hours_starts_at_opening():
    assert minutes("2026-03-02 07:00", "2026-03-02 10:00") == 60.0


def test_opened_after_hours_starts_next_morning():
    assert minutes("2026-03-02 19:00", "2026-03-03 09:30") == 30.0


def test_opened_on_a_closed_day_starts_on_the_next_open_day():
    assert minutes("2026-03-07 12:00", "2026-03-09 09:15") == 15.0  # Saturday to Monday


def test_closed_after_hours_counts_to_closing():
    assert minutes("2026-03-06 16:30", "2026-03-06 23:00") == 30.0  # Friday closes at 17:00


def test_multi_week_span():
    # Two full weeks: 4 x 540 + 480 = 2640 business minutes each.
    assert minutes("2026-03-02 09:00", "2026-03-16 09:00") == 5280.0


def test_seconds_count_as_fractions_of_a_minute():
    assert minutes("2026-03-02 09:00:00", "2026-03-02 09:00:30") == 0.5


def test_end_before_or_at_start_is_zero():
    assert minutes("2026-03-02 12:00", "2026-03-02 10:00") == 0.0
    assert minutes("2026-03-02 12:00", "2026-03-02 12:00") == 0.0


# -- daylight-saving changes in Europe/Berlin (29 March and 25 October 2026) -----------------------------

def test_open_hours_stay_wall_clock_hours_across_spring_forward():
    # Friday 27 March 16:00 CET to Monday 30 March 10:00 CEST: 60 + 60, though the calendar lost an hour.
    assert minutes("2026-03-27 16:00", "2026-03-30 10:00") == 120.0


def test_open_hours_stay_wall_clock_hours_across_fall_back():
    assert minutes("2026-10-23 16:00", "2026-10-26 10:00") == 120.0


def test_spring_forward_day_holds_23_real_hours():
    assert minutes("2026-03-28 23:00", "2026-03-30 00:00", AROUND_THE_CLOCK_SUNDAY) == 23 * 60.0


def test_fall_back_day_holds_25_real_hours():
    assert minutes("2026-10-24 23:00", "2026-10-26 00:00", AROUND_THE_CLOCK_SUNDAY) == 25 * 60.0


def test_open_hours_over_the_skipped_hour_count_real_time():
    early_sunday = {"timezone": "Europe/Berlin", "hours": {"sun": ["01:00", "04:00"]}}
    # 01:00-02:00 CET, then 03:00-04:00 CEST: two real hours.
    assert minutes("2026-03-29 00:00", "2026-03-29 12:00", early_sunday) == 120.0


# -- Series, zones, missing values --------------------------------------------------------------------------

def test_series_in_series_out_with_nan_for_missing_and_the_start_index():
    start = pd.Series(pd.to_datetime(["2026-03-02 10:00", None, "2026-03-02 12:00", "2026-03-06 16:00"])
                      .tz_localize("Europe/Berlin"), index=[10, 11, 12, 13])
    end = pd.Series(pd.to_datetime(["2026-03-02 11:00", "2026-03-02 11:00", None, "2026-03-02 09:00"])
                    .tz_localize("Europe/Berlin"), index=[0, 1, 2, 3])
    out = business_minutes(start, end, BERLIN)
    assert out.dtype == "float64"
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out.tolist()[0] == 60.0 and np.isnan(out.tolist()[1]) and np.isnan(out.tolist()[2])
    assert out.tolist()[3] == 0.0  # end before start


def test_start_and_end_in_different_time_zones():
    # 08:00 UTC is 09:00 in Berlin; 05:00 in New York (EST) is 10:00 UTC, 11:00 in Berlin.
    start = pd.Series([pd.Timestamp("2026-03-02 08:00", tz="UTC")])
    end = pd.Series([pd.Timestamp("2026-03-02 05:00", tz="America/New_York")])
    assert business_minutes(start, end, BERLIN).tolist() == [120.0]


def test_a_timestamp_applies_to_every_row_of_a_series():
    ends = pd.Series([berlin("2026-03-02 10:00"), berlin("2026-03-03 10:00")])
    assert business_minutes(berlin("2026-03-02 09:00"), ends, BERLIN).tolist() == [60.0, 600.0]


def test_scalar_missing_gives_nan():
    assert np.isnan(business_minutes(pd.NaT, berlin("2026-03-02 10:00"), BERLIN))


def test_all_missing_series_give_nan():
    empty = pd.Series([None, None], dtype="datetime64[ns, UTC]")
    assert business_minutes(empty, empty, BERLIN).isna().all()


def test_dict_and_yaml_file_give_the_same_minutes(tmp_path):
    path = tmp_path / "berlin.yaml"
    # Unquoted times and dates as people write them: YAML reads 18:00 as 1080 and 2026-12-25 as a date.
    path.write_text("timezone: Europe/Berlin\nhours:\n"
                    + "".join(f"  {d}: ['09:00', 18:00]\n" for d in ("mon", "tue", "wed", "thu"))
                    + "  fri: ['09:00', '17:00']\nholidays: [2026-12-25, '2026-12-26']\n", encoding="utf-8")
    start = pd.Series([berlin("2026-03-06 16:00"), berlin("2026-12-24 10:00")])
    end = pd.Series([berlin("2026-03-09 10:30"), berlin("2026-12-28 10:00")])
    assert business_minutes(start, end, str(path)).tolist() == business_minutes(start, end, BERLIN).tolist() \
        == [150.0, 540.0]
    assert load_schedule(path).name == "berlin"


def test_lunch_break_intervals():
    lunch = {"timezone": "UTC", "hours": {"mon": [["09:00", "12:00"], ["13:00", "17:00"]]}}
    assert business_minutes(pd.Timestamp("2026-03-02 11:00", tz="UTC"), pd.Timestamp("2026-03-02 14:00", tz="UTC"),
                            lunch) == 120.0
    assert load_schedule(lunch).describe() == "Mon 09:00-12:00, 13:00-17:00, UTC"


def test_describe_groups_days_with_the_same_hours():
    assert load_schedule(BERLIN).describe() == "Mon-Thu 09:00-18:00; Fri 09:00-17:00, Europe/Berlin, 2 holidays"


def test_a_million_pairs_stay_vectorised():
    start = pd.Series(pd.date_range("2026-01-01", periods=200_000, freq="7min", tz="UTC"))
    out = business_minutes(start, start + pd.Timedelta(hours=30), BERLIN)
    assert len(out) == 200_000 and out.between(0, 30 * 60).all()


# -- errors users see ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("change, message", [
    ({"hours": {"monday": ["09:00", "18:00"]}},
     "`hours.monday`: unknown day 'monday'. Fix: use mon, tue, wed, thu, fri, sat, sun"),
    ({"hours": {"mon": ["18:00", "09:00"]}},
     "`hours.mon`: closing time '09:00' is not after opening time '18:00'. Fix: write [opening, closing], e.g. "
     "['09:00', '18:00']; split a night shift over two days (['22:00', '24:00'] and ['00:00', '06:00'])"),
    ({"hours": {"mon": ["9am", "18:00"]}},
     "`hours.mon`: '9am' is not a time of day. Fix: write times as 'HH:MM' in quotes, from '00:00' to '24:00'"),
    ({"hours": {"mon": [["09:00", "13:00"], ["12:00", "17:00"]]}},
     "`hours.mon`: open intervals overlap. Fix: list separate intervals, e.g. [['09:00', '12:00'], "
     "['13:00', '17:00']]"),
    ({"hours": {"sat": None}},
     "`hours`: the schedule is never open. Fix: give opening hours for at least one day, e.g. mon: "
     "['09:00', '18:00']"),
    ({"timezone": "Europe/Berlyn"},
     "`timezone`: unknown time zone 'Europe/Berlyn'. Fix: use an IANA name such as 'Europe/London', "
     "'America/New_York' or 'UTC'"),
    ({"holidays": ["2026-12-25", "2026-02-30"]},
     "`holidays[1]`: holiday '2026-02-30' is not a date. Fix: write dates as YYYY-MM-DD, e.g. '2026-12-25'"),
    ({"holiday": ["2026-12-25"]},
     "`holiday`: unknown key 'holiday'. Fix: use name, timezone, hours, holidays"),
])
def test_schedule_errors_name_the_key_and_the_fix(change, message):
    with pytest.raises(ConfigError) as err:
        load_schedule({**BERLIN, **change})
    assert str(err.value) == message


def test_schedule_file_errors_name_the_file(tmp_path):
    path = tmp_path / "hours.yaml"
    path.write_text("timezone: Europe/Berlin\nhours:\n  mon: ['18:00', '09:00']\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        business_minutes(berlin("2026-03-02 09:00"), berlin("2026-03-02 10:00"), path)
    assert str(err.value).startswith(f"file {path}, `hours.mon`: closing time '09:00' is not after opening time")
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError, match=r"^file .*nope.yaml, `schedule`: schedule file not found. Fix: pass the "
                                          r"path of a YAML schedule \(see docs/business-hours.md\)$"):
        load_schedule(missing)


def test_naive_timestamps_are_refused():
    naive = pd.Series(pd.to_datetime(["2026-03-02 09:00"]))
    with pytest.raises(DataError) as err:
        business_minutes(naive, naive, BERLIN)
    assert str(err.value) == ("`start` has timestamps without a time zone. Fix: localize them first, e.g. "
                              "start.dt.tz_localize('UTC')")
    with pytest.raises(DataError, match=r"^`end` has no time zone. Fix: pass e.g. "):
        business_minutes(berlin("2026-03-02 09:00"), pd.Timestamp("2026-03-02 10:00"), BERLIN)


def test_series_of_different_lengths_are_refused():
    start = pd.Series([berlin("2026-03-02 09:00")] * 3)
    with pytest.raises(DataError) as err:
        business_minutes(start, start.iloc[:2], BERLIN)
    assert str(err.value) == ("`start` and `end` have different lengths (3 and 2). Fix: pass one end per start, "
                              "e.g. two columns of the same table")


# -- several schedules chosen by rule -----------------------------------------------------------------------

RULES = {
    "schedules": {
        "standard": BERLIN,
        "premium": {"timezone": "Europe/Berlin", "hours": {d: ["00:00", "24:00"]
                                                           for d in ("mon", "tue", "wed", "thu", "fri", "sat",
                                                                     "sun")}},
    },
    "rules": [
        {"when": {"priority": "urgent"}, "schedule": "premium"},
        {"when": {"organization_id": ["ACME", "Globex"], "team": "Billing"}, "schedule": "premium"},
    ],
    "default": "standard",
}


def rule_tickets() -> pd.DataFrame:
    created = pd.Series(pd.to_datetime(["2026-03-06 16:00"] * 5).tz_localize("Europe/Berlin")).dt.tz_convert("UTC")
    return pd.DataFrame({
        "ticket_id": ["T1", "T2", "T3", "T4", "T5"],
        "created_at": created,
        "solved_at": created + pd.to_timedelta([None, 66.5 * 60, None, 66.5 * 60, None], unit="min"),
        "status": ["open", "solved", "open", "solved", "open"],
        "channel": "email",
        "priority": ["urgent", "normal", "normal", "high", None],
        "team": ["Support", "Billing", "Support", "Billing", "Billing"],
        "organization_id": ["X", "ACME", "ACME", "Initech", None],
        # Friday 16:00 + 66.5 hours = Monday 10:30.
        "first_reply_minutes": [66.5 * 60, 120.0, 66.5 * 60, None, 30.0],
    })


def test_rules_pick_a_schedule_per_ticket_first_match_wins():
    out = business_times(rule_tickets(), RULES)
    assert out["schedule"].tolist() == ["premium", "premium", "standard", "standard", "standard"]
    # T1 premium (24/7): calendar minutes; T3 standard: Friday 16-17 + Monday 09-10:30 = 150.
    assert out["first_reply_business_minutes"].tolist()[0] == 66.5 * 60
    assert out["first_reply_business_minutes"].tolist()[2] == 150.0
    assert out["first_reply_business_minutes"].tolist()[1] == 120.0  # Friday 16:00-18:00 on the 24/7 clock
    assert np.isnan(out["first_reply_business_minutes"].tolist()[3])
    assert out["first_reply_business_minutes"].tolist()[4] == 30.0
    # Solved Monday 10:30 (66.5 h later): T2 premium counts it all, T4 standard 150.
    assert out["full_resolution_business_minutes"].tolist()[1] == 66.5 * 60
    assert out["full_resolution_business_minutes"].tolist()[3] == 150.0
    assert out["full_resolution_business_minutes"].isna().tolist() == [True, False, True, False, True]
    assert out.columns.tolist() == ["ticket_id", "schedule", "first_reply_business_minutes",
                                    "first_resolution_business_minutes", "full_resolution_business_minutes"]
    assert "Resolution time derived from solved_at - created_at (no full_resolution_minutes given)." in notes(out)


def test_a_rule_on_a_column_the_tickets_lack_never_applies_and_says_so():
    out = business_times(rule_tickets().drop(columns="organization_id"), RULES)
    assert out["schedule"].tolist() == ["premium", "standard", "standard", "standard", "standard"]
    assert "Schedule rule 2 (premium) never applies: the tickets have no organization_id values." in notes(out)


def test_empty_series_give_an_empty_result():
    empty = pd.Series([], dtype="datetime64[ns, UTC]")
    out = business_minutes(empty, empty, BERLIN)
    assert out.dtype == "float64" and out.empty


def test_rules_file_equals_the_dict(tmp_path):
    import yaml

    path = tmp_path / "contracts.yaml"
    path.write_text(yaml.safe_dump(RULES), encoding="utf-8")
    assert business_times(rule_tickets(), path).equals(business_times(rule_tickets(), RULES))


def test_one_schedule_is_a_rule_set_for_every_ticket():
    plans = load_schedules(BERLIN)
    assert list(plans.schedules) == ["business hours"] and plans.rules == () and plans.default == "business hours"
    assert business_times(rule_tickets(), BERLIN)["schedule"].unique().tolist() == ["business hours"]


@pytest.mark.parametrize("change, message", [
    ({"default": "gold"}, "`default`: unknown schedule 'gold'. Fix: use one of standard, premium (the names under "
                          "schedules)"),
    ({"default": None}, "`default`: no default schedule for tickets no rule matches. Fix: add default: one of "
                        "standard, premium"),
    ({"rules": [{"when": {"group": "Billing"}, "schedule": "premium"}]},
     "`rules[0].when.group`: cannot choose a schedule by 'group' (a helpdesk group is `team`). Fix: use any of "
     "team, channel, priority, product, assignee, organization_id"),
    ({"rules": [{"when": {"priority": "urgent"}, "schedule": "gold"}]},
     "`rules[0].schedule`: unknown schedule 'gold'. Fix: use one of standard, premium (the names under schedules)"),
    ({"rules": [{"priority": "urgent", "schedule": "premium"}]},
     "`rules[0]`: a rule needs `when` (ticket column: value or list of values) and `schedule`. Fix: write e.g. "
     "{when: {priority: urgent}, schedule: premium}"),
])
def test_rule_errors_name_the_key(change, message):
    with pytest.raises(ConfigError) as err:
        load_schedules({**RULES, **change})
    assert str(err.value) == message


def test_errors_inside_a_named_schedule_give_its_path():
    bad = {**RULES, "schedules": {**RULES["schedules"], "premium": {"timezone": "Mars/Olympus", "hours": {}}}}
    with pytest.raises(ConfigError, match=r"^`schedules.premium.timezone`: unknown time zone 'Mars/Olympus'"):
        load_schedules(bad)


def test_a_rule_set_where_one_schedule_is_expected_is_refused():
    with pytest.raises(ConfigError, match=r"^`schedule`: holds several schedules chosen by rules, where one "
                                          r"schedule is expected"):
        business_minutes(berlin("2026-03-02 09:00"), berlin("2026-03-02 10:00"), RULES)


def test_agrees_with_counting_minute_by_minute_around_dst():
    """Random pairs in the DST weeks against a plain count of open minutes (the definition itself)."""
    plan = load_schedule({"timezone": "Europe/Berlin", "holidays": ["2026-03-31"],
                          "hours": {"mon": [["08:00", "12:00"], ["13:00", "18:00"]], "tue": ["09:00", "17:00"],
                                    "sat": ["01:30", "03:30"], "sun": ["00:00", "24:00"]}})
    rng = np.random.default_rng(7)
    bases = [pd.Timestamp("2026-03-27", tz="UTC"), pd.Timestamp("2026-10-23", tz="UTC")]
    starts = pd.Series([bases[i % 2] + pd.Timedelta(minutes=int(m)) for i, m in enumerate(rng.integers(0, 8 * 1440,
                                                                                                     40))])
    ends = starts + pd.to_timedelta(rng.integers(-60, 4 * 1440, 40), unit="min")
    expected = []
    for start, end in zip(starts, ends, strict=True):
        local = pd.date_range(start, end, freq="min", inclusive="left").tz_convert("Europe/Berlin")
        minute = local.hour * 60 + local.minute
        open_now = np.zeros(len(local), dtype=bool)
        for weekday, intervals in enumerate(plan.hours):
            for a, b in intervals:
                open_now |= (local.day_of_week == weekday) & (minute >= a) & (minute < b)
        open_now &= local.strftime("%Y-%m-%d") != "2026-03-31"
        expected.append(float(open_now.sum()))
    assert business_minutes(starts, ends, plan).tolist() == expected


# -- the measures on the business clock ---------------------------------------------------------------------

UTC_WEEK = {"timezone": "UTC", "hours": {d: ["09:00", "17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}}
BUSINESS_NOTE = ("Times in business minutes (business hours: Mon-Fri 09:00-17:00, UTC); SLA targets count business "
                 "minutes too.")
CALENDAR_NOTE = "Times in calendar minutes (around the clock, nights, weekends and holidays included)."


def clock_tickets() -> pd.DataFrame:
    from ops_frames import tickets

    # T1: Friday 16:50, replied Monday 09:05 (calendar 3 days, business 15 min); T2: Monday 10:00 -> 12:00.
    # T3 (normal): Friday 16:00, replied Monday 10:00 (calendar 66 h, business 120 min), solved Tuesday 09:30.
    return tickets([
        {"created_at": "2026-03-06T16:50Z", "first_reply_minutes": 3 * 1440 - 465, "priority": "urgent",
         "team": "A", "full_resolution_minutes": 3 * 1440 - 465},
        {"created_at": "2026-03-09T10:00Z", "first_reply_minutes": 120, "priority": "urgent", "team": "A",
         "full_resolution_minutes": 180},
        {"created_at": "2026-03-06T16:00Z", "first_reply_minutes": 66 * 60, "priority": "normal", "team": "B",
         "full_resolution_minutes": 3 * 1440 + 17.5 * 60},
    ])


def test_sla_attainment_on_business_hours_differs_from_calendar_and_says_so():
    calendar = ops_call("sla_attainment")
    business = ops_call("sla_attainment", schedule=UTC_WEEK)
    assert calendar.set_index("segment")["sla_attainment"].to_dict() == {"normal": 0.0, "urgent": 0.0}
    assert business.set_index("segment")["sla_attainment"].to_dict() == {"normal": 1.0, "urgent": 0.5}
    assert notes(calendar)[-1] == CALENDAR_NOTE
    assert notes(business)[-1] == BUSINESS_NOTE


def test_response_times_on_business_hours():
    out = ops_call("response_times", schedule=UTC_WEEK).set_index("metric")
    # First replies 15, 120, 120 business minutes; resolutions 15, 180 and Fri 16:00 -> Tue 09:30 = 60+480+30.
    assert out.loc["first_reply_minutes", "median"] == 120.0
    assert out.loc["full_resolution_minutes", "mean"] == (15 + 180 + 570) / 3
    assert BUSINESS_NOTE in notes(out)


def test_watermelon_uses_the_same_clock():
    out = ops_call("segment_metrics", schedule=UTC_WEEK).set_index("segment")
    assert out.loc["A", "sla_attainment"] == 0.5 and out.loc["A", "first_reply_median"] == (15 + 120) / 2
    assert out.loc["B", "resolution_median"] == 570.0
    assert BUSINESS_NOTE in notes(out)
    assert CALENDAR_NOTE in notes(ops_call("watermelon", min_n=1))


def test_too_quick_judges_speed_on_the_business_clock():
    out = ops_call("too_quick_tickets", schedule=UTC_WEEK)
    assert out["resolution_minutes"].tolist() == [15.0, 180.0, 570.0]
    assert BUSINESS_NOTE in notes(out)
    calendar = ops_call("too_quick_tickets")
    assert calendar["resolution_minutes"].tolist() == [3 * 1440 - 465, 180.0, 3 * 1440 + 17.5 * 60]
    assert CALENDAR_NOTE in notes(calendar)


def ops_call(name: str, **kwargs) -> pd.DataFrame:
    import toolkit.ops as ops

    return getattr(ops, name)(clock_tickets(), **kwargs)


# -- the helpdesk's own business-hours times, checked by the loader ------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures" / "io"
SCHEDULES = Path(toolkit.ops.__file__).parent / "schedules"


def test_zendesk_fixture_business_hours_equal_the_toolkits():
    # Hand-computed on BERLIN: weekend, spring-forward weekend, Christmas, opened on Saturday, before opening.
    tickets, report = load_tickets(FIXTURES / "zendesk_business_hours.csv", tz="Europe/Berlin", schedule=BERLIN)
    ours = business_times(tickets, BERLIN).set_index("ticket_id")
    assert ours["first_reply_business_minutes"].to_dict() == {"20001": 150.0, "20002": 120.0, "20003": 540.0,
                                                             "20004": 15.0, "20005": 60.0}
    assert ours["full_resolution_business_minutes"].dropna().to_dict() == {"20001": 240.0, "20002": 180.0,
                                                                          "20004": 540.0, "20005": 570.0}
    given = helpdesk_business_times(tickets).set_index(tickets["ticket_id"])
    assert given["first_reply_business_minutes"].equals(ours["first_reply_business_minutes"])
    assert report.notes[-1] == ("Business-hours times agree with the export's on every ticket compared (first reply "
                                "5, first resolution 4, full resolution 4).")


def test_a_schedule_that_differs_from_the_helpdesks_is_a_load_report_note():
    without_holidays = {key: value for key, value in BERLIN.items() if key != "holidays"}
    _, report = load_tickets(FIXTURES / "zendesk_business_hours.csv", tz="Europe/Berlin", schedule=without_holidays)
    assert report.notes[-1] == (
        "Business-hours first reply time differs from the export's on 1 of 5 tickets by more than 1 minute: 20003 "
        "(export 540, recomputed 1020). Check the schedule's hours, time zone, holidays and rules against the "
        "helpdesk's.")


def test_without_a_schedule_the_report_says_how_to_check():
    tickets, report = load_tickets(FIXTURES / "zendesk_business_hours.csv", tz="Europe/Berlin")
    assert report.notes[-1] == (
        "The export carries the helpdesk's business-hours first reply, first resolution and full resolution times; "
        "give the helpdesk's business-hours schedule to check the recomputed business-hours times against them.")
    assert tickets["extra"].iloc[0]["first_reply_business_minutes"] == "150"


def test_a_schedule_without_business_times_in_the_export_is_said():
    _, report = load_tickets(FIXTURES / "freshdesk_tickets.csv", schedule=BERLIN)
    assert report.notes[-1] == ("A business-hours schedule was given, but the export carries no business-hours "
                                "times to check it against.")


def test_a_bad_schedule_fails_before_the_file_is_read():
    with pytest.raises(ConfigError, match=r"^`hours.mon`: closing time"):
        load_tickets(FIXTURES / "no_such_file.csv", schedule={"timezone": "UTC", "hours": {"mon": ["18:00", "09:00"]}})


def test_any_exports_business_times_can_be_named_for_the_check(tmp_path):
    # Helpdesks without a built-in mapping for them (Freshdesk analytics, a warehouse table): name the column.
    path = tmp_path / "tickets.csv"
    path.write_text("ticket_id,created_at,status,channel,first_reply_minutes,FRT business\n"
                    "A1,2026-03-06T16:00:00Z,open,email,3990,150\nA2,2026-03-09T10:00:00Z,open,email,60,45\n",
                    encoding="utf-8")
    _, report = load_tickets(path, extra=[{"first_reply_business_minutes": "FRT business"}], schedule=UTC_WEEK)
    assert report.notes[-1] == ("Business-hours first reply time differs from the export's on 1 of 2 tickets by "
                                "more than 1 minute: A2 (export 45, recomputed 60). Check the schedule's hours, "
                                "time zone, holidays and rules against the helpdesk's.")


def test_zendesk_metrics_business_times_join_the_tickets():
    tickets, _ = load_tickets(FIXTURES / "zendesk_tickets.json", metrics=FIXTURES / "zendesk_ticket_metrics.jsonl")
    given = helpdesk_business_times(tickets).set_index(tickets["ticket_id"])
    assert given.loc["35436"].to_dict() == {"first_reply_business_minutes": 38.0,
                                            "first_resolution_business_minutes": 446.0,
                                            "full_resolution_business_minutes": 300.0}


def test_the_sample_clients_zendesk_export_agrees_with_its_schedule():
    _, report = load_tickets(SAMPLES_DIR / "zendesk_tickets.csv", tz="Europe/London",
                             schedule=SCHEDULES / "northwind.yaml")
    assert report.notes[-1] == ("Business-hours times agree with the export's on every ticket compared (first reply "
                                "19984, first resolution 19891, full resolution 19891).")


def test_the_example_rules_file_loads():
    plans = load_schedules(SCHEDULES / "example_rules.yaml")
    assert sorted(plans.schedules) == ["americas", "premium", "standard"] and plans.default == "standard"
    assert [rule.schedule for rule in plans.rules] == ["premium", "premium", "americas"]
