"""The duplicate explorer: an ipywidgets front-end where analysts work through ticket clusters.

:class:`DuplicateExplorer` shows the clusters of a ticket set in a sortable table, lets the analyst
filter them (date range, team, channel, product, text search, status), choose how coarse the grouping
is (named levels with their cluster counts, or the threshold itself), open a cluster (every ticket,
paged and searchable, names and contact details masked unless switched on, distinctive terms
highlighted, a weekly timeline, the bug keys mentioned, the most similar clusters) and act on it:
rename, merge, split off tickets, move tickets, set a status with a note, undo and redo. Each action is
one transaction of the :class:`~toolkit.duplicates.labels.LabelStore` (saved at once, safe with a second
explorer on the same file), and labels are carried onto recomputed clusters by member overlap
(:func:`~toolkit.duplicates.labels.carry_labels`). Every message appears next to the control that
caused it.

Everything but the widget lives in :mod:`toolkit.duplicates`: the clustering behind
:class:`~toolkit.duplicates.engine.ClusterEngine`, the evidence table
(:func:`~toolkit.duplicates.tables.cluster_table`), the labels and the exports.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Sequence
from importlib.resources import files
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pandas as pd
from IPython.display import display

from toolkit.duplicates.engine import ClusterEngine, FinderEngine, explorer_tickets
from toolkit.duplicates.exports import jira_bug_candidates, labelled_clusters, write_jira_csv, write_labelled_csv
from toolkit.duplicates.labels import STATUSES, Carried, LabelStore, carry_labels, labels_path_for
from toolkit.duplicates.ranking import BASELINE_DAYS, RECENT_DAYS
from toolkit.duplicates.tables import bug_keys, cluster_table
from toolkit.errors import ConfigError, DataError
from toolkit.pii import redact
from toolkit.schema import has_values
from toolkit.validation import MIN_N

PAGE_SIZE = 15
"""Clusters per page of the table."""

TICKET_PAGE = 50
"""Tickets per page of an open cluster."""

ALL = "(all)"
SORT_COLUMNS = {"name": "Cluster", "status": "Status", "tickets": "Tickets", "csat_difference": "CSAT Δ",
                "recent": "Trend", "growth": "Growth", "customers": "Customers", "effort": "Effort",
                "impact": "Impact"}
# Cluster and status first, so both stay in view when the table has to scroll sideways.
_GRID = "minmax(140px, 3fr) 118px 66px 112px 84px 84px 88px 62px 66px"  # status fits "upstream bug"
STATUS_ORDER = ["upstream_bug", "known_issue", "process_problem", "unreviewed", "not_a_problem"]
"""Sorting by status puts what needs action first."""

LEVELS = {"same failure": (0.2, 4.0), "same symptom": (0.1, 2.0), "same problem": (0.0, 1.0),
          "related problems": (-0.05, 0.5), "same topic": (-0.1, 0.25)}
"""Granularity levels: (offset from the default threshold, factor on the default resolution).

On the 20,000-ticket sample the threshold alone barely moves the count between 0.2 and 0.5 (84 to 82
clusters); the modularity resolution does (58 clusters at a quarter of the default, 124 at four times),
so each level changes both.
"""

_SPARK = "▁▂▃▄▅▆▇█"
_CSS = f"<style>{files('toolkit.widgets').joinpath('explorer.css').read_text(encoding='utf-8')}</style>"


def sparkline(counts: Sequence[int], top: float | None = None) -> str:
    """Weekly counts as block characters, scaled to ``top`` (default: the largest of ``counts``).

    Pass the largest week of all clusters shown as ``top`` so that sparklines compare across rows.
    """
    counts = np.asarray(counts, dtype=float)
    top = counts.max() if top is None and len(counts) else top
    if not len(counts) or not top or top <= 0:
        return _SPARK[0] * len(counts)
    idx = np.ceil(np.clip(counts / top, 0, 1) * (len(_SPARK) - 1)).astype(int)
    return "".join(_SPARK[i] for i in idx)


def highlight(text: str, terms: Sequence[str]) -> str:
    """``text`` HTML-escaped, with whole-word matches of ``terms`` wrapped in ``<mark>``."""
    escaped = html.escape(text)
    words = sorted({html.escape(t) for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return escaped
    pattern = re.compile(r"(?<![\w&])(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    return pattern.sub(r"<mark>\1</mark>", escaped)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _fmt_int(v) -> str:
    return "" if pd.isna(v) else f"{int(v):,}"


def _fmt_growth(v, emerging, recent) -> str:
    n = "" if pd.isna(recent) else f" <span class='stk-n'>{int(recent)} recent</span>"
    if not pd.isna(emerging) and bool(emerging):
        text = "new" if pd.isna(v) else f"×{v:.1f}"
        return (f"<span class='stk-emerging' title='emerging: at least twice its own baseline rate'>▲ {text}</span>"
                f"{n}")
    return "" if pd.isna(v) else f"×{v:.1f}{n}"


def _fmt_difference(v, n, small) -> str:
    """A difference of shares in percentage points, with the number of rated tickets beside it."""
    if pd.isna(v):
        return "" if pd.isna(n) or not n else f"<span class='stk-n'>n={int(n)}</span>"
    text = f"{v * 100:+.0f} pp <span class='stk-n'>n={int(n)}</span>"
    if small:
        return (f"<span class='stk-small' title='only {int(n)} rated tickets (fewer than {MIN_N}): "
                f"too few to judge'>{text} ⚑</span>")
    return text


class DuplicateExplorer:
    """Interactive explorer of duplicate-ticket clusters, with labels saved after every action.

    Parameters
    ----------
    tickets : canonical tickets (toolkit.schema TICKETS).
    labels_path : the labels file; default ``duplicate_labels.json`` next to ``data_path``.
    data_path : the data file or folder the tickets came from (to place the labels file).
    engine : the clustering (:class:`~toolkit.duplicates.engine.ClusterEngine`); default ``FinderEngine``.
    threshold, min_cluster_size : initial clustering parameters (threshold None: the engine's default).
    threshold_range : (min, max, step) of the threshold slider.
    redact_text : mask names and contact details in ticket text (default True); the "Show names" switch
        changes it for analysts entitled to see them.
    weeks : weeks in the trend column.
    tracker_url, ticket_url : link templates for the Jira export (``...browse/{key}``, ``.../tickets/{ticket_id}``).

    Use ``explorer.widget`` (or just display the explorer) in a notebook. Tests and scripts can drive the
    same controls (``explorer.merge_button.click()``) or call the actions: ``select``, ``rename``,
    ``set_status``, ``merge``, ``split``, ``move``, ``undo``, ``redo``, ``labelled``.
    """

    def __init__(self, tickets: pd.DataFrame, *, labels_path: str | Path | None = None,
                 data_path: str | Path | None = None, engine: ClusterEngine | None = None,
                 threshold: float | None = None, min_cluster_size: int = 3,
                 threshold_range: tuple[float, float, float] = (0.15, 0.9, 0.01), redact_text: bool = True,
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
        self.store = LabelStore(labels_path if labels_path is not None else labels_path_for(data_path))
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
        self.ticket_page = 0
        self.chosen: set[str] = set()
        self.carried: Carried | None = None
        self.table = pd.DataFrame()
        self.last_timeline = None
        self.trend_note = ""
        self.level_counts: dict[str, int] = {}
        self.resolution: float | None = None  # None: the engine's default
        self._counted: dict[tuple, int] = {}
        self._build_controls(threshold, min_cluster_size, threshold_range, tracker_url, ticket_url, redact_text)
        self._build_layout()
        self.recluster()

    @property
    def redact_text(self) -> bool:
        """Whether ticket text shows with names and contact details masked (the "Show names" switch off)."""
        return not self.show_names.value

    # ----------------------------------------------------------------- controls
    def _feedback(self, name: str) -> widgets.HTML:
        box = widgets.HTML(layout=widgets.Layout(width="100%"))
        box.add_class("stk-feedback")
        box.add_class(f"stk-feedback-{name}")
        return box

    def _build_controls(self, threshold, min_cluster_size, threshold_range, tracker_url, ticket_url,
                        redact_text) -> None:
        lo, hi, step = threshold_range
        style = {"description_width": "70px"}
        self._pending_threshold = threshold is None
        self._syncing = False
        self.threshold = widgets.FloatSlider(value=lo if threshold is None else threshold, min=lo, max=hi, step=step,
                                             description="Threshold", continuous_update=False, readout_format=".2f",
                                             layout=widgets.Layout(width="340px"), style=style,
                                             tooltip="link similarity: higher = tighter, smaller clusters")
        self.min_size = widgets.IntSlider(value=min_cluster_size, min=2, max=50, description="Min size",
                                          continuous_update=False, layout=widgets.Layout(width="260px"), style=style,
                                          tooltip="smaller groups stay unclustered")
        self.level = widgets.Dropdown(options=[], description="Grouping", layout=widgets.Layout(width="300px"),
                                      style=style, tooltip="from the same failure (tight) to the same topic (broad)")
        self.level_button = widgets.Button(description="Apply", layout=widgets.Layout(width="70px"))
        self.level_button.on_click(lambda _b: self._act(self._apply_level, self.level_result, saves=False))
        self.level_result = self._feedback("level")
        months = pd.date_range(self.tickets["created_at"].min().floor("D").replace(day=1),
                               self.data_end.floor("D").replace(day=1), freq="MS")
        self._months = list(months)
        self.dates = widgets.SelectionRangeSlider(options=[(m.strftime("%Y-%m"), m) for m in months],
                                                  index=(0, len(months) - 1), description="Dates",
                                                  continuous_update=False, layout=widgets.Layout(width="340px"),
                                                  style={"description_width": "50px"})
        self.filters: dict[str, widgets.Dropdown] = {}
        for col in ("team", "channel", "product"):
            values = sorted(self.tickets[col].dropna().astype("str").unique()) if has_values(self.tickets, col) else []
            self.filters[col] = widgets.Dropdown(options=[ALL, *values], value=ALL, description=col.capitalize(),
                                                 disabled=not values, layout=widgets.Layout(width="200px"),
                                                 style={"description_width": "60px"})
        self.search = widgets.Text(placeholder="search ticket text…", description="Search", continuous_update=False,
                                   layout=widgets.Layout(width="260px"), style={"description_width": "50px"})
        self.status_filter = widgets.Dropdown(options=[("any status", ALL), *[(v, k) for k, v in STATUSES.items()]],
                                              value=ALL, layout=widgets.Layout(width="180px"))
        self.show_names = widgets.ToggleButton(value=not redact_text, description="Show names",
                                               icon="eye-slash" if redact_text else "eye",
                                               tooltip="names and contact details are masked; switch on only if "
                                                       "you are entitled to see them",
                                               layout=widgets.Layout(width="130px"))
        self.show_names.add_class("stk-show-names")
        self.show_names.observe(lambda _c: self._names_switched(), names="value")
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
            name = widgets.Button(layout=widgets.Layout(width="auto", height="auto"))
            name.add_class("stk-row-name")
            name.on_click(lambda _b, i=i: self._click_row(i))
            row = [name] + [widgets.HTML(layout=widgets.Layout(width="auto")) for _ in range(len(SORT_COLUMNS) - 1)]
            for c in row[1:]:
                c.add_class("stk-cell")
            for j in (2, 3, 5, 6, 7, 8):
                row[j].add_class("stk-num")
            row[1].add_class("stk-status-cell")
            row[4].add_class("stk-spark")
            self._rows.append(row)
            cells.extend(row)
        self.grid = widgets.GridBox(cells, layout=widgets.Layout(grid_template_columns=_GRID, grid_gap="2px 2px",
                                                                 min_width="836px", width="100%"))
        self.prev_page = widgets.Button(description="◀ Prev", layout=widgets.Layout(width="80px"))
        self.next_page = widgets.Button(description="Next ▶", layout=widgets.Layout(width="80px"))
        self.prev_page.on_click(lambda _b: self._turn(-1))
        self.next_page.on_click(lambda _b: self._turn(1))
        self.page_label = widgets.HTML()
        self.conflict_box = widgets.HTML()

        # detail
        self.title = widgets.HTML()
        self.facts = widgets.HTML()
        self.ticket_heading = widgets.HTML()
        self.ticket_html = widgets.HTML(layout=widgets.Layout(max_height="360px", overflow="auto", width="100%"))
        self.ticket_html.add_class("stk-tickets")
        self.ticket_search = widgets.Text(placeholder="search this cluster's tickets (text or id)…",
                                          continuous_update=False, layout=widgets.Layout(width="auto", flex="1 1 auto",
                                                                                         min_width="0"))
        self.ticket_search.add_class("stk-ticket-search")
        self.ticket_search.observe(lambda _c: self._tickets_changed(reset_page=True), names="value")
        self.ticket_prev = widgets.Button(description="◀", tooltip="newer tickets", layout=widgets.Layout(width="40px"))
        self.ticket_next = widgets.Button(description="▶", tooltip="older tickets", layout=widgets.Layout(width="40px"))
        self.ticket_prev.on_click(lambda _b: self._turn_tickets(-1))
        self.ticket_next.on_click(lambda _b: self._turn_tickets(1))
        self.ticket_page_label = widgets.HTML()
        self.ticket_pick = widgets.SelectMultiple(options=[], rows=8, layout=widgets.Layout(width="100%"))
        self.ticket_pick.observe(self._picked, names="value")
        self.chosen_label = widgets.HTML()
        self.clear_chosen = widgets.Button(description="Clear selection", layout=widgets.Layout(width="130px"))
        self.clear_chosen.on_click(lambda _b: self._clear_chosen())
        self.timeline = widgets.Output(layout=widgets.Layout(width="100%", min_height="220px"))
        self.neighbour_html = widgets.HTML()

        self.rename_text = widgets.Text(placeholder="new name", layout=widgets.Layout(width="260px"))
        self.rename_text.add_class("stk-rename-text")
        self.rename_button = widgets.Button(description="Rename", button_style="primary",
                                            layout=widgets.Layout(width="150px"))
        self.rename_button.add_class("stk-rename-button")
        self.rename_result = self._feedback("rename")
        self.rename_result.add_class("stk-action-result")
        self.rename_button.on_click(lambda _b: self._act(lambda: self.rename(self.rename_text.value),
                                                         self.rename_result))
        self.merge_pick = widgets.Dropdown(options=[], layout=widgets.Layout(width="260px"))
        self.merge_pick.add_class("stk-merge-pick")
        self.merge_button = widgets.Button(description="Merge into this", layout=widgets.Layout(width="150px"))
        self.merge_button.add_class("stk-merge-button")
        self.merge_result = self._feedback("merge")
        self.merge_button.on_click(lambda _b: self._act(lambda: self.merge([self.merge_pick.value]),
                                                        self.merge_result))
        self.split_name = widgets.Text(placeholder="name for the selected tickets", layout=widgets.Layout(
            width="260px"))
        self.split_button = widgets.Button(description="Split off selected", layout=widgets.Layout(width="150px"))
        self.split_result = self._feedback("split")
        self.split_button.on_click(lambda _b: self._act(lambda: self.split(sorted(self.chosen), self.split_name.value),
                                                        self.split_result))
        self.move_pick = widgets.Dropdown(options=[], layout=widgets.Layout(width="260px"))
        self.move_button = widgets.Button(description="Move selected to", layout=widgets.Layout(width="150px"))
        self.move_result = self._feedback("move")
        self.move_button.on_click(lambda _b: self._act(lambda: self.move(sorted(self.chosen), self.move_pick.value),
                                                       self.move_result))
        self.status_pick = widgets.Dropdown(options=[(v, k) for k, v in STATUSES.items()],
                                            layout=widgets.Layout(width="260px"))
        self.status_pick.add_class("stk-status-pick")
        self.tracker_key = widgets.Text(placeholder="tracker key, e.g. APP-1234", layout=widgets.Layout(
            width="200px"))
        self.note = widgets.Textarea(placeholder="note (why, what to do)", layout=widgets.Layout(width="100%",
                                                                                                height="60px"))
        self.note.add_class("stk-note")
        self.status_button = widgets.Button(description="Save status", button_style="primary",
                                            layout=widgets.Layout(width="110px"))
        self.status_button.add_class("stk-status-button")
        self.status_result = self._feedback("status")
        self.status_button.on_click(lambda _b: self._act(lambda: self.set_status(
            self.status_pick.value, tracker_key=self.tracker_key.value, note=self.note.value), self.status_result))
        self.undo_button = widgets.Button(description="Undo", icon="undo", layout=widgets.Layout(width="90px"),
                                          tooltip="take back the last label action")
        self.redo_button = widgets.Button(description="Redo", icon="repeat", layout=widgets.Layout(width="90px"),
                                          tooltip="do again what Undo took back")
        self.undo_button.add_class("stk-undo-button")
        self.undo_result = self._feedback("undo")
        self.undo_button.on_click(lambda _b: self._act(self.undo, self.undo_result, describe="undone"))
        self.redo_button.on_click(lambda _b: self._act(self.redo, self.undo_result, describe="redone"))
        # every per-cluster message, cleared when another cluster opens
        self._cluster_feedback = [self.rename_result, self.merge_result, self.split_result, self.move_result,
                                  self.status_result, self.undo_result]

        # find similar & export
        self.similar_text = widgets.Textarea(placeholder="paste a ticket text or a ticket id",
                                             layout=widgets.Layout(width="100%", height="60px"))
        self.similar_button = widgets.Button(description="Find similar", layout=widgets.Layout(width="110px"))
        self.similar_result = self._feedback("similar")
        self.similar_button.on_click(lambda _b: self._act(lambda: self.find_similar(self.similar_text.value),
                                                          self.similar_result, saves=False))
        self.similar_html = widgets.HTML(layout=widgets.Layout(max_height="300px", overflow="auto", width="100%"))
        self.similar_html.add_class("stk-tickets")
        self.export_button = widgets.Button(description="Export bug candidates + labels",
                                            layout=widgets.Layout(width="240px"))
        self.export_button.add_class("stk-export-button")
        self.export_result = self._feedback("export")
        self.export_button.on_click(lambda _b: self._act(lambda: self.export(
            tracker_url=self.tracker_url.value.strip() or None, ticket_url=self.ticket_url.value.strip() or None),
            self.export_result, saves=False))
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
        self.similar_open.observe(lambda c: c["new"] and self._act(lambda: self.select(c["new"]),
                                                                   self.similar_result, saves=False),
                                  names="value")

    def _build_layout(self) -> None:
        box = widgets.Layout
        wrap = box(flex_flow="row wrap", align_items="center")
        controls = widgets.VBox([
            widgets.HBox([self.level, self.level_button, self.threshold, self.min_size], layout=wrap),
            self.level_result,
            widgets.HBox([self.dates, *self.filters.values(), self.status_filter], layout=wrap),
            widgets.HBox([self.search, self.show_names, self.progress, self.status_line], layout=wrap),
        ])
        pager = widgets.HBox([self.prev_page, self.next_page, self.page_label], layout=box(align_items="center"))

        def row(field, button, feedback):
            field.layout.width, field.layout.flex, field.layout.min_width = "auto", "1 1 auto", "0"
            button.layout.flex = "0 0 auto"
            return widgets.VBox([widgets.HBox([field, button], layout=box(width="100%")), feedback])

        status_row = widgets.HBox([self.status_pick, self.tracker_key], layout=box(width="100%"))
        self.status_pick.layout.width, self.status_pick.layout.flex = "auto", "1 1 60%"
        self.tracker_key.layout.width, self.tracker_key.layout.flex = "auto", "1 1 40%"
        actions = widgets.VBox([
            widgets.HBox([self.undo_button, self.redo_button]), self.undo_result,
            row(self.rename_text, self.rename_button, self.rename_result),
            row(self.merge_pick, self.merge_button, self.merge_result),
            row(self.split_name, self.split_button, self.split_result),
            row(self.move_pick, self.move_button, self.move_result),
            widgets.HTML("<b>Status</b> (only <i>upstream bug</i> clusters go to the Jira export)"), status_row,
            self.note, self.status_button, self.status_result,
        ], layout=box(width="100%", min_width="0"))
        left = widgets.VBox([self.facts, self.timeline, widgets.HTML("<b>Most similar clusters</b>"),
                             self.neighbour_html], layout=box(width="100%", min_width="0", overflow="hidden"))
        right = widgets.VBox([widgets.HTML("<b>Act on this cluster</b>"), actions],
                             layout=box(width="100%", min_width="0"))
        halves = widgets.GridBox([left, right], layout=box(
            width="100%", grid_gap="0 16px", grid_template_columns="repeat(auto-fit, minmax(min(100%, 340px), 1fr))"))
        ticket_tools = widgets.HBox([self.ticket_search, self.ticket_prev, self.ticket_next, self.ticket_page_label],
                                    layout=box(width="100%", align_items="center"))
        picking = widgets.VBox([
            widgets.HTML("<b>Select tickets</b> to split off or move (Shift/Ctrl-click for several; the selection "
                         "is kept across pages and searches):"),
            self.ticket_pick, widgets.HBox([self.chosen_label, self.clear_chosen], layout=box(align_items="center")),
        ], layout=box(width="100%"))
        self.detail = widgets.VBox([self.title, halves, self.ticket_heading, ticket_tools, self.ticket_html, picking],
                                   layout=box(border="1px solid #ddd", padding="8px", width="auto", display="none"))
        tools = widgets.Accordion(children=[
            widgets.VBox([self.similar_text, self.similar_button, self.similar_result, self.similar_open,
                          self.similar_html]),
            widgets.VBox([widgets.HTML("Writes the <i>upstream bug</i> clusters as a Jira CSV import, and every "
                                       "labelled cluster for the report, next to the labels file."),
                          self.tracker_url, self.ticket_url, self.export_button, self.export_result,
                          self.export_html]),
        ], layout=box(width="100%"))
        tools.set_title(0, "Find similar tickets")
        tools.set_title(1, "Export")
        self.tools = tools
        table = widgets.Box([self.grid], layout=box(width="100%", overflow="auto"))
        table.add_class("stk-table-scroll")
        self.widget = widgets.VBox([widgets.HTML(_CSS), controls, self.conflict_box, table, pager, self.detail,
                                    tools], layout=box(width="100%", max_width="1400px", min_width="0"))
        self.widget.add_class("stk-explorer")

    def _ipython_display_(self) -> None:
        display(self.widget)

    # ----------------------------------------------------------------- clustering
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
            assignments = self.engine.fit(self.tickets, threshold=threshold, min_cluster_size=int(self.min_size.value),
                                          resolution=self.resolution, progress=self._progress)
        finally:
            self.progress.layout.visibility = "hidden"
        if self._pending_threshold and getattr(self.engine, "threshold_", None) is not None:
            self.default_threshold = float(self.engine.threshold_)
            self._syncing = True  # show the engine's default without clustering again
            try:
                self.threshold.value = float(self.engine.threshold_)
            finally:
                self._syncing = False
        elif self._pending_threshold or not hasattr(self, "default_threshold"):
            self.default_threshold = float(self.threshold.value)
        self._pending_threshold = False
        ids = assignments["ticket_id"].astype("str")
        if not (ids.equals(self.tickets["ticket_id"]) or (self._row_of.index.get_indexer(ids) >= 0).all()):
            raise DataError("the clustering returned ticket ids that are not in the tickets", table="tickets",
                            column="ticket_id", fix="cluster the same tickets the explorer shows")
        self.machine = assignments.assign(ticket_id=ids)
        self.machine_names = self.engine.cluster_names()
        self._carry()
        self._refresh(reset_page=True)
        self._count_levels()
        found = pd.to_numeric(self.machine["cluster_id"], errors="coerce")
        self.status_line.value = (f"{_plural(int(found[found >= 0].nunique()), 'cluster')} in "
                                  f"{time.perf_counter() - started:.1f} s")

    def _level_settings(self) -> dict[str, tuple[float, float | None]]:
        """(threshold, resolution) of each granularity level; resolution None where the engine has no default."""
        lo, hi = self.threshold.min, self.threshold.max
        base = getattr(self.engine, "resolution_", None)
        return {name: (round(min(max(self.default_threshold + offset, lo), hi), 2),
                       None if base is None or factor == 1 else round(base * factor, 3))
                for name, (offset, factor) in LEVELS.items()}

    def _count_levels(self) -> None:
        """Show the number of clusters each granularity level would give, before it is applied."""
        settings = self._level_settings()
        size = int(self.min_size.value)
        counter = getattr(self.engine, "cluster_counts", None)
        todo = [s for s in settings.values() if (*s, size) not in self._counted]
        if counter and todo:
            self._progress("counting clusters per grouping level…", 0.5)
            try:
                self._counted.update({(*s, size): c for s, c in zip(todo, counter(todo, size), strict=True)})
            finally:
                self.progress.layout.visibility = "hidden"
        counts = {name: self._counted.get((*s, size)) for name, s in settings.items()}
        self.level_counts = {name: c for name, c in counts.items() if c is not None}
        options = [(f"{name} ({_plural(c, 'cluster')})" if c is not None else name, name) for name, c in counts.items()]
        now = (round(float(self.threshold.value), 2), self.resolution)
        self._syncing = True
        try:
            self.level.options = options
            self.level.value = next((name for name, s in settings.items() if s == now), None)
        finally:
            self._syncing = False

    def _apply_level(self) -> str:
        if not self.level.value:
            raise ConfigError("no grouping level chosen", key="grouping", fix="choose a level in the list")
        name = self.level.value
        threshold, self.resolution = self._level_settings()[name]
        self._syncing = True  # one clustering for both settings
        try:
            self.threshold.value = threshold
        finally:
            self._syncing = False
        self.recluster()
        return f"grouped as “{name}” ({_plural(len(set(self.cluster_of.dropna())), 'cluster')})"

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

    # ----------------------------------------------------------------- table
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
        weekly = [max(w) for w in self.table["weekly"] if isinstance(w, list) and len(w)]
        self.spark_top = max(weekly, default=0)  # one scale for every sparkline in the table
        if reset_page:
            self.page = 0
        self._draw_table()
        if self.selected is not None:
            self._show_detail()

    def _sorted(self, ev: pd.DataFrame) -> pd.DataFrame:
        by = self.sort_by
        key = None
        if by == "name":
            key = lambda s: s.str.lower() if s.name == "name" else s
        elif by == "status":
            order = {s: i for i, s in enumerate(STATUS_ORDER)}
            key = lambda s: s.map(order) if s.name == "status" else s
        ordered = ev.sort_values([by, "cluster"], ascending=[self.ascending, True], key=key, na_position="last")
        return ordered.reset_index(drop=True)

    def sort(self, column: str) -> None:
        """Sort the table by ``column`` (a key of :data:`SORT_COLUMNS`); sorting again reverses the order."""
        if column not in SORT_COLUMNS:
            raise ConfigError(f"cannot sort by {column!r}", key="column", fix=f"use one of {', '.join(SORT_COLUMNS)}")
        if self.sort_by == column:
            self.ascending = not self.ascending
        else:
            self.sort_by, self.ascending = column, column in ("name", "status", "csat_difference")
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
            weekly = [int(x) for x in r["weekly"]] if isinstance(r["weekly"], list) else []
            cells[0].description = r["name"]
            cells[0].tooltip = f"{r['cluster']}: {r['name']} ({r['kind']})"
            cells[0].button_style = "info" if r["cluster"] == self.selected else ""
            cells[1].value = f"<span class='stk-badge stk-{r['status']}'>{html.escape(STATUSES[r['status']])}</span>"
            cells[2].value = _fmt_int(r["tickets"])
            cells[3].value = _fmt_difference(r["csat_difference"], r["csat_n"], r["small_sample"])
            counts = ", ".join(str(c) for c in weekly)
            cells[4].value = (f"<span title='tickets per week, last {len(weekly)} weeks (oldest first): {counts}; "
                              f"all rows on one scale, top {self.spark_top}'>"
                              f"{sparkline(weekly, self.spark_top)}</span>")
            cells[5].value = _fmt_growth(r["growth"], r["emerging"], r["recent"])
            cells[6].value = _fmt_int(r["customers"])
            cells[7].value = _fmt_int(r["effort"])
            cells[8].value = _fmt_int(r["impact"])
        n = len(self.table)
        self.page_label.value = (f"&nbsp;{start + 1}–{min(start + self.page_size, n)} of {_plural(n, 'cluster')}"
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
        """Open cluster ``key`` (``L3`` for a label, ``c17`` for an unlabelled cluster).

        Opening another cluster starts afresh: no tickets selected, first page, empty split name and
        search, no target chosen, no messages left from the previous cluster.
        """
        if key not in set(self.cluster_of):
            raise ConfigError(f"there is no cluster {key!r}", key="cluster", fix="pick one from the table")
        if key != self.selected:
            self._reset_cluster_state()
        self.selected = key
        self._draw_table()
        self._show_detail()

    def _reset_cluster_state(self) -> None:
        self.chosen = set()
        self.ticket_page = 0
        self.split_name.value = ""
        self._syncing = True
        try:
            self.ticket_search.value = ""
        finally:
            self._syncing = False
        for box in self._cluster_feedback:
            box.value = ""

    def _show_detail(self) -> None:
        key = self.selected
        if key is None or key not in set(self.cluster_of):
            self.selected = None
            self.detail.layout.display = "none"
            return
        self.detail.layout.display = None
        everyone = self.members(key)
        shown = self.members(key, visible_only=True) or everyone
        rows = self.tickets.iloc[self._row_of.reindex(shown).to_numpy()].sort_values("created_at")
        label = self.store.labels.get(key)
        name = self._name(key)
        self.rename_text.value = name
        self.terms = self.engine.distinctive_terms(everyone, k=8)
        keys = self._bug_keys(everyone)
        for col in ("problem_id", "parent_id"):
            if col in rows.columns:
                keys += [f"{col}:{v}" for v in rows[col].dropna().astype("str").unique()[:5]]
        self.bug_keys_found = keys
        status = STATUSES[label.status] if label else STATUSES["unreviewed"]
        tracker = f" · {html.escape(label.tracker_key)}" if label and label.tracker_key else ""
        self.title.value = (f"<h3 style='margin:4px 0;overflow-wrap:anywhere'>{html.escape(name)} "
                            f"<small style='color:#666'>{html.escape(key)} · {html.escape(status)}{tracker}"
                            "</small></h3>")
        ev = self.table[self.table["cluster"] == key]
        first, last = rows["created_at"].min(), rows["created_at"].max()
        facts = [f"<b>{len(rows):,}</b> of {_plural(len(everyone), 'ticket')} pass the filters"]
        if len(ev):
            r = ev.iloc[0]
            if not pd.isna(r["customers"]):
                facts.append(f"<b>{int(r['customers']):,}</b> customers")
            if not pd.isna(r["csat"]):
                flag = " (small sample: too few to judge)" if r["small_sample"] else ""
                facts.append(f"CSAT {r['csat']:.0%} of {_plural(int(r['csat_n']), 'rated ticket')}{flag}, "
                             f"{r['csat_rest']:.0%} elsewhere")
        self.facts.value = (
            " · ".join(facts)
            + f"<br>first seen {first:%Y-%m-%d}, last seen {last:%Y-%m-%d}"
            + "<br>distinctive terms: " + (", ".join(f"<mark>{html.escape(t)}</mark>" for t in self.terms) or "–")
            + "<br>bug keys found: " + (html.escape(", ".join(keys[:12])) or "none")
            + (f"<br>note: {html.escape(label.note)}" if label and label.note else ""))
        self.status_pick.value = label.status if label else "unreviewed"
        self.tracker_key.value = label.tracker_key if label else ""
        self.note.value = label.note if label else ""
        self._tickets_changed()
        self._draw_neighbours(key)
        self._draw_timeline(rows)

    def cluster_tickets(self, key: str | None = None) -> pd.DataFrame:
        """Every ticket of the open cluster (or ``key``), newest first, narrowed by the ticket search box."""
        key = key or self._require_selection()
        rows = self.tickets.iloc[self._row_of.reindex(self.members(key)).to_numpy()]
        rows = rows.sort_values(["created_at", "ticket_id"], ascending=[False, True])
        query = self.ticket_search.value.strip().lower()
        if query:
            hit = self._lower.loc[rows.index].str.contains(query, regex=False) | rows["ticket_id"].str.lower().eq(query)
            rows = rows[hit.to_numpy()]
        return rows

    def _tickets_changed(self, reset_page: bool = False) -> None:
        """Redraw the open cluster's ticket page and the selection list from the page, search and names switch."""
        if self._syncing or self.selected is None:
            return
        rows = self.cluster_tickets()
        pages = max(1, -(-len(rows) // TICKET_PAGE))
        self.ticket_page = 0 if reset_page else min(self.ticket_page, pages - 1)
        start = self.ticket_page * TICKET_PAGE
        page = rows.iloc[start:start + TICKET_PAGE]
        texts = self._display_text(page.index)
        teams = page["team"].fillna("") if "team" in page else [""] * len(page)
        body = "".join(
            f"<tr><td>{html.escape(t)}</td><td>{c:%Y-%m-%d}</td><td>{html.escape(str(team))}</td>"
            f"<td class='stk-text'>{highlight(x, self.terms)}</td></tr>"
            for t, c, team, x in zip(page["ticket_id"], page["created_at"], teams, texts, strict=True))
        self.ticket_html.value = ("<table><tr><th>Ticket</th><th>Created</th><th>Team</th><th>Text</th></tr>"
                                  f"{body}</table>")
        masked = "names and contact details masked" if self.redact_text else "names shown"
        searched = f" matching “{html.escape(self.ticket_search.value.strip())}”" if self.ticket_search.value.strip() \
            else ""
        self.ticket_heading.value = (f"<b>Tickets</b> ({masked}; distinctive terms highlighted; newest first)")
        self.ticket_page_label.value = (f"&nbsp;{start + 1}–{start + len(page)} of {_plural(len(rows), 'ticket')}"
                                        f"{searched}" if len(rows) else f"&nbsp;no tickets{searched}")
        self.ticket_prev.disabled = self.ticket_page == 0
        self.ticket_next.disabled = start + TICKET_PAGE >= len(rows)
        self._syncing = True
        try:
            self.ticket_pick.options = [(f"{t} — {x[:70]}", t) for t, x in zip(page["ticket_id"], texts, strict=True)]
            self.ticket_pick.value = tuple(t for t in page["ticket_id"] if t in self.chosen)
        finally:
            self._syncing = False
        self._draw_chosen()

    def _turn_tickets(self, step: int) -> None:
        self.ticket_page = max(0, self.ticket_page + step)
        self._tickets_changed()

    def _picked(self, change) -> None:
        """Keep the selection across pages: this page's tickets as picked, the others as they were."""
        if self._syncing:
            return
        on_page = {value for _, value in self.ticket_pick.options}
        self.chosen = (self.chosen - on_page) | set(change["new"])
        self._draw_chosen()

    def _clear_chosen(self) -> None:
        self.chosen = set()
        self._tickets_changed()

    def _draw_chosen(self) -> None:
        self.chosen_label.value = f"{_plural(len(self.chosen), 'ticket')} selected&nbsp;"
        self.clear_chosen.disabled = not self.chosen

    def _bug_keys(self, ticket_ids: list[str]) -> list[str]:
        found = self.engine.bug_keys(ticket_ids) if hasattr(self.engine, "bug_keys") else None
        if found is not None:  # the engine may also have read the conversations
            return list(found)
        return bug_keys(self._text.iloc[self._row_of.reindex(ticket_ids).to_numpy()])

    def _display_text(self, index) -> list[str]:
        text = self._text.loc[index]
        text = redact(text) if self.redact_text else text
        return [" ".join(str(x).split())[:600] for x in text]

    def _names_switched(self) -> None:
        self.show_names.icon = "eye" if self.show_names.value else "eye-slash"
        self._tickets_changed()
        if self.similar_text.value.strip() and self.similar_html.value:
            self._act(lambda: self.find_similar(self.similar_text.value), self.similar_result, saves=False)

    def _draw_neighbours(self, key: str) -> None:
        """The most similar clusters (over all tickets, whatever the filters) and the merge/move targets."""
        near = self.engine.neighbours(self.members(key), self.cluster_of, k=6)
        near = near[near["cluster"] != key].head(5) if len(near) else near
        self.neighbours_found = near
        self.neighbour_html.value = "<br>".join(
            f"{html.escape(self._name(c))} <small>({html.escape(c)}, similarity {s:.2f})</small>"
            for c, s in zip(near["cluster"], near["similarity"], strict=True)) or "none"
        self._targets(key)

    def _targets(self, key: str) -> None:
        """Merge/move choices: the similar clusters first (filters do not hide them), then the table's, then
        the rest; nothing is preselected, so a click acts only on what the analyst chose."""
        similar = [c for c in getattr(self, "neighbours_found", pd.DataFrame({"cluster": []}))["cluster"]
                   if c != key and c in set(self.cluster_of)]
        shown = [k for k in self.table["cluster"] if k != key]
        rest = sorted(set(self.cluster_of.dropna()) - set(similar) - set(shown) - {key})
        order = list(dict.fromkeys([*similar, *shown, *rest]))[:300]
        options = [("choose a cluster…", None)] + [
            (f"{'★ ' if k in similar else ''}{self._name(k)} ({k})", k) for k in order]
        for pick in (self.merge_pick, self.move_pick):
            pick.options = options
            pick.index = 0  # "choose a cluster…" shown, value None

    def _draw_timeline(self, rows: pd.DataFrame) -> None:
        """Weekly ticket counts of the open cluster as a plotly bar chart in the timeline Output.

        The figure is written as a plain plotly JSON dict and set as the Output's display data: building a
        validated ``go.Figure`` with a template costs ~0.3 s per click, and this works without a kernel too.
        """
        weekly = (rows.set_index("created_at").resample("W-MON", label="left", closed="left").size()
                  .rename("tickets").reset_index())
        axis = {"gridcolor": "#eee", "zeroline": False, "automargin": True}
        days = weekly["created_at"].dt.strftime("%Y-%m-%d").tolist()
        xaxis = {**axis, "type": "date", "tickformat": "%d %b %Y"}
        if len(weekly) <= 8:  # a short cluster: one tick per week, and room around a single bar
            xaxis["dtick"] = 7 * 24 * 3600 * 1000
            first, last = weekly["created_at"].min(), weekly["created_at"].max()
            xaxis["range"] = [(first - pd.Timedelta(days=7)).strftime("%Y-%m-%d"),
                              (last + pd.Timedelta(days=7)).strftime("%Y-%m-%d")]
        figure = {
            "data": [{"type": "bar", "x": days, "y": weekly["tickets"].astype(int).tolist(),
                      "marker": {"color": "#1f77b4"}, "hovertemplate": "week of %{x}: %{y} tickets<extra></extra>"}],
            "layout": {"height": 220, "margin": {"l": 40, "r": 10, "t": 28, "b": 30}, "bargap": 0.1,
                       "title": {"text": "Tickets per week", "font": {"size": 13}},
                       "plot_bgcolor": "white", "paper_bgcolor": "white", "xaxis": xaxis,
                       "yaxis": {**axis, "rangemode": "tozero"}},
            "config": {"displaylogo": False, "responsive": True},
        }
        self.last_timeline = figure
        self.timeline.outputs = ({"output_type": "display_data", "metadata": {},
                                  "data": {"application/vnd.plotly.v1+json": figure,
                                           "text/plain": f"timeline of {_plural(len(rows), 'ticket')}"}},)

    # ----------------------------------------------------------------- actions
    def _act(self, action: Callable[[], object], feedback: widgets.HTML, saves: bool = True,
             describe: str | None = None) -> None:
        """Run a UI action and show its outcome (or the user's mistake) right below the control that caused it."""
        for box in (*self._cluster_feedback, self.similar_result, self.export_result, self.level_result):
            box.value = ""  # an old success line must not stand next to a new error
        try:
            result = action()
        except (ConfigError, DataError) as exc:
            feedback.value = f"<span class='stk-error' role='alert'>{html.escape(str(exc))}</span>"
            return
        if describe:
            text = _describe(result, describe)
        elif isinstance(result, str):
            text = result
        elif saves:
            text = f"saved to {self.store.path} at {pd.Timestamp.now():%H:%M:%S}"
        else:
            return
        feedback.value = f"<span class='stk-saved' role='status'>{html.escape(text)}</span>"

    def _label_for(self, key: str) -> str:
        """The label id of cluster ``key``, labelling an unlabelled cluster first (inside the action)."""
        if key in self.store.labels:
            return key
        if key not in set(self.cluster_of):
            raise ConfigError(f"there is no cluster {key!r}", key="cluster", fix="pick one from the table")
        return self.store.create(self.members(key), self._name(key)).label_id

    def _require_selection(self) -> str:
        if self.selected is None:
            raise ConfigError("no cluster is selected", key="cluster", fix="click a cluster in the table first")
        return self.selected

    def _transaction(self, action: Callable[[], str | None], fallback: str | None = None):
        """Run ``action`` as one label transaction, pinning carried tickets, then redraw.

        ``action`` returns the cluster to show afterwards. On a mistake nothing is saved and the view
        goes back to the labels as they are.
        """
        try:
            with self.store.transaction():
                select = action()
                self._carry()
                self.store.sync(self.carried.assignments, self.data_end.isoformat())
        except BaseException:
            self._carry()
            raise
        self._carry()
        chosen = select if select in set(self.cluster_of) else fallback
        if chosen != self.selected:
            self._reset_cluster_state()
        self.selected = chosen if chosen in set(self.cluster_of) else None
        self._refresh()

    def rename(self, name: str) -> None:
        """Rename the selected cluster."""
        key = self._require_selection()
        self._transaction(lambda: self.store.rename(self._label_for(key), name).label_id)

    def set_status(self, status: str, *, tracker_key: str = "", note: str | None = None) -> None:
        """Set the selected cluster's status (a key of :data:`STATUSES`), tracker key and note."""
        key = self._require_selection()
        self._transaction(lambda: self.store.set_status(self._label_for(key), status, tracker_key=tracker_key,
                                                        note=note).label_id)

    def merge(self, others: Sequence[str]) -> None:
        """Merge the clusters ``others`` into the selected one (the merge list is emptied afterwards)."""
        key = self._require_selection()
        others = [o for o in others if o and o != key]
        if not others:
            raise ConfigError("no cluster chosen to merge", key="merge", fix="choose a cluster in the merge list")
        missing = [o for o in others if o not in set(self.cluster_of)]
        if missing:
            raise ConfigError(f"there is no cluster {missing[0]!r} any more", key="merge",
                              fix="choose a cluster in the merge list")
        self._transaction(lambda: self.store.merge([self._label_for(k) for k in [key, *others]]).label_id)

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
        self._transaction(lambda: self.store.split(self._label_for(key), tickets, name).label_id)

    def move(self, tickets: Sequence[str], to: str) -> None:
        """Move ``tickets`` to cluster ``to`` (the selection and the move list are emptied afterwards)."""
        key = self._require_selection()
        tickets = [str(t) for t in tickets]
        if not tickets:
            raise ConfigError("no tickets selected to move", key="tickets", fix="select tickets in the list")
        if not to or to == key:
            raise ConfigError("choose another cluster to move the tickets to", key="to",
                              fix="pick a cluster in the move list")
        if to not in set(self.cluster_of):
            raise ConfigError(f"there is no cluster {to!r} any more", key="to", fix="pick a cluster in the move list")
        self.chosen -= set(tickets)

        def act() -> str:
            self.store.move(tickets, self._label_for(to))
            return key

        self._transaction(act, fallback=to)

    def undo(self) -> dict | None:
        """Undo the last label action (also one from before a restart); returns its history entry, or None."""
        return self._undo_or_redo(self.store.undo)

    def redo(self) -> dict | None:
        """Redo what :meth:`undo` took back; returns the history entry, or None when there is nothing to redo."""
        return self._undo_or_redo(self.store.redo)

    def _undo_or_redo(self, step: Callable[[], dict | None]) -> dict | None:
        done: list[dict | None] = []

        def act():
            done.append(step())
            labels = done[0]["labels"] if done[0] else []
            present = [lid for lid in labels if lid in self.store.labels]
            return present[0] if present else self.selected

        self._transaction(act)
        return done[0]

    # ----------------------------------------------------------------- search & export
    def find_similar(self, query: str, k: int = 10) -> pd.DataFrame:
        """The ``k`` tickets closest to ``query`` (a text, or a ticket id whose text is used), with their clusters.

        Returns columns ticket_id, similarity, cluster, cluster_name, text (masked unless names are shown), and
        shows them.
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
        """Example tickets per label (newest first): label_id, ticket_id, subject (always PII-redacted)."""
        keys = self.cluster_of.reindex(self.tickets["ticket_id"]).to_numpy()
        rows = self.tickets.assign(label_id=keys)
        rows = rows[rows["label_id"].isin(list(self.store.labels))].sort_values("created_at", ascending=False)
        rows = rows.groupby("label_id", sort=False).head(per_cluster)
        subject = rows["subject"] if has_values(rows, "subject") else rows.get("description", "")
        subject = redact(subject.fillna("").astype("str"))  # leaves the analyst's screen: never names
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
        try:
            paths = {"jira": write_jira_csv(jira, folder / "bug_candidates_jira.csv"),
                     "labelled": write_labelled_csv(labelled, folder / "labelled_clusters.csv")}
        except OSError as exc:
            raise DataError(f"the export cannot be written ({exc.strerror or exc})", file=str(folder),
                            fix="choose a folder you can write to") from None
        self.export_html.value = (f"{len(jira)} bug candidate(s) → {html.escape(str(paths['jira']))}<br>"
                                  f"{len(labelled)} labelled cluster(s) → {html.escape(str(paths['labelled']))}")
        return paths


def _describe(entry: dict | None, verb: str) -> str:
    """What undo or redo did, in words: ``rename of L1 undone; saved``."""
    if entry is None:
        return "nothing to undo" if verb == "undone" else "nothing to redo"
    return f"{entry['action']} of {', '.join(entry.get('labels', []))} {verb}; saved"


def open_explorer(data: str | Path, *, labels_path: str | Path | None = None, source: str | None = None,
                  tz: str = "UTC", since: str | None = None, threshold: float | None = None,
                  min_cluster_size: int = 3, redact_text: bool = True, seed: int = 0,
                  representation: str = "auto", tracker_url: str | None = None,
                  ticket_url: str | None = None, engine: str = "pandas") -> DuplicateExplorer:
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
        ``"auto"`` (default, as the report: ``hybrid`` where the semantic extra is installed and there
        are at most 100,000 tickets, about a minute for 20,000 tickets on two cores, once: the slider
        only regroups; else ``tfidf``), or any other representation by name.
    redact_text : mask names and contact details in ticket text (the "Show names" switch starts off).
    tracker_url, ticket_url : link templates for the Jira export (see :func:`jira_bug_candidates`).
    engine : ``"pandas"``, or ``"spark"`` to vectorise and search for neighbours on Spark (the ``spark``
        extra); the explorer and its slider work the same.
    """
    tickets, path = explorer_tickets(data, source=source, tz=tz, since=since)
    finder = FinderEngine(seed=seed, representation=representation, engine=engine)
    return DuplicateExplorer(tickets, labels_path=labels_path, data_path=path, engine=finder,
                             threshold=threshold, min_cluster_size=min_cluster_size, redact_text=redact_text,
                             tracker_url=tracker_url, ticket_url=ticket_url)
