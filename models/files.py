"""The files and folders the desk writes, readable by their owner only.

What the desk writes holds applicants' personal data or the office's money: the SQLite database
(full ID numbers, phones, password hashes), exports (rosters, some with full ID numbers; the
import's reject report with the IDs as typed), Z reports, previews of real receipts, the error
log, backups. So every folder the desk creates is 0700 and every file it writes 0600:

- ``private_dir(path)`` creates the missing folders of ``path`` 0700 (an existing folder is the
  administrator's and is left as it is; ``desk doctor`` warns when others can read it);
- ``write_private(path, data)`` writes a whole file atomically: a temporary file beside it
  (created 0600), synced, renamed over the target; an older file with a wider mode is replaced by
  the new 0600 one; a failed write leaves nothing. ``save_private`` is the same with the failure
  as one Chinese sentence (``InvalidInput``, code ``export.cannot_write``);
- ``append_private(path, text)`` appends to a log opened 0600 without following a symlink; an
  existing log with a wider mode is set to 0600;
- ``create_private(path)`` makes an empty 0600 file when there is none (the SQLite database,
  before SQLite opens it: SQLite gives its -wal and -shm files the main file's mode);
- ``private_temp_dir(name)`` is a folder in the system's temporary folder that only this user
  can use (checked with ``lstat``: a real folder, this user's, nobody else's bits), else a fresh
  one.

On Windows modes mean nothing (a user's profile folders are private by their ACLs): the files are
written the same way and the modes are skipped quietly. Standard library only, with the desk's
gettext for the sentence a failed write gives.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from models.errors import InvalidInput
from models.i18n import _

FILE_MODE = 0o600
DIR_MODE = 0o700
OTHERS = 0o077  # group and other bits: anyone but the owner
POSIX = os.name != "nt"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _uid() -> int:
    return os.getuid() if POSIX else 0


def others_can_use(path: Path) -> bool:
    """True when the group or others have any permission on ``path`` (a file others can read,
    a folder others can list). False on Windows and for a path that does not exist."""
    if not POSIX:
        return False
    try:
        return bool(os.stat(path).st_mode & OTHERS)
    except OSError:
        return False


def mode_text(path: Path) -> str:
    """``0644``: the permission bits as ``ls -l`` users and ``chmod`` read them."""
    try:
        return f"{stat.S_IMODE(os.stat(path).st_mode):04o}"
    except OSError:
        return "?"


def private_dir(path: Path) -> Path:
    """``path`` as a folder: every missing folder on the way is created 0700; one that exists is
    left as it is. Raises OSError (a file in the way, no permission, a read-only disk)."""
    path = Path(path)
    missing: list[Path] = []
    p = path
    while not p.exists():
        if p.is_symlink():  # a dangling symlink: mkdir would fail on it anyway
            break
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue
        if POSIX:
            os.chmod(folder, DIR_MODE)  # whatever the umask took away or left
    if not path.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))
    return path


def write_private(path: Path, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write the whole file ``path`` 0600, atomically (see the module's docstring). The folder
    must exist. Raises OSError; the target is then as it was and no temporary file is left."""
    path = Path(path)
    raw = data.encode(encoding) if isinstance(data, str) else data
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    fd, name = tempfile.mkstemp(prefix=f".{path.name[:80]}.", suffix=".part", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            if POSIX:
                os.fchmod(f.fileno(), FILE_MODE)  # mkstemp's already; said to be sure
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return path


def save_private(path: Path, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """``write_private``, a failure raised as one Chinese sentence (``cannot_write``)."""
    try:
        return write_private(path, data, encoding=encoding)
    except OSError as exc:
        raise cannot_write(path, exc) from None


def append_private(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    """Append ``text`` to the log ``path``: created 0600, opened without following a symlink
    (O_NOFOLLOW), refused when it is not a regular file of this user's; an existing log others
    can read is set to 0600. Raises OSError."""
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | _NOFOLLOW | _CLOEXEC
    fd = os.open(path, flags, FILE_MODE)
    try:
        if POSIX:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_uid != _uid():
                raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), str(path))
            if stat.S_IMODE(st.st_mode) != FILE_MODE:
                os.fchmod(fd, FILE_MODE)
        os.write(fd, text.encode(encoding))
    finally:
        os.close(fd)
    return path


def create_private(path: Path) -> Path:
    """An empty 0600 file at ``path`` when there is none (its folder created 0700); an existing
    file is left as it is (``desk doctor`` warns when others can read it). Raises OSError."""
    path = Path(path)
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, FILE_MODE)
    except FileExistsError:
        return path
    try:
        if POSIX:
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path


def _is_private(path: Path) -> bool:
    """A real folder (not a symlink), this user's, with no bits for anyone else."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == _uid() and not st.st_mode & OTHERS


def private_temp_dir(name: str) -> Path:
    """``<temp>/<name>-<uid>`` when it is (or can be made) this user's private folder, else a
    new private folder ``<temp>/<name>-XXXXXXXX``. Never follows a symlink someone planted."""
    base = Path(tempfile.gettempdir())
    if not POSIX:
        folder = base / name
        folder.mkdir(exist_ok=True)
        return folder
    folder = base / f"{name}-{_uid()}"
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, DIR_MODE)
    if _is_private(folder):
        return folder
    return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=base))  # 0700, new, ours


# --- one sentence for a file that cannot be written ---------------------------------------------


def why_not_written(exc: OSError) -> str:
    """What went wrong, in the desk's words (the system's own text as the last resort)."""
    code = exc.errno
    if code == errno.ENOENT:
        return _("文件夹不存在")
    if code == errno.ENOTDIR:
        return _("路径中有一段不是文件夹")
    if code == errno.EISDIR:
        return _("这是一个文件夹，请在后面写上文件名")
    if code in (errno.EACCES, errno.EPERM):
        return _("没有写入权限，或文件正被其他程序（如 Excel、WPS）打开")
    if code == errno.EROFS:
        return _("所在磁盘是只读的")
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return _("磁盘已满")
    if code == errno.ENAMETOOLONG:
        return _("文件名太长")
    return str(exc.strerror or exc)


class CannotWrite(InvalidInput):
    """A file that could not be written: where, why (``reason``), and that it was not saved."""

    code = "export.cannot_write"

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            _("无法写入“{path}”：{reason}；文件未保存").format(path=path, reason=reason),
            code="export.cannot_write",
        )
        self.path = Path(path)
        self.reason = reason


def cannot_write(path: Path, exc: OSError) -> CannotWrite:
    """The refusal for ``exc`` raised writing ``path``."""
    return CannotWrite(path, why_not_written(exc))


def folder_for(path: Path) -> Path:
    """``private_dir(path)``, a failure raised as ``CannotWrite`` (for the desk's own export
    and report folders, made just before a file is written into them)."""
    try:
        return private_dir(path)
    except OSError as exc:
        raise cannot_write(path, exc) from None


def check_writable(path: Path) -> Path:
    """Before any work is done: refuse (``cannot_write``) a file that plainly cannot be
    written — its folder missing or not a folder, the path a folder, the folder read-only for
    this user. Whatever passes may still fail when written: callers handle that too."""
    path = Path(path)
    folder = path.parent
    problem: OSError | None = None
    if path.is_dir():
        problem = IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
    elif not folder.exists():
        blocked = next((p for p in folder.parents if p.exists()), None)
        if blocked is not None and not blocked.is_dir():
            problem = NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        else:
            problem = FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))
    elif not folder.is_dir():
        problem = NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
    elif not os.access(folder, os.W_OK):
        problem = PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    if problem is not None:
        raise cannot_write(path, problem)
    return path
