"""How the design system's assets arrive (tasks.py): the tarballs package-lock.json pins, checked
against their sha512, only their compiled files unpacked; and with no way to fetch them, `serve`
says so and starts nothing. A local HTTP server stands in for the npm registry."""
import base64
import hashlib
import io
import json
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import tasks


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, body in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    return buffer.getvalue()


def integrity(body: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(body).digest()).decode()


GOVUK = tarball({
    "package/dist/govuk/govuk-frontend.min.css": b".govuk-body{}",
    "package/dist/govuk/govuk-frontend.min.js": b"export const version='6.3.0';",
    "package/dist/govuk/assets/images/favicon.ico": b"crown",
    "package/dist/govuk/assets/images/govuk-crest.svg": b"<svg>crown</svg>",
    "package/dist/govuk/assets/fonts/bold-b542beb274-v2.woff2": b"GDS Transport",
    "package/dist/govuk/all.mjs": b"not needed",
})
MOJ = tarball({
    "package/moj/moj-frontend.min.css": b".moj-timeline{}",
    "package/moj/moj-frontend.min.js": b"export function initAll(){}",
    "package/moj/assets/images/icon-tag-remove-cross.svg": b"<svg>x</svg>",
    "package/moj/assets/images/govuk-logotype-crown.png": b"crown",
})


@pytest.fixture
def registry(monkeypatch, tmp_path):
    """A registry on a loopback port serving the two tarballs; npm is not on the PATH."""
    served = {"/govuk-frontend/-/govuk-frontend-6.3.0.tgz": GOVUK,
              "/@ministryofjustice/frontend/-/frontend-11.1.0.tgz": MOJ}

    class Registry(BaseHTTPRequestHandler):
        def do_GET(self):
            body = served.get(self.path)
            self.send_response(200 if body else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Registry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", f"http://127.0.0.1:{server.server_port}/")
    monkeypatch.setenv("PATH", str(tmp_path / "no-npm-here"))
    yield served
    server.shutdown()
    server.server_close()


def lock(tmp_path, govuk=GOVUK, moj=MOJ):
    path = tmp_path / "package-lock.json"
    path.write_text(json.dumps({"packages": {
        "node_modules/govuk-frontend": {"version": "6.3.0", "integrity": integrity(govuk)},
        "node_modules/@ministryofjustice/frontend": {"version": "11.1.0", "integrity": integrity(moj)},
    }}))
    return path


def test_the_pinned_tarballs_are_checked_and_only_their_compiled_files_unpacked_without_crown_or_font(
        registry, tmp_path):
    assets = tmp_path / "assets"
    tasks.ensure_frontend_assets(assets, lock(tmp_path))
    unpacked = sorted(str(path.relative_to(assets)) for path in assets.rglob("*") if path.is_file())
    assert unpacked == ["govuk-frontend.min.css", "govuk-frontend.min.js", "images/icon-tag-remove-cross.svg",
                        "installed.json", "moj-frontend.min.css", "moj-frontend.min.js"]
    registry.clear()  # fetched once: a second run finds them in place and asks for nothing
    tasks.ensure_frontend_assets(assets, lock(tmp_path))


def test_a_tarball_that_does_not_match_the_locks_sha512_is_refused_and_nothing_is_unpacked(registry, tmp_path):
    assets = tmp_path / "assets"
    tampered = lock(tmp_path, govuk=GOVUK + b"!")
    with pytest.raises(tasks.AssetsUnavailable, match="does not match the sha512 in package-lock.json"):
        tasks.ensure_frontend_assets(assets, tampered)
    assert not assets.exists()


def test_with_neither_npm_nor_the_registry_serve_says_so_plainly_and_starts_nothing(
        registry, tmp_path, monkeypatch, capsys):
    registry.clear()  # the registry answers nothing
    monkeypatch.setattr(tasks, "ASSETS", tmp_path / "assets")
    monkeypatch.setattr(tasks, "FRONTEND_LOCK", lock(tmp_path))
    monkeypatch.setattr(tasks, "ensure_venv", lambda: pytest.fail("serve went on to set up .venv"))
    with pytest.raises(SystemExit) as stopped:
        tasks.main(["serve"])
    assert stopped.value.code == 1
    said = capsys.readouterr().err
    assert "could not be fetched" in said and "npm is not installed" in said
    assert "The pages would be unstyled, so nothing was started" in said
