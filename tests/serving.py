"""Running ``tonghop serve`` as the office does, in a process of its own, and talking to it over
HTTP: used by the tests of an installed copy and of a database that goes down mid-run."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

TOKEN = "login-token-of-the-served-tests"
START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], port: int, cwd: Path, log: Path) -> subprocess.Popen:
    """``command`` (a ``tonghop serve … --port port``) started with the login ``TOKEN``, its
    output (the server's log) into ``log``; returns once it answers on ``port``."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "TONGHOP_SECRET")}
    env["TONGHOP_ADMIN_TOKEN"] = TOKEN
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"tonghop serve ended ({process.returncode}): {log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise AssertionError(f"tonghop serve did not answer within {START_TIMEOUT_S} s: {log.read_text(errors='replace')}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


def request(port: int, method: str, path: str, headers: dict | None = None, body: bytes | None = None, source: str | None = None):
    """``(status, headers, body)`` of one request to the server on ``port`` (from the loopback
    address ``source``, e.g. 127.0.0.2: another machine as far as the server can tell)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120, source_address=(source, 0) if source else None)
    return exchange(conn, method, path, headers, body)


def exchange(conn: http.client.HTTPConnection, method: str, path: str, headers: dict | None, body: bytes | None):
    """``(status, headers, body)`` of one request on ``conn`` (HTTP or HTTPS), then closed."""
    try:
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        return answer.status, answer.headers, answer.read()
    finally:
        conn.close()


def login(port: int) -> dict[str, str]:
    """The headers of the office's requests once logged in (its session cookie)."""
    status, headers, _ = request(port, "GET", f"/?token={TOKEN}")
    assert status == 302, status
    return {"Cookie": headers["Set-Cookie"].split(";")[0]}


def multipart(name: str, filename: str, data: bytes) -> tuple[bytes, dict[str, str]]:
    """A form with one file, as a browser posts it: the body and its Content-Type header."""
    boundary = "----tonghop" + os.urandom(8).hex()
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def unit_links(page: str) -> dict[str, str]:
    """The link of each unit (by its code) on the links page: the first address in its card."""
    return dict(re.findall(r'id="u(\d+)".*?(https?://[^<"\s]+/u/[^<"\s]+)', page, re.S))


def assets(page: str) -> set[str]:
    """What a page loads from the server: style sheets, icons, scripts, images."""
    found = set(re.findall(r'<link [^>]*href="(/[^"]+)"', page)) | set(re.findall(r'<(?:script|img) [^>]*src="(/[^"]+)"', page))
    return {a.replace("&amp;", "&") for a in found}


@contextlib.contextmanager
def in_thread(server) -> Iterator[int]:
    """A waitress server (``web.server.make_server``) run in a background thread: its port;
    closed at the end."""
    stopped = threading.Event()

    def run():
        try:
            server.run()
        except OSError:  # the loop's sockets closed under it at the end
            if not stopped.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield server.effective_port
    finally:
        stopped.set()
        server.close()
        server.task_dispatcher.shutdown()
        thread.join(timeout=10)
