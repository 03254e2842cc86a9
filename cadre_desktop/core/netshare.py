"""Is an SQLite file on a network share? SQLite's locking is not reliable over SMB/NFS, and a
database file shared by several PCs that way gets corrupted; the shared server is the way for
several clerks. Detection: a UNC path (\\\\server\\share) or a mapped network drive on Windows
(GetDriveTypeW == DRIVE_REMOTE); on Linux the mount the file lives on, from /proc/mounts.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePath, PureWindowsPath

from sqlalchemy.engine import make_url

NETWORK_FS = {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs",
              "fuse.sshfs", "sshfs", "davfs", "fuse.davfs2", "lustre", "gpfs", "beegfs"}
DRIVE_REMOTE = 4

WARNING = ("数据库文件“{path}”位于网络共享文件夹上（{how}）。多台电脑通过共享文件夹同时使用一个 SQLite 文件，"
           "可能因文件锁不可靠而损坏数据。几位同事一起录入时，请改用县里的共享数据库服务器（PostgreSQL，"
           "见 README“多人共用：共享服务器”），用 cadre migrate-to 把现有数据迁过去。")


def _unescape_mount(field: str) -> str:
    # /proc/mounts escapes space, tab, newline and backslash as octal.
    return (field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
            .replace("\\134", "\\"))


def linux_mount_type(path: str, mounts_text: str) -> tuple[str, str] | None:
    """(mount point, file-system type) of the longest mount point holding `path`."""
    best: tuple[str, str] | None = None
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point, fstype = _unescape_mount(parts[1]), parts[2]
        prefix = point.rstrip("/") + "/"
        if path == point or path.startswith(prefix) or point == "/":
            if best is None or len(point) > len(best[0]):
                best = (point, fstype)
    return best


def is_network_fstype(fstype: str) -> bool:
    return fstype.lower() in NETWORK_FS or fstype.lower().startswith(("nfs", "smb", "cifs"))


def windows_share(path: str, drive_type=None) -> str | None:
    """How a Windows path is remote (`UNC 路径` / `网络驱动器 Z:`), or None. `drive_type` is
    GetDriveTypeW (passed in by tests)."""
    p = PureWindowsPath(path)
    if path.startswith(("\\\\", "//")) and not path.startswith(("\\\\?\\", "\\\\.\\")):
        return "UNC 路径"
    if path.startswith("\\\\?\\UNC\\"):
        return "UNC 路径"
    drive = p.drive
    if drive and len(drive) == 2 and drive[1] == ":":
        if drive_type is None:
            if sys.platform != "win32":
                return None
            import ctypes

            drive_type = ctypes.windll.kernel32.GetDriveTypeW(drive + "\\")
        kind = drive_type(drive) if callable(drive_type) else drive_type
        if kind == DRIVE_REMOTE:
            return f"网络驱动器 {drive.upper()}"
    return None


def share_kind(path: str, *, platform: str | None = None, mounts_text: str | None = None,
               drive_type=None) -> str | None:
    """A short description of how `path` is on a network share, or None for a local disk."""
    platform = platform or sys.platform
    if platform == "win32":
        return windows_share(path, drive_type)
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    found = linux_mount_type(path, mounts_text)
    if found and is_network_fstype(found[1]):
        return f"{found[1]} 挂载于 {found[0]}"
    return None


def network_share_warning(url: str) -> str | None:
    """The clerk's warning for a database URL whose SQLite file is on a network share."""
    try:
        u = make_url(url)
    except Exception:  # noqa: BLE001 - not a URL we can judge
        return None
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    path = u.database
    if sys.platform != "win32":
        path = os.path.realpath(path)
    how = share_kind(str(PurePath(path)) if sys.platform == "win32" else path)
    return WARNING.format(path=u.database, how=how) if how else None
