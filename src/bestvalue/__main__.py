"""The ``bestvalue`` command as a process: ``python -m bestvalue`` and the installed script.

Why a module of its own, apart from :mod:`bestvalue.cli`: what the process does around the
command (before its imports and after its work) must be set before ``bestvalue.cli`` is
imported, and must not touch programs that import ``bestvalue.cli`` to call ``main`` (tests,
notebooks). Each step below, measured on a 2-core machine:

- an ingest's files start being read (hashed, and the small ones cut into documents) in a thread
  of their own before the libraries are imported (:mod:`bestvalue.ocds.prefetch`);
- the garbage collector is off while the libraries are imported: it ran about 120 collections
  there, which freed some 600 objects of 46,000 (about 0.06 s of a 0.6 s import); those objects
  are then frozen out of later collections;
- OpenBLAS, which numpy loads, starts threads that spin for a while waiting for work (importing
  numpy took 0.24-0.30 s of CPU, with one thread 0.16-0.18 s): bestvalue does no linear algebra
  that needs them, so it gets one thread, unless ``OPENBLAS_NUM_THREADS`` says otherwise;
- at the end, once the command has closed its files and ``atexit`` has run, the process exits
  without freeing each module of pyarrow, DuckDB and numpy one by one, which took 0.15-0.2 s
  (a tenth of a small ingest, and of every short command).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
import threading
from typing import NoReturn


def run(argv: list[str] | None = None) -> NoReturn:
    """Run the command, then end the process with its exit status."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    gc.disable()
    try:
        from bestvalue.ocds import prefetch

        prefetch.start(sys.argv[1:] if argv is None else argv)
        from bestvalue.cli import main
    finally:
        gc.enable()
    gc.freeze()
    try:
        main(argv)
    except SystemExit as exc:
        _exit(_status(exc.code))
    _exit(0)


def _status(code: object) -> int:
    """The status ``sys.exit(code)`` would give, saying a message as it would."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _exit(status: int) -> NoReturn:
    """End now, as the interpreter ends before its teardown: other threads finished (as
    ``threading`` does it, so that idle pools are told to stop, not waited for), ``atexit``
    run, output flushed (a reader that closed the pipe early is not an error of ours)."""
    shutdown = getattr(threading, "_shutdown", None)
    if shutdown is None:  # (a Python without it: the usual end, teardown included)
        sys.exit(status)
    shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, ValueError):  # (ValueError: it was closed)
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    run()
