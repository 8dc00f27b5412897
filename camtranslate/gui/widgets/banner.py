"""A non-modal message strip above the picture: faults are told, the app keeps running."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class Banner(QFrame):
    """One line of text, an optional Retry, and a close button. Hidden until ``show_message``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._retry: Callable[[], None] | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 4)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton("Retry", self)
        self.retry_button.clicked.connect(self._on_retry)
        close = QPushButton("✕", self)
        close.setFlat(True)
        close.setFixedWidth(28)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.dismiss)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.retry_button)
        layout.addWidget(close)
        self.hide()

    def show_message(
        self, text: str, *, level: str = "error", retry: Callable[[], None] | None = None
    ) -> None:
        colours = {
            "error": ("#5c1f1f", "#ffdede"),
            "warning": ("#5c4a1f", "#fff3d6"),
            "info": ("#1f3b5c", "#deedff"),
        }
        bg, fg = colours.get(level, colours["info"])
        self.setStyleSheet(f"#banner {{ background: {bg}; }} #banner QLabel {{ color: {fg}; }}")
        self.label.setText(text)
        self._retry = retry
        self.retry_button.setVisible(retry is not None)
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""

    def dismiss(self) -> None:
        self._retry = None
        self.hide()

    def _on_retry(self) -> None:
        action = self._retry
        self.dismiss()
        if action is not None:
            action()
