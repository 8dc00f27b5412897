"""Download a model repo from the Hugging Face Hub: the ONLY place camtranslate touches a network.

Only the files a conversion needs are fetched (config, tokenizer, one weights format). When the
hub cannot be reached (offline, HF_HUB_OFFLINE=1) a complete copy in the local HF cache is used.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from camtranslate.errors import ModelError

log = logging.getLogger(__name__)

ENDPOINT_ENV = "CAMTRANSLATE_HF_ENDPOINT"
"""Overrides the hub URL (a mirror, or a local test server); HF_ENDPOINT works as well."""

_ALWAYS = [
    "*.json",
    "*.spm",
    "*.model",
    "vocab.txt",
    "README.md",
    "LICENSE*",
    "source.spm",
    "target.spm",
]
_WEIGHTS_PREFERENCE = (
    ["model.bin"],  # already CTranslate2
    ["*.safetensors"],
    ["pytorch_model*.bin"],
)


def _patterns_for(files: list[str]) -> list[str]:
    """Allow-patterns: tokenizer/config files + the first weights format the repo has."""
    import fnmatch

    for weights in _WEIGHTS_PREFERENCE:
        if any(fnmatch.fnmatch(f, p) for f in files for p in weights):
            return _ALWAYS + weights
    raise ModelError("the repo has no model weights (model.bin, *.safetensors, pytorch_model.bin)")


def _endpoint(endpoint: str | None) -> str | None:
    return endpoint or os.environ.get(ENDPOINT_ENV) or None


def download(
    repo_id: str,
    *,
    revision: str | None = None,
    cache_dir: Path | str | None = None,
    endpoint: str | None = None,
    progress: bool = True,
    token: str | bool | None = None,
) -> Path:
    """snapshot_download of the files needed to convert repo_id; returns the local folder.

    Raises ModelError (one line) for an unknown repo, no network and no cached copy, and so on.
    """
    try:
        from huggingface_hub import HfApi, snapshot_download
        from huggingface_hub.errors import (
            EntryNotFoundError,
            GatedRepoError,
            HfHubHTTPError,
            LocalEntryNotFoundError,
            OfflineModeIsEnabled,
            RepositoryNotFoundError,
            RevisionNotFoundError,
        )
    except ImportError as exc:
        raise ModelError(
            f"installing from the hub needs huggingface_hub (pip install 'camtranslate[models]'): "
            f"{exc}"
        ) from None

    if not repo_id or repo_id.count("/") > 1 or repo_id.startswith("/"):
        raise ModelError(f"invalid Hugging Face model id {repo_id!r} (expected 'owner/name')")
    endpoint = _endpoint(endpoint)
    disable = not progress
    patterns: list[str] | None = None
    try:
        if not _reachable(endpoint):
            raise OfflineModeIsEnabled("hub not reachable or HF_HUB_OFFLINE set")
        files = HfApi(endpoint=endpoint, token=token).list_repo_files(
            repo_id, revision=revision, repo_type="model"
        )
        patterns = _patterns_for(list(files))
    except (RepositoryNotFoundError, GatedRepoError) as exc:
        raise ModelError(
            f"{repo_id}: no such model on the hub, or it is gated/private ({_one(exc)})"
        ) from None
    except RevisionNotFoundError:
        raise ModelError(f"{repo_id}: revision {revision!r} not found on the hub") from None
    except ModelError:
        raise
    except (OfflineModeIsEnabled, HfHubHTTPError, OSError, ValueError) as exc:
        log.info("hub not reachable (%s); trying the local HF cache", _one(exc))
    except Exception as exc:  # httpx connection errors differ between versions
        log.info("hub not reachable (%s); trying the local HF cache", _one(exc))

    kwargs: dict = {
        "repo_id": repo_id,
        "revision": revision,
        "cache_dir": str(cache_dir) if cache_dir else None,
        "endpoint": endpoint,
        "token": token,
    }
    try:
        if patterns is None:  # offline: the first weights format complete in the cache
            path = _from_cache(snapshot_download, kwargs, LocalEntryNotFoundError)
        else:
            from huggingface_hub.utils import tqdm as hf_tqdm

            class _Bar(hf_tqdm):
                def __init__(self, *args, **kw):
                    kw["disable"] = disable or kw.get("disable", False)
                    super().__init__(*args, **kw)

            path = snapshot_download(**kwargs, allow_patterns=patterns, tqdm_class=_Bar)
    except (RepositoryNotFoundError, GatedRepoError) as exc:
        raise ModelError(
            f"{repo_id}: no such model on the hub, or it is gated/private ({_one(exc)})"
        ) from None
    except (LocalEntryNotFoundError, EntryNotFoundError, OfflineModeIsEnabled) as exc:
        raise ModelError(
            f"{repo_id}: the hub cannot be reached and no complete copy is in the local cache "
            f"({_one(exc)})"
        ) from None
    except (HfHubHTTPError, OSError) as exc:
        raise ModelError(f"{repo_id}: download failed ({_one(exc)})") from None
    return Path(path)


def _reachable(endpoint: str | None, timeout: float = 3.0) -> bool:
    """A quick TCP check, so an offline install goes to the cache at once instead of retrying."""
    import socket
    from urllib.parse import urlparse

    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return False
    url = urlparse(endpoint or constants.ENDPOINT)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "", port), timeout=timeout):
            return True
    except OSError:
        return False


def _from_cache(snapshot_download, kwargs: dict, not_found: type[Exception]) -> str:
    """snapshot_download(local_files_only) for each weights format until one is complete."""
    import fnmatch

    last: Exception | None = None
    for weights in _WEIGHTS_PREFERENCE:
        try:
            path = snapshot_download(
                **kwargs, local_files_only=True, allow_patterns=_ALWAYS + weights
            )
        except not_found as exc:
            last = exc
            continue
        names = [p.name for p in Path(path).iterdir()]
        if any(fnmatch.fnmatch(n, w) for n in names for w in weights):
            return path
    if last is not None:
        raise last
    raise not_found("no cached snapshot holds model weights")


def _one(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
