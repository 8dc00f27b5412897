"""The translator interface: one language pair, one model call per batch of texts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable


@runtime_checkable
class Translator(Protocol):
    """Anything that turns a batch of texts in `source_lang` into `target_lang`.

    translate_batch must make ONE model call for the whole batch (that is where the speed of
    CTranslate2 comes from) and return exactly one string per input, in order.
    """

    source_lang: str
    target_lang: str
    model_id: str

    def translate_batch(self, texts: Sequence[str]) -> list[str]: ...
