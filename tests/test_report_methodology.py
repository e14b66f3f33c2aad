"""toolkit.report.methodology: definitions quoted from docstrings, rendered safely."""

from toolkit.report.methodology import docstring_html, methodology_notes

DOC = """Scores with intervals.

Definitions
-----------
- **NPS**: promoters minus detractors, see :func:`~toolkit.survey.scores.nps`;
  continued on the next line.
- ``CSAT`` <script>alert(1)</script>

Plain *emphasis* here.

>>> nps([1, 2])
Examples
--------
never shown
"""


def test_docstring_html():
    assert docstring_html(DOC) == (
        "<p>Scores with intervals.</p><h4>Definitions</h4><ul><li><strong>NPS</strong>: promoters minus detractors, "
        "see <code>nps</code>; continued on the next line.</li>"
        "<li><code>CSAT</code> &lt;script&gt;alert(1)&lt;/script&gt;</li></ul><p>Plain <em>emphasis</em> here.</p>")


def test_methodology_notes_quote_installed_modules_and_skip_missing_ones():
    out = methodology_notes([("Personal data", "toolkit.pii"), ("Nothing", "toolkit.not_a_module")])
    assert "<h3>Personal data</h3>" in out and "Nothing" not in out


def test_default_notes_define_the_measures_not_the_programming_interface():
    out = methodology_notes()
    assert "<h3>Upstream problems: evidence, impact and emerging problems</h3>" in out
    assert "allowing for the change in overall ticket volume" in out and "Leiden" in out
    assert "Public API" not in out and "similar(" not in out and "seed 002" not in out
