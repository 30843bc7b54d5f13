"""The one compiled part: the structure-key scanner (``bestvalue.ocds._shapekey``).

Everything else is declared in ``pyproject.toml``. The extension is optional: without a C
compiler the package installs and works, and the ingest asks DuckDB for every document's
structure instead (slower; see ``bestvalue.ocds.shapes``).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "bestvalue.ocds._shapekey",
            ["src/bestvalue/ocds/_shapekey.c"],
            optional=True,
        )
    ]
)
