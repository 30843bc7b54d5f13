"""What every warehouse engine offers; the core and the CLI use nothing else."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ..errors import WarehouseError
from ..messages import message
from .staging import Stage

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["FLAT", "UNTIL_LOADED", "Commit", "Warehouse"]

# How the rejects begin that stand only until their process's releases are loaded (a record
# that only linked to them): an ingest that compiles the process deletes them. Written out, not
# taken from the catalogue: warehouses keep these words (reasons are stored in English), so a
# new wording of either message adds its beginning here and keeps the old one
# (tests/test_ingest_real.py checks that the catalogue's words begin with one of these).
UNTIL_LOADED = (
    "the record only links to its releases (",
    "the record has no release of its own and no compiled release",
)


FLAT = "flat"  # the folder, in a commit's compiled_path, of the rows compiled flat


@dataclass
class Commit:
    """What one ingest adds: the compiled releases of the touched ocids, and its bookkeeping.

    The compiled releases come two ways (see ``bestvalue.warehouse.sqlcompile``): nested rows
    of ``schema.COMPILED`` (the Python merge's), from which the engine derives its tables
    (``transform.derive``), and the derived tables' rows themselves, flat (the SQL compile's),
    which it stores as they are. A process is in one or the other."""

    compiled_path: Path  # a folder of Parquet files (see compiled_files and flat_files)
    sources: pa.Table
    rejects: pa.Table
    ingest_id: str
    # Rows compiled flat and kept in memory, by table (see sqlcompile.compile_plain): only for
    # an engine whose ``takes_rows`` is true, beside or instead of ``flat_files``.
    flat_rows: dict[str, list[pa.Table]] = field(default_factory=dict)

    def compiled_files(self) -> list[Path]:
        """The Parquet files of the nested compiled rows: none when the Python merge compiled
        nothing."""
        return sorted(self.compiled_path.glob("*.parquet"))

    def flat_files(self, table: str) -> list[Path]:
        """The Parquet files of the derived table ``table``'s rows compiled flat: one per part
        of the SQL compile that compiled some, none when it compiled none."""
        return sorted((self.compiled_path / FLAT / table).glob("*.parquet"))

    def ocid_files(self) -> list[Path]:
        """Files whose ``ocid`` column lists every process compiled, once."""
        return self.compiled_files() + self.flat_files("processes")

    def compiled_rows(self) -> int:
        """How many processes were compiled."""
        import pyarrow.parquet as pq  # (here: an ingest into DuckDB does without it)

        return sum(pq.read_metadata(path).num_rows for path in self.ocid_files())


class Warehouse(abc.ABC):
    """A warehouse: the tables of ``schema.TABLES`` plus the stored raw documents."""

    engine: str
    location: Path
    takes_rows = False  # its commit takes Commit.flat_rows (Arrow tables in memory)

    @abc.abstractmethod
    def table(self, name: str) -> ir.Table:
        """An Ibis table, for the Python API and notebooks."""

    @abc.abstractmethod
    def table_names(self, internal: bool = False) -> list[str]:
        """The tables (``internal``: with the raw documents kept for compiles, where they are a
        table)."""

    def _known(self, name: str) -> None:
        """Refuse a table the warehouse does not have, naming those it has."""
        if name not in self.table_names(internal=True):
            tables = ", ".join(self.table_names())
            raise WarehouseError(message("no_table", name=repr(name), tables=tables))

    @abc.abstractmethod
    def batches(self, name: str, rows: int) -> pa.RecordBatchReader:
        """A table's rows in Arrow batches of up to ``rows``, read as they are written out (an
        export of millions of rows holds one batch, not the table)."""

    @abc.abstractmethod
    def row_count(self, name: str) -> int: ...

    @abc.abstractmethod
    def sql(self, query: str) -> pa.Table:
        """Run a read-only SQL query in the engine's own dialect."""

    def sql_batches(self, query: str, rows: int) -> pa.RecordBatchReader:
        """A query's result in Arrow batches of up to ``rows`` (an engine that can stream it
        does so: the whole result need not fit in memory)."""
        table = self.sql(query)
        return pa.RecordBatchReader.from_batches(table.schema, table.to_batches(rows))

    @abc.abstractmethod
    def known_hashes(self) -> set[str]:
        """Content hashes of files already loaded (a re-ingest adds nothing)."""

    @abc.abstractmethod
    def begin(self, scratch: Path) -> Stage:
        """Open an ingest: a staging area that sees the stored raw documents."""

    @abc.abstractmethod
    def commit(self, stage: Stage, commit: Commit) -> None:
        """Make the whole ingest visible at once, or nothing of it."""

    @abc.abstractmethod
    def rollback(self, stage: Stage) -> None: ...

    @abc.abstractmethod
    def replace(self, tables: dict[str, pa.Table | ir.Table]) -> None:
        """Replace whole tables at once (all or none): Arrow data, or Ibis expressions over the
        warehouse's current tables, e.g. ``items`` rebuilt with its categories."""

    @abc.abstractmethod
    def set_country(self, country: str | None, hashes: list[str] | None = None) -> int:
        """Give the files loaded with these content hashes (``None``: every file) ``country``:
        their ``sources`` rows, their stored documents and their processes (see
        :mod:`.retag`), all at once or not at all. Returns how many processes changed
        country."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
