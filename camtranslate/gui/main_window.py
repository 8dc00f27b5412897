"""The main window: a thin Qt layer over Pipeline (stills) and LiveSession (camera / video).

Nothing here blocks: stills are decoded and translated on the worker thread, the live loop runs
in LiveSession's own threads and a 30 Hz timer only copies its newest composed frame to the view.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QImage,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

import camtranslate
from camtranslate.config import AUTO, PipelineConfig
from camtranslate.gui.actions import build_menus, build_toolbars, create_actions, fit_toolbars
from camtranslate.gui.engine import EngineController
from camtranslate.gui.live_controller import LiveController
from camtranslate.gui.model_card import LANGUAGE_NAMES, card_for, no_model_card
from camtranslate.gui.qtimage import qimage_to_bgr
from camtranslate.gui.settings import Settings
from camtranslate.gui.still_queue import (
    FAILED,
    QUEUED,
    RUNNING,
    WAITING,
    QueueEntry,
    StillQueue,
    Ticket,
)
from camtranslate.gui.widgets import Banner, LiveView, RegionList
from camtranslate.gui.widgets.region_list import Row
from camtranslate.gui.workers import Worker
from camtranslate.imaging import IMAGE_SUFFIXES, iter_image_files
from camtranslate.live.events import (
    LiveEvent,
    ModelsLoading,
    ModelsReady,
    SessionError,
    SourceEnded,
    SourceFailed,
    SourceLost,
    SourceOpened,
    SourceRecovered,
)
from camtranslate.types import FrameResult

log = logging.getLogger(__name__)

VIDEO_SUFFIXES = (".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv")
NO_MODEL_PREFIX = "No model for"
READY_STATUS = "Ready: drop images, open a file, paste (Ctrl+V) or start a camera"


def language_label(code: str) -> str:
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name and code != AUTO else (name or code)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders as their images: the same rule as `camtranslate image`."""
    return list(iter_image_files(paths))


class MainWindow(QMainWindow):
    stillFinished = Signal(int)
    """Emitted with the queue index of a still that finished (translated or failed)."""

    def __init__(
        self,
        settings: Settings | None = None,
        config: PipelineConfig | None = None,
        *,
        warmup: bool = True,
    ) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self._base_config = config or PipelineConfig()
        self.worker = Worker(self)
        self.engine = EngineController(self.worker, self)
        self.engine.progress.connect(self._on_models_progress)
        self.engine.ready.connect(self._on_models_ready)
        self.engine.failed.connect(self._on_models_failed)
        self.engine.pairs.connect(
            lambda pairs: self._fill_languages(pairs, self.source_lang(), self.target_lang())
        )
        self.queue = StillQueue()
        self.loader = Worker(self)
        """Decodes pictures, so one is shown at once even while models load on `worker`."""
        self.mode = "idle"  # idle | still | live
        self.frozen = False
        self.showing_original = False
        self._banner_entry: int | None = None  # the still whose error the banner shows
        self._sources: list[str] = []  # source languages the models read (Auto-detect aside)
        self._model_banner = False
        self.model_box: QMessageBox | None = None
        """The last Model info box shown (non-modal)."""
        self._source_problem = False
        """The live source failed or was lost: routine live messages must not hide that."""

        self.setWindowTitle("camtranslate")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self._build_ui()
        self._build_actions()
        self._load_settings()
        self.live = LiveController(self)
        self.live.event.connect(self._on_live_event)
        self.live.frame.connect(self._show_live_frame)
        self.live.stats.connect(self.stats_label.setText)

        self.cameras: list[Any] | None = None
        """What the last probe found; None until probed."""
        self._rebuild_pipeline(start_warmup=warmup)
        self.refresh_cameras(quiet=True)

    # ======================================================================== UI construction
    def _build_ui(self) -> None:
        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.setSpacing(4)
        self.banner = Banner(central)
        outer.addWidget(self.banner)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.view = LiveView(self.splitter)
        side = QWidget(self.splitter)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        nav = QHBoxLayout()
        style = self.style()
        self.prev_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_ArrowBack), "")
        self.prev_button.setToolTip("Previous image (Page Up)")
        self.prev_button.clicked.connect(lambda: self.show_entry(self.current - 1))
        self.next_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowForward), ""
        )
        self.next_button.setToolTip("Next image (Page Down)")
        self.next_button.clicked.connect(lambda: self.show_entry(self.current + 1))
        self.queue_label = QLabel("No image", side)
        self.queue_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.queue_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        nav.addWidget(self.prev_button)
        nav.addWidget(self.queue_label, 1)
        nav.addWidget(self.next_button)
        side_layout.addLayout(nav)
        self.region_list = RegionList(side)
        self.region_list.regionSelected.connect(self._on_region_selected)
        self.region_list.glossaryRequested.connect(self.add_to_glossary)
        side_layout.addWidget(self.region_list, 1)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([1000, 380])
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        sb = self.statusBar()
        self.message_label = QLabel("Starting…")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setFixedWidth(140)
        self.progress.setFormat("models %p%")
        self.progress.hide()
        self.progress.setTextVisible(True)
        self.stats_label = QLabel("")
        self.stats_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.queue_progress = QProgressBar()
        self.queue_progress.setFixedWidth(140)
        self.queue_progress.setTextVisible(True)
        self.queue_progress.hide()
        self.cancel_button = QToolButton()
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.hide()
        sb.addWidget(self.message_label, 1)
        sb.addPermanentWidget(self.stats_label)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.queue_progress)
        sb.addPermanentWidget(self.cancel_button)

    def _build_actions(self) -> None:
        self.acts = create_actions(self)
        self.pickers = build_toolbars(self, self.acts)
        build_menus(self, self.acts)
        self.cancel_button.setDefaultAction(self.acts.cancel)
        self.acts.cancel.setEnabled(False)
        p = self.pickers
        self.source_combo, self.target_combo = p.source, p.target
        self.engine_combo, self.model_combo = p.engine, p.model
        self.camera_combo, self.resolution_combo = p.camera, p.resolution

        self.source_combo.currentIndexChanged.connect(self._on_languages_changed)
        self.target_combo.currentIndexChanged.connect(self._on_languages_changed)
        self.engine_combo.currentIndexChanged.connect(self._on_engine_changed)
        self.model_combo.activated.connect(self._on_model_picked)
        self.camera_combo.currentIndexChanged.connect(self._remember_camera)
        self.resolution_combo.currentTextChanged.connect(
            lambda t: setattr(self.settings, "camera_resolution", t)
        )
        self._update_nav()

    # ============================================================================ settings
    def _load_settings(self) -> None:
        s = self.settings
        geometry = s.geometry
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1380, 860)
        self._fill_engines(s.ocr_engine)
        self._fill_languages([], s.source_lang, s.target_lang)
        idx = self.resolution_combo.findText(s.camera_resolution)
        if idx >= 0:
            self.resolution_combo.setCurrentIndex(idx)
        self.camera_combo.addItem(f"Camera {s.camera_index}", s.camera_index)

    def save_settings(self) -> None:
        s = self.settings
        s.geometry = self.saveGeometry()
        s.source_lang = self.source_lang()
        s.target_lang = self.target_lang()
        s.ocr_engine = self.ocr_engine()
        s.sync()

    def _remember_camera(self) -> None:
        data = self.camera_combo.currentData()
        if isinstance(data, int):
            self.settings.camera_index = data

    # ============================================================================ pickers
    def source_lang(self) -> str:
        return self.source_combo.currentData() or AUTO

    def target_lang(self) -> str:
        return self.target_combo.currentData() or self._base_config.target_lang

    def ocr_engine(self) -> str:
        return self.engine_combo.currentData() or self._base_config.ocr_engine

    def set_languages(self, source: str, target: str) -> None:
        if source != AUTO and source not in self._sources:
            self._sources = sorted([*self._sources, source])
        # the target first: the source list depends on it (it never offers the target)
        for combo, code in ((self.target_combo, target), (self.source_combo, source)):
            idx = combo.findData(code)
            if idx < 0:
                combo.addItem(language_label(code), code)
                idx = combo.count() - 1
            combo.setCurrentIndex(idx)

    def _fill_languages(self, pairs: Sequence[tuple[str, str]], source: str, target: str) -> None:
        self._sources = sorted({s for s, _ in pairs} | {source} - {AUTO})
        targets = sorted({t for _, t in pairs} | {target})
        if source == target:  # e.g. pt→pt from old settings: nothing to translate
            source = AUTO
        for combo, codes, current in (
            (self.source_combo, self._source_codes(target), source),
            (self.target_combo, targets, target),
        ):
            combo.blockSignals(True)
            combo.clear()
            for code in codes:
                combo.addItem(language_label(code), code)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def _source_codes(self, target: str) -> list[str]:
        """The source picker: Auto-detect and every source but the target (X→X is no
        translation; text already in the target passes through under Auto-detect)."""
        return [AUTO, *(c for c in self._sources if c != target)]

    def _drop_target_from_sources(self) -> None:
        """The target changed: offer every source but it; a source equal to it becomes
        Auto-detect."""
        target, source = self.target_lang(), self.source_lang()
        codes = self._source_codes(target)
        have = [self.source_combo.itemData(i) for i in range(self.source_combo.count())]
        if have == codes:
            return
        combo = self.source_combo
        combo.blockSignals(True)
        combo.clear()
        for code in codes:
            combo.addItem(language_label(code), code)
        combo.setCurrentIndex(max(0, combo.findData(source if source != target else AUTO)))
        combo.blockSignals(False)

    def _fill_engines(self, current: str) -> None:
        try:
            from camtranslate.ocr import available_engines

            engines = available_engines()
        except Exception as exc:  # a broken optional backend must not stop the window
            log.warning("cannot list OCR engines: %s", exc)
            engines = {current: ""}
        self.engine_combo.blockSignals(True)
        self.engine_combo.clear()
        for name, desc in engines.items():
            self.engine_combo.addItem(name, name)
            self.engine_combo.setItemData(
                self.engine_combo.count() - 1, desc, Qt.ItemDataRole.ToolTipRole
            )
        self.engine_combo.setCurrentIndex(max(0, self.engine_combo.findData(current)))
        self.engine_combo.blockSignals(False)

    def _installed_models(self) -> list[Any]:
        if self.pipeline is None:
            return []
        try:
            return self.pipeline.registry.list()
        except Exception as exc:
            log.warning("cannot list models: %s", exc)
            return []

    def _fill_models(self) -> None:
        self.model_combo.clear()
        models = self._installed_models()
        if not models:
            self.model_combo.addItem("No translation model", None)
            return
        for m in models:
            card = card_for(m)
            self.model_combo.addItem(card.label, m)
            self.model_combo.setItemData(
                self.model_combo.count() - 1,
                f"{card.title}\n{card.text}",
                Qt.ItemDataRole.ToolTipRole,
            )
        self._sync_model_combo()

    def _sync_model_combo(self) -> None:
        """Point the model picker at the model that serves the chosen pair; when none does, say
        so there instead of naming a model of another pair."""
        src, tgt = self.source_lang(), self.target_lang()
        combo = self.model_combo
        for i in reversed(range(combo.count())):
            if combo.itemText(i).startswith(NO_MODEL_PREFIX):
                combo.removeItem(i)
        for i in range(combo.count()):
            m = combo.itemData(i)
            if m is None:
                continue
            if tgt in m.manifest.target_langs and (src == AUTO or src in m.manifest.source_langs):
                combo.setCurrentIndex(i)
                return
        if any(combo.itemData(i) is not None for i in range(combo.count())):
            label = "any language" if src == AUTO else src
            combo.insertItem(0, f"{NO_MODEL_PREFIX} {label}→{tgt}", None)
            combo.setCurrentIndex(0)

    def _on_model_picked(self, index: int) -> None:
        m = self.model_combo.itemData(index)
        if m is None:
            return
        src = self.source_lang()
        if src != AUTO and src not in m.manifest.source_langs:
            src = m.manifest.source_langs[0]
        self.set_languages(src, m.manifest.target_langs[0])

    def _on_languages_changed(self) -> None:
        self._drop_target_from_sources()
        self.settings.source_lang = self.source_lang()
        self.settings.target_lang = self.target_lang()
        self._sync_model_combo()
        if self.pipeline is None:
            return
        if self.pipeline.needs_rebuild(self._config()):
            self._rebuild_pipeline()
            return
        self.engine.warm_pair(self.source_lang(), self.target_lang())
        if self.session is not None:
            self.session.set_languages(self.source_lang(), self.target_lang())
        self._retranslate_stills()

    def _on_engine_changed(self) -> None:
        self.settings.ocr_engine = self.ocr_engine()
        if self.pipeline is not None and self.pipeline.needs_rebuild(self._config()):
            self._rebuild_pipeline()

    def _config(self) -> PipelineConfig:
        return self._base_config.with_(
            ocr_engine=self.ocr_engine(),
            source_lang=self.source_lang(),
            target_lang=self.target_lang(),
        )

    # ============================================================================ models
    @property
    def pipeline(self) -> Any:
        return self.engine.pipeline

    @pipeline.setter
    def pipeline(self, value: Any) -> None:
        self.engine.pipeline = value

    @property
    def models_ready(self) -> bool:
        return self.engine.models_ready

    @property
    def _pipeline_generation(self) -> int:
        return self.engine.generation

    def _rebuild_pipeline(self, start_warmup: bool = True) -> None:
        """(Re)create the engine for the current choices and warm it up in the background."""
        restart_live = self._live_restart_info() if self.session is not None else None
        self.stop_live(quiet=True)
        old_dirs = None if self.pipeline is None else self.pipeline.config.models_dirs
        self.engine.rebuild(self._config(), start_warmup)
        if old_dirs != self.pipeline.config.models_dirs:
            self._fill_models()
        if restart_live is not None:
            self._start_live(*restart_live)
        self._retranslate_stills()

    def _on_models_progress(self, message: str, fraction: float) -> None:
        if fraction >= 0:
            self.progress.setValue(round(fraction * 100))
            self.progress.show()
        self.set_status(message + "…" if fraction < 1 else message)

    def _on_models_ready(self) -> None:
        self.progress.hide()
        self.set_status(self._current_status())
        if self._model_banner and self.banner.isVisible():
            self.banner.dismiss()
        self._model_banner = False

    def _on_models_failed(self, message: str) -> None:
        self.progress.hide()
        self.show_error(
            f"Models could not be loaded: {message}", retry=lambda: self._rebuild_pipeline()
        )
        self._model_banner = True

    # ============================================================================ messages
    def set_status(self, text: str) -> None:
        self.message_label.setText(text)

    def _current_status(self) -> str:
        """What the status bar says when nothing new happened: the state on screen now (live
        source, the still being translated, the picture shown), never a leftover."""
        if self.session is not None:
            return f"Live: {self.live.description}" if self.live.description else "Live"
        running = self.queue.running()
        if running is not None:
            return f"Translating {running.name}…"
        entry = self.queue[self.current] if 0 <= self.current < len(self.queue) else None
        if entry is not None and entry.result is not None:
            return self._entry_summary(entry)
        if entry is not None and entry.state == FAILED and entry.error:
            return entry.error
        return READY_STATUS

    def _settle_status(self) -> None:
        """After a still job: a "Translating X…" line must not outlive the work it described."""
        text = self.message_label.text()
        if text.startswith("Translating ") and text != self._current_status():
            self.set_status(self._current_status())

    def show_error(self, text: str, retry=None, level: str = "error") -> None:
        """Status bar + banner; never modal: the app keeps running."""
        log.info("shown to user: %s", text)
        self.set_status(text)
        self.banner.show_message(text, level=level, retry=retry)

    # ============================================================================ stills
    @property
    def current(self) -> int:
        """The queue index of the picture on screen (-1: none)."""
        return self.queue.current

    def add_paths(self, paths: Iterable[Path | str]) -> int:
        """Queue image files (folders expand to their images); video files start live mode."""
        files = expand_paths(Path(p) for p in paths)
        if not files:
            self.show_error("Nothing to open: the folder has no images.", level="warning")
            return 0
        videos = [f for f in files if f.suffix.lower() in VIDEO_SUFFIXES]
        images = [f for f in files if f.suffix.lower() not in VIDEO_SUFFIXES]
        self.settings.last_folder = str(files[0].parent)
        if videos and not images:
            self.open_video(videos[0])
            return 0
        if videos:
            self.show_error(
                f"Skipped {len(videos)} video file(s): open one video at a time (Ctrl+Shift+O).",
                level="warning",
            )
        first_new = len(self.queue)
        for f in images:
            self.queue.append(QueueEntry(name=f.name, path=f))
        self.stop_live(quiet=True)
        self.show_entry(first_new)
        self._pump_queue()
        return len(images)

    def add_image(self, image: np.ndarray, name: str = "Pasted image") -> None:
        index = self.queue.append(QueueEntry(name=name, image=image))
        self.stop_live(quiet=True)
        self.show_entry(index)
        self._pump_queue()

    def _job_key(self) -> tuple[int, str, str]:
        """What a still's translation depends on: a result made under another key is stale."""
        return (self._pipeline_generation, self.source_lang(), self.target_lang())

    def _pump_queue(self) -> None:
        """Submit the next still; one at a time, so that the one on screen goes first."""
        ticket = self.queue.next_job(self._job_key())
        if ticket is not None:
            self._submit_still(ticket)
        self._show_queue_progress()

    def _submit_still(self, ticket: Ticket) -> None:
        entry = self.queue[ticket.index]
        pipeline = self.pipeline
        _gen, source, target = ticket.key  # type: ignore[misc]

        def work(_progress):
            from camtranslate.errors import ImageDecodeError

            image = entry.image
            try:
                if image is None:
                    from camtranslate.imaging import load_image

                    image = load_image(entry.path)
                result = pipeline.process(image, source, target)
            except ImageDecodeError:
                entry.retryable = False  # read before the failed signal is delivered
                raise
            return image, result

        if ticket.index == self.current:
            self.set_status(f"Translating {entry.name}…")
        self.worker.submit(
            work,
            lambda out: self._on_still_done(ticket, out),
            lambda msg: self._on_still_failed(ticket, msg),
        )
        self._update_nav()

    def _load_shown(self) -> None:
        """Decode the picture on screen on the loader thread and show it at once, untranslated;
        its translation is drawn over it when ready (the worker may be busy loading models)."""
        index = self.current
        entry = self.queue.shown()
        if entry is None or entry.image is not None or entry.path is None:
            return
        if entry.extra.get("loading"):
            return
        entry.extra["loading"] = True

        def work(_progress):
            from camtranslate.imaging import load_image

            return load_image(entry.path)

        def loaded(image: np.ndarray) -> None:
            entry.extra.pop("loading", None)
            if entry.image is None:
                entry.image = image
            if index == self.current and entry.result is None and self.session is None:
                self.view.set_frame(entry.image)

        def failed(_message: str) -> None:
            entry.extra.pop("loading", None)  # the translation job reports the error

        self.loader.submit(work, loaded, failed)

    def _on_still_done(self, ticket: Ticket, out: tuple[np.ndarray, FrameResult]) -> None:
        index = ticket.index
        image, result = out
        if self.queue.finish(ticket, self._job_key(), image, result):
            entry = self.queue[index]
            if index == self.current and not self._model_banner:
                # a picture translated in the background must not describe the one on screen
                self.set_status(self._entry_summary(entry))
        self._after_still(index)

    def _on_still_failed(self, ticket: Ticket, message: str) -> None:
        index = ticket.index
        if self.queue.fail(ticket, self._job_key(), message):
            entry = self.queue[index]
            text = message if entry.name in message else f"{entry.name}: {message}"
            if self._model_banner and self.banner.isVisible():
                # "no model for this pair" concerns every picture: a bad file must not hide it
                self.set_status(text)
            elif index != self.current:
                # a file translated in the background: the banner speaks of the picture on
                # screen; the queue label and the status bar tell of this one
                self.set_status(text)
            else:
                retry = (lambda i=index: self.retry_entry(i)) if entry.retryable else None
                self.show_error(text, retry=retry)
                self._banner_entry = index
        self._after_still(index)

    def _after_still(self, index: int) -> None:
        if index == self.current:
            self.show_entry(index)
        self._update_nav()
        self.stillFinished.emit(index)
        self._pump_queue()
        self._settle_status()

    def retry_entry(self, index: int) -> None:
        if 0 <= index < len(self.queue):
            self.queue.retry(index)
            self.show_entry(index)
            self._pump_queue()

    def _retranslate_stills(self) -> None:
        """Languages or engine changed: the picture on screen is translated again now, the
        others when they are shown (a change must not start minutes of work over a queue)."""
        self.queue.invalidate()
        if self.mode == "still":
            # show the original while it is translated again: never old-language text
            self.show_entry(self.current)
            self._pump_queue()

    def cancel_background(self) -> None:
        """Stop translating the pictures not on screen; each is translated when shown."""
        stopped = self.queue.cancel_background()
        self._show_queue_progress()
        self._update_nav()
        if stopped:
            self.set_status(
                f"Stopped: {stopped} image{'' if stopped == 1 else 's'} will be translated "
                "when shown"
            )

    def _show_queue_progress(self) -> None:
        """Background stills: "n/m images" in the progress bar, with the cancel button."""
        done, total = self.queue.progress()
        busy = total > 1 and self.queue.pending() > 0 and self.session is None
        self.cancel_button.setVisible(busy)
        self.acts.cancel.setEnabled(busy)
        if busy:
            self.queue_progress.setRange(0, total)
            self.queue_progress.setValue(done)
            self.queue_progress.setFormat(f"images {done}/{total}")
        self.queue_progress.setVisible(busy)

    def show_entry(self, index: int) -> None:
        if not self.queue:
            return
        moved = self.queue.show(index)
        index = self.current
        if moved:
            self.region_list.clearSelection()
            self.view.reset_zoom()
        self.mode = "still" if self.session is None else self.mode
        if moved and self._banner_entry not in (None, index) and not self._model_banner:
            self.banner.dismiss()  # another file's error must not sit over this picture
            self._banner_entry = None
        entry = self.queue[index]
        if entry.result is not None:
            img = entry.image if self.showing_original else entry.result.image
            self.view.set_frame(img)
            self.region_list.set_rows([Row.from_translated(r) for r in entry.result.regions])
            if self.session is None:
                self._show_stage_stats(
                    entry.result.timings_ms, sum(1 for r in entry.result.regions if r.cached)
                )
        else:
            if self.session is None:
                self.stats_label.setText("")
            self.view.set_frame(entry.image)
            self.region_list.set_rows([])
            if entry.state == FAILED:
                self.view.set_placeholder(f"{entry.name}\n{entry.error}")
            elif entry.image is None:
                self.view.set_placeholder(f"Opening {entry.name}…")
                self._load_shown()
        if moved and self.session is None and not self._model_banner:
            # the status bar speaks of the picture on screen
            if entry.result is not None:
                self.set_status(self._entry_summary(entry))
            elif entry.state == FAILED and entry.error:
                self.set_status(entry.error)
        self._update_nav()
        if entry.state == QUEUED:
            self._pump_queue()

    @staticmethod
    def _entry_summary(entry: QueueEntry) -> str:
        assert entry.result is not None
        t = entry.result.timings_ms
        regions = entry.result.regions
        n = len(regions)
        drawn = sum(1 for r in regions if r.translation and r.translation != r.region.text)
        found = f"{n} text region{'' if n == 1 else 's'}"
        what = f"{found} translated" if drawn == n else f"{found}, {drawn} translated"
        return f"{entry.name}: {what} ({sum(t.values()):.0f} ms)"

    def _update_nav(self) -> None:
        n = len(self.queue)
        if self.mode == "live":
            self.queue_label.setText(self.live.description or "Live")
        elif n == 0:
            self.queue_label.setText("No image")
        else:
            e = self.queue[self.current]
            suffix = {
                QUEUED: " (queued)",
                WAITING: " (translated when shown)",
                RUNNING: " (translating…)",
                FAILED: " (failed)",
            }
            self.queue_label.setText(f"{self.current + 1}/{n}  {e.name}{suffix.get(e.state, '')}")
        nav = self.mode != "live" and n > 1
        self.prev_button.setEnabled(nav and self.current > 0)
        self.next_button.setEnabled(nav and self.current < n - 1)

    # ============================================================================ opening
    def open_images_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Open images",
            self.settings.last_folder,
            "Images (" + " ".join(f"*{s}" for s in sorted(IMAGE_SUFFIXES)) + ");;All files (*)",
        )
        if files:
            self.add_paths(files)

    def open_video_dialog(self) -> None:
        file, _ = QFileDialog.getOpenFileName(
            self,
            "Open video",
            self.settings.last_folder,
            "Videos (" + " ".join(f"*{s}" for s in VIDEO_SUFFIXES) + ");;All files (*)",
        )
        if file:
            self.settings.last_folder = str(Path(file).parent)
            self.open_video(Path(file))

    def paste_image(self) -> None:
        data = QGuiApplication.clipboard().mimeData()
        if data is not None and data.hasImage():
            image = QGuiApplication.clipboard().image()
            if not image.isNull():
                self.add_image(qimage_to_bgr(image))
                return
        if data is not None and data.hasUrls():
            paths = [Path(u.toLocalFile()) for u in data.urls() if u.isLocalFile()]
            if paths:
                self.add_paths(paths)
                return
        self.show_error("The clipboard holds no image.", level="warning")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.handle_drop(event.mimeData())
        event.acceptProposedAction()

    def handle_drop(self, mime) -> None:
        """Dropped files / folders / an image: the same handler serves drag-and-drop and tests."""
        urls: list[QUrl] = list(mime.urls()) if mime.hasUrls() else []
        paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
        if paths:
            self.add_paths(paths)
        elif mime.hasImage():
            image = mime.imageData()
            if isinstance(image, QImage) and not image.isNull():
                self.add_image(qimage_to_bgr(image), "Dropped image")

    # ============================================================================ live
    def refresh_cameras(self, quiet: bool = False) -> None:
        """Probe the cameras OpenCV can open (on the worker: probing a camera can take a second).

        ``quiet`` (at start-up): fill the picker but do not complain when there is none; people
        who only translate files must not be greeted by a "no camera" banner.
        """
        if not quiet:
            self.set_status("Looking for cameras…")

        def work(_p):
            from camtranslate.live.sources import list_cameras

            return list_cameras()

        self.worker.submit(
            work, lambda cams: self._on_cameras(cams, quiet), lambda m: self.show_error(m)
        )

    def _on_cameras(self, cameras: Sequence[Any], quiet: bool = False) -> None:
        self.cameras = list(cameras)
        self.camera_combo.blockSignals(True)
        self.camera_combo.clear()
        for cam in cameras:
            index = int(getattr(cam, "index", cam))
            label = f"Camera {index}"
            size = getattr(cam, "size", None)
            if size:
                label += f" ({size[0]}x{size[1]})"
            self.camera_combo.addItem(label, index)
        if not cameras:
            self.camera_combo.addItem("No camera", None)
        want = self.camera_combo.findData(self.settings.camera_index)
        self.camera_combo.setCurrentIndex(max(0, want))
        self.camera_combo.blockSignals(False)
        if quiet:
            return
        if not cameras:
            self.show_error(
                "No camera found. Connect one and press Retry, or open a video or images.",
                retry=lambda: self.refresh_cameras(),
                level="warning",
            )
        else:
            self.banner.dismiss()
            self.set_status(f"{len(cameras)} camera(s) found")

    def toggle_camera(self) -> None:
        if self.mode == "live":
            self.stop_live()
        else:
            self.start_camera()

    def start_camera(self, index: int | None = None) -> None:
        if index is None:
            data = self.camera_combo.currentData()
            if self.cameras is not None and not self.cameras:
                self.show_error(
                    "No camera found. Connect one and press Retry, or open a video or images.",
                    retry=lambda: self.refresh_cameras(),
                    level="warning",
                )
                return
            index = data if isinstance(data, int) else self.settings.camera_index
        self.settings.camera_index = index
        w, h = (int(v) for v in self.resolution_combo.currentText().split("x"))
        self._start_live("camera", index, (w, h))

    def open_video(self, path: Path) -> None:
        self._start_live("video", str(path), None)

    def _live_restart_info(self) -> tuple[str, Any, Any] | None:
        return self.live.args

    @property
    def session(self) -> Any:
        """The running LiveSession, or None."""
        return self.live.session

    @property
    def display_frames(self) -> int:
        return self.live.display_frames

    @property
    def tick_times(self) -> deque[float]:
        return self.live.tick_times

    @property
    def timer(self) -> QTimer:
        return self.live.timer

    def _start_live(self, kind: str, target: Any, size: tuple[int, int] | None) -> None:
        from camtranslate.errors import CamtranslateError

        self.stop_live(quiet=True)
        try:
            self.live.start(
                self.pipeline,
                kind,
                target,
                size,
                source_lang=self.source_lang(),
                target_lang=self.target_lang(),
                frozen=self.frozen,
                original=self.showing_original,
            )
        except CamtranslateError as exc:
            self.show_error(str(exc), retry=lambda: self._start_live(kind, target, size))
            return
        self.mode = "live"
        self._source_problem = False
        self.region_list.set_rows([])
        self.view.set_frame(None)  # not the still that was on screen under the video's name
        self.view.set_placeholder(f"Opening {self.live.description}…")
        self.acts.camera.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaStop))
        self.set_status(f"Live: {self.live.description}")
        self._show_queue_progress()
        self._update_nav()

    def stop_live(self, quiet: bool = False) -> None:
        self.live.stop()
        if self.mode == "live":
            self.mode = "still" if self.queue else "idle"
            self.acts.camera.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
            if not quiet:
                self.set_status("Live view stopped")
            if self.queue:
                self.show_entry(self.current)
            self._show_queue_progress()
            self._update_nav()

    def _on_live_event(self, event: LiveEvent) -> None:
        """LiveSession events, already moved to the GUI thread."""
        args = self._live_restart_info()
        retry = (lambda a=args: self._start_live(*a)) if args else None
        message = event.message
        match event:
            case SourceFailed():
                text = message or "The source could not be opened."
                self._source_problem = True
                self.show_error(text, retry=retry)
                if self.view.frame() is None:
                    self.view.set_placeholder(f"{self.live.description}\n{text}")
            case SourceLost():
                self._source_problem = True
                text = message or "The camera stopped delivering frames."
                self.show_error(text, retry=retry, level="warning")
            case SourceRecovered():
                self._source_problem = False
                self.banner.dismiss()
                self.set_status(message or "Source recovered")
            case SourceEnded():
                self.set_status(message or "The video ended")
            case SessionError():
                self.progress.hide()
                self.show_error(message, level="warning")
            case ModelsLoading(fraction=fraction):
                if not self._source_problem:
                    self.set_status(message)
                if 0.0 <= fraction < 1.0:
                    self.progress.show()
                    self.progress.setValue(round(fraction * 100))
            case ModelsReady():
                self.progress.hide()
                if not self._source_problem:
                    self.set_status(message)
            case SourceOpened():
                self._source_problem = False
                self.set_status(message)

    # ============================================================================ display
    def _show_live_frame(self, view: Any) -> None:
        self.view.set_frame(view.image)
        rows = [
            Row(
                r.polygon,
                r.text,
                r.translation,
                r.source_lang or "",
                key=r.id,
                untranslated_reason=r.untranslated_reason,
            )
            for r in view.regions
            if r.alpha > 0.05
        ]
        self.region_list.set_rows(rows)

    def display_fps(self) -> float:
        return self.live.display_fps()

    def _show_stage_stats(self, timings: dict[str, float], cached: int) -> None:
        parts = [f"{k} {v:.0f} ms" for k, v in timings.items()]
        self.stats_label.setText(" · ".join(parts) + f" · cache hits {cached}")

    def add_to_glossary(self, text: str, translation: str | None) -> bool:
        """Teach the glossary from the side list, then show the picture with it applied (the
        engine re-reads the file; the live view picks it up on the next reading)."""
        from camtranslate.errors import CamtranslateError
        from camtranslate.translate.glossary import Term, add_term

        config = self._config()
        target = config.target_lang if translation else ""
        term = Term(" ".join(text.split()), translation or "", target)
        try:
            add_term(config.glossary_file(), term)
        except (CamtranslateError, ValueError) as exc:  # GlossaryError, or the save failed
            self.show_error(f"Glossary: {exc}", level="warning")
            return False
        shown = f"as “{term.translation}” in {target}" if translation else "as written"
        self.set_status(f"Glossary: “{term.source}” is now always shown {shown}")
        if self.session is not None:
            self.session.refresh_translations()
        elif self.mode == "still":
            self._retranslate_stills()
        return True

    def _on_region_selected(self, polygon: Any) -> None:
        """Live: the session outlines the tracked region in the frame it composes
        (OverlayItem.highlight), so the outline moves with the text. Stills: Qt paints it over
        the finished picture, without re-rendering anything."""
        row = self.region_list.selected_row()
        if self.session is not None:
            self.session.set_highlight(row.key if row is not None else None)
            self.view.set_highlight(None)
        else:
            self.view.set_highlight(polygon)

    def zoom_to_selection(self, margin: float | None = None) -> None:
        """Zoom onto the selected text, or onto all texts when none is selected."""
        row = self.region_list.selected_row()
        rows = [row] if row is not None else list(self.region_list.rows())
        points = [p for r in rows for p in r.polygon]
        if points:
            if margin is None:
                margin = 3.0 if row is not None else 1.6
            self.view.zoom_to(points, margin=margin)

    # ============================================================================ toggles
    def set_frozen(self, frozen: bool) -> None:
        self.frozen = bool(frozen)
        self.acts.freeze.setChecked(self.frozen)
        if self.session is not None:
            self.session.freeze(self.frozen)
        if self.mode == "live":
            self.set_status("Frozen (Space to resume)" if self.frozen else "Live")
        else:
            self.set_status("Frozen: the next video or camera starts paused" if self.frozen else "")

    def set_show_original(self, original: bool) -> None:
        self.showing_original = bool(original)
        self.acts.original.setChecked(self.showing_original)
        if self.session is not None:
            self.session.show_original(self.showing_original)
        elif self.mode == "still":
            self.show_entry(self.current)

    # ============================================================================ saving
    def current_translated_image(self) -> np.ndarray | None:
        if self.mode == "live" and self.session is not None:
            view = self.session.latest_view()
            return None if view is None else view.image
        if 0 <= self.current < len(self.queue):
            entry = self.queue[self.current]
            if entry.result is not None:
                return entry.result.image
        return None

    def save_dialog(self) -> None:
        image = self.current_translated_image()
        if image is None:
            self.show_error("Nothing translated to save yet.", level="warning")
            return
        stem = "camtranslate"
        if self.mode == "still" and self.queue[self.current].path is not None:
            stem = self.queue[self.current].path.stem  # type: ignore[union-attr]
        default = Path(self.settings.last_folder) / f"{stem}-{self.target_lang()}.png"
        file, _ = QFileDialog.getSaveFileName(
            self, "Save translated image", str(default), "PNG (*.png);;JPEG (*.jpg *.jpeg)"
        )
        if file:
            self.save_image(Path(file), image)

    def save_image(self, path: Path, image: np.ndarray | None = None) -> bool:
        from camtranslate.errors import CamtranslateError
        from camtranslate.imaging import save_image

        image = self.current_translated_image() if image is None else image
        if image is None:
            self.show_error("Nothing translated to save yet.", level="warning")
            return False
        try:
            save_image(path, image)
        except (CamtranslateError, OSError) as exc:
            self.show_error(f"Could not save {path.name}: {exc}")
            return False
        self.settings.last_folder = str(path.parent)
        self.set_status(f"Saved {path}")
        return True

    # ============================================================================ dialogs
    def show_model_info(self) -> None:
        """The chosen model's card: languages, built in or installed, size, licence; the
        developer text (id, folder, provenance) under Show Details."""
        m = self.model_combo.currentData()
        if m is None:
            shown = self.model_combo.currentText()
            card = no_model_card(shown if shown.startswith(NO_MODEL_PREFIX) else "No model")
        else:
            card = card_for(m)
        box = QMessageBox(QMessageBox.Icon.Information, "Model info", card.title, parent=self)
        box.setInformativeText(card.text)
        if card.details:
            box.setDetailedText(card.details)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.show()
        self.model_box = box

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About camtranslate",
            f"<b>camtranslate {camtranslate.__version__}</b><p>Offline instant camera "
            "translation: OCR, CTranslate2 int8 translation and in-place overlay.</p>"
            "<p>Shortcuts: Ctrl+O open images, Ctrl+Shift+O open video, Ctrl+K camera, "
            "Ctrl+V paste, Space freeze, Tab/O original, Ctrl+S save, Ctrl+C copy "
            "translation, PgUp/PgDn previous/next image.</p>" + _licence_links(),
        )

    def resizeEvent(self, event) -> None:
        fit_toolbars(self.pickers, self.width())
        super().resizeEvent(event)

    # ============================================================================ closing
    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self.timer.stop()
        self.stop_live(quiet=True)
        self.loader.shutdown()
        self.worker.shutdown()
        self.engine.close()
        super().closeEvent(event)


def app_icon() -> QIcon:
    from camtranslate.paths import resources_dir

    icons = resources_dir() / "icons"
    icon = QIcon()
    for name in (
        "camtranslate.svg",
        "camtranslate-256.png",
        "camtranslate-128.png",
        "camtranslate-48.png",
        "camtranslate.png",
    ):
        if (icons / name).is_file():
            icon.addFile(str(icons / name))
    if icon.isNull():
        from PySide6.QtWidgets import QApplication

        style = QApplication.style()
        if style is not None:
            return style.standardIcon(QStyle.StandardPixmap.SP_ComputerIcon)
    return icon


def _licence_links() -> str:
    """Links to LICENSE and the bundled THIRD_PARTY_LICENSES.txt (packaged app) for About."""
    from camtranslate.paths import licence_files

    links = [
        f'<a href="{QUrl.fromLocalFile(str(p)).toString()}">{p.name}</a>' for p in licence_files()
    ]
    if not links:
        return "<p>Licence: MIT.</p>"
    return (
        "<p>camtranslate is MIT-licensed; it bundles Qt (LGPL-3.0), OpenCV, ONNX Runtime, "
        "CTranslate2 and more: " + ", ".join(links) + ".</p>"
    )
