"""Caddy (Debian's ``caddy``) run for a test from ``deploy/Caddyfile``, the file the README tells
the officer to copy: the same site block with the domain and port given through the environment,
test options added to its global block (the internal certificate authority instead of Let's
Encrypt, ports of this run, Caddy's data in a temporary folder, loopback only) and the access
log written into that folder."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

from tests.serving import exchange, stop

CADDYFILE = Path(__file__).resolve().parents[2] / "deploy" / "Caddyfile"
CADDY = "/usr/bin/caddy" if Path("/usr/bin/caddy").exists() else shutil.which("caddy")
ACCESS_LOG = "/var/log/caddy/tonghop-access.log"
START_TIMEOUT_S = 60


UPSTREAM = "reverse_proxy 127.0.0.1:{$TONGHOP_PORT:8000} {"
PAGES = "root * /etc/caddy"  # where the README copies deploy/loi_may_chu.html; deploy/ itself here


def caddyfile_for_test(folder: Path, http_port: int, https_port: int, upstreams: list[int] | None = None) -> str:
    """deploy/Caddyfile with this run's global options and its access log in ``folder`` (and,
    given ``upstreams``, the requests shared in turn between the ``serve`` on those ports)."""
    text = CADDYFILE.read_text(encoding="utf-8")
    assert text.count(ACCESS_LOG) == 1 and "\n{\n" in text and UPSTREAM in text and PAGES in text, (
        "deploy/Caddyfile changed shape: update tests/deploy/caddy.py"
    )
    if upstreams:
        text = text.replace(UPSTREAM, f"reverse_proxy {' '.join(f'127.0.0.1:{p}' for p in upstreams)} {{\n\t\tlb_policy round_robin")
    options = (
        f"\tlocal_certs\n\tskip_install_trust\n\tadmin off\n\tdefault_bind 127.0.0.1\n"
        f"\thttp_port {http_port}\n\thttps_port {https_port}\n\tstorage file_system {folder / 'data'}\n"
    )
    text = text.replace(PAGES, f"root * {CADDYFILE.parent}")
    return text.replace("\n{\n", "\n{\n" + options, 1).replace(ACCESS_LOG, str(folder / "access.log"))


def root_certificate(folder: Path) -> Path:
    """The root certificate of the run's internal certificate authority (``tls internal``)."""
    return folder / "data" / "pki" / "authorities" / "local" / "root.crt"


def start(
    folder: Path, domain: str, https_port: int, app_port: int, upstreams: list[int] | None = None, retry: str = "30s"
) -> subprocess.Popen:
    """Caddy serving ``domain`` on ``https_port`` in front of the app on ``app_port`` (a request
    waiting ``retry`` for it): returns once a TLS handshake succeeds; raises ``RuntimeError``
    with Caddy's output if it cannot."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "Caddyfile"
    from tests.serving import free_port

    config.write_text(caddyfile_for_test(folder, free_port(), https_port, upstreams), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGHOP_")}
    env |= {"TONGHOP_DOMAIN": domain, "TONGHOP_PORT": str(app_port), "TONGHOP_RETRY": retry, "HOME": str(folder), "XDG_DATA_HOME": str(folder / "xdg"),
            "XDG_CONFIG_HOME": str(folder / "xdg")}  # fmt: skip
    log = folder / "caddy.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [CADDY, "run", "--config", str(config), "--adapter", "caddyfile"], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=folder
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"caddy ended ({process.returncode}): {log.read_text(errors='replace')[-2000:]}")
        if root_certificate(folder).exists() and _handshake(https_port, folder):
            return process
        time.sleep(0.3)
    stop(process)
    raise RuntimeError(f"caddy did not answer within {START_TIMEOUT_S} s: {log.read_text(errors='replace')[-2000:]}")


def _handshake(port: int, folder: Path) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as raw:
            with client_context(folder).wrap_socket(raw, server_hostname="localhost"):
                return True
    except (OSError, ssl.SSLError):
        return False


def client_context(folder: Path) -> ssl.SSLContext:
    """A TLS context that trusts the run's certificate authority only (the hostname checked)."""
    return ssl.create_default_context(cafile=str(root_certificate(folder)))


def request(
    port: int, folder: Path, method: str, path: str, headers: dict | None = None, source: str = "127.0.0.1", body: bytes | None = None
):
    """``(status, headers, body)`` of one HTTPS request to Caddy, from the address ``source``."""
    conn = http.client.HTTPSConnection("localhost", port, timeout=60, context=client_context(folder), source_address=(source, 0))
    return exchange(conn, method, path, headers, body)
