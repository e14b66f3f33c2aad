"""ipywidgets front-ends for analysts: the duplicate explorer and the maturity questionnaire.

Only widgets live here; what they show and save comes from :mod:`toolkit.duplicates` and
:mod:`toolkit.maturity`.
"""

from toolkit.widgets.explorer import DuplicateExplorer, open_explorer

__all__ = ["DuplicateExplorer", "open_explorer"]
