"""One writer per store: an exclusive `flock` on DIR/crmkg.lock that names the process holding it.

The kernel drops the lock when the holder exits, however it exits (SIGKILL included), so a stale file never
blocks the next writer; the PID and command inside are only there to tell a second writer who is in the way.
Readers (read-only openings) never take the lock."""
from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path

from kg.errors import StoreError

LOCK_NAME = "crmkg.lock"


def _command() -> str:
    argv = [Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python", *sys.argv[1:]]
    command = " ".join(argv)
    return command if len(command) <= 200 else command[:197] + "..."


def read_holder(folder: str | Path) -> tuple[int | None, str]:
    """(PID, command) written in the lock file of `folder`; (None, '') when unreadable or empty."""
    try:
        pid, _, command = Path(folder, LOCK_NAME).read_text(encoding="utf-8").partition("\n")
        return int(pid), command.strip()
    except (OSError, ValueError):
        return None, ""


class WriterLock:
    """Hold the writer lock of the store in `folder` until `release()` or until the process ends.

    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> lock = WriterLock(folder)
    >>> read_holder(folder)[0] == os.getpid()
    True
    >>> try:
    ...     WriterLock(folder)
    ... except StoreError as exc:
    ...     "is locked by PID" in exc.message
    True
    >>> lock.release()
    """

    def __init__(self, folder: str | Path) -> None:
        self._fd: int | None = None
        self.folder = str(folder)
        self.path = Path(folder, LOCK_NAME)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise self._locked_error() from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n{_command()}\n".encode("utf-8"), 0)
        self._fd = fd

    def _locked_error(self) -> StoreError:
        # The holder writes its PID just after taking the lock: give it a moment if the file is still empty.
        for _ in range(20):
            pid, command = read_holder(self.folder)
            if pid is not None:
                break
            time.sleep(0.05)
        holder = f"PID {pid} ({command})" if pid is not None else "another process"
        return StoreError(f"the store at {self.folder} is locked by {holder}; only one writer at a time: wait for it "
                          "to finish or use another --store (reading, e.g. `crmkg ask`, works meanwhile)",
                          path=self.folder, pid=pid)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.release()
