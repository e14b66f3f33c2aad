"""support-toolkit: assess customer-support organisations from their data.

Modules, by concept: ``schema`` (canonical tables), ``io`` (loaders), ``ops``
(ticket operations), ``survey`` (CSAT/NPS/CES), ``maturity`` (assessment model),
``duplicates`` (duplicate-issue clustering), ``plots`` (plotly figures),
``widgets`` (ipywidgets explorers), ``report`` (HTML rendering), ``samples``
(the synthetic sample client).
"""

__version__ = "0.1.0"
