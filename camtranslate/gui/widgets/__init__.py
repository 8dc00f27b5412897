"""Widgets of the main window: the scaling live view, the text list and the error banner."""

from camtranslate.gui.widgets.banner import Banner
from camtranslate.gui.widgets.live_view import LiveView
from camtranslate.gui.widgets.region_list import RegionList

__all__ = ["Banner", "LiveView", "RegionList"]
