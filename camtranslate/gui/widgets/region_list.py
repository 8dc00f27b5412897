"""Side list of recognised texts and their translations: select to highlight, copy, and teach
the glossary (keep a name as written, or say how a term should read)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QInputDialog,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from camtranslate.types import Polygon, TranslatedRegion, language_label


@dataclass(frozen=True)
class Row:
    """What one line of the list shows; built from stills' and the live view's regions alike."""

    polygon: Polygon
    text: str
    translation: str
    source_lang: str = ""
    key: object = None
    """Stable identity in the live view (the session's region id); None for stills."""
    untranslated_reason: str = ""
    """Why the text was left as is (shown greyed, "untranslated: ..."); "" when translated."""

    @classmethod
    def from_translated(cls, t: TranslatedRegion) -> Row:
        return cls(
            t.region.polygon,
            t.region.text,
            t.translation,
            t.source_lang or "",
            untranslated_reason=t.untranslated_reason,
        )

    def shown_translation(self) -> str:
        """The Translation column: the translation, or why there is none."""
        if self.untranslated_reason:
            return f"untranslated: {self.untranslated_reason}"
        return self.translation


class RegionList(QTreeWidget):
    regionSelected = Signal(object)
    """The selected row's polygon (full-frame pixels), or None when nothing is selected."""
    glossaryRequested = Signal(str, object)
    """(text, translation): add to the user's glossary; translation None keeps it as written."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(3)
        self.setHeaderLabels(["Original", "Translation", "Lang"])
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.itemSelectionChanged.connect(self._selection_changed)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.setColumnWidth(0, 160)
        self._rows: tuple[Row, ...] = ()

        self.copy_original_action = QAction("Copy original", self)
        self.copy_original_action.triggered.connect(lambda: self.copy_selected("text"))
        self.copy_translation_action = QAction("Copy translation", self)
        self.copy_translation_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_translation_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_translation_action.triggered.connect(lambda: self.copy_selected("translation"))
        self.addAction(self.copy_translation_action)
        self.copy_all_action = QAction("Copy all rows", self)
        self.copy_all_action.triggered.connect(self.copy_all)
        self.keep_action = QAction("Always keep as written (glossary)", self)
        self.keep_action.setToolTip("A name such as a shop's: never translated again")
        self.keep_action.triggered.connect(self._keep_selected)
        self.translate_as_action = QAction("Always translate as…  (glossary)", self)
        self.translate_as_action.triggered.connect(self._translate_selected_as)

    def rows(self) -> tuple[Row, ...]:
        return self._rows

    def resizeEvent(self, event) -> None:
        """In a narrow side panel the Original column yields, so the translation stays in
        view (at a 700 px window it took the whole width and hid the translation)."""
        super().resizeEvent(event)
        self.setColumnWidth(0, min(160, max(60, int(self.viewport().width() * 0.45))))

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Replace the list, keeping the selected text selected when it is still there.

        The live view calls this whenever the shown set changes; rebuilding must not steal the
        user's selection nor scroll the list.
        """
        rows = tuple(rows)
        if [_ident(r) for r in rows] == [_ident(r) for r in self._rows]:
            self._rows = rows  # same lines, moved polygons (tracking): no rebuild, no flicker
            return
        selected = self.selected_row()
        self.blockSignals(True)
        self.clear()
        reselect = None
        for row in rows:
            lang = language_label(row.source_lang, row.untranslated_reason)  # a narrow column
            item = QTreeWidgetItem([row.text, row.shown_translation(), lang])
            item.setToolTip(2, row.source_lang)
            item.setToolTip(0, row.text)
            item.setToolTip(1, row.shown_translation())
            if row.untranslated_reason:  # kept source: greyed and italic, never mistaken for one
                font = item.font(1)
                font.setItalic(True)
                item.setFont(1, font)
                item.setForeground(1, self.palette().brush(QPalette.ColorRole.PlaceholderText))
            self.addTopLevelItem(item)
            if selected is not None and reselect is None and row.text == selected.text:
                reselect = item
        self._rows = rows
        if reselect is not None:
            reselect.setSelected(True)
        self.blockSignals(False)
        if selected is not None and reselect is None:
            self.regionSelected.emit(None)
        elif reselect is not None:
            self.regionSelected.emit(self.selected_row().polygon)  # type: ignore[union-attr]

    def selected_row(self) -> Row | None:
        items = self.selectedItems()
        if not items:
            return None
        index = self.indexOfTopLevelItem(items[0])
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def copy_selected(self, field: str = "translation") -> str:
        row = self.selected_row()
        if row is None:
            return ""
        text = getattr(row, field)
        QGuiApplication.clipboard().setText(text)
        return text

    def copy_all(self) -> str:
        text = "\n".join(f"{r.text}\t{r.translation}" for r in self._rows)
        QGuiApplication.clipboard().setText(text)
        return text

    def _selection_changed(self) -> None:
        row = self.selected_row()
        self.regionSelected.emit(row.polygon if row else None)

    def _keep_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.glossaryRequested.emit(row.text, None)

    def _translate_selected_as(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        text, ok = QInputDialog.getText(
            self,
            "Glossary",
            f"Always translate “{row.text}” as:",
            text=row.translation if not row.untranslated_reason else "",
        )
        if ok and text.strip():
            self.glossaryRequested.emit(row.text, text.strip())

    def _context_menu(self, pos) -> None:
        row = self.selected_row()
        has = row is not None
        menu = QMenu(self)
        for action in (self.copy_original_action, self.copy_translation_action):
            action.setEnabled(has)
            menu.addAction(action)
        menu.addSeparator()
        teachable = row is not None and sum(c.isalnum() for c in row.text) >= 2
        for action in (self.keep_action, self.translate_as_action):
            action.setEnabled(teachable)
            menu.addAction(action)
        menu.addSeparator()
        self.copy_all_action.setEnabled(bool(self._rows))
        menu.addAction(self.copy_all_action)
        menu.exec(self.viewport().mapToGlobal(pos))


def _ident(row: Row) -> tuple[object, str, str, str, str]:
    return (row.key, row.text, row.translation, row.source_lang, row.untranslated_reason)
