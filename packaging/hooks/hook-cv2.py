"""PyInstaller hook for cv2: the minimal OpenCV or the PyPI wheel.

With the minimal OpenCV (packaging/opencv/build-opencv.sh; build.sh sets CAMTRANSLATE_OPENCV_DIR)
cv2 is one self-contained extension module: nothing to collect but numpy, which it imports.
Otherwise (the PyPI wheel's cv2/ package with its loader and config files) this runs
pyinstaller-hooks-contrib's own hook-cv2.py, which this file would otherwise shadow.
"""

import os
from pathlib import Path

if os.environ.get("CAMTRANSLATE_OPENCV_DIR"):
    hiddenimports = ["numpy"]
else:
    import _pyinstaller_hooks_contrib

    _contrib = Path(_pyinstaller_hooks_contrib.__file__).parent / "stdhooks" / "hook-cv2.py"
    exec(compile(_contrib.read_text(encoding="utf-8"), str(_contrib), "exec"))
