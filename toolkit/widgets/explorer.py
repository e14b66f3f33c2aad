"""The duplicate explorer: an ipywidgets front-end where analysts work through ticket clusters.

:class:`DuplicateExplorer` shows the clusters of a ticket set in a sortable table,
lets the analyst filter them (date range, team, channel, product, text search),
re-cluster (threshold, minimum cluster size), open a cluster (its tickets,
PII-redacted and with the distinctive terms highlighted, a weekly timeline, the
bug keys mentioned, the most similar neighbouring clusters) and act on it:
rename, merge, split off tickets, move tickets, set a status with a note. Every
action is saved at once to a labels file next to the data
(:class:`~toolkit.widgets.labels.LabelStore`, atomic writes), and labels are
carried onto recomputed clusters by member overlap
(:func:`~toolkit.widgets.labels.carry_labels`). "Find similar" takes a text or a
ticket id and lists the closest tickets with their clusters.

The clustering itself comes from a :class:`ClusterEngine`; by default
:class:`FinderEngine`, which wraps :class:`toolkit.duplicates.DuplicateFinder`.
Tests inject a small fake engine.

The numbers in the cluster table (tickets, customers, trend, growth and the emerging flag, effort,
CSAT, impact) are defined once, in :mod:`toolkit.duplicates.ranking`; :func:`cluster_table` computes them
for the analyst's clusters.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import ipywidgets as widgets
import numpy as np
import pandas as pd
from IPython.display import display
from tqdm.auto import tqdm

from toolkit.duplicates.bug_keys import extract_bug_keys, ticket_bug_keys
from toolkit.duplicates.ranking import BASELINE_DAYS, RECENT_DAYS, reports_failure
from toolkit.duplicates.ranking import cluster_evidence as evidence_for
from toolkit.errors import ConfigError, DataError
from toolkit.files import atomic_write_text
from toolkit.pii import redact
from toolkit.schema import has_values
from toolkit.widgets.labels import (
    STATUSES,
    Carried,
    LabelStore,
    carry_labels,
    jira_bug_candidates,
    labelled_clusters,
    labels_path_for,
    write_jira_csv,
)

LARGE = 5_000
"""From this many tickets on, the first clustering shows a progress bar."""

Progress = Callable[[str, float], None]
"""A progress callback: ``progress(step, fraction_done)``."""

_SPARK = "▁▂▃▄▅▆▇█"


# ===================================================================== engine
class ClusterEngine(Protocol):
    """What the explorer needs from a clustering method.

    ``fit`` returns one row per ticket with ticket_id and cluster_id (NA or negative =
    unclustered); the other methods are asked about sets of ticket ids so that they
    also work for clusters the analyst merged or split.
    """

    def fit(self, tickets: pd.DataFrame, *, threshold: float, min_cluster_size: int,
            progress: Progress | None = None) -> pd.DataFrame: ...

    def cluster_names(self) -> dict[str, str]: ...

    def distinctive_terms(self, ticket_ids: Sequence[str], k: int = 8) -> list[str]: ...

    def neighbours(self, ticket_ids: Sequence[str], groups: pd.Series, k: int = 5) -> pd.DataFrame: ...

    def similar(self, query: str, k: int = 10) -> pd.DataFrame: ...


class FinderEngine:
    """:class:`toolkit.duplicates.DuplicateFinder` behind the :class:`ClusterEngine` interface.

    The first ``fit`` vectorises and links the tickets; later fits on the same tickets only regroup
    (:meth:`DuplicateFinder.regroup`), which is what makes the threshold slider interactive.
    ``finder`` may be an already fitted (e.g. loaded) finder for these tickets.
    """

    def __init__(self, finder=None, *, seed: int = 0, **finder_params) -> None:
        self.seed = seed
        self.finder_params = finder_params
        self.finder_ = finder
        self._fitted_ids = None if finder is None else pd.Index(finder.assignments_["ticket_id"]
                                                                 if isinstance(finder.assignments_, pd.DataFrame)
                                                                 else finder.assignments_.index).astype("str")

    def fit(self, tickets, *, threshold, min_cluster_size, progress=None):
        from toolkit.duplicates import DuplicateFinder

        ids = pd.Index(tickets["ticket_id"]).astype("str")
        if self.finder_ is not None and self._fitted_ids is not None and self._fitted_ids.equals(ids):
            if progress:
                progress("regrouping", 0.5)
            self.finder_.regroup(threshold=threshold, min_cluster_size=min_cluster_size)
        else:
            # The first fit runs before the explorer is on screen, so large sets also get a tqdm bar in the cell.
            bar = tqdm(total=5, desc="clustering tickets", leave=False, disable=len(tickets) < LARGE)

            def told(step, done, total):
                bar.total, bar.n = total, done
                bar.set_description(f"clustering tickets: {step}")
                if progress:
                    progress(f"{step}…", done / max(total, 1))

            try:
                self.finder_ = DuplicateFinder(threshold=threshold, min_cluster_size=min_cluster_size,
                                               seed=self.seed, progress=told, **self.finder_params).fit(tickets)
            finally:
                bar.close()
            self._fitted_ids = ids
        self.threshold_ = self.finder_.threshold_
        found = self.finder_.assignments_
        if isinstance(found, pd.Series):
            found = found.rename("cluster_id").rename_axis("ticket_id").reset_index()
        return found[["ticket_id", "cluster_id"]]

    def cluster_names(self):
        clusters = self.finder_.clusters_
        return dict(zip(clusters["cluster_id"].astype("str"), clusters["name"].astype("str"), strict=True))

    def distinctive_terms(self, ticket_ids, k=8):
        return list(self.finder_.distinctive_terms(list(ticket_ids), k=k))

    def neighbours(self, ticket_ids, groups, k=5):
        return self.finder_.neighbours_of_tickets(list(ticket_ids), groups, k=k)

    def similar(self, query, k=10):
        return self.finder_.similar(query, k=k)[["ticket_id", "similarity"]]

    def bug_keys(self, ticket_ids):
        if not hasattr(self.finder_, "bug_keys"):
            return None  # the explorer then reads the keys from the ticket text
        return self.finder_.bug_keys(list(ticket_ids))


# ===================================================================== compute
TABLE_COLUMNS = ["cluster", "kind", "tickets", "customers", "first_seen", "last_seen", "weekly", "recent", "growth",
                 "emerging", "effort", "csat", "csat_rest", "csat_impact", "impact"]


def cluster_table(tickets: pd.DataFrame, cluster: pd.Series, *, weeks: int = 12,
                  as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """The explorer's cluster table: evidence for any grouping of tickets, e.g. after merges and splits.

    The measures and the impact score are those of :func:`toolkit.duplicates.ranking.cluster_evidence`
    (defined there, once); this adds the columns the table shows.

    Parameters
    ----------
    tickets : canonical tickets (already filtered to what is shown).
    cluster : cluster key per ticket, aligned with ``tickets`` (NA = unclustered, left out).
    weeks : how many of the latest weeks ``weekly`` keeps.
    as_of : end of the data for the recent/baseline windows (default: the latest ticket).

    Returns
    -------
    One row per cluster: cluster (key), kind (problem or recurring question, as
    :func:`toolkit.duplicates.ranking.cluster_kind` decides), tickets, customers (distinct organisations,
    else requesters),
    first_seen, last_seen, weekly (list of the last ``weeks`` weekly counts, oldest first), recent (tickets in
    the last 28 days), growth, emerging, effort (agent replies written on the cluster's tickets: tickets x mean
    replies), csat, csat_rest, csat_impact (csat - csat_rest in percentage points), impact.
    """
    keys = pd.Series(np.asarray(cluster, dtype=object), index=tickets.index).astype("str")
    mask = keys.notna().to_numpy()
    if not mask.any():
        return pd.DataFrame(columns=TABLE_COLUMNS)
    codes, uniques = pd.factorize(keys, sort=True)  # NA -> -1, "unclustered" for the ranking
    parts = [tickets[c].fillna("").astype("str") for c in ("subject", "description") if c in tickets.columns]
    text = parts[0].str.cat(parts[1:], sep=" . ") if parts else pd.Series("", index=tickets.index, dtype="str")
    cited = ticket_bug_keys(tickets).str.len().to_numpy() > 0
    ev = evidence_for(tickets, codes, as_of=as_of, bug_cited=cited, failure=reports_failure(text))
    ev["cluster"] = np.asarray(uniques, dtype=object)[ev["cluster_id"].to_numpy()]
    ev["customers"] = ev["organizations"] if ev["organizations"].notna().any() else ev["customers"]
    ev["weekly"] = [list(w)[-weeks:] if isinstance(w, list) else [] for w in ev["weekly_counts"]]
    ev["recent"] = ev["recent_tickets"]
    ev["effort"] = (ev["tickets"] * ev["agent_replies_mean"]).round()
    ev["csat_impact"] = (ev["csat"] - ev["csat_rest"]) * 100
    ev["cluster"] = ev["cluster"].astype("str")
    return ev[TABLE_COLUMNS].reset_index(drop=True)


def sparkline(counts: Sequence[int]) -> str:
    """Weekly counts as a row of block characters, scaled to the largest week."""
    counts = np.asarray(counts, dtype=float)
    if not len(counts) or counts.max() <= 0:
        return _SPARK[0] * len(counts)
    idx = np.ceil(counts / counts.max() * (len(_SPARK) - 1)).astype(int)
    return "".join(_SPARK[i] for i in idx)


def bug_keys(texts: pd.Series) -> list[str]:
    """Bug-tracker keys mentioned in ``texts`` (as :func:`toolkit.duplicates.extract_bug_keys` finds them),
    most frequent first."""
    found = extract_bug_keys(texts).explode().dropna()
    return found.value_counts(sort=True).index.astype("str").tolist() if len(found) else []


def highlight(text: str, terms: Sequence[str]) -> str:
    """``text`` HTML-escaped, with whole-word matches of ``terms`` wrapped in ``<mark>``."""
    escaped = html.escape(text)
    words = sorted({html.escape(t) for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return escaped
    pattern = re.compile(r"(?<![\w&])(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    return pattern.sub(r"<mark>\1</mark>", escaped)


# ===================================================================== widget
PAGE_SIZE = 15
ALL = "(all)"
SORT_COLUMNS = {"name": "Cluster", "tickets": "Tickets", "customers": "Customers", "recent": "Trend",
                "growth": "Growth", "effort": "Effort", "csat_impact": "CSAT Δ", "impact": "Impact",
                "status": "Status"}
_GRID = "minmax(200px, 3fr) 76px 96px 100px 84px 72px 80px 84px minmax(110px, 1fr)"

_CSS = """<style>
.stk-explorer {font-size: 13px;}
.stk-explorer .stk-cell {padding: 0 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}
.stk-explorer .stk-num {text-align: right; font-variant-numeric: tabular-nums;}
.stk-explorer .stk-spark {font-family: monospace; letter-spacing: -1px; color: #1f77b4;}
.stk-explorer .stk-row-name button, .stk-explorer button.stk-row-name {text-align: left; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap;}
.stk-explorer .stk-tickets table {border-collapse: collapse; width: 100%;}
.stk-explorer .stk-tickets td, .stk-explorer .stk-tickets th {border-bottom: 1px solid #ddd; padding: 3px 6px;
  vertical-align: top; text-align: left;}
.stk-explorer .stk-tickets td.stk-text {white-space: normal; overflow-wrap: anywhere;}
.stk-explorer mark {background: #fff3b0; padding: 0 1px;}
.stk-explorer .stk-emerging {color: #b00020; font-weight: 600;}
.stk-explorer .stk-conflict {background: #fff4e5; border-left: 4px solid #f0a020; padding: 4px 8px;}
.stk-explorer .stk-badge {padding: 1px 6px; border-radius: 8px; font-size: 12px;}
.stk-explorer .stk-unreviewed {color: #666;}
.stk-explorer .stk-upstream_bug {background: #fde0e0; color: #8a1010;}
.stk-explorer .stk-known_issue {background: #fff0d6; color: #7a4a00;}
.stk-explorer .stk-process_problem {background: #e0ecff; color: #123f80;}
.stk-explorer .stk-not_a_problem {background: #eee; color: #555;}
.stk-explorer .stk-saved {color: #2e7d32; overflow-wrap: anywhere;}
.stk-explorer .stk-error {color: #b00020; overflow-wrap: anywhere;}
.stk-explorer button.stk-sort {padding: 0 4px; font-weight: 600;}
.stk-explorer .stk-tickets td {white-space: nowrap;}
</style>"""


def _fmt_int(v) -> str:
    return "" if pd.isna(v) else f"{int(v):,}"


def _fmt_growth(v, emerging) -> str:
    if not pd.isna(emerging) and bool(emerging):
        text = "new" if pd.isna(v) else f"×{v:.1f}"
        return f"<span class='stk-emerging' title='emerging: at least twice its own baseline rate'>▲ {text}</span>"
    return "" if pd.isna(v) else f"×{v:.1f}"


def _fmt_pp(v) -> str:
    return "" if pd.isna(v) else f"{v:+.0f} pp"


class DuplicateExplorer:
    """Interactive explorer of duplicate-ticket clusters, with labels saved after every action.

    Parameters
    ----------
    tickets : canonical tickets (toolkit.schema TICKETS).
    labels_path : the labels file; default ``duplicate_labels.json`` next to ``data_path``.
    data_path : the data file or folder the tickets came from (to place the labels file).
    engine : the clustering (:class:`ClusterEngine`); default :class:`FinderEngine`.
    threshold, min_cluster_size : initial clustering parameters (threshold None: the engine's default).
    threshold_range : (min, max, step) of the threshold slider.
    redact_text : show ticket text PII-redacted (default True).
    weeks : weeks in the trend column.
    tracker_url, ticket_url : link templates for the Jira export (``...browse/{key}``, ``.../tickets/{ticket_id}``).

    Use ``explorer.widget`` (or just display the explorer) in a notebook. Tests and scripts can drive the
    same controls: set ``explorer.threshold.value``, call ``explorer.select(key)``, ``explorer.rename(...)``.
    """

    def __init__(self, tickets: pd.DataFrame, *, labels_path: str | Path | None = None,
                 data_path: str | Path | None = None, engine: ClusterEngine | None = None,
                 threshold: float | None = None, min_cluster_size: int = 3,
                 threshold_range: tuple[float, float, float] = (0.2, 0.9, 0.05), redact_text: bool = True,
                 weeks: int = 12, page_size: int = PAGE_SIZE, tracker_url: str | None = None,
                 ticket_url: str | None = None) -> None:
        if labels_path is None and data_path is None:
            raise ConfigError("the explorer needs a place for its labels file", key="labels_path",
                              fix="pass labels_path=... or data_path=... (the labels go next to the data)")
        missing = [c for c in ("ticket_id", "created_at") if c not in tickets.columns]
        if missing:
            raise DataError("tickets lack required columns", table="tickets", column=", ".join(missing),
                            fix="load tickets with toolkit.io or conform them with toolkit.schema.validate")
        if tickets.empty:
            raise DataError("there are no tickets to explore", table="tickets",
                            fix="check the file, or widen the `since` date")
        self.tickets = tickets.reset_index(drop=True)
        self.tickets["ticket_id"] = self.tickets["ticket_id"].astype("str")
        self.engine = engine if engine is not None else FinderEngine()
        self.store = LabelStore(labels_path if labels_path is not None else labels_path_for(data_path),
                                autosave=False)
        self.redact_text = redact_text
        self.weeks = weeks
        self.page_size = page_size
        self._text = (self.tickets.get("subject", pd.Series("", index=self.tickets.index)).fillna("").astype("str")
                      + " — " + self.tickets.get("description", pd.Series("", index=self.tickets.index))
                      .fillna("").astype("str"))
        self._lower = self._text.str.lower()
        self._row_of = pd.Series(np.arange(len(self.tickets)), index=self.tickets["ticket_id"])
        self.data_end = self.tickets["created_at"].max()
        self.selected: str | None = None
        self.sort_by, self.ascending = "impact", False
        self.page = 0
        self.carried: Carried | None = None
        self.table = pd.DataFrame()
        self.last_timeline = None
        self.trend_note = ""
        self._build_controls(threshold, min_cluster_size, threshold_range, tracker_url, ticket_url)
        self._build_layout()
        self.recluster()

    # ----------------------------------------------------------------- controls
    def _build_controls(self, threshold, min_cluster_size, threshold_range, tracker_url, ticket_url) -> None:
        lo, hi, step = threshold_range
        narrow = widgets.Layout(width="250px")
        style = {"description_width": "90px"}
        self._pending_threshold = threshold is None
        self._syncing = False
        self.threshold = widgets.FloatSlider(value=lo if threshold is None else threshold, min=lo, max=hi, step=step,
                                             description="Threshold",
                                             continuous_update=False, readout_format=".2f", layout=narrow,
                                             style=style, tooltip="higher = tighter, smaller clusters")
        self.min_size = widgets.IntSlider(value=min_cluster_size, min=2, max=50, description="Min size",
                                          continuous_update=False, layout=narrow, style=style)
        months = pd.date_range(self.tickets["created_at"].min().floor("D").replace(day=1),
                               self.data_end.floor("D").replace(day=1), freq="MS")
        self._months = list(months)
        self.dates = widgets.SelectionRangeSlider(options=[(m.strftime("%Y-%m"), m) for m in months],
                                                  index=(0, len(months) - 1), description="Dates",
                                                  continuous_update=False, layout=widgets.Layout(width="360px"),
                                                  style={"description_width": "50px"})
        self.filters: dict[str, widgets.Dropdown] = {}
        for col in ("team", "channel", "product"):
            values = sorted(self.tickets[col].dropna().astype("str").unique()) if has_values(self.tickets, col) else []
            self.filters[col] = widgets.Dropdown(options=[ALL, *values], value=ALL, description=col.capitalize(),
                                                 disabled=not values, layout=widgets.Layout(width="220px"),
                                                 style={"description_width": "60px"})
        self.search = widgets.Text(placeholder="search ticket text…", description="Search", continuous_update=False,
                                   layout=widgets.Layout(width="300px"), style={"description_width": "50px"})
        self.status_filter = widgets.Dropdown(options=[("any status", ALL), *[(v, k) for k, v in STATUSES.items()]],
                                              value=ALL, layout=widgets.Layout(width="200px"))
        self.progress = widgets.FloatProgress(value=0, min=0, max=1, layout=widgets.Layout(width="160px",
                                                                                           visibility="hidden"))
        self.status_line = widgets.HTML(layout=widgets.Layout(width="auto"))
        for w in (self.threshold, self.min_size):
            w.observe(lambda _c: None if self._syncing else self.recluster(), names="value")
        for w in (self.dates, self.search, self.status_filter, *self.filters.values()):
            w.observe(lambda _c: self._refresh(reset_page=True), names="value")

        # table
        self.sort_buttons = {}
        header = []
        for key, text in SORT_COLUMNS.items():
            b = widgets.Button(description=text, layout=widgets.Layout(width="auto"), tooltip=f"sort by {text}")
            b.add_class("stk-sort")
            b.add_class(f"stk-sort-{key}")
            b.on_click(lambda _b, key=key: self.sort(key))
            self.sort_buttons[key] = b
            header.append(b)
        self._rows = []
        cells = list(header)
        for i in range(self.page_size):
            name = widgets.Button(layout=widgets.Layout(width="auto"))
            name.add_class("stk-row-name")
            name.on_click(lambda _b, i=i: self._click_row(i))
            row = [name] + [widgets.HTML(layout=widgets.Layout(width="auto")) for _ in range(len(SORT_COLUMNS) - 1)]
            for c in row[1:]:
                c.add_class("stk-cell")
            for j in (1, 2, 4, 5, 6, 7):
                row[j].add_class("stk-num")
            row[3].add_class("stk-spark")
            self._rows.append(row)
            cells.extend(row)
        self.grid = widgets.GridBox(cells, layout=widgets.Layout(grid_template_columns=_GRID, grid_gap="2px 4px",
                                                                 width="100%", overflow="hidden"))
        self.prev_page = widgets.Button(description="◀ Prev", layout=widgets.Layout(width="80px"))
        self.next_page = widgets.Button(description="Next ▶", layout=widgets.Layout(width="80px"))
        self.prev_page.on_click(lambda _b: self._turn(-1))
        self.next_page.on_click(lambda _b: self._turn(1))
        self.page_label = widgets.HTML()
        self.conflict_box = widgets.HTML()

        # detail
        self.title = widgets.HTML()
        self.facts = widgets.HTML()
        self.ticket_html = widgets.HTML(layout=widgets.Layout(max_height="340px", overflow="auto", width="100%"))
        self.ticket_html.add_class("stk-tickets")
        self.ticket_pick = widgets.SelectMultiple(options=[], rows=6, description="Tickets",
                                                  layout=widgets.Layout(width="100%"),
                                                  style={"description_width": "60px"})
        self.timeline = widgets.Output(layout=widgets.Layout(width="100%", min_height="220px"))
        self.neighbour_html = widgets.HTML()
        self.rename_text = widgets.Text(placeholder="new name", layout=widgets.Layout(width="260px"))
        self.rename_text.add_class("stk-rename-text")
        self.rename_button = widgets.Button(description="Rename", button_style="primary",
                                            layout=widgets.Layout(width="150px"))
        self.rename_button.add_class("stk-rename-button")
        self.rename_button.on_click(lambda _b: self._act(lambda: self.rename(self.rename_text.value)))
        self.merge_pick = widgets.Dropdown(options=[], layout=widgets.Layout(width="260px"))
        self.merge_button = widgets.Button(description="Merge into this", layout=widgets.Layout(width="150px"))
        self.merge_button.on_click(lambda _b: self._act(lambda: self.merge([self.merge_pick.value])))
        self.split_name = widgets.Text(placeholder="name for the split-off tickets", layout=widgets.Layout(
            width="260px"))
        self.split_button = widgets.Button(description="Split off selected", layout=widgets.Layout(width="150px"))
        self.split_button.on_click(lambda _b: self._act(lambda: self.split(list(self.ticket_pick.value),
                                                                            self.split_name.value)))
        self.move_pick = widgets.Dropdown(options=[], layout=widgets.Layout(width="260px"))
        self.move_button = widgets.Button(description="Move tickets to", layout=widgets.Layout(width="150px"))
        self.move_button.on_click(lambda _b: self._act(lambda: self.move(list(self.ticket_pick.value),
                                                                          self.move_pick.value)))
        self.status_pick = widgets.Dropdown(options=[(v, k) for k, v in STATUSES.items()],
                                            layout=widgets.Layout(width="260px"))
        self.status_pick.add_class("stk-status-pick")
        self.tracker_key = widgets.Text(placeholder="tracker key, e.g. APP-1234", layout=widgets.Layout(
            width="200px"))
        self.note = widgets.Textarea(placeholder="note (why, what to do)", layout=widgets.Layout(width="100%",
                                                                                                height="60px"))
        self.status_button = widgets.Button(description="Save status", button_style="primary",
                                            layout=widgets.Layout(width="110px"))
        self.status_button.add_class("stk-status-button")
        self.note.add_class("stk-note")
        self.status_button.on_click(lambda _b: self._act(lambda: self.set_status(
            self.status_pick.value, tracker_key=self.tracker_key.value, note=self.note.value)))
        self.action_result = widgets.HTML()
        self.action_result.add_class("stk-action-result")

        # find similar & export
        self.similar_text = widgets.Textarea(placeholder="paste a ticket text or a ticket id",
                                             layout=widgets.Layout(width="100%", height="60px"))
        self.similar_button = widgets.Button(description="Find similar", layout=widgets.Layout(width="110px"))
        self.similar_button.on_click(lambda _b: self._act(lambda: self.find_similar(self.similar_text.value),
                                                          saves=False))
        self.similar_html = widgets.HTML(layout=widgets.Layout(max_height="300px", overflow="auto", width="100%"))
        self.similar_html.add_class("stk-tickets")
        self.export_button = widgets.Button(description="Export bug candidates + labels",
                                            layout=widgets.Layout(width="240px"))
        self.export_button.on_click(lambda _b: self._act(lambda: self.export(
            tracker_url=self.tracker_url.value.strip() or None, ticket_url=self.ticket_url.value.strip() or None),
            saves=False))
        self.export_html = widgets.HTML()
        wide = widgets.Layout(width="100%", max_width="640px")
        self.tracker_url = widgets.Text(value=tracker_url or "", description="Tracker link",
                                        placeholder="https://jira.example.com/browse/{key}", layout=wide,
                                        style={"description_width": "90px"})
        self.ticket_url = widgets.Text(value=ticket_url or "", description="Ticket link",
                                       placeholder="https://acme.zendesk.com/agent/tickets/{ticket_id}", layout=wide,
                                       style={"description_width": "90px"})
        self.similar_open = widgets.Dropdown(options=[], description="Open cluster",
                                             layout=widgets.Layout(width="100%", max_width="640px"),
                                             style={"description_width": "90px"})
        self.similar_open.observe(lambda c: c["new"] and self._act(lambda: self.select(c["new"]), saves=False),
                                  names="value")

    def _build_layout(self) -> None:
        box = widgets.Layout
        controls = widgets.VBox([
            widgets.HBox([self.threshold, self.min_size, self.dates], layout=box(flex_flow="row wrap")),
            widgets.HBox([*self.filters.values(), self.status_filter], layout=box(flex_flow="row wrap")),
            widgets.HBox([self.search, self.progress, self.status_line], layout=box(flex_flow="row wrap",
                                                                                     align_items="center")),
        ])
        pager = widgets.HBox([self.prev_page, self.next_page, self.page_label], layout=box(align_items="center"))
        def row(field, button):
            field.layout.width, field.layout.flex, field.layout.min_width = "auto", "1 1 auto", "0"
            return widgets.HBox([field, button], layout=box(width="100%"))

        status_row = widgets.HBox([self.status_pick, self.tracker_key], layout=box(width="100%"))
        self.status_pick.layout.width, self.status_pick.layout.flex = "auto", "1 1 60%"
        self.tracker_key.layout.width, self.tracker_key.layout.flex = "auto", "1 1 40%"
        self.ticket_pick.description = ""
        actions = widgets.VBox([
            row(self.rename_text, self.rename_button),
            row(self.merge_pick, self.merge_button),
            row(self.split_name, self.split_button),
            row(self.move_pick, self.move_button),
            widgets.HTML("<b>Status</b>"), status_row, self.note, self.status_button,
            self.action_result,
            widgets.HTML("<b>Select tickets</b> to split off or move (Shift/Ctrl-click for several):"),
            self.ticket_pick,
        ], layout=box(width="100%", min_width="0"))
        left = widgets.VBox([self.facts, self.timeline, widgets.HTML("<b>Most similar clusters</b>"),
                             self.neighbour_html], layout=box(width="100%", min_width="0", overflow="hidden"))
        right = widgets.VBox([widgets.HTML("<b>Act on this cluster</b>"), actions],
                             layout=box(width="100%", min_width="0", overflow="hidden"))
        halves = widgets.GridBox([left, right], layout=box(width="100%", grid_gap="0 16px",
                                                           grid_template_columns="minmax(0, 1fr) minmax(0, 1fr)"))
        self.detail = widgets.VBox([self.title, halves,
                                    widgets.HTML("<b>Tickets</b> (PII-redacted; distinctive terms highlighted)"),
                                    self.ticket_html],
                                   layout=box(border="1px solid #ddd", padding="8px", width="auto",
                                              display="none"))
        tools = widgets.Accordion(children=[
            widgets.VBox([self.similar_text, self.similar_button, self.similar_open, self.similar_html]),
            widgets.VBox([self.tracker_url, self.ticket_url, self.export_button, self.export_html]),
        ], layout=box(width="100%"))
        tools.set_title(0, "Find similar tickets")
        tools.set_title(1, "Export")
        self.widget = widgets.VBox([widgets.HTML(_CSS), controls, self.conflict_box, self.grid, pager, self.detail,
                                    tools], layout=box(width="100%", max_width="1400px", overflow="hidden"))
        self.widget.add_class("stk-explorer")

    def _ipython_display_(self) -> None:
        display(self.widget)

    # ----------------------------------------------------------------- state
    def _progress(self, step: str, fraction: float) -> None:
        self.progress.layout.visibility = "visible"
        self.progress.value = max(0.0, min(1.0, fraction))
        self.status_line.value = html.escape(step)

    def recluster(self) -> None:
        """Cluster all tickets with the current threshold and minimum size, then carry the labels over."""
        started = time.perf_counter()
        self._progress("clustering…", 0.05)
        try:
            threshold = None if self._pending_threshold else float(self.threshold.value)
            assignments = self.engine.fit(self.tickets, threshold=threshold,
                                          min_cluster_size=int(self.min_size.value), progress=self._progress)
        finally:
            self.progress.layout.visibility = "hidden"
        if self._pending_threshold and getattr(self.engine, "threshold_", None) is not None:
            self._syncing = True  # show the engine's default without clustering again
            try:
                self.threshold.value = float(self.engine.threshold_)
            finally:
                self._syncing = False
        self._pending_threshold = False
        ids = assignments["ticket_id"].astype("str")
        if not (ids.equals(self.tickets["ticket_id"]) or (self._row_of.index.get_indexer(ids) >= 0).all()):
            raise DataError("the clustering returned ticket ids that are not in the tickets", table="tickets",
                            column="ticket_id", fix="cluster the same tickets the explorer shows")
        self.machine = assignments.assign(ticket_id=ids)
        self.machine_names = self.engine.cluster_names()
        self._carry()
        self._refresh(reset_page=True)
        self.status_line.value = (f"{self.machine['cluster_id'].nunique()} clusters in "
                                  f"{time.perf_counter() - started:.1f} s")

    def _carry(self) -> None:
        created = pd.Series(self.tickets["created_at"].to_numpy(), index=self.tickets["ticket_id"])
        self.carried = carry_labels(self.machine, self.store, created_at=created)
        eff = self.carried.assignments
        key = eff["label_id"].where(eff["label_id"].notna(), "c" + eff["cluster_id"])
        self.cluster_of = pd.Series(key.to_numpy(), index=eff["ticket_id"].to_numpy(), dtype="str")
        conflicts = self.carried.conflicts
        self.conflict_box.value = "" if not len(conflicts) else (
            "<div class='stk-conflict'><b>Labels that need a decision</b><ul>"
            + "".join(f"<li>{html.escape(m)}</li>" for m in conflicts["message"])
            + "</ul></div>")

    def _name(self, key: str) -> str:
        if key in self.store.labels:
            return self.store.labels[key].name
        cid = key[1:]
        return self.machine_names.get(cid) or f"cluster {cid}"

    def _status(self, key: str) -> str:
        return self.store.labels[key].status if key in self.store.labels else "unreviewed"

    def _range(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """Start and (exclusive) end of the date range control, in UTC."""
        start, stop = self.dates.value
        stop = stop + pd.offsets.MonthBegin(1)
        return tuple(t.tz_localize("UTC") if t.tzinfo is None else t for t in (start, stop))

    def visible_mask(self, *, dates: bool = True) -> np.ndarray:
        """Which tickets pass the date range and team/channel/product filters (``dates=False``: all dates)."""
        t = self.tickets
        start, stop = self._range()
        created = t["created_at"]
        mask = (created >= start) & (created < stop) if dates else pd.Series(True, index=t.index)
        for col, w in self.filters.items():
            if w.value != ALL:
                mask &= t[col].astype("str") == w.value
        return mask.to_numpy(dtype=bool)

    def _refresh(self, reset_page: bool = False) -> None:
        """Recompute the cluster table for the current filters and redraw it.

        Counts, customers, effort and CSAT cover the date range; trend, growth and the emerging flag are
        measured at the end of the range against the cluster's own history before it.
        """
        mask = self.visible_mask()
        keys = pd.Series(self.cluster_of.reindex(self.tickets["ticket_id"]).to_numpy(), index=self.tickets.index)
        self._visible = mask
        start, stop = self._range()
        as_of = min(stop - pd.Timedelta(microseconds=1), self.data_end)
        ev = cluster_table(self.tickets.loc[mask], keys[mask], weeks=self.weeks, as_of=as_of)
        if start > self.tickets["created_at"].min():  # the range cuts history off: take the trend from all of it
            history = self.visible_mask(dates=False) & (self.tickets["created_at"] < stop).to_numpy()
            trend = cluster_table(self.tickets.loc[history], keys[history], weeks=self.weeks, as_of=as_of)
            trend = trend.set_index("cluster").reindex(ev["cluster"])
            for col in ("weekly", "recent", "growth", "emerging"):
                ev[col] = trend[col].to_numpy()
        history = as_of - self.tickets["created_at"].min()
        self.trend_note = ""
        if history < pd.Timedelta(days=RECENT_DAYS + BASELINE_DAYS):  # no baseline: growth would be meaningless
            ev["growth"], ev["emerging"] = np.nan, False
            self.trend_note = (f"growth and the emerging flag need {RECENT_DAYS + BASELINE_DAYS} days of data up to "
                               f"the end of the date range; there are {history.days}")
        query = self.search.value.strip().lower()
        if query:
            hit = self._lower[mask].str.contains(query, regex=False).to_numpy()
            ev = ev[ev["cluster"].isin(set(keys[mask][hit].dropna()))]
        ev = ev.assign(name=[self._name(k) for k in ev["cluster"]],
                       status=[self._status(k) for k in ev["cluster"]])
        if self.status_filter.value != ALL:
            ev = ev[ev["status"] == self.status_filter.value]
        self.table = self._sorted(ev)
        if reset_page:
            self.page = 0
        self._draw_table()
        if self.selected is not None:
            self._show_detail()

    def _sorted(self, ev: pd.DataFrame) -> pd.DataFrame:
        by = self.sort_by
        key = None
        if by in ("name", "status"):
            key = lambda s: s.str.lower()
        ordered = ev.sort_values([by, "cluster"], ascending=[self.ascending, True], key=key, na_position="last")
        return ordered.reset_index(drop=True)

    def sort(self, column: str) -> None:
        """Sort the table by ``column`` (a key of :data:`SORT_COLUMNS`); sorting again reverses the order."""
        if column not in SORT_COLUMNS:
            raise ConfigError(f"cannot sort by {column!r}", key="column", fix=f"use one of {', '.join(SORT_COLUMNS)}")
        if self.sort_by == column:
            self.ascending = not self.ascending
        else:
            self.sort_by, self.ascending = column, column in ("name", "status", "csat_impact")
        self.table = self._sorted(self.table)
        self.page = 0
        self._draw_table()

    def _turn(self, step: int) -> None:
        pages = max(1, -(-len(self.table) // self.page_size))
        self.page = min(max(0, self.page + step), pages - 1)
        self._draw_table()

    def _draw_table(self) -> None:
        for key, b in self.sort_buttons.items():
            arrow = (" ▲" if self.ascending else " ▼") if key == self.sort_by else ""
            b.description = SORT_COLUMNS[key] + arrow
        start = self.page * self.page_size
        rows = self.table.iloc[start:start + self.page_size]
        for i, cells in enumerate(self._rows):
            visible = i < len(rows)
            for c in cells:
                c.layout.display = None if visible else "none"
            if not visible:
                continue
            r = rows.iloc[i]
            cells[0].description = r["name"]
            cells[0].tooltip = f"{r['cluster']}: {r['name']} ({r['kind']})"
            cells[0].button_style = "info" if r["cluster"] == self.selected else ""
            cells[1].value = _fmt_int(r["tickets"])
            cells[2].value = _fmt_int(r["customers"])
            cells[3].value = f"<span title='weekly tickets, last {self.weeks} weeks'>{sparkline(r['weekly'])}</span>"
            cells[4].value = _fmt_growth(r["growth"], r["emerging"])
            cells[5].value = _fmt_int(r["effort"])
            cells[6].value = _fmt_pp(r["csat_impact"])
            cells[7].value = _fmt_int(r["impact"])
            cells[8].value = f"<span class='stk-badge stk-{r['status']}'>{html.escape(STATUSES[r['status']])}</span>"
        n = len(self.table)
        self.page_label.value = (f"&nbsp;{start + 1}–{min(start + self.page_size, n)} of {n} clusters"
                                 if n else "&nbsp;no clusters match the filters")
        if self.trend_note:
            self.page_label.value += f" &nbsp;·&nbsp; <i>{html.escape(self.trend_note)}</i>"
        self.prev_page.disabled = self.page == 0
        self.next_page.disabled = start + self.page_size >= n

    def _click_row(self, i: int) -> None:
        idx = self.page * self.page_size + i
        if idx < len(self.table):
            self.select(self.table.iloc[idx]["cluster"])

    # ----------------------------------------------------------------- detail
    def members(self, key: str, visible_only: bool = False) -> list[str]:
        """Ticket ids of the cluster ``key`` (all data, or only those passing the filters)."""
        ids = self.cluster_of.index[self.cluster_of.to_numpy() == key]
        if visible_only:
            rows = self._row_of.reindex(ids).to_numpy()
            ids = ids[self._visible[rows]]
        return list(ids)

    def select(self, key: str) -> None:
        """Open cluster ``key`` (``L3`` for a label, ``c17`` for an unlabelled cluster)."""
        if key not in set(self.cluster_of):
            raise ConfigError(f"there is no cluster {key!r}", key="cluster", fix="pick one from the table")
        self.selected = key
        self._draw_table()
        self._show_detail()

    def _show_detail(self) -> None:
        key = self.selected
        if key is None or key not in set(self.cluster_of):
            self.selected = None
            self.detail.layout.display = "none"
            return
        self.detail.layout.display = None
        ids = self.members(key, visible_only=True) or self.members(key)
        rows = self.tickets.iloc[self._row_of.reindex(ids).to_numpy()].sort_values("created_at")
        label = self.store.labels.get(key)
        name = self._name(key)
        self.rename_text.value = name
        self.terms = self.engine.distinctive_terms(self.members(key), k=8)
        keys = self._bug_keys(self.members(key))
        for col in ("problem_id", "parent_id"):
            if col in rows.columns:
                keys += [f"{col}:{v}" for v in rows[col].dropna().astype("str").unique()[:5]]
        self.bug_keys_found = keys
        status = STATUSES[label.status] if label else STATUSES["unreviewed"]
        tracker = f" · {html.escape(label.tracker_key)}" if label and label.tracker_key else ""
        self.title.value = (f"<h3 style='margin:4px 0'>{html.escape(name)} <small style='color:#666'>"
                            f"{html.escape(key)} · {html.escape(status)}{tracker}</small></h3>")
        ev = self.table[self.table["cluster"] == key]
        customers = _fmt_int(ev["customers"].iloc[0]) if len(ev) else ""
        first, last = rows["created_at"].min(), rows["created_at"].max()
        self.facts.value = (
            f"<b>{len(rows):,}</b> tickets shown of {len(self.members(key)):,}"
            + (f" · <b>{customers}</b> customers" if customers else "")
            + f"<br>first seen {first:%Y-%m-%d}, last seen {last:%Y-%m-%d}"
            + "<br>distinctive terms: " + (", ".join(f"<mark>{html.escape(t)}</mark>" for t in self.terms) or "–")
            + "<br>bug keys found: " + (html.escape(", ".join(keys[:12])) or "none")
            + (f"<br>note: {html.escape(label.note)}" if label and label.note else ""))
        self.status_pick.value = label.status if label else "unreviewed"
        self.tracker_key.value = label.tracker_key if label else ""
        self.note.value = label.note if label else ""
        shown = rows.tail(50).iloc[::-1]
        texts = self._display_text(shown.index)
        body = "".join(
            f"<tr><td>{html.escape(t)}</td><td>{c:%Y-%m-%d}</td><td>{html.escape(str(team))}</td>"
            f"<td class='stk-text'>{highlight(x, self.terms)}</td></tr>"
            for t, c, team, x in zip(shown["ticket_id"], shown["created_at"],
                                     shown["team"].fillna("") if "team" in shown else [""] * len(shown), texts,
                                     strict=True))
        more = f"<p>newest 50 of {len(rows):,} shown</p>" if len(rows) > 50 else ""
        self.ticket_html.value = ("<table><tr><th>Ticket</th><th>Created</th><th>Team</th><th>Text</th></tr>"
                                  f"{body}</table>{more}")
        options = [(f"{t} — {x[:70]}", t) for t, x in zip(shown["ticket_id"], texts, strict=True)]
        self.ticket_pick.options = options
        self._draw_neighbours(key)
        self._draw_timeline(rows)

    def _bug_keys(self, ticket_ids: list[str]) -> list[str]:
        found = self.engine.bug_keys(ticket_ids) if hasattr(self.engine, "bug_keys") else None
        if found is not None:  # the engine may also have read the conversations
            return list(found)
        return bug_keys(self._text.iloc[self._row_of.reindex(ticket_ids).to_numpy()])

    def _display_text(self, index) -> list[str]:
        text = self._text.loc[index]
        text = redact(text) if self.redact_text else text
        return [" ".join(str(x).split())[:600] for x in text]

    def _draw_neighbours(self, key: str) -> None:
        groups = self.cluster_of
        near = self.engine.neighbours(self.members(key), groups, k=6)
        near = near[near["cluster"] != key].head(5) if len(near) else near
        self.neighbours_found = near
        self.neighbour_html.value = "<br>".join(
            f"{html.escape(self._name(c))} <small>({html.escape(c)}, similarity {s:.2f})</small>"
            for c, s in zip(near["cluster"], near["similarity"], strict=True)) or "none"
        others = [k for k in self.table["cluster"] if k != key]
        first = [c for c in near["cluster"] if c in set(others)]
        order = first + [k for k in others if k not in set(first)]
        options = [(f"{self._name(k)} ({k})", k) for k in order[:300]]
        self.merge_pick.options = options
        self.move_pick.options = options

    def _draw_timeline(self, rows: pd.DataFrame) -> None:
        """Weekly ticket counts of the open cluster as a plotly bar chart in the timeline Output.

        The figure is written as a plain plotly JSON dict and set as the Output's display data: building a
        validated ``go.Figure`` with a template costs ~0.3 s per click, and this works without a kernel too.
        """
        weekly = (rows.set_index("created_at").resample("W-MON", label="left", closed="left").size()
                  .rename("tickets").reset_index())
        axis = {"gridcolor": "#eee", "zeroline": False, "automargin": True}
        figure = {
            "data": [{"type": "bar", "x": weekly["created_at"].dt.strftime("%Y-%m-%d").tolist(),
                      "y": weekly["tickets"].astype(int).tolist(), "marker": {"color": "#1f77b4"},
                      "hovertemplate": "week of %{x}: %{y} tickets<extra></extra>"}],
            "layout": {"height": 220, "margin": {"l": 40, "r": 10, "t": 28, "b": 30}, "bargap": 0.1,
                       "title": {"text": "Tickets per week", "font": {"size": 13}},
                       "plot_bgcolor": "white", "paper_bgcolor": "white", "xaxis": {**axis, "type": "date"},
                       "yaxis": {**axis, "rangemode": "tozero"}},
            "config": {"displaylogo": False, "responsive": True},
        }
        self.last_timeline = figure
        self.timeline.outputs = ({"output_type": "display_data", "metadata": {},
                                  "data": {"application/vnd.plotly.v1+json": figure,
                                           "text/plain": f"timeline of {len(rows)} tickets"}},)

    # ----------------------------------------------------------------- actions
    def _act(self, action: Callable[[], object], saves: bool = True) -> None:
        """Run a UI action, showing its outcome (or the user's mistake) instead of a traceback."""
        try:
            action()
            if saves:
                self.action_result.value = (f"<span class='stk-saved'>saved to {html.escape(str(self.store.path))}"
                                            f" at {pd.Timestamp.now():%H:%M:%S}</span>")
        except (ConfigError, DataError) as exc:
            self.action_result.value = f"<span class='stk-error'>{html.escape(str(exc))}</span>"

    def _label_for(self, key: str) -> str:
        """The label id of cluster ``key``, labelling an unlabelled cluster first."""
        if key in self.store.labels:
            return key
        if key not in set(self.cluster_of):
            raise ConfigError(f"there is no cluster {key!r}", key="cluster", fix="pick one from the table")
        return self.store.create(self.members(key), self._name(key), save=False).label_id

    def _require_selection(self) -> str:
        if self.selected is None:
            raise ConfigError("no cluster is selected", key="cluster", fix="click a cluster in the table first")
        return self.selected

    def _commit(self, select: str, fallback: str | None = None) -> None:
        """After an action: carry labels again, make members match what is shown, save, redraw."""
        self._carry()
        self.store.sync(self.carried.assignments, self.data_end.isoformat())
        self.store.save()
        self.selected = select if select in set(self.cluster_of) else fallback
        self._refresh()

    def rename(self, name: str) -> None:
        """Rename the selected cluster."""
        lid = self._label_for(self._require_selection())
        self.store.rename(lid, name)
        self._commit(lid)

    def set_status(self, status: str, *, tracker_key: str = "", note: str | None = None) -> None:
        """Set the selected cluster's status (a key of :data:`STATUSES`), tracker key and note."""
        lid = self._label_for(self._require_selection())
        self.store.set_status(lid, status, tracker_key=tracker_key, note=note)
        self._commit(lid)

    def merge(self, others: Sequence[str]) -> None:
        """Merge the clusters ``others`` into the selected one."""
        key = self._require_selection()
        others = [o for o in others if o and o != key]
        if not others:
            raise ConfigError("no cluster chosen to merge", key="merge", fix="choose a cluster in the merge list")
        lids = [self._label_for(k) for k in [key, *others]]
        target = self.store.merge(lids, into=lids[0])
        self._commit(target.label_id)

    def split(self, tickets: Sequence[str], name: str) -> None:
        """Split ``tickets`` off the selected cluster into a new cluster called ``name``."""
        key = self._require_selection()
        tickets = [str(t) for t in tickets]
        if not tickets:
            raise ConfigError("no tickets selected to split off", key="tickets", fix="select tickets in the list")
        if not name.strip():
            raise ConfigError("the new cluster needs a name", key="name", fix="type a name for the split-off tickets")
        foreign = [t for t in tickets if self.cluster_of.get(t) != key]
        if foreign:
            raise ConfigError(f"tickets {', '.join(foreign[:5])} are not in this cluster", key="tickets",
                              fix="select tickets of the open cluster")
        lid = self._label_for(key)
        new = self.store.split(lid, tickets, name)
        self._commit(new.label_id)

    def move(self, tickets: Sequence[str], to: str) -> None:
        """Move ``tickets`` to cluster ``to``."""
        key = self._require_selection()
        tickets = [str(t) for t in tickets]
        if not tickets:
            raise ConfigError("no tickets selected to move", key="tickets", fix="select tickets in the list")
        if not to or to == key:
            raise ConfigError("choose another cluster to move the tickets to", key="to",
                              fix="pick a cluster in the move list")
        target = self._label_for(to)
        self.store.move(tickets, target)
        self._commit(key, fallback=target)

    # ----------------------------------------------------------------- search & export
    def find_similar(self, query: str, k: int = 10) -> pd.DataFrame:
        """The ``k`` tickets closest to ``query`` (a text, or a ticket id whose text is used), with their clusters.

        Returns columns ticket_id, similarity, cluster, cluster_name, text (redacted), and shows them.
        """
        query = query.strip()
        if not query:
            raise ConfigError("nothing to search for", key="query", fix="paste a ticket text or a ticket id")
        own = None
        if query in self._row_of.index:
            own = query
            query = self._text.iloc[self._row_of[own]]
        found = self.engine.similar(query, k=k + (own is not None))
        found = found[found["ticket_id"].astype("str") != own].head(k).copy()
        found["ticket_id"] = found["ticket_id"].astype("str")
        found["cluster"] = found["ticket_id"].map(self.cluster_of)
        found["cluster_name"] = [self._name(c) if isinstance(c, str) else "(unclustered)" for c in found["cluster"]]
        found["text"] = self._display_text(self._row_of.reindex(found["ticket_id"]).to_numpy())
        body = "".join(f"<tr><td>{html.escape(t)}</td><td>{s:.2f}</td><td>{html.escape(n)}</td>"
                       f"<td class='stk-text'>{html.escape(x[:300])}</td></tr>"
                       for t, s, n, x in zip(found["ticket_id"], found["similarity"], found["cluster_name"],
                                             found["text"], strict=True))
        self.similar_html.value = ("<table><tr><th>Ticket</th><th>Similarity</th><th>Cluster</th><th>Text</th></tr>"
                                   f"{body}</table>")
        clusters = list(dict.fromkeys(c for c in found["cluster"] if isinstance(c, str)))
        self.similar_open.options = [("", None)] + [(f"{self._name(c)} ({c})", c) for c in clusters]
        return found.reset_index(drop=True)

    def labelled(self) -> pd.DataFrame:
        """The labelled clusters with their evidence on all data (see :func:`labelled_clusters`)."""
        keys = pd.Series(self.cluster_of.reindex(self.tickets["ticket_id"]).to_numpy(), index=self.tickets.index)
        is_label = keys.isin(list(self.store.labels))
        ev = cluster_table(self.tickets[is_label], keys[is_label], as_of=self.data_end)
        ev = ev.rename(columns={"cluster": "label_id"})
        ev["bug_keys"] = [", ".join(self._bug_keys(self.members(k))[:8]) for k in ev["label_id"]]
        ev["example_tickets"] = [", ".join(self.members(k)[:5]) for k in ev["label_id"]]
        return labelled_clusters(self.store, ev)

    def examples(self, per_cluster: int = 5) -> pd.DataFrame:
        """Example tickets per label (newest first): label_id, ticket_id, subject (PII-redacted)."""
        keys = self.cluster_of.reindex(self.tickets["ticket_id"]).to_numpy()
        rows = self.tickets.assign(label_id=keys)
        rows = rows[rows["label_id"].isin(list(self.store.labels))].sort_values("created_at", ascending=False)
        rows = rows.groupby("label_id", sort=False).head(per_cluster)
        subject = rows["subject"] if has_values(rows, "subject") else rows.get("description", "")
        subject = redact(subject.fillna("").astype("str")) if self.redact_text else subject
        return pd.DataFrame({"label_id": rows["label_id"].to_numpy(), "ticket_id": rows["ticket_id"].to_numpy(),
                             "subject": np.asarray(subject, dtype=object)})

    def export(self, folder: str | Path | None = None, *, tracker_url: str | None = None,
               ticket_url: str | None = None) -> dict[str, Path]:
        """Write ``bug_candidates_jira.csv`` and ``labelled_clusters.csv`` next to the labels file."""
        for template, field, example in ((tracker_url, "key", "https://jira.example.com/browse/{key}"),
                                         (ticket_url, "ticket_id", "https://acme.zendesk.com/agent/tickets/{ticket_id}")):
            if template and "{" + field + "}" not in template:
                raise ConfigError(f"the link {template!r} has no {{{field}}} placeholder", key=f"{field} link",
                                  fix=f"write it like {example}")
        folder = Path(folder) if folder is not None else self.store.path.parent
        labelled = self.labelled()
        jira = jira_bug_candidates(labelled, self.examples(), tracker_url=tracker_url, ticket_url=ticket_url)
        paths = {"jira": write_jira_csv(jira, folder / "bug_candidates_jira.csv"),
                 "labelled": folder / "labelled_clusters.csv"}
        atomic_write_text(paths["labelled"], labelled.to_csv(index=False, lineterminator="\n"))
        self.export_html.value = (f"{len(jira)} bug candidate(s) → {html.escape(str(paths['jira']))}<br>"
                                  f"{len(labelled)} labelled cluster(s) → {html.escape(str(paths['labelled']))}")
        return paths


TICKET_FILES = ("tickets.csv", "tickets.csv.gz", "tickets.parquet", "tickets.xlsx", "tickets.json")


def open_explorer(data: str | Path, *, labels_path: str | Path | None = None, source: str | None = None,
                  tz: str = "UTC", since: str | None = None, threshold: float | None = None,
                  min_cluster_size: int = 3, redact_text: bool = True, seed: int = 0,
                  representation: str = "tfidf", tracker_url: str | None = None,
                  ticket_url: str | None = None) -> DuplicateExplorer:
    """Load a ticket export and open the explorer on it, with the labels file next to the data.

    Parameters
    ----------
    data : a tickets export (any format :func:`toolkit.io.load_tickets` reads) or a folder holding
        ``tickets.csv`` / ``tickets.csv.gz`` / ``tickets.parquet`` (e.g. ``data/samples``).
    labels_path : the labels file; default ``duplicate_labels.json`` in the data's folder.
    source, tz : passed to :func:`toolkit.io.load_tickets` (helpdesk and time zone of naive timestamps).
    since : keep only tickets created on or after this date (e.g. ``"2026-07-01"``).
    threshold, min_cluster_size, seed : clustering parameters (threshold None: the default).
    representation : how ticket text becomes vectors (:data:`toolkit.duplicates.REPRESENTATIONS`):
        ``"tfidf"`` (default), or ``"semantic"`` for the sentence model (closer paraphrases; about a
        minute for 20,000 tickets on two cores, once: the slider only regroups).
    redact_text : show ticket text PII-redacted.
    tracker_url, ticket_url : link templates for the Jira export (see :func:`jira_bug_candidates`).
    """
    from toolkit.io import load_tickets

    path = Path(data)
    if path.is_dir():
        found = [path / name for name in TICKET_FILES if (path / name).exists()]
        if not found:
            raise DataError(f"no tickets file in {path}", file=str(path),
                            fix=f"pass the export file itself, or put one of {', '.join(TICKET_FILES)} there")
        path = found[0]
    tickets, _report = load_tickets(path, source=source, tz=tz)
    if since is not None:
        try:
            start = pd.Timestamp(since)
        except ValueError:
            raise ConfigError(f"since={since!r} is not a date", key="since", fix="write it as 2026-07-01") from None
        start = start.tz_localize(tz) if start.tzinfo is None else start
        tickets = tickets[tickets["created_at"] >= start]
        if tickets.empty:
            raise ConfigError(f"no tickets created on or after {since}", key="since", fix="choose an earlier date")
    engine = FinderEngine(seed=seed, representation=representation)
    return DuplicateExplorer(tickets, labels_path=labels_path, data_path=path, engine=engine,
                             threshold=threshold, min_cluster_size=min_cluster_size, redact_text=redact_text,
                             tracker_url=tracker_url, ticket_url=ticket_url)
