"""The one compiled part: the native scanner of JSON text (``bestvalue.ocds._scan``).

Everything else is declared in ``pyproject.toml``. The extension is optional: without a C
compiler the package installs and works, slower: documents are cut by numpy
(``bestvalue.ocds.split``) and DuckDB computes every document's structure
(``bestvalue.ocds.shapes``).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "bestvalue.ocds._scan",
            ["src/bestvalue/ocds/_scan.c"],
            optional=True,
        )
    ]
)
