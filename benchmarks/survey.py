"""Survey analysis: interval coverage (quality) and speed, printed as Markdown for benchmarks/RESULTS.md.

Coverage: for known trinomial NPS distributions and small samples, the share of 95%
intervals that contain the true NPS (nominal 95%), by method; Rocks (2016) found the
adjusted-Wald interval close to nominal where plain Wald falls short. Speed: each survey
function on the sample client, and the score functions on one million answers.

    nice .venv/bin/python benchmarks/survey.py            # about a minute on 2 cores
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import toolkit.survey as survey

DISTRIBUTIONS = {"typical (30/30/40)": (0.3, 0.3, 0.4), "skewed (10/20/70)": (0.1, 0.2, 0.7),
                 "polarised (45/10/45)": (0.45, 0.1, 0.45)}
SIZES = (10, 30, 100, 300)
REPLICATES = 4000
BOOT_REPLICATES = 300


def coverage() -> pd.DataFrame:
    rng = np.random.default_rng(2016)
    rows = []
    for name, probs in DISTRIBUTIONS.items():
        truth = 100 * (probs[2] - probs[0])
        for n in SIZES:
            counts = rng.multinomial(n, probs, size=REPLICATES)
            row = {"distribution": name, "n": n}
            for method in ("adjusted-wald", "wald", "bootstrap"):
                use = counts[:BOOT_REPLICATES] if method == "bootstrap" else counts
                result = survey.nps_from_counts(use[:, 0], use[:, 1], use[:, 2], method=method, n_boot=1000)
                inside = (result["low"] <= truth) & (truth <= result["high"])
                row[method] = f"{inside.mean():.1%} (width {(result['high'] - result['low']).mean():.0f})"
            rows.append(row)
    return pd.DataFrame(rows)


def timed(label: str, function, *args, **kwargs) -> dict:
    start = time.perf_counter()
    function(*args, **kwargs)
    return {"step": label, "seconds": round(time.perf_counter() - start, 2)}


def speed() -> pd.DataFrame:
    from toolkit.samples import load_sample

    sample = load_sample()
    r, i, t, m = (sample[k] for k in ("survey_responses", "survey_invitations", "tickets", "messages"))
    rows = [
        timed("survey_summary (sample)", survey.survey_summary, r),
        timed("compare_segments team csat (sample)", survey.compare_segments, r, "team", "csat"),
        timed("survey_trend csat month (sample)", survey.survey_trend, r, "csat", "month"),
        timed("response_rates by survey (sample)", survey.response_rates, i, r, "survey"),
        timed("nonresponse_bias csat (sample)", survey.nonresponse_bias, i, r, t),
        timed("nonresponse_adjusted_score, 200 bootstrap refits (sample)", survey.nonresponse_adjusted_score, i, r, t),
        timed("satisfaction_drivers with hedging from messages (sample)", survey.satisfaction_drivers, t, r,
              messages=m),
        timed("comment_themes nps (sample)", survey.comment_themes, r, "nps"),
    ]
    rng = np.random.default_rng(0)
    n = 1_000_000
    answers = rng.integers(0, 11, n)
    rows.append(timed("nps, 10^6 answers (array)", survey.nps, answers))
    rows.append(timed("nps bootstrap, 10^6 answers", survey.nps, answers, method="bootstrap"))
    rows.append(timed("csat, 10^6 answers (list)", survey.csat, list(rng.integers(1, 6, n))))
    frame = pd.DataFrame({
        "response_id": np.arange(n).astype(str), "survey": "csat", "score": rng.integers(1, 6, n).astype(float),
        "scale": "1-5", "team": rng.choice([f"team {k}" for k in range(20)], n),
        "submitted_at": pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 365 * 86400, n),
                                                                               unit="s")})
    rows.append(timed("compare_segments, 10^6 answers, 20 teams", survey.compare_segments, frame, "team", "csat"))
    rows.append(timed("survey_trend by week, 10^6 answers", survey.survey_trend, frame, "csat", "week"))
    tickets, invitations, responses = timing_frames(rng, n)
    rows.append(timed("survey_timing by delay band, 10^6 invitations", survey.survey_timing, invitations, responses,
                      tickets))
    rows.append(timed("early_surveys by team, 10^6 invitations", survey.early_surveys, invitations, tickets))
    rows.append(timed("survey_fatigue, 10^6 invitations", survey.survey_fatigue, invitations, responses))
    return pd.DataFrame(rows)


def timing_frames(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``n`` solved tickets (8% reopened) each with a CSAT invitation 5 minutes to 3 days after the first solve,
    a quarter of them answered, from ``n / 5`` requesters."""
    created = pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 365 * 86400, n), unit="s")
    first = rng.exponential(600, n).round()
    reopens = (rng.random(n) < 0.08).astype(int)
    full = first + reopens * rng.exponential(2880, n).round()
    ids = pd.Series(np.arange(n).astype(str), dtype="str")
    tickets = pd.DataFrame({
        "ticket_id": ids, "created_at": created, "status": "solved", "channel": "email",
        "team": rng.choice([f"team {k}" for k in range(20)], n), "solved_at": created + pd.to_timedelta(full, "min"),
        "first_resolution_minutes": first, "full_resolution_minutes": full, "reopens": reopens})
    sent = created + pd.to_timedelta(first + rng.choice([5, 60, 1440, 4320], n), unit="min")
    invitations = pd.DataFrame({"invitation_id": ids, "survey": "csat", "sent_at": sent, "ticket_id": ids,
                                "requester_id": pd.Series(rng.integers(0, n // 5, n).astype(str), dtype="str")})
    answered = rng.random(n) < 0.25
    responses = pd.DataFrame({"response_id": ids[answered].to_numpy(), "survey": "csat",
                              "score": rng.integers(1, 6, int(answered.sum())).astype(float), "scale": "1-5",
                              "submitted_at": sent[answered] + pd.Timedelta(hours=3),
                              "ticket_id": ids[answered].to_numpy()})
    return tickets, invitations, responses


def markdown(frame: pd.DataFrame) -> str:
    """A frame as a Markdown table (pandas' to_markdown needs the tabulate package, not a dependency)."""
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "| " + " | ".join("---" for _ in frame.columns) + " |"]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


if __name__ == "__main__":
    print("### NPS interval coverage (share of 95% intervals containing the true NPS; mean width in points)\n")
    print(markdown(coverage()))
    print("\n### Speed\n")
    print(markdown(speed()))
