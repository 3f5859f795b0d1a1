"""What the data folder keeps for the web server beside the store (plain files, no schema):
the address the units open (the base URL every link and QR code is built on, set once with
``tonghop serve --base-url`` and used by ``tonghop round links`` too) and the office's login
token (kept until ``tonghop serve --new-token``). Both files are readable by their owner only
where the system allows it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.core.atomic import atomic_path
from pipeline.core.errors import Msg, PipelineError, StoreError

BASE_URL_FILE = "base_url.txt"
TOKEN_FILE = "admin.token"
TOKEN_ENV = "TONGHOP_ADMIN_TOKEN"
TOKEN_BYTES = 24  # 192 bits from ``secrets``


def check_base_url(url: str) -> str:
    """``url`` as links are built on it (no trailing slash).

    :raises PipelineError: not an absolute http(s) address of a host, or with a query, a fragment
        or a user name (``CLI_050``).
    """
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
        parts = None
    if not (parts and port_ok and parts.scheme in ("http", "https") and parts.hostname and not parts.username):
        raise PipelineError(Msg.CLI_050, url=url)
    if parts.query or parts.fragment or text.endswith(("?", "#")) or any(ch.isspace() for ch in text):
        raise PipelineError(Msg.CLI_050, url=url)
    return text.rstrip("/")


def _write_private(path: Path, text: str) -> None:
    def failed(target: Path, err: OSError) -> PipelineError:
        return StoreError(Msg.STORE_010, where=target.parent, reason=err.strerror or err)

    with atomic_path(path, error=failed) as tmp:
        os.chmod(tmp, 0o600)
        tmp.write_text(text + "\n", encoding="utf-8")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise StoreError(Msg.STORE_020, where=path, reason=getattr(err, "strerror", None) or err) from err


def saved_base_url(data_dir: str | Path) -> str | None:
    """The base URL kept in ``data_dir`` (None when none was set).

    :raises StoreError: the file cannot be read or holds no usable address (``STORE_020``).
    """
    path = Path(data_dir) / BASE_URL_FILE
    text = _read(path)
    if text is None:
        return None
    try:
        return check_base_url(text)
    except PipelineError as err:
        raise StoreError(Msg.STORE_020, where=path, reason=str(err)) from None


def save_base_url(data_dir: str | Path, url: str) -> str:
    """Check ``url`` and keep it in ``data_dir``; returns it as links are built on it.

    :raises PipelineError: not a usable address (``CLI_050``), or the file cannot be written.
    """
    checked = check_base_url(url)
    if saved_base_url(data_dir) != checked:
        _write_private(Path(data_dir) / BASE_URL_FILE, checked)
    return checked


def office_token(data_dir: str | Path, *, renew: bool = False) -> str:
    """The office's login token: ``TONGHOP_ADMIN_TOKEN`` if set, else the one kept in
    ``<data_dir>/admin.token`` (made on first use, or anew with ``renew``)."""
    env = os.environ.get(TOKEN_ENV, "")
    if env:
        return env
    path = Path(data_dir) / TOKEN_FILE
    kept = None if renew else _read(path)
    if kept:
        return kept
    token = secrets.token_urlsafe(TOKEN_BYTES)
    _write_private(path, token)
    return token
