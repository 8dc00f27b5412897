from __future__ import annotations

import pytest

from camtranslate.overlay import OverlayRenderer


@pytest.fixture(scope="module")
def renderer() -> OverlayRenderer:
    return OverlayRenderer()
