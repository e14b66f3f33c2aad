"""The SparkSession the Spark engine uses: the active one (a cluster's, a notebook's) or a local one.

On a cluster (spark-submit, Databricks) a session already exists and is reused as it is: its settings
belong to the platform. On one machine :func:`get_session` starts ``local[*]`` with the few settings
the toolkit's jobs need (UTC session time, small shuffles, no UI).
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from importlib import resources
from pathlib import Path

from toolkit.errors import ConfigError

LOCAL_SETTINGS = {
    # Timestamps are stored and compared in UTC whatever the machine's zone (results must not depend on it).
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    # The toolkit's aggregates are small: the default 200 shuffle partitions only add scheduling time locally.
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}
"""Settings for a local session; a cluster's own session keeps its settings (see ``docs/spark.md``)."""

LOG_SETTINGS = Path(str(resources.files("toolkit.spark").joinpath("log4j2.properties")))
"""A local session's logging: errors only (Spark's start-up warnings would bury the toolkit's own output)."""


def pyspark():
    """The pyspark module, or a ConfigError saying how to install it (the ``spark`` extra) and Java."""
    try:
        import pyspark as module
    except ImportError:
        raise ConfigError("the Spark engine needs pyspark, which is not installed", key="engine",
                          fix='pip install "support-toolkit[spark]" (and Java 17 or newer), or use --engine pandas'
                          ) from None
    return module


def get_session(master: str = "local[*]", settings: dict | None = None):
    """The active SparkSession, or a new local one with :data:`LOCAL_SETTINGS` (and ``settings``) applied.

    Sessions are always UTC: the engine compares timestamps as instants, and a session in another zone
    would shift day and hour boundaries.
    """
    pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.conf.set("spark.sql.session.timeZone", "UTC")
        return active
    if shutil.which("java") is None and not _java_home():
        raise ConfigError("the Spark engine needs Java, and no `java` is on the PATH", key="engine",
                          fix="install Java 17 or newer (Debian: apt-get install default-jre-headless, or "
                              "make java), or use --engine pandas")
    builder = SparkSession.builder.master(master).appName("support-toolkit")
    # Local Python workers (mapInPandas in the duplicates engine) run this interpreter, which has the toolkit
    # and its dependencies; a cluster's session names its own executors' Python.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = builder.config("spark.pyspark.python", os.environ["PYSPARK_PYTHON"])
    logging = {"spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={LOG_SETTINGS.as_uri()}"}
    for key, value in {**LOCAL_SETTINGS, **logging, **(settings or {})}.items():
        builder = builder.config(key, value)
    # pyspark warns on every Arrow conversion that it does not fully support pandas 3; the Spark engine's tests
    # compare its results with the pandas engine's, so the warning only buries the output
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _java_home() -> bool:
    import os

    return bool(os.environ.get("JAVA_HOME"))
