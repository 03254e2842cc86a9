"""The operations layer: nothing that touches the database runs on the GUI thread.

- An action (import, export, save of many records, printing, backup) is a Job: `run_job` runs
  it on the one action worker and reports success or failure back on the GUI thread, shows a
  progress dialog once it has taken 600 ms, and its 取消 button sets a flag the core polls.
  The core reports progress through a callback `progress(done, total, text)` and polls
  `cancelled()`; it never sees Qt.
- A read for a view (a page's list, a search box's answer, a picker) goes through the view's
  Loads: `loads.run(key, fetch, apply)` runs fetch() on the view's query thread and apply(answer)
  on the GUI thread; an answer that is stale when it returns (a newer run of the same key was
  started since) is dropped. `wait=True` runs both here, for the few places that must have the
  answer before going on.
"""

from __future__ import annotations

import gc
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QProgressDialog, QWidget
from shiboken6 import isValid

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
            cancellable: bool = True,
            announce: tuple[Any, Callable[[Any], Iterable[str]]] | None = None) -> Job:
    """Run fn(progress, cancelled) on the worker; call back on the GUI thread.

    The callbacks are the parent's: when it has been closed and deleted before the job ends they
    are not called (an unexpected failure is still shown). What the job committed is announced all
    the same: `announce=(state, entities)` emits `state.changes(*entities(result))` on success
    whether or not the parent is still there (an empty answer announces nothing)."""
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

    def alive() -> bool:
        return parent is None or isValid(parent)

    def progressed(done: int, total: int, text: str) -> None:
        if not isValid(dialog):
            return
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
            dialog.setLabelText(f"{title}：{text}（{done}/{total}）")
        else:
            dialog.setLabelText(f"{title}：{text}（{done}）")

    def succeeded(result: Any) -> None:
        if announce is not None:
            state, entities = announce
            if changed := tuple(entities(result)):
                state.changes.emit(*changed)
        if on_success is not None and alive():
            on_success(result)

    def failed(error: BaseException) -> None:
        if alive():
            (on_failure or _default_failure(parent))(error)
        else:  # nobody to tell of a cancel or a refusal (nothing was written); a bug is still told
            _default_failure(None, quiet=True)(error)

    def finished() -> None:
        try:
            if isValid(dialog):
                dialog.close()
                dialog.deleteLater()
        finally:
            _LIVE.discard(job)

    job.progressed.connect(progressed, Qt.ConnectionType.QueuedConnection)
    job.finished.connect(finished, Qt.ConnectionType.QueuedConnection)
    job.succeeded.connect(succeeded, Qt.ConnectionType.QueuedConnection)
    job.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
    pool().submit(job.run)
    return job


def _default_failure(parent, *, quiet: bool = False):
    """How a job's failure is told: a cancel as 已取消, a refusal (DomainError) in the clerk's words,
    anything else in the unexpected-error window. `quiet`: only the unexpected is told."""
    def show(error: BaseException) -> None:
        from ..core.exchange.sheets import Cancelled
        from ..core.values import DomainError
        from .common import inform, refuse
        from .errors import show_unexpected

        if isinstance(error, Cancelled):
            if not quiet:
                inform(parent, "已取消，未写入任何数据。", "已取消")
        elif isinstance(error, DomainError):
            if not quiet:
                refuse(parent, error)
        else:
            show_unexpected(error)

    return show


_GC_LOCK = threading.Lock()
_GC_PAUSES = 0


@contextmanager
def collector_paused():
    """Python's cyclic collector paused while a read runs. A read that makes 100,000 rows sets
    off full collections of the whole heap (0.5 to 1.2 s each at 100,000 cadres) on the query
    thread, and the collector holds the GIL throughout: the GUI thread froze for that long. The
    rows a read makes are freed by reference counting; when the last read ends, what is alive is
    moved to the oldest generation at once (freeze + unfreeze, two list splices) instead of being
    walked by a young-generation pass of a few hundred ms; cycles among it are collected by the
    next full collection as usual. Process-wide, so counted: the collector runs again when the
    last read ends."""
    global _GC_PAUSES
    with _GC_LOCK:
        _GC_PAUSES += 1
        if _GC_PAUSES == 1:
            gc.disable()
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_PAUSES -= 1
            if _GC_PAUSES == 0:
                gc.freeze()
                gc.unfreeze()
                gc.enable()


class Loads(QObject):
    """A view's reads, off the GUI thread, on one query thread of its own (so a slow list on one
    page never holds up another page's search). Each read has a key ("list", "details", ...):
    only the newest run of a key is applied; an older one still queued is skipped, an older
    one that already ran has its answer dropped.

    The thread starts with the first read and ends when the view is done with it: when its
    parent dialog finishes (closed, accepted or rejected; reopened, it starts again) and when the
    Loads itself is destroyed with its parent, so a dialog or page never leaves a thread behind."""

    done = Signal(str, int, object, object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.generations: dict[str, int] = {}
        self._applies: dict[str, Callable[[Any], None]] = {}
        self._errors: dict[str, Callable[[BaseException], None] | None] = {}
        self._pending: set[str] = set()
        self._pool: ThreadPoolExecutor | None = None
        self.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        if isinstance(parent, QDialog):
            parent.finished.connect(self.close)
        self.destroyed.connect(lambda *_: self.close())  # touches only Python state: safe mid-destruction

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cadre-query")
        return self._pool

    @property
    def pending(self) -> bool:
        """Some read has been asked for and its answer not yet applied."""
        return bool(self._pending)

    def is_pending(self, key: str) -> bool:
        return key in self._pending

    def run(self, key: str, fetch: Callable[[], Any], apply: Callable[[Any], None], *, wait: bool = False,
            on_error: Callable[[BaseException], None] | None = None) -> None:
        generation = self.generations.get(key, 0) + 1
        self.generations[key] = generation
        if wait:
            self._pending.discard(key)
            apply(fetch())
            return
        self._applies[key], self._errors[key] = apply, on_error
        self._pending.add(key)
        self._executor().submit(self._work, key, fetch, generation)

    def cancel(self, key: str) -> None:
        """Drop the answer of `key` on its way (its read skipped if not started): what it was
        asked for is no longer wanted (nothing selected now, another read answers it)."""
        self.generations[key] = self.generations.get(key, 0) + 1
        self._pending.discard(key)

    def _work(self, key: str, fetch: Callable[[], Any], generation: int) -> None:  # on the query thread
        if generation != self.generations.get(key):
            return  # superseded before it started: skip the query
        try:
            with collector_paused():
                result, error = fetch(), None
        except BaseException as e:  # handed to the GUI thread
            result, error = None, e
        self.done.emit(key, generation, result, error)

    def dispose(self, *objects: Any) -> None:
        """Free big answers no longer shown (a list of 100,000 rows) on the query thread, a slice at
        a time: freeing one in a single step holds the GIL for tens of milliseconds, and the GUI
        thread with it."""
        self._executor().submit(free_in_slices, list(objects))

    def wait(self) -> None:
        """Block until the reads started so far have run (tests and shutdown); their answers are
        applied when the event loop next runs."""
        if self._pool is not None:
            self._pool.submit(lambda: None).result()

    def close(self) -> None:
        """The view is going away (a dialog closed): let its query thread end once the read it
        may be running returns; reads not yet started are dropped, answers are no longer applied.
        A later read starts a new thread."""
        for key in self.generations:
            self.generations[key] += 1
        self._pending.clear()
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _done(self, key: str, generation: int, result: Any, error: BaseException | None) -> None:
        if generation != self.generations.get(key):
            return  # a newer read of this key has been started since
        self._pending.discard(key)
        if error is not None:
            handler = self._errors.get(key)
            if handler is not None:
                handler(error)
                return
            from ..core.values import DomainError
            from .errors import show_unexpected

            if isinstance(error, DomainError):  # e.g. the record was deleted by another clerk meanwhile
                from .common import refuse

                refuse(self.parent() if isinstance(self.parent(), QWidget) else None, error)
            else:
                show_unexpected(error)
            return
        self._applies[key](result)


def free_in_slices(objects: list) -> None:
    """Empty these lists and dicts a slice at a time (off the GUI thread): freeing 100,000 rows in
    one step is one C call that holds the GIL for a few hundred milliseconds, and the GUI thread
    waits that long; between slices it gets its turn."""
    while objects:
        obj = objects.pop()
        if isinstance(obj, dict):
            while obj:
                for _ in range(min(len(obj), 2000)):
                    obj.popitem()
        elif isinstance(obj, list):
            while obj:
                del obj[-2000:]


class QueryBridge(Loads):
    """Loads with a single key and a fixed apply: a view with one read (each keystroke of a
    search box starts one)."""

    def __init__(self, apply: Callable[[Any], None], parent: QObject | None = None):
        super().__init__(parent)
        self.apply = apply

    @property
    def generation(self) -> int:
        return self.generations.get("", 0)

    def run(self, fn: Callable[[], Any], *, wait: bool = False) -> None:  # type: ignore[override]
        super().run("", fn, self.apply, wait=wait)
