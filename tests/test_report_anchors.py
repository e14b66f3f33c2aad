"""toolkit.report.anchors: every heading findings and roadmap steps cite is a heading of the report notebook."""

import json
import re

from toolkit.report import anchors
from toolkit.report.inputs import TABLE_NAMES
from toolkit.report.render import DEFAULT_NOTEBOOK
from toolkit.schema import TABLES


def test_every_cited_heading_is_in_the_report_notebook():
    cells = json.loads(DEFAULT_NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    headings = {m.group(1).strip() for c in cells if c["cell_type"] == "markdown"
                for m in re.finditer(r"^#{2,4} (.+)$", "".join(c["source"]), flags=re.M)}
    assert set(anchors.HEADINGS) <= headings, set(anchors.HEADINGS) - headings


def test_anchor_is_the_exported_heading_id():
    assert anchors.anchor("When the load comes, and who carries it") == "When-the-load-comes,-and-who-carries-it"
    assert anchors.anchor(" Upstream problems ") == "Upstream-problems"


def test_every_canonical_table_has_a_client_name():
    assert set(TABLE_NAMES) == set(TABLES)
    assert not any("_" in name for name in TABLE_NAMES.values())
