"""The window's commands: actions with their shortcuts, the toolbars and the menus.

Wiring only: each action calls a method of the window (or of its view); nothing here holds
state. The language pickers get their own toolbar, placed first, so they stay on screen in a
narrow window (at 700 px the single toolbar used to hide them behind its overflow chevron).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QStyle, QToolBar

if TYPE_CHECKING:
    from camtranslate.gui.main_window import MainWindow

RESOLUTIONS = ("640x480", "1280x720", "1920x1080")
COMPACT_WIDTH = 1100
"""Under this window width the toolbar buttons show icons only (their names stay in tooltips
and menus), so that the pickers keep their room."""


@dataclass(frozen=True)
class Actions:
    open_images: QAction
    open_video: QAction
    camera: QAction
    refresh_cameras: QAction
    paste: QAction
    save: QAction
    freeze: QAction
    original: QAction
    prev: QAction
    next: QAction
    zoom_in: QAction
    zoom_out: QAction
    zoom_fit: QAction
    zoom_selection: QAction
    stop: QAction
    cancel: QAction
    model_info: QAction
    about: QAction
    quit: QAction


@dataclass(frozen=True)
class Pickers:
    source: QComboBox
    target: QComboBox
    engine: QComboBox
    model: QComboBox
    camera: QComboBox
    resolution: QComboBox
    main_toolbar: QToolBar
    language_toolbar: QToolBar


def create_actions(window: MainWindow) -> Actions:
    style = window.style()
    sp = QStyle.StandardPixmap

    def action(
        text: str,
        slot: Callable[..., Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | Sequence[str] | None = None,
        icon: QStyle.StandardPixmap | None = None,
        checkable: bool = False,
        tip: str | None = None,
    ) -> QAction:
        a = QAction(text, window)
        if icon is not None:
            a.setIcon(style.standardIcon(icon))
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                a.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        a.setCheckable(checkable)
        keys = ", ".join(s.toString() for s in a.shortcuts())
        a.setToolTip(f"{tip or text.replace('…', '')}" + (f" ({keys})" if keys else ""))
        a.triggered.connect(slot)
        window.addAction(a)
        return a

    w, view = window, window.view
    return Actions(
        open_images=action(
            "Open images…", w.open_images_dialog, QKeySequence.StandardKey.Open, sp.SP_DirOpenIcon
        ),
        open_video=action(
            "Open video…", w.open_video_dialog, "Ctrl+Shift+O", sp.SP_FileDialogContentsView
        ),
        camera=action(
            "Camera", w.toggle_camera, "Ctrl+K", sp.SP_MediaPlay, tip="Start/stop the camera"
        ),
        refresh_cameras=action(
            "Find cameras", lambda: w.refresh_cameras(), "F5", sp.SP_BrowserReload
        ),
        paste=action("Paste image", w.paste_image, QKeySequence.StandardKey.Paste),
        save=action(
            "Save translated image…",
            w.save_dialog,
            QKeySequence.StandardKey.Save,
            sp.SP_DialogSaveButton,
        ),
        freeze=action("Freeze", w.set_frozen, "Space", sp.SP_MediaPause, checkable=True),
        original=action(
            "Original",
            w.set_show_original,
            ("Tab", "O"),
            sp.SP_DesktopIcon,
            checkable=True,
            tip="Show the original picture",
        ),
        prev=action("Previous image", lambda: w.show_entry(w.current - 1), ("PgUp", "Alt+Left")),
        next=action("Next image", lambda: w.show_entry(w.current + 1), ("PgDown", "Alt+Right")),
        zoom_in=action("Zoom in", lambda: view.set_zoom(view.zoom() * 1.25), ("Ctrl++", "Ctrl+=")),
        zoom_out=action("Zoom out", lambda: view.set_zoom(view.zoom() / 1.25), "Ctrl+-"),
        zoom_fit=action("Fit to window", view.reset_zoom, "Ctrl+0"),
        zoom_selection=action("Zoom to selected text", lambda: w.zoom_to_selection(), "Z"),
        stop=action("Stop live", w.stop_live, "Esc", sp.SP_MediaStop),
        cancel=action(
            "Stop translating other images",
            w.cancel_background,
            "Ctrl+.",
            sp.SP_BrowserStop,
            tip="Stop translating the images not on screen (each is translated when shown)",
        ),
        model_info=action("Model info…", w.show_model_info, "Ctrl+I", sp.SP_MessageBoxInformation),
        about=action("About camtranslate", w.show_about, "F1"),
        quit=action("Quit", w.close, QKeySequence.StandardKey.Quit),
    )


def build_toolbars(window: MainWindow, acts: Actions) -> Pickers:
    """Two toolbars: the languages, OCR engine and model first, then sources and view toggles."""
    langs = QToolBar("Languages", window)
    langs.setObjectName("language-toolbar")
    langs.setMovable(False)
    source = QComboBox(langs)
    source.setToolTip("Language of the text in the picture")
    target = QComboBox(langs)
    target.setToolTip("Translate into")
    for combo in (source, target):
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    engine = QComboBox(langs)
    engine.setToolTip("OCR engine")
    model = QComboBox(langs)
    model.setToolTip("Translation model (picks its language pair)")
    model.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    model.setMinimumContentsLength(10)
    langs.addWidget(source)
    langs.addWidget(QLabel(" → ", langs))
    langs.addWidget(target)
    langs.addSeparator()
    langs.addWidget(engine)
    langs.addWidget(model)

    main = QToolBar("Main", window)
    main.setObjectName("main-toolbar")
    main.setIconSize(QSize(18, 18))
    main.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    main.setMovable(False)
    main.addAction(acts.open_images)
    main.addAction(acts.open_video)
    main.addSeparator()
    camera = QComboBox(main)
    camera.setToolTip("Camera")
    camera.setMinimumContentsLength(8)
    resolution = QComboBox(main)
    resolution.addItems(RESOLUTIONS)
    resolution.setToolTip("Camera resolution")
    main.addWidget(camera)
    main.addWidget(resolution)
    main.addAction(acts.camera)
    main.addSeparator()
    main.addAction(acts.freeze)
    main.addAction(acts.original)
    main.addAction(acts.save)

    window.addToolBar(langs)
    window.addToolBar(main)
    return Pickers(source, target, engine, model, camera, resolution, main, langs)


def fit_toolbars(pickers: Pickers, width: int) -> None:
    """Icons only in a narrow window; names beside the icons in a wide one."""
    style = (
        Qt.ToolButtonStyle.ToolButtonIconOnly
        if width < COMPACT_WIDTH
        else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    )
    if pickers.main_toolbar.toolButtonStyle() != style:
        pickers.main_toolbar.setToolButtonStyle(style)


def build_menus(window: MainWindow, acts: Actions) -> None:
    menu = window.menuBar()
    m_file = menu.addMenu("&File")
    for a in (acts.open_images, acts.open_video, acts.paste):
        m_file.addAction(a)
    m_file.addSeparator()
    m_file.addAction(acts.save)
    m_file.addSeparator()
    m_file.addAction(acts.quit)
    m_view = menu.addMenu("&View")
    for a in (acts.freeze, acts.original, acts.prev, acts.next, acts.cancel):
        m_view.addAction(a)
    m_view.addSeparator()
    for a in (acts.zoom_in, acts.zoom_out, acts.zoom_fit, acts.zoom_selection):
        m_view.addAction(a)
    m_live = menu.addMenu("&Live")
    for a in (acts.camera, acts.refresh_cameras, acts.stop):
        m_live.addAction(a)
    m_help = menu.addMenu("&Help")
    m_help.addAction(acts.model_info)
    m_help.addAction(acts.about)
