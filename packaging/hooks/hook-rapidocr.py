"""PyInstaller hook for rapidocr: its ONNX weights and YAML configs live inside the package.

rapidocr resolves config.yaml, default_models.yaml and models/*.onnx relative to its own
__file__; without them the frozen app's OCR fails at first use. Only the ONNX Runtime backend
is bundled: the torch/paddle/openvino/tensorrt/MNN backends would drag in engines the default
app does not use.
"""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules

_UNUSED_BACKENDS = ("pytorch", "paddle", "openvino", "tensorrt", "mnn")

datas = collect_data_files(
    "rapidocr",
    excludes=["**/__pycache__", *(f"inference_engine/{b}/**" for b in _UNUSED_BACKENDS)],
)
hiddenimports = collect_submodules(
    "rapidocr",
    filter=lambda name: (
        not any(f".inference_engine.{b}" in name for b in _UNUSED_BACKENDS)
        and not name.startswith("rapidocr.cli")
    ),
)
excludedimports = [f"rapidocr.inference_engine.{b}" for b in _UNUSED_BACKENDS]
