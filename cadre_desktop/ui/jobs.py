"""Background jobs: work that can take over a tenth of a second runs off the GUI thread, on one
worker, with a progress dialog that appears after 600 ms and a cancel button that sets a flag.

The core reports progress through a callback `progress(done, total, text)` and polls
`cancelled()`; it never sees Qt.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

# Python threads, not QThreadPool/QRunnable: PySide6's QRunnable wrappers are deleted by Qt
# behind Python's back (a stale wrapper then answers for a new object at the same address), and
# 6.12.0 also corrupts reference counts in QRunnable.run. Results reach the GUI thread through
# queued signals of QObjects that live there.
_POOL: ThreadPoolExecutor | None = None


def pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        # one worker: actions never race each other on the database
        _POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cadre-job")
    return _POOL


class Job(QObject):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, fn: Callable[[Callable, Callable], Any]):
        super().__init__()
        self.fn = fn
        self._cancel = threading.Event()
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progressed.emit(done, total, text)

    def run(self) -> None:  # on the worker thread
        try:
            self.result = self.fn(self._progress, self.cancelled)
        except BaseException as e:  # handed to the GUI thread, shown there
            self.error = e
        self.done = True  # before the callbacks run, so they see a finished job
        if self.error is not None:
            self.failed.emit(self.error)
        else:
            self.succeeded.emit(self.result)
        self.finished.emit()


_LIVE: set[Job] = set()


def run_job(parent: QWidget | None, title: str, fn: Callable[[Callable, Callable], Any], *,
            on_success: Callable[[Any], None] | None = None,
            on_failure: Callable[[BaseException], None] | None = None,
            cancellable: bool = True) -> Job:
    """Run fn(progress, cancelled) on the worker; call back on the GUI thread."""
    job = Job(fn)
    _LIVE.add(job)
    dialog = QProgressDialog(title, "取消" if cancellable else None, 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(600)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)
    job.dialog = dialog
    if cancellable:
        dialog.canceled.connect(job.cancel)

    def progressed(done: int, total: int, text: str) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
            dialog.setLabelText(f"{title}：{text}（{done}/{total}）")
        else:
            dialog.setLabelText(f"{title}：{text}（{done}）")

    def finished() -> None:
        dialog.close()
        dialog.deleteLater()
        _LIVE.discard(job)

    job.progressed.connect(progressed, Qt.ConnectionType.QueuedConnection)
    job.finished.connect(finished, Qt.ConnectionType.QueuedConnection)
    if on_success:
        job.succeeded.connect(on_success, Qt.ConnectionType.QueuedConnection)
    job.failed.connect(on_failure or _default_failure(parent), Qt.ConnectionType.QueuedConnection)
    pool().submit(job.run)
    return job


def _default_failure(parent):
    def show(error: BaseException) -> None:
        from ..core.exchange.sheets import Cancelled
        from ..core.values import DomainError
        from .common import inform, refuse
        from .errors import show_unexpected

        if isinstance(error, Cancelled):
            inform(parent, "已取消，未写入任何数据。", "已取消")
        elif isinstance(error, DomainError):
            refuse(parent, error)
        else:
            show_unexpected(error)

    return show


class QueryBridge(QObject):
    """Runs read-only queries for one view off the GUI thread (each keystroke of a search box
    starts one); only the newest query's answer is applied, older ones are dropped."""

    done = Signal(int, object, object)

    def __init__(self, apply: Callable[[Any], None], parent: QObject | None = None):
        super().__init__(parent)
        self.apply = apply
        self.generation = 0
        self.pending = False
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cadre-query")
        self.done.connect(self._done, Qt.ConnectionType.QueuedConnection)

    def run(self, fn: Callable[[], Any]) -> None:
        self.generation += 1
        self.pending = True
        self._pool.submit(self._work, fn, self.generation)

    def _work(self, fn: Callable[[], Any], generation: int) -> None:  # on the query thread
        if generation != self.generation:
            return  # superseded before it started: skip the query
        try:
            result, error = fn(), None
        except BaseException as e:  # handed to the GUI thread
            result, error = None, e
        self.done.emit(generation, result, error)

    def wait(self) -> None:
        """Block until the queries started so far have run (for tests and shutdown)."""
        self._pool.submit(lambda: None).result()

    def run_now(self, fn: Callable[[], Any]) -> None:
        """Run on the calling thread (first fill of a page, or where the caller must wait)."""
        self.generation += 1
        self.pending = False
        self.apply(fn())

    def _done(self, generation: int, result: Any, error: BaseException | None) -> None:
        if generation != self.generation:
            return  # a newer query has been started since
        self.pending = False
        if error is not None:
            from .errors import show_unexpected

            show_unexpected(error)
            return
        self.apply(result)
