"""Background work: results come back to the GUI thread, stale answers are dropped, cancel is a
flag, and thousands of jobs in one session do not corrupt the interpreter."""

import subprocess
import sys

from PySide6.QtCore import Qt

from cadre_desktop.ui.jobs import QueryBridge, run_job


def test_job_result_and_progress_arrive_on_the_gui_thread(qtbot):
    seen, results = [], []

    def work(progress, cancelled):
        for i in range(3):
            progress(i + 1, 3, "步骤")
        return None  # a job may return nothing

    job = run_job(None, "测试", work, on_success=results.append)
    job.progressed.connect(lambda d, t, s: seen.append((d, t)))
    qtbot.waitUntil(lambda: job.done and results == [None], timeout=10000)


def test_cancel_is_a_flag_the_work_polls(qtbot):
    from cadre_desktop.core.exchange.sheets import Cancelled

    failures = []

    def work(progress, cancelled):
        while not cancelled():
            pass
        raise Cancelled()

    job = run_job(None, "测试", work, on_failure=failures.append)
    job.cancel()
    qtbot.waitUntil(lambda: job.done and bool(failures), timeout=10000)
    assert isinstance(failures[0], Cancelled)


def test_query_bridge_applies_only_the_newest_answer(qtbot):
    applied = []
    bridge = QueryBridge(applied.append)
    for i in range(20):
        bridge.run(lambda i=i: i)
    qtbot.waitUntil(lambda: not bridge.pending, timeout=10000)
    assert applied[-1] == 19 and len(applied) == 1


def test_thousands_of_background_queries_do_not_crash_the_interpreter():
    # With QRunnable, PySide6 6.12.0 decremented None's reference count on every run() and
    # aborted with "none_dealloc" after a few thousand; a clerk typing all day runs that many.
    code = (
        "import os; os.environ['QT_QPA_PLATFORM']='offscreen'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from cadre_desktop.ui.jobs import QueryBridge\n"
        "got = []\n"
        "b = QueryBridge(got.append)\n"
        "for i in range(8000):\n"
        "    b.run(lambda: None)\n"
        "    if i % 500 == 0: app.processEvents()\n"
        "b.wait()\n"
        "for _ in range(20): app.processEvents()\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "ok" in done.stdout, done.stderr[-2000:]


def test_loads_drop_stale_answers_per_key_and_keep_other_keys(qtbot):
    import threading

    from cadre_desktop.ui.jobs import Loads

    loads = Loads()
    applied: list[tuple[str, int]] = []
    gate = threading.Event()

    def slow():
        gate.wait(10)
        return 1

    loads.run("list", slow, lambda r: applied.append(("list", r)))
    loads.run("details", lambda: 7, lambda r: applied.append(("details", r)))
    loads.run("list", lambda: 2, lambda r: applied.append(("list", r)))  # the first list answer is now stale
    assert loads.pending and loads.is_pending("list")
    gate.set()
    qtbot.waitUntil(lambda: not loads.pending, timeout=10000)
    assert applied == [("details", 7), ("list", 2)]


def test_a_failed_read_goes_to_its_handler_and_clears_pending(qtbot):
    from cadre_desktop.ui.jobs import Loads

    loads, errors = Loads(), []

    def broken():
        raise ValueError("坏了")

    loads.run("list", broken, lambda r: None, on_error=errors.append)
    qtbot.waitUntil(lambda: not loads.pending, timeout=10000)
    assert isinstance(errors[0], ValueError)


def test_search_field_announces_once_typing_pauses_and_at_once_on_enter_or_clear(qtbot):
    from PySide6.QtCore import Qt

    from cadre_desktop.ui.page_kit import SearchField

    field = SearchField("搜索")
    qtbot.addWidget(field)
    said: list[str] = []
    field.searched.connect(said.append)
    field._timer.setInterval(1500)  # a pause long enough that a loaded machine types five keys within it
    qtbot.keyClicks(field, "zhang")
    assert said == [] and field.waiting  # five keystrokes, no query yet
    qtbot.waitUntil(lambda: said == ["zhang"], timeout=10000)
    qtbot.keyClicks(field, "s")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert said == ["zhang", "zhangs"] and not field.waiting
    field.clear()
    assert said == ["zhang", "zhangs", ""]


def test_the_collector_pauses_while_reads_run_and_resumes_after_the_last(qtbot):
    import gc
    import threading

    from cadre_desktop.ui.jobs import Loads

    assert gc.isenabled()
    first, second = Loads(), Loads()
    release = threading.Event()
    seen = {}

    def slow():
        release.wait(10)
        return gc.isenabled()

    first.run("a", slow, lambda enabled: seen.setdefault("a", enabled))
    second.run("b", lambda: gc.isenabled(), lambda enabled: seen.setdefault("b", enabled))
    qtbot.waitUntil(lambda: "b" in seen, timeout=10000)
    assert seen["b"] is False  # paused while its read ran
    assert not gc.isenabled()  # still paused: the other read has not finished
    release.set()
    qtbot.waitUntil(lambda: "a" in seen, timeout=10000)
    assert seen["a"] is False and gc.isenabled()


def test_a_read_that_fails_still_resumes_the_collector(qtbot):
    import gc

    from cadre_desktop.ui.jobs import Loads

    errors = []
    loads = Loads()
    loads.run("x", lambda: 1 / 0, lambda _r: None, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert isinstance(errors[0], ZeroDivisionError) and gc.isenabled()


def test_dispose_empties_big_answers_on_the_query_thread(qtbot):
    from cadre_desktop.ui.jobs import Loads

    loads = Loads()
    rows = {i: {"id": i} for i in range(10000)}
    ids = list(rows)
    loads.dispose(rows, ids)
    loads.wait()
    assert rows == {} and ids == []


def test_a_long_list_scrolled_to_the_end_keeps_only_its_latest_blocks(qtbot):
    from cadre_desktop.ui.models import BLOCK, KEPT_BLOCKS, LazyTableModel

    fetched: list[int] = []

    def fetch(ids):
        fetched.append(len(ids))
        return [{"id": i, "name": f"干部{i}"} for i in ids]

    model = LazyTableModel([("name", "姓名")], fetch)
    model.set_ids(list(range(1, 20_001)), rows=[{"id": i, "name": f"干部{i}"} for i in range(1, 201)])
    for row in range(model.rowCount()):  # top to bottom, as a scroll does
        assert model.data(model.index(row, 0)) == f"干部{row + 1}"
    assert len(model._rows) <= KEPT_BLOCKS * BLOCK
    assert len(fetched) == 20_000 // BLOCK - 1  # the first block came with the ids
    assert model.data(model.index(0, 0)) == "干部1" and len(fetched) == 20_000 // BLOCK  # read again
    assert model.data(model.index(19_999, 0)) == "干部20000" and len(fetched) == 20_000 // BLOCK  # still kept


def test_a_cell_painted_shows_what_data_answers_role_by_role(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    from cadre_desktop.ui.jobs import Loads
    from cadre_desktop.ui.models import PENDING, RosterModel

    model = RosterModel([("name", "姓名"), ("tag", "标记"), ("incomplete", "待完善")],
                        lambda ids: [{"id": i, "name": f"干部{i}", "tag": "红", "incomplete": True} for i in ids])
    loads = Loads()
    model.load_through(loads)
    model.set_ids(list(range(1, 1001)), rows=[{"id": 1, "name": "张三", "tag": "黄", "incomplete": True}])
    delegate = QStyledItemDelegate()

    def painted(row: int, col: int) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, model.index(row, col))  # Qt asks multiData for the roles at once
        return option

    assert painted(0, 0).text == "张三" and painted(0, 2).text == "待完善"
    assert painted(0, 2).palette.color(painted(0, 2).palette.ColorRole.Text).name() == "#c0392b"
    assert painted(0, 1).displayAlignment == Qt.AlignmentFlag.AlignCenter
    assert painted(999, 0).text == PENDING and painted(999, 1).text == ""  # not read yet: asked for
    qtbot.waitUntil(lambda: not loads.pending)
    assert painted(999, 0).text == "干部1000" and model.index(999, 0).data() == "干部1000"


def test_a_job_whose_dialog_is_gone_still_announces_what_it_committed(qtbot, db, admin, tmp_path):
    import threading

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QDialog
    from shiboken6 import isValid

    from cadre_desktop.ui import jobs
    from cadre_desktop.ui.state import AppState

    state = AppState(db=db, actor=admin, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    announced, shown = [], []
    state.changes.changed.connect(announced.append)
    dialog = QDialog()
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    release = threading.Event()

    def work(progress, cancelled):
        release.wait(20)
        return ["cadre", "appointment"]

    job = run_job(dialog, "保存", work, on_success=lambda r: shown.append(dialog.windowTitle()),
                  announce=(state, lambda result: result))
    dialog.close()  # the clerk closed it while the save ran
    qtbot.waitUntil(lambda: not isValid(dialog), timeout=10000)
    release.set()
    qtbot.waitUntil(lambda: job.done and job not in jobs._LIVE, timeout=10000)
    assert announced == [{"cadre", "appointment", "audit"}]  # committed: announced
    assert shown == []  # the gone dialog's own callback is not called


def test_a_failed_job_is_told_one_way_whether_or_not_its_dialog_is_still_there(qtbot, monkeypatch):
    """A cancel is told as 已取消 and a refusal in the clerk's words to a dialog still there; a
    dialog gone is told nothing of either (nothing was written); a bug is told either way."""
    import threading

    from PySide6.QtWidgets import QDialog
    from shiboken6 import isValid

    from cadre_desktop.core.exchange.sheets import Cancelled
    from cadre_desktop.core.values import DomainError
    from cadre_desktop.ui import common, errors, jobs

    told = []
    monkeypatch.setattr(common, "inform", lambda *_a, **_k: told.append("已取消"))
    monkeypatch.setattr(common, "refuse", lambda _parent, error: told.append(error.message))
    monkeypatch.setattr(errors, "show_unexpected", lambda error: told.append(type(error).__name__))
    failures = (Cancelled(), DomainError("不能保存"), ZeroDivisionError())
    for gone in (False, True):
        for error in failures:
            dialog = QDialog()
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            release = threading.Event()

            def work(_progress, _cancelled, error=error, release=release):
                release.wait(20)
                raise error

            job = run_job(dialog, "保存", work)
            if gone:
                dialog.close()
                qtbot.waitUntil(lambda: not isValid(dialog), timeout=10000)
            release.set()
            qtbot.waitUntil(lambda: job.done and job not in jobs._LIVE, timeout=10000)
            if not gone:
                dialog.close()
    assert told == ["已取消", "不能保存", "ZeroDivisionError", "ZeroDivisionError"]


def test_cancel_drops_the_answer_on_its_way_and_keeps_other_keys(qtbot):
    import threading

    from cadre_desktop.ui.jobs import Loads

    loads, applied, hold = Loads(), [], threading.Event()
    loads.run("details", lambda: hold.wait(10) and "old", applied.append)
    loads.run("list", lambda: "list", applied.append)
    loads.cancel("details")  # nothing selected any more
    assert not loads.is_pending("details") and loads.is_pending("list")
    hold.set()
    qtbot.waitUntil(lambda: not loads.pending, timeout=10000)
    loads.wait()
    qtbot.wait(50)
    assert applied == ["list"]
    loads.close()


def test_a_repaint_with_every_row_selected_asks_the_model_only_about_the_rows_on_screen(qtbot):
    """Ctrl+A on a long list: the column header asked, per column and per repaint, whether every
    row was selected (index and flags in Python for each row: 8-10 s a repaint at 100,000 rows).
    The header has a selection of its own (page_kit.header_apart), so a repaint stays with the
    rows on screen."""
    from cadre_desktop.ui.models import LazyTableModel
    from cadre_desktop.ui.page_kit import make_table

    class Counting(LazyTableModel):
        asked = 0

        def flags(self, index):
            Counting.asked += 1
            return super().flags(index)

    rows = 5_000
    model = Counting([("name", "姓名"), ("unit", "单位"), ("post", "职务")],
                     lambda ids: [{"id": i, "name": f"干部{i}", "unit": "县财政局", "post": "科员"} for i in ids])
    model.set_ids(list(range(1, rows + 1)))
    table = make_table(model)
    qtbot.addWidget(table)
    table.resize(800, 400)
    table.show()
    qtbot.waitExposed(table)
    qtbot.wait(50)
    Counting.asked = 0
    table.selectAll()
    qtbot.wait(100)  # the repaints that follow
    table.horizontalHeader().viewport().update()
    table.viewport().update()
    qtbot.wait(100)
    assert Counting.asked < rows // 2, Counting.asked  # about the ~15 rows on screen, not all 5,000
    assert len(table.selectionModel().selectedRows()) == rows  # and every row is selected
