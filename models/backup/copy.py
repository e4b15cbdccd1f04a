"""The second copy of each day close's backup, off the machine (``backup_copy_dir``: a USB disk
or a network folder): copied beside its target, checked (the same sha256, and it opens as SQLite
with integrity ok), synced and only then renamed, so a half copy never carries a backup's name.
And what ``desk doctor`` says about it: the copy of the newest close backup there, or not."""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from models.backup.auto import _free, automatic_backups, prune
from models.backup.records import BackupFailed
from models.backup.sqlite import (
    _fsync,
    _fsync_dir,
    _integrity,
    _open_readonly,
    _sha256,
    _temporary_beside,
)
from models.files import POSIX, private_dir
from models.i18n import _


def _verify(source: Path, copy: Path, shown: Path) -> None:
    """Raises BackupFailed unless ``copy`` has ``source``'s sha256 and is a sound SQLite file
    (``shown``: the name the copy was to have)."""
    if _sha256(copy) != _sha256(source):
        raise BackupFailed(
            _("第二份备份 {path} 与本机备份的 SHA-256 不同").format(path=shown),
            code="backup.copy_differs",
        )
    try:
        conn = _open_readonly(copy)
        try:
            problems = _integrity(conn)
        finally:
            conn.close()
    except Exception as exc:  # sqlite3.DatabaseError and kin: not a database at all
        problems = [str(exc)]
    if problems:
        raise BackupFailed(
            _("第二份备份 {path} 未通过完整性检查：{problems}").format(
                path=shown, problems="；".join(problems[:3])
            ),
            code="backup.copy_differs",
        )


def copy_backup(source: Path, directory: Path, keep: int = 0) -> Path:
    """Copy the backup ``source`` into ``directory`` under the same name, verified, readable by
    its owner only; the older automatic copies beyond ``keep`` pruned there (0 keeps all).
    Raises BackupFailed with the reason; ``source`` is never touched."""
    try:
        private_dir(directory)
        target = _free(directory / source.name)
        with _temporary_beside(target) as tmp:
            shutil.copyfile(source, tmp)
            if POSIX:
                with contextlib.suppress(OSError):  # a FAT USB disk keeps no modes
                    os.chmod(tmp, 0o600)
            _fsync(tmp)
            _verify(source, tmp, target)
            os.replace(tmp, target)
        _fsync_dir(directory)
        prune(directory, keep, spare=target)
    except OSError as exc:
        raise BackupFailed(
            _("无法把备份复制到第二个位置 {directory}（{reason}）").format(
                directory=directory, reason=exc.strerror or exc
            ),
            code="backup.copy_io",
        ) from exc
    return target


@dataclass(frozen=True, slots=True)
class CopyState:
    """The newest close backup here (``local``) and its copy in the second folder (``copy``:
    None when it is not there); ``newest_copy`` the newest automatic backup there at all."""

    local: Path | None
    copy: Path | None
    newest_copy: Path | None
    error: str = ""  # the second folder cannot be read

    @property
    def current(self) -> bool:
        return self.local is None or self.copy is not None


def copy_state(backup_dir: Path, copy_dir: Path) -> CopyState:
    """Whether the newest automatic backup in ``backup_dir`` has a copy of the same name and
    size in ``copy_dir``."""
    local = automatic_backups(backup_dir)[-1:] if backup_dir.is_dir() else []
    try:
        if not copy_dir.is_dir():
            return CopyState(local[0] if local else None, None, None, _("文件夹不存在或无法访问"))
        copies = automatic_backups(copy_dir)
    except OSError as exc:
        return CopyState(local[0] if local else None, None, None, str(exc.strerror or exc))
    newest = copies[-1] if copies else None
    if not local:
        return CopyState(None, None, newest)
    mine = local[0]
    copy = copy_dir / mine.name
    try:
        same = copy.is_file() and copy.stat().st_size == mine.stat().st_size
    except OSError:
        same = False
    return CopyState(mine, copy if same else None, newest)
