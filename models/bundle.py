"""The support bundle of ``desk doctor --bundle FILE``: one zip for whoever supports the office,
with nothing they should not see.

``config.json``   the configuration as the desk read it, secrets removed: any key naming a
                  password, secret or token, and the password inside any URL (the database's)
``versions.json`` the desk, the schema it is built for, Python, the platform, key packages
``doctor.json``   the checks of ``desk doctor --json``
``log.txt``       the error log's last lines, ID numbers and phone numbers masked

Written 0600, atomically. Needs no database connection (doctor already asked it)."""

from __future__ import annotations

import io
import json
import platform
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

from models.files import write_private

REMOVED = "***"
PACKAGES = (
    "textual",
    "textual-serve",
    "typer",
    "rich",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "psycopg",
    "openpyxl",
    "platformdirs",
)

_SECRET_KEY = re.compile(r"pass(word|wd)?|pwd|secret|token|api_?key", re.I)
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][\w+.-]*://[^:/@\s]*:)[^@\s]*(?P<at>@)", re.I)
_QUERY_PASSWORD = re.compile(r"(?P<key>\b(?:password|passwd|pwd)=)[^&\s]*", re.I)
# an 18-character mainland ID number (the last one may be X); a mobile number (1[3-9] and nine)
_ID18 = re.compile(r"(?<![\dA-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![\dA-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-\d{7,8}(?!\d)")


def hide_secrets_in(text: str) -> str:
    """The password of any ``scheme://user:password@host`` and any ``password=`` masked."""
    text = _URL_PASSWORD.sub(rf"\g<head>{REMOVED}\g<at>", text)
    return _QUERY_PASSWORD.sub(rf"\g<key>{REMOVED}", text)


def safe_config(values: Any) -> Any:
    """``values`` (the parsed TOML, or any part of it) with every secret removed."""
    if isinstance(values, dict):
        return {
            str(k): REMOVED if _SECRET_KEY.search(str(k)) else safe_config(v)
            for k, v in values.items()
        }
    if isinstance(values, list):
        return [safe_config(v) for v in values]
    if isinstance(values, str):
        return hide_secrets_in(values)
    return values


def redact_line(line: str) -> str:
    """ID numbers as on the screen (``652801********0024``), phones as ``138****5678``,
    landlines as ``010-********``, and any URL's password."""
    line = _ID18.sub(r"\1********\2", line)
    line = _MOBILE.sub(r"\1****\2", line)
    line = _LANDLINE.sub(r"\1-********", line)
    return hide_secrets_in(line)


def versions(schema: str, desk: str) -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    found: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return {
        "desk": desk,
        "schema": schema,
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": found,
    }


def bundle_bytes(
    *,
    config: dict[str, Any],
    versions: dict[str, Any],
    doctor: dict[str, Any],
    log_lines: list[str],
) -> bytes:
    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2) + "\n"

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("config.json", dump(safe_config(config)))
        z.writestr("versions.json", dump(versions))
        z.writestr("doctor.json", dump(safe_config(doctor)))
        z.writestr("log.txt", "".join(redact_line(line) + "\n" for line in log_lines))
    return buf.getvalue()


def write_bundle(
    target: Path,
    *,
    config: dict[str, Any],
    versions: dict[str, Any],
    doctor: dict[str, Any],
    log_lines: list[str],
) -> Path:
    """The zip at ``target`` (0600, atomically). Raises OSError."""
    data = bundle_bytes(config=config, versions=versions, doctor=doctor, log_lines=log_lines)
    return write_private(target, data)
