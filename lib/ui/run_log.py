"""The server's own time for each script run, one operator-log line per run (read by the benchmarks).

`script_run page=leadership_overview seconds=0.231 cpu_seconds=0.180 outcome=done fragment=False
session=3f2a9c01`: wall-clock and CPU time (of the run's thread) from the start of the run to its
end, and how it ended (`done`, `rerun`, `stop` or `error`). DEBUG for an ordinary run, INFO for a
run slower than SLOW_SECONDS, so that an operator sees slow pages at the default level.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from lib.core import logs

SLOW_SECONDS = 1.0
_LOG = logs.get("runs")


class Run:
    """What a run is about; the page is known once navigation has picked it."""

    def __init__(self, page: str) -> None:
        self.page = page


@contextmanager
def timed_run(page: str, *, fragment: bool = False) -> Iterator[Run]:
    """Log the time of the run inside the `with` block once it ends, however it ends."""
    run = Run(page)
    start, cpu = time.perf_counter(), time.thread_time()
    outcome = "error"
    try:
        yield run
        outcome = "done"
    except RerunException:
        outcome = "rerun"
        raise
    except StopException:
        outcome = "stop"
        raise
    finally:
        seconds = time.perf_counter() - start
        ctx = get_script_run_ctx()
        logs.emit(
            _LOG,
            logging.INFO if seconds >= SLOW_SECONDS else logging.DEBUG,
            "script_run",
            page=run.page,
            seconds=round(seconds, 4),
            cpu_seconds=round(time.thread_time() - cpu, 4),
            outcome=outcome,
            fragment=fragment,
            session=ctx.session_id[:8] if ctx else "",
        )


def timed_fragment(page: str) -> Callable[[Callable], Callable]:
    """Decorate a fragment's function: its runs on its own (not those inside a whole run, which the
    app's run already counts) are logged as runs of `page`."""

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            ctx = get_script_run_ctx()
            if ctx is None or not ctx.fragment_ids_this_run:
                return fn(*args, **kwargs)
            with timed_run(page, fragment=True):
                return fn(*args, **kwargs)

        return wrapper

    return decorate
