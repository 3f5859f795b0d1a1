"""deploy/tonghop.service and deploy/env.example, the files the README tells the officer to copy:
systemd accepts the unit, and its command line, with the settings of env.example (the database
made a throwaway PostgreSQL, the data folder a temporary one), starts a server that answers on
the base URL's terms (https links, a ``Secure`` cookie)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import serving

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNIT, ENV_EXAMPLE = DEPLOY / "tonghop.service", DEPLOY / "env.example"
INSTALLED = "/opt/tonghop/venv/bin/tonghop"  # where the README installs it
DATA = "/var/lib/tonghop/data"


def exec_start() -> str:
    """The unit's ``ExecStart`` command line, its continuation lines joined."""
    text = UNIT.read_text(encoding="utf-8").replace("\\\n", " ")
    return re.search(r"^ExecStart=(.+)$", text, re.M).group(1)


def settings() -> dict[str, str]:
    """The variables env.example sets (``KEY=value`` lines, comments left out)."""
    return dict(line.split("=", 1) for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines() if re.match(r"^[A-Z_]+=", line))


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="no systemd-analyze (Debian: the systemd package)")
def test_systemd_accepts_the_unit(tmp_path):
    tonghop = Path(sys.executable).with_name("tonghop")
    assert tonghop.exists(), "tonghop is not installed in this environment (pip install -e .)"
    unit = tmp_path / "tonghop.service"
    unit.write_text(UNIT.read_text(encoding="utf-8").replace(INSTALLED, str(tonghop)), encoding="utf-8")  # installed elsewhere here
    checked = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and not checked.stderr.strip(), checked.stderr


def test_the_units_command_with_env_example_serves(tmp_path, postgres_url):
    values = settings() | {"TONGHOP_DB": postgres_url, "TONGHOP_PORT": str(serving.free_port())}
    assert values["TONGHOP_BASE_URL"].startswith("https://") and "TONGHOP_ADMIN_TOKEN" not in values
    words = shlex.split(re.sub(r"\$\{(\w+)\}", lambda m: shlex.quote(values[m.group(1)]), exec_start()))
    assert words[0] == INSTALLED and words[words.index("--data") + 1] == DATA and "--behind-proxy" in words
    words[words.index("--data") + 1] = str(tmp_path / "data")
    command = [sys.executable, "-m", "pipeline", *words[1:]]
    log = tmp_path / "serve.log"
    port = int(values["TONGHOP_PORT"])
    process = serving.start(command, port, tmp_path, log)
    try:
        status, headers, _ = serving.request(port, "GET", f"/?token={serving.TOKEN}")
    finally:
        serving.stop(process)
    assert status == 302 and "; Secure" in headers["Set-Cookie"]
    shown = log.read_text(encoding="utf-8")
    assert f"{values['TONGHOP_BASE_URL']}/" in shown and serving.TOKEN not in shown


def test_the_readme_walks_through_these_files():
    """The README's server section copies the files tested here, to the places the unit names."""
    readme = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Máy chủ cho tỉnh", 1)[1].split("\n## ", 1)[0]
    unit = UNIT.read_text(encoding="utf-8")
    environment = re.search(r"^EnvironmentFile=(\S+)$", unit, re.M).group(1)
    assert f"deploy/env.example {environment}" in section and "deploy/tonghop.service /etc/systemd/system/tonghop.service" in section
    assert "deploy/Caddyfile /etc/caddy/Caddyfile" in section and "TONGHOP_DOMAIN=" in section
    assert "deploy/loi_may_chu.html /etc/caddy/loi_may_chu.html" in section  # the Caddyfile's page while serve is down
    assert INSTALLED.removesuffix("/bin/tonghop") in section and DATA in section
    assert re.search(r"^User=tonghop$", unit, re.M) and "--system --group --home /var/lib/tonghop tonghop" in section


def test_caddys_body_limit_is_the_applications_with_waitresss_margin():
    """A body a little over 20 MiB reaches tonghop (its Vietnamese 413); a larger one stops at Caddy."""
    from pipeline.web import MAX_UPLOAD_BYTES
    from pipeline.web.server import BODY_MARGIN

    limit = re.search(r"^\s*max_size (\d+)MiB$", (DEPLOY / "Caddyfile").read_text(encoding="utf-8"), re.M)
    assert limit and int(limit.group(1)) * 1024 * 1024 == MAX_UPLOAD_BYTES + BODY_MARGIN
