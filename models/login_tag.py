"""What a failed login keeps of a user name that is not a user: a keyed tag, never the name.

People type their password into the user-name field. A name that is no account is therefore
kept only as ``name_tag`` = HMAC-SHA256(key, name) cut to 16 hex digits, with its length: repeated
tries of one name show as one tag (an auditor can count them), and nobody reading the audit log
— or a copy of the database — can read the name or test guesses against the tag without the key.

The key is 32 random bytes in ``login-name.key`` in the desk's data directory (made 0600 the
first time it is needed, never stored in the database). Each desk machine has its own key, so a
tag compares only with tags from the same desk; ``key_id`` (8 hex digits of the key's SHA-256)
says which key made a tag. When the key cannot be read or written (a read-only data directory)
the tag is left out and the length alone is kept: a login never fails because of it.
docs/adr/0005-accounts.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import tempfile
import threading
from pathlib import Path

from models.config import data_dir

KEY_FILE = "login-name.key"
KEY_BYTES = 32
TAG_HEX = 16

_lock = threading.Lock()
_keys: dict[Path, bytes] = {}


def key_path() -> Path:
    return data_dir() / KEY_FILE


def _read(path: Path) -> bytes | None:
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        return None
    return key if len(key) >= KEY_BYTES else None


def _create(path: Path) -> bytes:
    """A new key, written whole to a 0600 temporary file and linked into place: a desk starting
    at the same moment either sees no key or the whole key, and one of the two keys wins."""
    if not path.parent.is_dir():
        os.makedirs(path.parent, mode=0o700, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    fd, tmp = tempfile.mkstemp(prefix=".login-name.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            if os.name == "posix":
                os.fchmod(f.fileno(), 0o600)
            f.write(key)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # fails when another desk made the key first
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    found = _read(path)
    if found is None:
        raise OSError(f"{path}: the key was not written")
    return found


def login_key() -> bytes | None:
    """This desk's key (made the first time); None when it can be neither read nor made."""
    path = key_path()
    with _lock:
        key = _keys.get(path)
        if key is None:
            try:
                key = _read(path) or _create(path)
            except OSError:
                return None
            _keys[path] = key
        return key


def name_tag(name: str) -> dict[str, object]:
    """What an audit row keeps of a name that is no user: its length, and its keyed tag."""
    out: dict[str, object] = {"name_len": len(name)}
    key = login_key()
    if key is not None:
        out["name_tag"] = hmac.new(key, name.encode("utf-8"), hashlib.sha256).hexdigest()[:TAG_HEX]
        out["key_id"] = hashlib.sha256(key).hexdigest()[:8]
    return out
