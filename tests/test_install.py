"""An installed copy, as ``pip install .`` gives it: the wheel built from the sources, holding
every file the package reads (templates, static files, migrations, definitions, examples, the
sample), installed into a fresh virtual environment outside the checkout, and ``tonghop serve``
run from it: every page's assets load and a unit sends a return through its link.

Offline: the wheel is built without build isolation (setuptools comes with the dev extras) and
the fresh environment takes the dependencies from the running one's site-packages."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests import serving
from tests.web.test_web import DUE, QUYET_THANG

pytestmark = pytest.mark.slow  # minutes under hypothesis or end to end: make test-fast leaves it out

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pipeline"
SOURCES = ("setup.cfg", "pyproject.toml", "README.md")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc")


def _data_files() -> list[str]:
    """Every file of the package that is not Python source, as the wheel names it."""
    return sorted(
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")  # a copy: the build leaves nothing in the checkout
    shutil.copytree(PACKAGE, src / "pipeline", ignore=SKIPPED)
    for name in SOURCES:
        shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(dist), str(src)]
    built = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    (found,) = dist.glob("tonghop-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment outside the checkout with the wheel installed: its bin folder."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    own = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True)
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}  # the running environment's, after the fresh one's own
    (Path(own.stdout.strip()) / "tonghop_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    where = subprocess.run([str(python), "-c", "import pipeline; print(pipeline.__file__)"], capture_output=True, text=True, cwd=venv)
    assert Path(where.stdout.strip()).is_relative_to(venv), where  # the installed copy, not the checkout
    return venv / "bin"


def test_the_wheel_holds_every_file_the_package_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = _data_files()
    assert {"pipeline/web/static/upload.js", "pipeline/web/static/favicon.ico", "pipeline/store/migrations/script.py.mako"} <= set(wanted)
    assert [name for name in wanted if name not in names] == []
    migrations = sorted(p.relative_to(ROOT).as_posix() for p in (PACKAGE / "store" / "migrations").rglob("*.py"))
    assert migrations and set(migrations) <= names


def test_tonghop_serve_from_the_installed_copy(installed, make_return, tmp_path):
    data, port = tmp_path / "data", serving.free_port()
    created = subprocess.run(
        [str(installed / "tonghop"), "round", "create", "--data", str(data), "--period", "2023", "--deadline", DUE],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    round_id = created.stdout.strip()
    log = tmp_path / "serve.log"
    command = [str(installed / "tonghop"), "serve", "--data", str(data), "--port", str(port), "--no-browser"]
    process = serving.start(command, port, tmp_path, log)
    try:
        office = serving.login(port)
        _, _, body = serving.request(port, "GET", f"/rounds/{round_id}/links", office)
        unit = serving.unit_links(body.decode())[QUYET_THANG]
        assert unit.startswith(f"http://127.0.0.1:{port}/u/")  # no --base-url: this machine's address
        unit_path = unit.removeprefix(f"http://127.0.0.1:{port}")
        pages = {"/": office, f"/rounds/{round_id}": office, f"/rounds/{round_id}/links": office,
                 f"/rounds/{round_id}/units/{QUYET_THANG}": office, f"/rounds/{round_id}/audit": office, unit_path: {}}  # fmt: skip
        loaded = set()
        for path, headers in pages.items():
            status, _, body = serving.request(port, "GET", path, headers)
            assert status == 200, path
            for asset in serving.assets(body.decode()) - loaded:
                status, _, content = serving.request(port, "GET", asset)
                assert status == 200 and content, (path, asset)
                loaded.add(asset)
        assert {"/static/style.css", "/static/upload.js", "/favicon.ico"} <= loaded
        sent = make_return(QUYET_THANG)
        form, headers = serving.multipart("file", sent.name, sent.read_bytes())
        status, answer, _ = serving.request(port, "POST", unit_path, headers, form)
        assert status == 303
        _, _, page = serving.request(port, "GET", answer["Location"])
        assert "Báo cáo đã được nhận" in html.unescape(page.decode())
    finally:
        serving.stop(process)
    assert serving.TOKEN not in log.read_text(errors="replace")
    assert not re.search(r"/u/[A-Za-z0-9_-]{20,}", log.read_text(errors="replace"))
