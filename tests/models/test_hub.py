"""`models install HF_ID` without the real hub: huggingface_hub talks to a local HTTP server.

The server implements the routes snapshot_download uses (repo info, recursive tree listing,
HEAD/GET of /resolve/) for one tiny Marian repo built by the test. Then the server is stopped and
the same install must work from the local HF cache alone.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from tiny_marian import tiny_texts

from camtranslate.errors import ModelError
from camtranslate.models.manager import ModelManager
from camtranslate.models.manifest import ModelManifest

REPO_ID = "Helsinki-NLP/opus-mt-en-de"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


class FakeHub:
    """Serves files of one folder as the model repo REPO_ID at commit COMMIT."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
        # a weights format we must NOT download (safetensors is preferred)
        self.files["pytorch_model.bin"] = b"unused"
        self.requests: list[str] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

            def _send(self, code: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(code)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _json(self, data: object) -> None:
                self._send(200, json.dumps(data).encode(), {"Content-Type": "application/json"})

            def _route(self) -> None:
                path = unquote(urlparse(self.path).path)
                hub.requests.append(f"{self.command} {path}")
                api = f"/api/models/{REPO_ID}"
                if path.startswith("/api/models/") and not path.startswith(api + "/"):
                    self._send(404, b'{"error":"Repository not found"}',
                               {"X-Error-Code": "RepoNotFound",
                                "X-Error-Message": "Repository not found"})  # fmt: skip
                    return
                if path.startswith(api + "/revision/"):
                    self._json(
                        {
                            "id": REPO_ID,
                            "modelId": REPO_ID,
                            "sha": COMMIT,
                            "private": False,
                            "siblings": [{"rfilename": n} for n in hub.files],
                        }
                    )
                    return
                if path.startswith(api + "/tree/"):
                    self._json(
                        [
                            {
                                "type": "file",
                                "path": n,
                                "size": len(b),
                                "oid": hashlib.sha1(b).hexdigest(),
                            }
                            for n, b in hub.files.items()
                        ]
                    )
                    return
                prefix = f"/{REPO_ID}/resolve/"
                if path.startswith(prefix):
                    name = path[len(prefix) :].split("/", 1)[1]
                    if name not in hub.files:
                        self._send(404, b"", {"X-Error-Code": "EntryNotFound"})
                        return
                    body = hub.files[name]
                    etag = hashlib.sha1(body).hexdigest()
                    self._send(
                        200,
                        body,
                        {
                            "X-Repo-Commit": COMMIT,
                            "ETag": f'"{etag}"',
                            "Content-Type": "application/octet-stream",
                        },
                    )
                    return
                self._send(404, b"", {})

            do_GET = _route
            do_HEAD = _route

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def hub(tmp_path: Path) -> Iterator[FakeHub]:
    from camtranslate.distill.student import tiny_checkpoint

    folder = tiny_checkpoint(tmp_path / "repo", tiny_texts(300, seed=3))
    server = FakeHub(folder)
    yield server
    server.stop()


def test_install_from_fake_hub_then_offline_from_cache(hub: FakeHub, tmp_path: Path) -> None:
    cache = tmp_path / "hf-cache"
    mgr = ModelManager(user_dir=tmp_path / "user", embedded_dir=tmp_path / "embedded")
    model = mgr.install(REPO_ID, endpoint=hub.url, cache_dir=cache, progress=False)
    assert model.manifest.id == REPO_ID
    assert (model.manifest.source_langs, model.manifest.target_langs) == (("en",), ("de",))
    assert model.path == tmp_path / "user" / "Helsinki-NLP--opus-mt-en-de"
    assert "huggingface" in model.manifest.source
    model.verify()
    downloads = [r for r in hub.requests if r.startswith("GET") and "/resolve/" in r]
    assert any(r.endswith("model.safetensors") for r in downloads)
    assert not any(r.endswith("pytorch_model.bin") for r in downloads)
    assert [m.id for m in mgr.list()] == [REPO_ID]

    # the hub goes away: a forced reinstall works from the HF cache alone
    hub.stop()
    again = mgr.install(REPO_ID, endpoint=hub.url, cache_dir=cache, progress=False, force=True)
    again.verify()
    assert ModelManifest.load(again.path).files == model.manifest.files


def test_unknown_repo_and_no_cache_give_one_line_errors(hub: FakeHub, tmp_path: Path) -> None:
    mgr = ModelManager(user_dir=tmp_path / "user", embedded_dir=tmp_path / "embedded")
    with pytest.raises(ModelError, match="no such model") as exc:
        mgr.install("nobody/opus-mt-xx-yy", endpoint=hub.url, cache_dir=tmp_path / "c")
    assert "\n" not in str(exc.value)
    hub.stop()
    with pytest.raises(ModelError, match="cannot be reached") as exc:
        mgr.install(REPO_ID, endpoint=hub.url, cache_dir=tmp_path / "empty-cache")
    assert "\n" not in str(exc.value)
    assert not (tmp_path / "user").exists() or not any((tmp_path / "user").iterdir())


def test_invalid_ids_are_refused_before_any_request(tmp_path: Path) -> None:
    from camtranslate.models.hub import download

    for bad in ("", "/abs", "a/b/c"):
        with pytest.raises(ModelError, match="invalid"):
            download(bad, endpoint="http://127.0.0.1:9", cache_dir=tmp_path)
