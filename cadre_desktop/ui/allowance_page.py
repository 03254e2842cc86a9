"""津贴待遇: the township allowance standards, a month's payroll with unit subtotals and the county
total, its confirmation (发放确认), the total over a period, the payroll as a list workbook."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QFileDialog, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from ..core.services import allowances
from ..core.values import DomainError, Month, day_text, moment_text
from .common import confirm, inform, refuse, set_error, shortcut
from .jobs import Loads, collector_paused, run_job
from .page_kit import (
    FormDialog, PagedList, RefreshWhenShown, RowsModel, TableSelection, confirm_and_delete, make_table, make_toolbar, open_dialog,
    restore_header, save_header,
)
from .state import AppState
from .widgets import ChoiceCombo, DayEdit, MonthEdit, month_text

RATE_COLUMNS = (("effective", "生效日期"), ("tier", "档次"), ("base", "月标准（元）"), ("staffing_float", "编制上浮"),
                ("per_year", "年限补助（元/年）"), ("year_cap", "年限上限"))
PAYROLL_COLUMNS = (("seq", "序号"), ("unit", "单位"), ("name", "姓名"), ("tier", "档次"), ("staffing", "编制类型"),
                   ("township_start", "乡镇工作起始"), ("years", "工作年限"), ("counted_years", "计发年限"),
                   ("base", "月标准"), ("staffing_float", "编制上浮"), ("years_amount", "年限补助"), ("total", "合计"))
MONEY_KEYS = {"base", "staffing_float", "per_year", "years_amount", "total"}
NUMBER_KEYS = MONEY_KEYS | {"seq", "years", "counted_years", "year_cap"}


def money(v) -> str:
    return "" if v is None else f"{Decimal(v):,.2f}"


def local_time(t: dt.datetime) -> str:
    return moment_text(t.replace(tzinfo=dt.timezone.utc).astimezone())


COUNTY_ROW = 0  # the row ids of the payroll list: 1.. its lines (序号), -1.. each unit's subtotal, 0 the county's


class PayrollRows:
    """A month's payroll as the page's paged list (PagedList): `ids(session)` reads the month's
    index (allowances.payroll_index: the lines' keys, each unit's subtotal and the county's total,
    counted in the database), `rows(session, ids)` a block of rows: lines computed (or, for a
    confirmed month, read) for that block only, subtotals from the index."""

    def __init__(self, month: Month):
        self.month = month
        self.index: dict | None = None

    def ids(self, session) -> list[int]:
        self.index = p = allowances.payroll_index(session, self.month)
        out: list[int] = []
        seq = 0
        for i, u in enumerate(p["units"]):
            out.extend(range(seq + 1, seq + u["count"] + 1))
            seq += u["count"]
            out.append(-(i + 1))
        if p["keys"]:
            out.append(COUNTY_ROW)
        return out

    def summary(self, session, _ids) -> dict:
        """What the page keeps of the payroll: the index without the keys."""
        p = self.index
        return {**{k: v for k, v in p.items() if k not in ("keys", "lines")}, "line_count": len(p["keys"])}

    def rows(self, session, ids: list[int]) -> list[dict]:
        p = self.index
        seqs = [i for i in ids if i > 0]
        lines = allowances.payroll_lines(session, self.month, [p["keys"][q - 1] for q in seqs],
                                         confirmed=p["confirmed"])
        got = {q: dict(ln, id=q, seq=q) for q, ln in zip(seqs, lines) if ln is not None}
        out = []
        for i in ids:
            if i > 0:
                out.append(got.get(i, {"id": i, "seq": i}))
            elif i < 0:
                u = p["units"][-i - 1]
                out.append({"id": i, "subtotal": "unit", "unit": f"{u['unit']} 小计", "name": f"{u['count']} 人",
                            **{k: u[k] for k in allowances.PARTS}})
            else:
                out.append({"id": i, "subtotal": "county", "unit": "全县合计", "name": f"{p['recipients']} 人",
                            **p["totals"]})
        return out


class _NumbersModel(RowsModel):
    """Money with two decimals, numbers to the right; subtotal rows bold on grey."""

    def display(self, key, r):
        v = r.get(key)
        if key in MONEY_KEYS and v is not None:
            return money(v)
        if isinstance(v, Month):
            return month_text(v)
        if key == "tier" and r.get("rate_tier") and r["rate_tier"] != v:
            return f"{v}（按{r['rate_tier']}）"  # the tier has no standard of its own yet that month
        return super().display(key, r)

    def decorate(self, key, r, role):
        if role == Qt.ItemDataRole.TextAlignmentRole and key in NUMBER_KEYS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if r.get("subtotal"):
            if role == Qt.ItemDataRole.FontRole:
                f = QFont()
                f.setBold(True)
                return f
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor("#eef2f7" if r["subtotal"] == "unit" else "#dde6f0"))
        return None


class AllowancePage(RefreshWhenShown, QWidget, TableSelection):
    """The standards, a month's payroll and a period's total. The payroll (every township cadre)
    and the standards are read on the page's query thread (Loads); a change to them, to a cadre
    or to a unit reloads them at once while the page is shown, else when it is next shown."""

    SHOWS = frozenset({"allowance_rate", "allowance_payroll", "cadre", "unit"})

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        actor = state.actor
        can_edit = actor.can("edit")
        self.toolbar = make_toolbar(self, can_edit, [
            ("act_new", "新增标准", self.new_rate, True), ("act_edit", "编辑标准", self.edit_selected, True),
            ("act_delete", "删除标准", self.delete_selected, True), None,
            ("act_confirm", "发放确认", self.confirm_month, False), None,
            ("act_export", "导出发放表", self.export_payroll, False),
            ("act_print", "打印发放表", self.print_payroll, False),
        ])
        self.act_confirm.setVisible(actor.can("admin"))

        # 津贴标准
        self.model = _NumbersModel(RATE_COLUMNS, self)
        self.table = make_table(self.model, widths=(90, 50, 90, 80, 110))
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        rates_box = QGroupBox("津贴标准")
        rl = QVBoxLayout(rates_box)
        rl.addWidget(QLabel("某月按当月1日及以前生效的最新标准计发；某档次尚无标准时按“基础”标准。"))
        rl.addWidget(self.table, 1)

        # 期间合计
        this = Month.of(dt.date.today())
        self.period_from, self.period_to = MonthEdit(), MonthEdit()
        self.period_from.setValue(Month(this.year, 1))
        self.period_to.setValue(this)
        self.period_button = QPushButton("统计")
        self.period_button.clicked.connect(self.compute_period)
        self.period_error = QLabel()
        self.period_error.setStyleSheet("color: #c0392b;")
        self.period_result = QLabel("选择起止月份后点“统计”。")
        self.period_result.setWordWrap(True)
        self.period_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        period_box = QGroupBox("期间合计")
        pl = QVBoxLayout(period_box)
        row = QHBoxLayout()
        for w in (QLabel("自"), self.period_from, QLabel("至"), self.period_to, self.period_button):
            row.addWidget(w)
        row.addStretch(1)
        pl.addLayout(row)
        pl.addWidget(self.period_error)
        pl.addWidget(self.period_result)
        pl.addStretch(1)
        for w in (self.period_from, self.period_to):
            w.returnPressed.connect(self.compute_period)

        # 月度发放表
        self.month_edit = MonthEdit()
        self.month_edit.setValue(this.add_months(-1))
        self.month_edit.setFixedWidth(90)
        self.month_edit.editingFinished.connect(self.load_month)
        self.prev_button, self.next_button = QPushButton("◀ 上月"), QPushButton("下月 ▶")
        self.prev_button.clicked.connect(lambda: self.step_month(-1))
        self.next_button.clicked.connect(lambda: self.step_month(1))
        self.status = QLabel()
        self.month_error = QLabel()
        self.month_error.setStyleSheet("color: #c0392b;")
        self.payroll_model = _NumbersModel(PAYROLL_COLUMNS, self)
        self.payroll_table = make_table(self.payroll_model, row_numbers=False,
                                        widths=(50, 110, 70, 50, 100, 95, 70, 70, 80, 80, 80))
        self.total_label = QLabel()
        self.total_label.setStyleSheet("font-weight: bold; font-size: 11pt;")
        payroll_box = QGroupBox("月度发放表")
        ml = QVBoxLayout(payroll_box)
        row = QHBoxLayout()
        for w in (QLabel("月份"), self.month_edit, self.prev_button, self.next_button, self.status):
            row.addWidget(w)
        row.addStretch(1)
        ml.addLayout(row)
        ml.addWidget(self.month_error)
        ml.addWidget(self.payroll_table, 1)
        ml.addWidget(self.total_label)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(rates_box)
        top.addWidget(period_box)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(payroll_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([230, 520])
        lay = QVBoxLayout(self)
        lay.addWidget(self.toolbar)
        lay.addWidget(self.splitter, 1)

        shortcut(self, "Ctrl+F", self.month_edit.setFocus)
        self.dialog = None
        self.payroll: dict | None = None
        self._asked: Month | None = None
        self.loads = Loads(self)
        self.paged = PagedList(state, self.payroll_model, self.loads, key="payroll")
        self._select_rate: int | None = None  # a standard just saved: selected once the list has it
        self.period_job = None
        self.restore_settings()
        state.changes.changed.connect(self._changed)
        self._stale = True  # read when first shown

    # -- data ------------------------------------------------------------------------------
    def refresh(self, *, wait: bool = False) -> None:
        """Read the standards and the month shown again (off the GUI thread unless `wait`)."""
        self._stale = False
        self.refresh_rates(wait=wait)
        self.load_month(wait=wait, force=True)

    def refresh_rates(self, *, wait: bool = False) -> None:
        state = self.state

        def fetch() -> list[dict]:
            with state.session(read_only=True) as s:
                return allowances.list_rates(s)

        self.loads.run("rates", fetch, self._apply_rates, wait=wait)

    def _apply_rates(self, rows: list[dict]) -> None:
        keep = self._select_rate if self._select_rate is not None else self.selected_id()
        self._select_rate = None
        self.model.set_rows(rows)
        if keep is not None:
            self.select_id(keep)

    def month(self) -> Month | None:
        try:
            m = self.month_edit.value()
        except ValueError as e:
            set_error(self.month_error, f"月份：{e}")
            return None
        if m is None:
            set_error(self.month_error, "请填写月份，如 2022.07")
            return None
        set_error(self.month_error, None)
        return m

    def step_month(self, n: int) -> None:
        m = self.month()
        if m is not None:
            self.month_edit.setValue(m.add_months(n))
            self.load_month(force=True)

    def load_month(self, wait: bool = False, force: bool = False) -> None:
        """Show the month typed in the month box (Enter or leaving the box); off the GUI thread."""
        m = self.month()
        if m is None or (m == self._asked and not force and not wait):
            return
        self._asked = m
        rows = PayrollRows(m)
        self.paged.load(rows.ids, rows.rows, self._apply_payroll, extra=rows.summary, wait=wait)

    def _apply_payroll(self, p: dict) -> None:
        self.payroll = p
        m = p["month"]
        if p["confirmed"]:
            self.status.setText(f"✔ 已确认发放：{p['confirmed_by']}，{local_time(p['confirmed_at'])}（按发放时的数据，不随档案变动）")
            self.status.setStyleSheet("color: #1e7b34; font-weight: bold;")
        else:
            self.status.setText("未确认发放：按当前档案和津贴标准计算")
            self.status.setStyleSheet("color: #8a6d00;")
        text = f"{allowances.month_text(m)}：全县 {p['recipients']} 人，合计 {money(p['total'])} 元"
        if p["missing_rates"]:
            text += f"（{'、'.join(p['missing_rates'])}该月没有适用的津贴标准，未计发）"
        self.total_label.setText(text)
        self.act_confirm.setEnabled(not p["confirmed"] and p["line_count"] > 0)

    # -- rates -----------------------------------------------------------------------------
    def new_rate(self) -> None:
        open_dialog(self, RateDialog(self.state, None, self), self._saved)

    def edit_selected(self) -> None:
        idx = self.table.currentIndex()
        if not idx.isValid() or not self.state.actor.can("edit"):
            return
        open_dialog(self, RateDialog(self.state, self.model.row(idx.row()), self), self._saved)

    def _saved(self, dialog) -> None:
        self._select_rate = dialog.saved_id  # selected when the reloaded list arrives
        self.state.changes.emit("allowance_rate")

    def delete_selected(self) -> None:
        idx = self.table.currentIndex()
        if not idx.isValid() or not self.state.actor.can("edit"):
            return
        r = self.model.row(idx.row())
        confirm_and_delete(
            self, f"删除 {day_text(r['effective'])} 起的{r['tier']}津贴标准？\n\n已确认发放的月份不受影响；"
                  "未确认的月份将按其余标准重新计算。", "删除津贴标准",
            lambda s: allowances.delete_rate(s, actor=self.state.actor, rate_id=r["id"]), "allowance_rate")

    # -- confirmation ----------------------------------------------------------------------
    def confirm_month(self) -> None:
        p = self.payroll
        if p is None or p["confirmed"] or not p["line_count"]:
            return
        m = p["month"]
        text = (f"确认{allowances.month_text(m)}的乡镇津贴已按此表发放？\n\n"
                f"全县 {p['recipients']} 人，合计 {money(p['total'])} 元。\n\n"
                "确认后，该月发放表按现在的人员、单位、档次、编制、年限和津贴标准逐人固定保存，"
                "以后的调动、退休、档案修改或标准更正都不再改变该月；确认不能撤销。")
        if not confirm(self, text, "发放确认", "确认发放"):
            return
        try:
            with self.state.session() as s:
                allowances.confirm_month(s, actor=self.state.actor, month=m)
        except DomainError as e:
            refuse(self, e)
            return
        self.state.changes.emit("allowance_payroll")  # the page reloads the month (SHOWS)

    # -- period ----------------------------------------------------------------------------
    def compute_period(self) -> None:
        try:
            first, last = self.period_from.value(), self.period_to.value()
        except ValueError as e:
            set_error(self.period_error, str(e))
            return
        if first is None or last is None:
            set_error(self.period_error, "请填写起止月份，如 2022.01 至 2022.12")
            return
        set_error(self.period_error, None)
        self.period_button.setEnabled(False)
        db = self.state

        def work(progress, cancelled):
            with collector_paused(), db.session(read_only=True) as s:  # a read: see jobs.collector_paused
                return allowances.period_summary(s, first, last, progress=progress, cancelled=cancelled)

        def done(result: dict) -> None:
            self.period_button.setEnabled(True)
            n_conf = sum(1 for m in result["months"] if m["confirmed"])
            n = len(result["months"])
            self.period_result.setText(
                f"{allowances.month_text(first)}至{allowances.month_text(last)}（{n} 个月）：\n"
                f"合计 {money(result['total'])} 元，发放 {result['recipients']} 人"
                f"（其中 {n_conf} 个月按已确认的发放表，{n - n_conf} 个月按当前档案计算）")
            self.period = result

        def failed(error) -> None:
            self.period_button.setEnabled(True)
            if isinstance(error, DomainError):
                set_error(self.period_error, error.message)
            else:
                from .errors import show_unexpected

                show_unexpected(error)

        self.period_job = run_job(self, "统计津贴", work, on_success=done, on_failure=failed)

    # -- export ----------------------------------------------------------------------------
    def export_payroll(self) -> None:
        m = self.month()
        if m is None:
            return
        from ..core.exchange.payroll_list import title_of

        default = str(Path(self.state.last_folder()) / f"{title_of(m)}.xlsx")
        path, _ = QFileDialog.getSaveFileName(self, "导出发放表", default, "Excel 工作簿 (*.xlsx)")
        if path:
            self.state.remember_folder(path)
            self.export_to(path, m)

    def export_to(self, path: str, m: Month):
        from ..core.exchange.payroll_list import write_payroll_xlsx

        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        db = self.state

        def work(progress, cancelled):
            with db.session() as s:
                return write_payroll_xlsx(s, actor=db.actor, month=m, path=path, progress=progress)

        return run_job(self, "导出发放表", work, on_success=lambda out: inform(self, f"已导出：\n{out}"))

    # -- printing --------------------------------------------------------------------------
    def print_payroll(self):
        """打印 the 乡镇津贴发放表 of the month shown: through the window's print preview where this
        build has one, else rendered off the GUI thread and saved as a PDF to print from."""
        m = self.month()
        if m is None:
            return None
        from ..core.exchange.payroll_list import title_of

        params, title = {"month": m}, title_of(m)
        try:
            from .print_preview import preview_form
        except ImportError:
            preview_form = None
        if preview_form is not None:
            return preview_form(self, self.state, "allowance-payroll", params, title=title, file_name=title)
        default = str(Path(self.state.last_folder()) / f"{title}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, "打印发放表：保存为 PDF", default, "PDF 文件 (*.pdf)")
        if not path:
            return None
        self.state.remember_folder(path)
        return self.print_to(path, m)

    def print_to(self, path: str, m: Month):
        from ..core.printing import render_pdf

        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        db = self.state

        def work(progress, cancelled):
            with db.session() as s:
                return render_pdf(s, actor=db.actor, form="allowance-payroll", params={"month": m}, out=path,
                                  progress=progress, cancelled=cancelled)

        return run_job(self, "生成乡镇津贴发放表", work,
                       on_success=lambda r: inform(self, f"已生成发放表（{r.pages} 页）：\n{r.path}"))

    # -- remembering -----------------------------------------------------------------------
    def save_settings(self) -> None:
        st = self.state.settings
        save_header(st, "allowance/rates_header", self.table)
        save_header(st, "allowance/payroll_header", self.payroll_table)
        st.setValue("allowance/splitter", self.splitter.saveState())

    def restore_settings(self) -> None:
        st = self.state.settings
        restore_header(st, "allowance/rates_header", self.table)
        restore_header(st, "allowance/payroll_header", self.payroll_table)
        if (v := st.value("allowance/splitter")) is not None:
            self.splitter.restoreState(v)


class RateDialog(FormDialog):
    def __init__(self, state: AppState, row: dict | None, parent=None):
        super().__init__(parent)
        self.state, self.row = state, row
        self.saved_id: int | None = None
        self.setWindowTitle("编辑津贴标准" if row else "新增津贴标准")
        self.effective = DayEdit()
        self.tier = ChoiceCombo(allowances.RATE_TIERS)
        self.base, self.staffing_float, self.per_year, self.year_cap = QLineEdit(), QLineEdit(), QLineEdit(), QLineEdit()
        self.staffing_float.setPlaceholderText("行政、参公事业、事业编制每月另加；空为 0")
        self.per_year.setPlaceholderText("乡镇工作每满一年每月另加；空为 0")
        self.year_cap.setPlaceholderText("空为不设上限")
        self.add_fields((("effective", "生效日期", self.effective), ("tier", "档次", self.tier),
                         ("base", "月标准（元）", self.base), ("staffing_float", "编制上浮（元）", self.staffing_float),
                         ("per_year", "年限补助（元/年）", self.per_year), ("year_cap", "年限上限（年）", self.year_cap)))
        self.mark_required(lambda d: allowances.check_rate(d)[1])
        self.layout_form()
        shortcut(self, "Ctrl+S", self.try_accept)
        self.setMinimumWidth(420)
        if row:
            self.effective.setValue(row["effective"])
            self.tier.setValue(row["tier"])
            for k in ("base", "staffing_float", "per_year"):
                getattr(self, k).setText("" if row[k] is None else f"{row[k]:.2f}".rstrip("0").rstrip("."))
            self.year_cap.setText("" if row["year_cap"] is None else str(row["year_cap"]))

    def try_accept(self) -> bool:
        self.clear_errors()
        try:
            effective = self.effective.value()
        except ValueError as e:
            set_error(self.errors["effective"], str(e))
            return False
        data = {"effective": effective, "tier": self.tier.value(), "base": self.base.text(),
                "staffing_float": self.staffing_float.text(), "per_year": self.per_year.text(),
                "year_cap": self.year_cap.text()}
        try:
            with self.state.session() as s:
                self.saved_id = allowances.save_rate(s, actor=self.state.actor, data=data,
                                                     rate_id=self.row["id"] if self.row else None,
                                                     version=self.row["version"] if self.row else None)
        except DomainError as e:
            self.show_errors(e)
            return False
        self.accept()
        return True
