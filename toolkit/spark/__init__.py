"""The Spark engine: the same mappings and definitions as the pandas path, run as Spark column expressions.

pandas in one process stays the default. With ``engine="spark"`` (CLI ``--engine spark``) the row-level
work (mapping and validating an export, per-ticket facts, segment and survey counts) runs in Spark and
only small aggregates come back to the driver, where :mod:`toolkit.ops` and :mod:`toolkit.survey` compute
the statistics unchanged. See ``docs/spark.md``.

pyspark is the optional ``spark`` extra (``pip install "support-toolkit[spark]"``) and needs Java 17+.
"""

from __future__ import annotations
