# no __init__.py or conftest.py here: a package named "distributed" under tests/ would
# shadow the dask.distributed package, so the fixtures the test files share live in this
# helper module and each file imports them by name
"""One Dask cluster and one local Spark session shared by the distributed test files.

Starting them is most of the cost of these tests (a JVM, Spark's SQL machinery, Python
workers that import expectlab), so each is started by the first test module that asks for
it and stopped after the last collected test that uses it: never again per file, and not
kept running into the test folders that follow (they must not run under a Dask client or
next to idle Spark workers).

Nothing is skipped: a missing Dask, pyspark or Java fails with the install command.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: the variables a Spark session could leak into later tests, as they were before any
ENVIRONMENT_BEFORE = {k: os.environ.get(k) for k in ("PYSPARK_PYTHON", "PYTHONPATH")}

# Spark for a test suite: two cores, small shuffles, no UI or progress bars. Adaptive
# execution is off so that a shuffle really has spark.sql.shuffle.partitions partitions
# (it would coalesce tiny test data into one, and the per-partition reductions would never
# combine two partials). The driver JVM's optimising JIT compiler (C2) spends more CPU than
# it saves in a run of a minute on tiny data: the C1 compiler alone halves the JVM's CPU
# time here (the per-query code generation is still Spark's default, as in production).
SPARK_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # a failed Arrow conversion must fail the test, not fall back quietly
    "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    # the Python workers import this checkout of expectlab (not an installed one); set in
    # Spark's configuration, not os.environ, so nothing leaks into later tests
    "spark.executorEnv.PYTHONPATH": str(ROOT),
}

# PySpark 4 warns about pandas 3 on every conversion, and its own code uses a keyword
# pandas 3 deprecates; these tests compare the numbers (pandas warnings raised from
# expectlab's code are still shown)
SPARK_WARNINGS = [
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated::pyspark"),
]


def require_spark() -> None:
    """Fail the importing module (never skip) when Java or pyspark is missing."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("Java is needed for the Spark tests: install a JRE 17 or newer "
                    "(`apt-get install -y openjdk-17-jre-headless`) or set JAVA_HOME.",
                    pytrace=False)
    try:
        import pyspark.sql  # noqa: F401
    except ImportError as exc:
        pytest.fail(f"pyspark is needed for these tests ({exc}); install it with "
                    "`python -m pip install pyspark`.", pytrace=False)


def require_dask() -> Any:
    """``dask.dataframe``; fails the importing module (never skips) when Dask or
    distributed is missing."""
    try:
        import dask.dataframe as dd
        import distributed  # noqa: F401
    except ImportError as exc:
        pytest.fail(f"Dask is needed for these tests ({exc}); install it with "
                    "`python -m pip install \"dask[dataframe]\" distributed`.", pytrace=False)
    return dd


@contextlib.contextmanager
def _spark_session() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # the workers run this interpreter: SparkContext reads PYSPARK_PYTHON once, while it
    # starts, so the variable is set for that moment only and restored at once
    saved = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    try:
        builder = SparkSession.builder.master("local[2]").appName("expectlab-tests")
        for key, value in SPARK_CONF.items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
    finally:
        if saved is None:
            os.environ.pop("PYSPARK_PYTHON", None)
        else:
            os.environ["PYSPARK_PYTHON"] = saved
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


@contextlib.contextmanager
def _dask_client() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    # threads in this process: no worker processes to start, and the tests' functions
    # need no pickling round trip to reach them (Spark's workers do the out-of-process part)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


class _Shared:
    """A resource started once (possibly early, in a background thread) and stopped when
    no later test needs it."""

    def __init__(self, start: Callable[[], contextlib.AbstractContextManager],
                 warm_up: Callable[[Any], Any] | None = None) -> None:
        self._start = start
        self._warm_up = warm_up
        self._lock = threading.RLock()
        self._context: contextlib.AbstractContextManager | None = None
        self._early: threading.Thread | None = None
        self._early_error: BaseException | None = None
        self.value: Any = None

    def acquire(self) -> Any:
        self._wait_for_early_start()
        with self._lock:
            if self._context is None:
                context = self._start()
                self.value = context.__enter__()
                self._context = context
                atexit.register(self.release)  # an interrupted run still stops it
            return self.value

    def start_early(self) -> None:
        """Start (and warm up) in a background thread; :meth:`acquire` waits for it."""
        with self._lock:
            if self._context is not None or self._early is not None:
                return
            self._early = threading.Thread(target=self._start_early, daemon=True,
                                           name="expectlab-tests-early-start")
            self._early.start()

    def _start_early(self) -> None:
        try:
            value = self.acquire()
            if self._warm_up is not None:
                self._warm_up(value)
        except BaseException as exc:  # re-raised by the test that needs the resource
            self._early_error = exc

    def _wait_for_early_start(self) -> None:
        early = self._early
        if early is None or early is threading.current_thread():
            return
        early.join()
        self._early = None
        if self._early_error is not None:
            error, self._early_error = self._early_error, None
            raise error

    def release(self) -> None:
        with contextlib.suppress(BaseException):
            self._wait_for_early_start()
        with self._lock:
            context, self._context, self.value = self._context, None, None
        if context is not None:
            context.__exit__(None, None, None)


def _needed_later(request: pytest.FixtureRequest, name: str) -> bool:
    """Whether a test collected after this module's tests uses the fixture ``name``."""
    session = request.session
    if session.shouldstop or session.shouldfail:
        return False
    items = session.items
    mine = [i for i, item in enumerate(items) if getattr(item, "module", None) is request.module]
    later = items[max(mine) + 1:] if mine else []
    return any(name in getattr(item, "fixturenames", ()) for item in later)


def start_spark_early_fixture() -> Any:
    """An autouse module fixture for the modules that run before the Spark tests: when a
    later collected test uses ``spark``, the session starts and warms up (JVM, Spark SQL,
    Python workers importing expectlab: half a minute of CPU) in a background thread, on
    the core this module's tests leave idle (Dask's in-process threads mostly hold
    Python's GIL). Without a later Spark test nothing starts."""

    @pytest.fixture(scope="module", autouse=True, name="start_spark_early")
    def fixture(request: pytest.FixtureRequest) -> None:
        if _needed_later(request, "spark"):
            _SPARK.start_early()

    return fixture


def _shared_fixture(name: str, shared: _Shared) -> Any:
    @pytest.fixture(scope="module", name=name)
    def fixture(request: pytest.FixtureRequest) -> Iterator[Any]:
        value = shared.acquire()
        yield value
        if not _needed_later(request, name):
            shared.release()

    return fixture


def _warm_up_spark(session: Any) -> None:
    worker_expectlab(session)


_SPARK = _Shared(_spark_session, _warm_up_spark)
_DASK = _Shared(_dask_client)


def spark_fixture() -> Any:
    """A module fixture ``spark``, the shared local[2] session (``spark = spark_fixture()``
    in a test module)."""
    return _shared_fixture("spark", _SPARK)


def client_fixture() -> Any:
    """A module fixture ``client``, the shared ``distributed.Client`` on an in-process
    LocalCluster with one worker of two threads (``client = client_fixture()``)."""
    return _shared_fixture("client", _DASK)


def worker_expectlab(session: Any) -> list[str]:
    """Where the Spark workers import expectlab from (one entry per partition)."""
    import pandas as pd
    from pyspark.sql.types import StringType, StructField, StructType

    def where(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import expectlab

        for _ in batches:
            yield pd.DataFrame({"file": [expectlab.__file__]})

    frame = session.range(4).repartition(2)
    schema = StructType([StructField("file", StringType())])
    return [r["file"] for r in frame.mapInPandas(where, schema).collect()]
