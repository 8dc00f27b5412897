"""Widgets and conversions on their own: numpy ↔ QImage, letterboxing, the text list."""

from __future__ import annotations

import gc

import numpy as np
from PySide6.QtGui import QImage

from camtranslate.gui.main_window import expand_paths
from camtranslate.gui.qtimage import bgr_to_qimage, qimage_to_bgr
from camtranslate.gui.widgets import Banner, LiveView, RegionList
from camtranslate.gui.widgets.region_list import Row


def test_bgr_roundtrip_owns_its_pixels():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (31, 17, 3), dtype=np.uint8)  # odd width: row padding
    qimg = bgr_to_qimage(image)
    expected = image.copy()
    image[:] = 0  # the source buffer changes (next frame) ...
    del image
    gc.collect()
    assert np.array_equal(qimage_to_bgr(qimg), expected)  # ... the QImage does not
    assert qimg.pixelColor(0, 0).blue() == expected[0, 0, 0]


def test_grey_and_non_contiguous_frames():
    grey = np.arange(60, dtype=np.uint8).reshape(6, 10)
    assert bgr_to_qimage(grey).format() == QImage.Format.Format_Grayscale8
    view = np.zeros((20, 20, 3), np.uint8)[::2, ::2]
    assert bgr_to_qimage(view).size().width() == 10


def test_live_view_keeps_aspect_ratio(qtbot):
    view = LiveView()
    qtbot.addWidget(view)
    view.resize(800, 300)
    view.set_frame(np.zeros((100, 200, 3), np.uint8))
    rect = view.image_rect()
    assert abs(rect.width() / rect.height() - 2.0) < 1e-6
    assert rect.height() == 300
    assert abs(rect.x() - 100) < 1e-6
    p = view.map_from_image(200, 100)
    assert (p.x(), p.y()) == (700, 300)
    assert view.frames_shown == 1
    view.grab()  # paints without error, highlight included
    view.set_highlight(((0, 0), (10, 0), (10, 10), (0, 10)))
    view.grab()


def test_region_list_keeps_selection_while_polygons_move(qtbot):
    lst = RegionList()
    qtbot.addWidget(lst)
    seen = []
    lst.regionSelected.connect(seen.append)
    a = Row(((0, 0), (1, 0), (1, 1), (0, 1)), "EXIT", "SAÍDA", "en", key=1)
    b = Row(((5, 5), (6, 5), (6, 6), (5, 6)), "PUSH", "EMPURRE", "en", key=2)
    lst.set_rows([a, b])
    lst.setCurrentItem(lst.topLevelItem(1))
    assert lst.selected_row() == b
    moved = Row(((7, 7), (8, 7), (8, 8), (7, 8)), "PUSH", "EMPURRE", "en", key=2)
    lst.set_rows([a, moved])
    assert lst.selected_row() == moved  # same line, no rebuild: still selected
    lst.set_rows([a])
    assert lst.selected_row() is None
    assert seen[-1] is None
    assert lst.copy_all() == "EXIT\tSAÍDA"


def test_banner_retry(qtbot):
    banner = Banner()
    qtbot.addWidget(banner)
    calls = []
    banner.show_message("camera lost", retry=lambda: calls.append(1))
    assert banner.text() == "camera lost"
    banner.retry_button.click()
    assert calls == [1]
    assert not banner.isVisible()


def test_expand_paths_folder_and_files(tmp_path):
    (tmp_path / "b.PNG").write_bytes(b"x")
    (tmp_path / "a.jpg").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("x")
    other = tmp_path / "single.bin"
    other.write_bytes(b"x")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.jpg", "b.PNG"]
    assert expand_paths([other]) == [other]


def test_live_view_zoom_keeps_anchor_and_zooms_to_text(qtbot):
    from PySide6.QtCore import QPointF

    view = LiveView()
    qtbot.addWidget(view)
    view.resize(400, 200)
    view.set_frame(np.zeros((100, 200, 3), np.uint8))
    anchor = QPointF(150, 60)
    before = view.map_to_image(anchor)
    view.set_zoom(2.0, anchor)
    after = view.map_to_image(anchor)
    assert abs(before.x() - after.x()) < 1e-6 and abs(before.y() - after.y()) < 1e-6
    assert abs(view.image_rect().width() - 800) < 1e-6
    view.zoom_to(((90, 40), (110, 40), (110, 50), (90, 50)), margin=2.0)
    centre = view.map_to_image(QPointF(view.width() / 2, view.height() / 2))
    assert abs(centre.x() - 100) < 1e-6 and abs(centre.y() - 45) < 1e-6
    assert view.zoom() > 2.0
    view.reset_zoom()
    assert view.image_rect().width() == 400


def test_region_list_keeps_the_translation_in_view_when_narrow(qtbot):
    from camtranslate.gui.widgets.region_list import RegionList, Row

    lst = RegionList()
    qtbot.addWidget(lst)
    quad = ((0, 0), (1, 0), (1, 1), (0, 1))
    lst.set_rows([Row(quad, "140m→", "140m→", "unknown"), Row(quad, "EXIT", "SAÍDA", "en")])
    lst.resize(190, 300)  # the side panel of a 700 px window
    lst.show()
    qtbot.waitExposed(lst)
    assert lst.columnWidth(0) < 0.5 * lst.viewport().width()
    assert lst.columnWidth(1) >= 40  # the translation is not squeezed out
    assert lst.topLevelItem(0).text(2) == "?" and lst.topLevelItem(0).toolTip(2) == "unknown"
    lst.resize(600, 300)
    qtbot.waitUntil(lambda: lst.columnWidth(0) == 160)
