"""Shared fixtures: the default form and units, the bundled sample, and returns built
from our own templates and filled the way officers fill them."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import string
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

try:
    import pwd
except ImportError:  # Windows: no PostgreSQL tests
    pwd = None

from pipeline.core.errors import Msg
from pipeline.form.definition import load_form
from pipeline.form.units import load_units
from pipeline.sample import build_sample, fill_return, sample_values
from pipeline.templates.build import build_template, template_filename

SEED_DIR = Path(__file__).resolve().parent / "fixtures" / "seed"  # copies of ../shared/seed CSVs

# CI tries the same examples on every run, so whether a submission lands never depends on chance;
# a local run (the default profile) explores new random examples each time.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))

# Markers for what needs a real browser, LibreOffice, PostgreSQL or minutes: `make test-fast` leaves
# them out, `make test` runs everything. A test is marked by what it uses, so a new test is marked
# without anyone remembering to: the fixtures that start chromium or PostgreSQL (or a store fixture
# parametrized "postgresql", which asks for one), a fixture named for LibreOffice, or a skip whose
# reason names LibreOffice (every test that runs soffice has one, for machines without it). `slow`
# is set by hand (`@pytest.mark.slow`, a module's `pytestmark`) on what `--durations` shows.
MARKER_FIXTURES = {"browser": "browser", "postgres_server": "postgres", "caddy_stack": "caddy"}


def _needs_libreoffice(item: pytest.Item) -> bool:
    if any("libreoffice" in name for name in item.fixturenames):
        return True
    return any("LibreOffice" in str(mark.kwargs.get("reason", "")) for mark in item.iter_markers("skipif"))


def _param_values(item: pytest.Item) -> list:
    callspec = getattr(item, "callspec", None)
    return list(callspec.params.values()) if callspec else []


def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture, marker in MARKER_FIXTURES.items():
            if fixture in item.fixturenames:
                item.add_marker(marker)
        if any(isinstance(value, str) and value == "postgresql" for value in _param_values(item)):  # a store fixture's PostgreSQL side
            item.add_marker("postgres")
        if _needs_libreoffice(item):
            item.add_marker("libreoffice")


@pytest.fixture(scope="session")
def form():
    return load_form().for_period("2023")  # the sample's period: labels as its outputs show them


@pytest.fixture(scope="session")
def units(form):
    return load_units(None, form)


@pytest.fixture(scope="session")
def unit_by_code(units):
    return {u.code: u for u in units}


@pytest.fixture(scope="session")
def template_cache(tmp_path_factory, form, units):
    """One blank 2023 template per default unit, built once."""
    folder = tmp_path_factory.mktemp("templates")
    return {u.code: build_template(form, u, folder / template_filename(u), "2023") for u in units}


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory, form, units):
    """The bundled sample returns, built once (read-only: copy before changing)."""
    folder = tmp_path_factory.mktemp("sample")
    build_sample(folder, form, units)
    return folder


@pytest.fixture
def returns_dir(tmp_path, sample_dir):
    """A private copy of the sample returns that a test may change."""
    target = tmp_path / "returns"
    shutil.copytree(sample_dir, target)
    return target


@pytest.fixture
def make_return(template_cache, form, units, tmp_path):
    """make_return(unit_code, changes={code: value}, name=None, period=None) -> Path.

    Starts from the unit's sample values, applies ``changes`` (``None`` blanks a cell),
    and types them into the unit's template.
    """
    by_code = {u.code: u for u in units}

    def build(
        unit_code: str, changes: dict | None = None, name: str | None = None, period: str | None = None, folder: Path | None = None
    ) -> Path:
        typed = dict(sample_values()[unit_code])
        typed.update(changes or {})
        folder = folder or tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        template = template_cache[unit_code]
        if period:
            template = build_template(form, by_code[unit_code], tmp_path / f"tpl_{unit_code}_{period}.xlsx", period)
        target = folder / (name or f"{unit_code}.xlsx")
        return fill_return(template, target, typed)

    return build


def md_table(text: str) -> list[dict[str, str]]:
    """Rows of an inline markdown table, as dicts keyed by the header."""
    lines = [line.strip().strip("|") for line in text.strip().splitlines() if line.strip() and not set(line.strip()) <= set("|-: ")]
    header = [h.strip() for h in lines[0].split("|")]
    return [dict(zip(header, (c.strip() for c in line.split("|")), strict=True)) for line in lines[1:]]


def write_form(folder: Path, indicators: str, rules: str) -> Path:
    """A small form definition folder, to load with ``load_form(folder)``.

    Two levels (``city``, ``communes``) and one section ``I``; ``indicators`` and ``rules``
    are the CSV rows written below the header of ``indicators.csv`` and ``rules.csv``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "form.csv": "key,value\nid,bieu-nho\nversion,1\ntitle,Biểu nhỏ năm {period}\n",
        "levels.csv": 'level,label,short\ncity,Cấp thành phố,thành phố\ncommunes,"Cấp xã, phường","xã, phường"\n',
        "sections.csv": "section,title\nI,Mục I\n",
        "indicators.csv": "code,section,label,unit,type,min,max,required,levels\n" + indicators.strip() + "\n",
        "rules.csv": "rule,expression,severity,scope,blank,message\n" + rules.strip() + "\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def message_fields(msg: Msg, message: str) -> dict[str, str] | None:
    """The fields that ``msg``'s template was filled with to give ``message``; ``None`` when
    ``message`` is not rendered from ``msg``. Tests assert on fields, never on copied text."""
    pattern, seen = "", set()
    for literal, name, _, _ in string.Formatter().parse(msg.template):
        pattern += re.escape(literal)
        if name is not None:
            pattern += f"(?P={name})" if name in seen else f"(?P<{name}>.*?)"
            seen.add(name)
    match = re.fullmatch(pattern, message, re.DOTALL)
    return match.groupdict() if match else None


def set_saved_time(path: Path, stamp: str) -> None:
    """Write ``stamp`` as an xlsx's saved time (``dcterms:modified``), as Excel does on saving."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*<", rb"\g<1>" + stamp.encode() + b"<", data)
            dst.writestr(info, data)


# A throwaway PostgreSQL server for the store tests: initdb into a temporary folder, started on a
# free port with its Unix socket in that folder (no TCP), stopped and removed after the session.
# As root, the server runs as the ``postgres`` user (PostgreSQL refuses to run as root).
PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


def _pg_tool(name: str) -> str | None:
    for folder in reversed(PG_BIN_DIRS):  # Debian keeps the binaries here, off PATH; newest first
        if (folder / name).is_file():
            return str(folder / name)
    return shutil.which(name)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Postgres:
    """A throwaway PostgreSQL server: initdb into a temporary folder, run on a free port with its
    Unix socket in that folder (and on 127.0.0.1 with ``tcp``); ``stop()`` and ``start()`` it at
    will (a database going down in the middle of a run), ``remove()`` at the end."""

    def __init__(self, tcp: bool = False) -> None:
        initdb, self.pg_ctl = _pg_tool("initdb"), _pg_tool("pg_ctl")
        if not (initdb and self.pg_ctl):
            pytest.skip("PostgreSQL is not installed (no initdb/pg_ctl; Debian: apt-get install postgresql)")
        if pwd is None:
            pytest.skip("the PostgreSQL tests start a server on Linux or macOS only")
        self.as_user: list[str] = []
        owner = None
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                owner = None
            if not (runuser and owner):
                pytest.skip("running as root without a 'postgres' user or runuser: PostgreSQL refuses to run as root")
            self.as_user = [runuser, "-u", "postgres", "--"]
        self.folder = Path(tempfile.mkdtemp(prefix="tonghop-pg-"))  # short: a socket path has at most 107 bytes
        if owner:
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self.data, self.port, self.log = self.folder / "data", _free_port(), self.folder / "server.log"
        self.listen = "127.0.0.1" if tcp else ""
        made = self._run(initdb, "-D", str(self.data), "-U", "tonghop", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync")
        if made.returncode != 0:
            self.remove()
            pytest.skip(f"PostgreSQL initdb failed: {(made.stderr or made.stdout).strip()[-500:]}")

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=timeout, cwd=self.folder)

    def start(self) -> None:
        options = f"-k '{self.folder}' -p {self.port} -c listen_addresses='{self.listen}' -c fsync=off -c full_page_writes=off"
        started = self._run(self.pg_ctl, "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, "start")
        if started.returncode != 0:
            tail = self.log.read_text(errors="replace")[-500:] if self.log.exists() else started.stderr
            self.remove()
            pytest.skip(f"PostgreSQL could not be started: {tail.strip()}")

    def stop(self) -> None:
        self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server():
    """``(socket_dir, port)`` of a PostgreSQL server started for this session; skips the tests
    that need it, with the reason, when it cannot be had."""
    server = Postgres()
    try:
        server.start()
        try:
            yield server.folder, server.port
        finally:
            server.stop()
    finally:
        server.remove()


@pytest.fixture
def postgres_url(postgres_server, request):
    """A new, empty database on the session's PostgreSQL server, as a ``postgresql://`` URL."""
    import psycopg

    socket_dir, port = postgres_server
    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40] + "_" + secrets.token_hex(4)
    with psycopg.connect(host=str(socket_dir), port=port, user="tonghop", dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://tonghop@/{name}?host={socket_dir}&port={port}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    """``None`` (SQLite in the data folder) or the URL of a fresh PostgreSQL database: a test that
    asks for it runs on both stores."""
    return None if request.param == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture
def store(tmp_path, db_url):
    """An empty store in ``tmp_path / "data"``, on SQLite and on PostgreSQL (``db_url``)."""
    from pipeline.store import Store

    opened = Store.open(tmp_path / "data", db_url)
    yield opened
    opened.close()
