"""The engine controller on the real models: rebuild, warm-up signals, a missing pair told,
an overtaken warm-up silenced."""

from __future__ import annotations

from camtranslate.config import PipelineConfig
from camtranslate.gui.engine import EngineController
from camtranslate.gui.workers import Worker

TIMEOUT_MS = 240_000


def _engine(qtbot) -> EngineController:
    worker = Worker()
    engine = EngineController(worker)
    return engine


def test_rebuild_lists_pairs_and_warms_up_with_progress(qtbot) -> None:
    engine = _engine(qtbot)
    progress: list[float] = []
    pairs: list[list] = []
    engine.progress.connect(lambda _m, f: progress.append(f))
    engine.pairs.connect(pairs.append)
    config = PipelineConfig(source_lang="en", target_lang="pt", use_cache=False)
    with qtbot.waitSignal(engine.ready, timeout=TIMEOUT_MS):
        engine.rebuild(config)
    assert engine.models_ready and engine.generation == 1
    assert ("en", "pt") in pairs[0]
    assert progress[0] == 0.0 and progress[-1] == 1.0
    first = engine.pipeline
    engine.rebuild(config.with_(source_lang="auto"), start_warmup=False)
    assert engine.pipeline is not first and engine.generation == 2
    assert not engine.models_ready
    engine.worker.shutdown()


def test_a_missing_pair_is_told_and_an_overtaken_warmup_is_silent(qtbot) -> None:
    engine = _engine(qtbot)
    engine.rebuild(PipelineConfig(source_lang="en", target_lang="pt", use_cache=False), False)
    with qtbot.waitSignal(engine.failed, timeout=TIMEOUT_MS) as blocker:
        engine.warm_pair("en", "ja")
    assert "ja" in blocker.args[0] and not engine.models_ready
    failed: list[str] = []
    engine.failed.connect(failed.append)
    engine.warm_pair("en", "ja")  # overtaken by the next choice before it ends
    with qtbot.waitSignal(engine.ready, timeout=TIMEOUT_MS):
        engine.warm_pair("en", "pt")
    qtbot.wait(50)
    assert failed == [] and engine.models_ready
    engine.worker.shutdown()
