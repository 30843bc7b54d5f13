"""Files cut into their documents as Arrow batches, ready for DuckDB to parse
(:mod:`bestvalue.warehouse.fastload`): a whole small file at once (:func:`cut_early`), or a
file's pieces (:func:`arrow_batches`).

Apart from the staging, which needs DuckDB: the thread that reads an ingest's files ahead cuts
the small ones (:mod:`bestvalue.ocds.prefetch`), and imports this module only when it does.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..arrays import from_numpy
from . import shapes, split
from .sources import Fingerprint, Source
from .split import Splitter, Unsupported

__all__ = ["CUT_ROWS", "CUT_SCHEMA", "Cut", "arrow_batches", "cut_early"]

CUT_ROWS = 2048  # documents per Arrow batch: the unit of DuckDB's parallel scan of them
CUT_SCHEMA = pa.schema(
    [
        ("doc", pa.string()),
        ("prefix", pa.string()),  # the document's pointer: the prefix and the number,
        ("number", pa.int64()),  # -1 for a pointer of "/" (see split.Piece.arrow)
        ("n", pa.int64()),
        ("f", pa.int32()),
        ("sh", pa.string()),  # the scanner's structure key, if it has one (ocds.shapes)
    ]
)


@dataclass
class Cut:
    """A small file cut before its turn, in the thread that reads the files ahead
    (:func:`cut_early`): its pieces, None when the cut refused it (the reader reads it)."""

    pieces: list[tuple[int, list[pa.RecordBatch]]] | None
    alone: bool = False

    @property
    def size(self) -> int:
        return sum(size for size, _ in self.pieces or [])


def cut_early(
    index: int, source: Source, fingerprint: Fingerprint, content: bytes | None = None
) -> Cut | None:
    """The cut of a file of one piece (up to ``split.CHUNK`` bytes), None for any other; from
    its ``content`` when the hash kept it (see Source.fingerprint_keeping), else read again.

    Why: the staging cut each file when its turn came, on the thread that then parses the
    batch, so a batch of small files was cut, then parsed, then the next cut, one core idle by
    turns (a large file is cut ahead, piece by piece, as it is staged). Here the thread that
    hashes the files ahead cuts the small ones too, while DuckDB parses the batch before."""
    if fingerprint.encoding != "utf-8" or not 0 < fingerprint.size <= split.CHUNK:
        return None
    try:
        with io.BytesIO(content) if content is not None else source.open() as stream:
            splitter = Splitter(stream)
            pieces = list(arrow_batches(splitter, index))
            splitter.package()
    except (Unsupported, pa.ArrowInvalid):
        return Cut(None)
    return Cut(pieces, splitter.alone)


def arrow_batches(splitter: Splitter, index: int) -> Iterator[tuple[int, list[pa.RecordBatch]]]:
    """The pieces of file number ``index`` as Arrow batches of ``CUT_ROWS`` documents, with
    their size."""
    n = 0
    for piece in splitter:
        docs, prefixes, numbers = piece.arrow()
        count = len(piece)
        batch = pa.table(
            {
                "doc": docs,
                "prefix": prefixes,
                "number": numbers,
                "n": from_numpy(np.arange(n, n + count), pa.int64()),
                "f": from_numpy(np.full(count, index), pa.int32()),
                "sh": shapes.keys(piece.text, piece.offsets),
            }
        )
        n += count
        yield len(piece.text), batch.to_batches(max_chunksize=CUT_ROWS)
