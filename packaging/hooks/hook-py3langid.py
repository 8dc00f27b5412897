"""PyInstaller hook for py3langid: its language model (data/model.npz.xz) is package data."""

from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("py3langid")
