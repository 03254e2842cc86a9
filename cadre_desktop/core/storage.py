"""The disk and the database file refusing work — full, read-only, a folder where a file belongs,
no permission — as messages a clerk can act on, for the one place each front end shows errors."""

from __future__ import annotations

import errno
import sqlite3

_OS_MESSAGES = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EFBIG: "文件超过了系统允许的大小（磁盘已满或有大小限制）",
    errno.EROFS: "磁盘是只读的",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.ENOENT: "找不到文件或文件夹",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EIO: "磁盘读写出错",
}
_SQLITE_MESSAGES = (
    ("database or disk is full", "磁盘空间已满，数据库无法写入；本次操作没有保存，请腾出空间后重试。"),
    ("readonly database", "数据库文件是只读的（只读磁盘或没有写权限），无法写入；请把数据库放到可写的位置。"),
    ("disk i/o error", "读写数据库时磁盘出错（磁盘已满、已拔出或损坏）；本次操作没有保存。"),
    ("unable to open database file", "无法打开数据库文件（所在文件夹不存在、只读或没有权限）。"),
    ("file is not a database", "数据库文件已损坏或不是数据库。"),
    ("database disk image is malformed", "数据库文件已损坏；请用“从备份恢复”恢复最近的备份。"),
)


def describe(exc: BaseException) -> str | None:
    """A Chinese message for a storage failure, or None when `exc` is not one."""
    orig = getattr(exc, "orig", None)  # SQLAlchemy wraps the driver's error
    if isinstance(orig, BaseException):
        exc = orig
    if isinstance(exc, sqlite3.Error):
        text = str(exc).lower()
        for needle, message in _SQLITE_MESSAGES:
            if needle in text:
                return message
        return None
    if isinstance(exc, OSError) and exc.errno in _OS_MESSAGES:
        where = exc.filename2 if exc.errno == errno.EISDIR and exc.filename2 else exc.filename
        place = f"：{where}" if where else ""
        return f"{_OS_MESSAGES[exc.errno]}{place}。本次操作没有完成，未写入半截文件。"
    return None
