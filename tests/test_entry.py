"""The ``bestvalue`` process (``bestvalue.__main__``): it ends without the interpreter's
teardown, so each test runs it in a process of its own and checks what a person would lose if
that went wrong: output, the exit status, ``atexit`` work, a thread's work."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

# Output buffered as a pipe buffers it (this machine sets PYTHONUNBUFFERED, a person's may not).
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def _python(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=120, env=BUFFERED
    )


def bestvalue(*args: str) -> subprocess.CompletedProcess:
    return _python("-m", "bestvalue", *args)


def python(code: str) -> subprocess.CompletedProcess:
    return _python("-c", textwrap.dedent(code))


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).close()
    return path


def test_all_the_output_is_written_before_the_process_ends(warehouse):
    """200,000 rows of CSV through a pipe: the last of them are still in Python's buffer when
    the command returns, and must be flushed before the process ends."""
    query = "SELECT range AS n FROM range(200000)"
    result = bestvalue("sql", query, "--format", "csv", "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "n" and lines[-1] == "199999" and len(lines) == 200_001


@pytest.mark.parametrize(
    ("args", "status", "said"),
    [
        (["sql", "SELECT nope"], 1, "the query failed"),
        (["no-such-command"], 2, "No such command"),
        (["--version"], 0, "bestvalue, version"),
    ],
)
def test_the_exit_status_is_the_commands(warehouse, args, status, said):
    where = ["--warehouse", str(warehouse)] if args[0] == "sql" else []
    result = bestvalue(*args, *where)
    assert result.returncode == status
    assert said in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_atexit_work_and_other_threads_finish_first():
    result = python(
        """
        import atexit, threading, time
        from bestvalue.__main__ import run
        atexit.register(lambda: print("atexit ran", flush=False))
        from concurrent.futures import ThreadPoolExecutor
        threading.Thread(target=lambda: (time.sleep(2), print("thread done"))).start()
        ThreadPoolExecutor(2).submit(print, "pool done")  # never shut down: told to stop at exit
        time.sleep(0.1)
        run(["--version"])
        """
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert sorted(lines[:-1]) == ["bestvalue, version 0.1.0", "pool done", "thread done"]
    assert lines[-1] == "atexit ran"


def test_a_program_that_imports_the_cli_keeps_its_own_settings():
    """What the process does around the command is the command's own: importing
    ``bestvalue.cli`` (a test, a notebook) leaves the collector and the environment alone."""
    result = python(
        """
        import gc, os
        from bestvalue.cli import main
        assert gc.isenabled() and gc.get_freeze_count() == 0
        assert "OPENBLAS_NUM_THREADS" not in os.environ
        """
    )
    assert result.returncode == 0, result.stderr


def test_an_unexpected_error_still_shows_its_traceback():
    """Only the command's own ends skip the teardown: a bug still ends as Python ends it."""
    result = python(
        """
        from bestvalue import __main__ as entry
        def broken(argv=None):
            raise ZeroDivisionError("a bug")
        import bestvalue.cli
        bestvalue.cli.main = broken
        entry.run([])
        """
    )
    assert result.returncode == 1
    assert "ZeroDivisionError: a bug" in result.stderr
