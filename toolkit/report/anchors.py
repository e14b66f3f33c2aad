"""The report's section headings, and the page anchors links to them use.

Findings and roadmap steps cite the section a reader checks them in; the anchor is the
heading's id in the rendered page, which the exporter derives from the heading text
(spaces become hyphens). A test keeps every heading here equal to one in the report notebook.
"""

from __future__ import annotations

MATURITY = "Maturity"
DISAGREEMENT = "Where management and the frontline see things differently"
CLAIMS = "Interview claims tested against the data"
CUSTOMER_EXPERIENCE = "Customer experience"
SATISFACTION_BY_SEGMENT = "Satisfaction by team and channel"
SATISFACTION_OVER_TIME = "Satisfaction over time"
RESPONSE = "Who answers the surveys"
DRIVERS = "What goes with dissatisfaction"
THEMES = "What customers write"
SURVEY_TIMING = "When the survey is sent"
WATERMELON = "Operations and the watermelon check"
TIMES = "Response times and SLA attainment"
CONVERSATIONS = "Conversation quality"
HEDGING = "Certainty of language"
LOAD = "When the load comes, and who carries it"
UPSTREAM = "Upstream problems"
ROADMAP = "Recommendations and roadmap"
SINCE = "Since the last assessment"

HEADINGS = (MATURITY, DISAGREEMENT, CLAIMS, CUSTOMER_EXPERIENCE, SATISFACTION_BY_SEGMENT, SATISFACTION_OVER_TIME,
            RESPONSE, DRIVERS, THEMES, SURVEY_TIMING, WATERMELON, TIMES, CONVERSATIONS, HEDGING, LOAD, UPSTREAM,
            ROADMAP)
"""Every heading of the report notebook that a finding or a roadmap step may cite."""


def anchor(heading: str) -> str:
    """The page id of ``heading``: ``anchor("Upstream problems") == "Upstream-problems"``."""
    return heading.strip().replace(" ", "-")
