"""Writing files so that a crash or a kill never leaves a partial one.

Labels, interview answers, caches and reports are replaced atomically: the new
content goes to a temporary file in the same folder, is flushed to disk, then
renamed over the target with :func:`os.replace` (atomic on POSIX and Windows);
the folder is fsynced so the rename itself survives a power cut. Readers see the
old or the new content, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; when the block succeeds, move it over ``path``.

    Whatever the block writes to the temporary path is fsynced and renamed into place;
    if the block raises, the temporary file is removed and ``path`` is untouched.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.files import atomic_path
    >>> folder = tempfile.TemporaryDirectory()
    >>> target = Path(folder.name) / "labels.json"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text('{"cluster 4": "sso login loop"}')
    >>> target.read_text()
    '{"cluster 4": "sso login loop"}'
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text('{"clus')
    ...     raise OSError("disk full")
    Traceback (most recent call last):
    ...
    OSError: disk full
    >>> target.read_text(), sorted(p.name for p in Path(folder.name).iterdir())
    ('{"cluster 4": "sso login loop"}', ['labels.json'])
    >>> folder.cleanup()
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    os.chmod(tmp, _mode_for(path))  # mkstemp makes 0600 files; keep the mode a plain write would give
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if hasattr(os, "O_DIRECTORY"):  # folder fsync: POSIX only
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _mode_for(path: Path) -> int:
    """The existing file's permissions, or what ``open(path, "w")`` would create under the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, ``\\n`` line ends) atomically; missing folders are created.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.files import atomic_write_text
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = Path(folder.name) / "reports" / "summary.txt"
    >>> atomic_write_text(path, "CSAT 0.82\\nNPS 31\\n")
    >>> path.read_bytes()
    b'CSAT 0.82\\nNPS 31\\n'
    >>> folder.cleanup()
    """
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
