"""Plotly figures drawn from the tidy frames that compute functions return.

One module per capability (``plots.ops``, ``plots.survey``, ``plots.maturity``,
``plots.duplicates``); each function takes a frame and column names and returns a
``plotly.graph_objects.Figure`` in the house style of :mod:`toolkit.plots.theme`,
registered here once. Nothing here computes beyond what drawing needs.
"""

from toolkit.plots import theme

theme.register()
