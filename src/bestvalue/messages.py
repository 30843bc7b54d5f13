"""What the core says when it refuses input or cannot do its work, in English and Spanish.

The core writes every such message in English, from this catalogue (:func:`message`): English is
what the ``rejects`` table stores and the API returns, so that a reason stays the same text for
any reader and any later ingest. Each edge (the CLI's ``--lang``, the web app's language, the
assessment report) says it again in the reader's language with :func:`say`, which recognises a
catalogue sentence in the English text, and so also reads the reasons a warehouse stored before.
What comes from another program inside a message (a JSON parser's or DuckDB's own words, a
value as found in the file) is kept as it is. Portuguese and French are prepared: a language
without its sentence falls back to English.
"""

from __future__ import annotations

import re
from functools import lru_cache
from string import Formatter
from typing import Any

__all__ = ["CATALOGUE", "LANGUAGES", "message", "say", "say_location"]

LANGUAGES = ("en", "es", "pt", "fr")

CATALOGUE: dict[str, dict[str, str]] = {
    # Where in a file (errors.Location): joined by ", ".
    "line": {"en": "line {line}", "es": "línea {line}"},
    "byte": {"en": "byte {offset}", "es": "byte {offset}"},
    "at": {"en": "at {pointer}", "es": "en {pointer}"},
    # Reading files (ocds.sources, ocds.reader).
    "no_such_path": {"en": "no such file or directory", "es": "no existe el archivo o la carpeta"},
    "no_ocds_files": {
        "en": "no OCDS files here ({suffixes})",
        "es": "aquí no hay archivos OCDS ({suffixes})",
    },
    "bad_zip": {
        "en": "not a readable zip archive ({detail})",
        "es": "no es un archivo zip legible ({detail})",
    },
    "damaged_compressed": {
        "en": "the compressed data is damaged or truncated ({detail})",
        "es": "los datos comprimidos están dañados o truncados ({detail})",
    },
    "empty_file": {
        "en": "the file is empty: no OCDS data in it",
        "es": "el archivo está vacío: no contiene datos OCDS",
    },
    "not_utf8": {
        "en": "text is not valid UTF-8 ({detail})",
        "es": "el texto no es UTF-8 válido ({detail})",
    },
    "invalid_json": {"en": "invalid JSON: {detail}", "es": "JSON no válido: {detail}"},
    "json_cut": {
        "en": "the JSON ends before it is complete (a truncated or cut file?)",
        "es": "el JSON termina antes de estar completo (¿un archivo truncado o cortado?)",
    },
    "json_incomplete": {"en": "incomplete JSON", "es": "JSON incompleto"},
    "not_json_container": {
        "en": "expected a JSON object or array, got {value}",
        "es": "se esperaba un objeto o un arreglo JSON; se encontró {value}",
    },
    "not_ocds_document": {
        "en": "expected an OCDS release or record, got {kind}",
        "es": "se esperaba una entrega o un registro OCDS; se encontró {kind}",
    },
    "kind_array": {"en": "an array", "es": "un arreglo"},
    "kind_string": {"en": "a string", "es": "una cadena de texto"},
    "kind_null": {"en": "null", "es": "null"},
    "kind_boolean": {"en": "a boolean", "es": "un booleano"},
    "kind_number": {"en": "a number", "es": "un número"},
    "not_ocds": {
        "en": "not OCDS: no ocid, releases or records (keys: {keys})",
        "es": "no es OCDS: no tiene ocid, releases ni records (claves: {keys})",
    },
    "no_keys": {"en": "none", "es": "ninguna"},
    "release_needs_ocid": {
        "en": "a release in a release package must have an ocid",
        "es": "una entrega de un paquete de entregas debe tener un ocid",
    },
    "record_needs_ocid": {
        "en": "a record must have an ocid",
        "es": "un registro debe tener un ocid",
    },
    # Checking releases (ocds.validate).
    "ocid_not_string": {
        "en": "ocid must be a non-empty string, got {value}",
        "es": "el ocid debe ser una cadena de texto no vacía; se encontró {value}",
    },
    "id_not_string": {
        "en": "release id must be a string, got {value}",
        "es": "el id de la entrega debe ser una cadena de texto; se encontró {value}",
    },
    "no_date": {
        "en": "a release needs a date to be ordered when compiling",
        "es": "una entrega necesita una fecha para ordenarla al compilar",
    },
    "not_amount": {
        "en": "expected an object with amount and currency, got {value}",
        "es": "se esperaba un objeto con amount y currency; se encontró {value}",
    },
    "not_number": {
        "en": "expected a number, got {value}",
        "es": "se esperaba un número; se encontró {value}",
    },
    "not_object": {
        "en": "expected an object, got {value}",
        "es": "se esperaba un objeto; se encontró {value}",
    },
    "not_array": {
        "en": "expected an array, got {value}",
        "es": "se esperaba un arreglo; se encontró {value}",
    },
    # Ingesting (warehouse.ingest, warehouse.compiling, ocds.merge).
    "use_skip_bad": {
        "en": "{reason} (use --skip-bad to load the rest)",
        "es": "{reason} (use --skip-bad para cargar el resto)",
    },
    "duplicate_release": {
        "en": "duplicate release id {release_id} for {ocid}, with different content from the "
        "release at {first}",
        "es": "id de entrega {release_id} repetido en {ocid}, con un contenido distinto del de "
        "la entrega en {first}",
    },
    "cannot_compile": {
        "en": "cannot compile {ocid}: {detail}",
        "es": "no se puede compilar {ocid}: {detail}",
    },
    "merge_conflict": {
        "en": "{path} was {before}, then {then}",
        "es": "{path} era {before} y luego {then}",
    },
    "out_of_memory": {
        "en": "{location}: DuckDB ran out of memory, so nothing was loaded ({detail}); raise "
        "BESTVALUE_DUCKDB_MEMORY_LIMIT (now {limit}) and ingest again",
        "es": "{location}: DuckDB se quedó sin memoria, así que no se cargó nada ({detail}); "
        "aumente BESTVALUE_DUCKDB_MEMORY_LIMIT (ahora {limit}) y vuelva a cargar los datos",
    },
    "unexpected_error": {"en": "unexpected error: {detail}", "es": "error inesperado: {detail}"},
    # The warehouse (warehouse.duckdb_engine, warehouse.spark_engine, warehouse).
    "no_warehouse": {
        "en": "{location}: no warehouse here yet; load data with `bestvalue ingest`",
        "es": "{location}: aquí aún no hay un almacén de datos; cargue datos con "
        "`bestvalue ingest`",
    },
    "cannot_open": {
        "en": "{location}: cannot open as a DuckDB warehouse ({detail})",
        "es": "{location}: no se puede abrir como almacén de datos DuckDB ({detail})",
    },
    "other_version": {
        "en": "{location}: table {name} was made by another version of bestvalue; ingest the "
        "data again into a new warehouse file",
        "es": "{location}: la tabla {name} la creó otra versión de bestvalue; vuelva a cargar "
        "los datos en un archivo de almacén nuevo",
    },
    "no_table": {
        "en": "no table {name}; tables: {tables}",
        "es": "no existe la tabla {name}; tablas: {tables}",
    },
    "query_failed": {"en": "the query failed: {detail}", "es": "la consulta falló: {detail}"},
    "commit_failed": {
        "en": "{location}: the ingest could not be committed, so nothing was loaded ({detail}); "
        "if memory ran short, raise BESTVALUE_DUCKDB_MEMORY_LIMIT",
        "es": "{location}: la carga no pudo confirmarse, así que no se cargó nada ({detail}); "
        "si faltó memoria, aumente BESTVALUE_DUCKDB_MEMORY_LIMIT",
    },
    "replace_failed": {
        "en": "{location}: could not replace {tables}: {detail}",
        "es": "{location}: no se pudo reemplazar {tables}: {detail}",
    },
    "unknown_engine": {
        "en": "unknown engine {engine}; choose one of {engines}",
        "es": "motor desconocido {engine}; elija uno de {engines}",
    },
    "spark_missing": {
        "en": "the spark engine needs PySpark: pip install 'bestvalue[spark]'",
        "es": "el motor spark necesita PySpark: pip install 'bestvalue[spark]'",
    },
    "spark_needs_directory": {
        "en": "{location}: the spark engine needs a directory",
        "es": "{location}: el motor spark necesita una carpeta",
    },
}

# Values that are themselves sentences (said again in the reader's language); every other value
# (a file name, an id, a value as found) is kept as written.
NESTED = frozenset({"reason", "detail", "kind", "keys"})
# An error about one file (errors.InputError): its name, where in it, and the sentence.
_WHERE = re.compile(
    r"(?:line \d+|byte \d+)(?:, (?:line \d+|byte \d+))*(?:, at /.*)?|at /.*", re.DOTALL
)


def message(key: str, **values: Any) -> str:
    """The English sentence ``key`` of the catalogue, with its values (each as ``str``)."""
    return CATALOGUE[key]["en"].format(**values)


def say(text: Any, lang: str = "en") -> str:
    """``text`` in ``lang`` when it is a catalogue sentence (or ``file: [where: ]sentence``),
    with its sentence values said too; any other text as it is."""
    text = "" if text is None else str(text)
    if lang == "en" or not text:
        return text
    found = _match(text)
    if found is not None:
        key, values = found
        entry = CATALOGUE[key]
        template = entry.get(lang) or entry["en"]
        said = {k: say(v, lang) if k in NESTED else v for k, v in values.items()}
        return template.format(**said)
    return _say_input_error(text, lang)


def say_location(text: Any, lang: str = "en") -> str:
    """A place in a file (``line 3, byte 120, at /releases/0``) in ``lang``."""
    text = "" if text is None else str(text)
    if lang == "en" or not text or not _WHERE.fullmatch(text):
        return text
    return ", ".join(say(part, lang) for part in _parts(text))


def _parts(where: str) -> list[str]:
    """The parts of a place; a pointer (the last part) may itself hold ", "."""
    parts: list[str] = []
    rest = where
    while rest and not rest.startswith("at "):
        head, _, rest = rest.partition(", ")
        parts.append(head)
    return [*parts, rest] if rest else parts


def _say_input_error(text: str, lang: str) -> str:
    """``file: [where: ]sentence``: the first split after which a sentence follows."""
    start = 0
    while (cut := text.find(": ", start)) != -1:
        path, rest = text[:cut], text[cut + 2 :]
        where, sep, reason = rest.partition(": ")
        if sep and _WHERE.fullmatch(where) and _match(reason) is not None:
            return f"{path}: {say_location(where, lang)}: {say(reason, lang)}"
        if _match(rest) is not None:
            return f"{path}: {say(rest, lang)}"
        start = cut + 2
    return text


def _match(text: str) -> tuple[str, dict[str, str]] | None:
    for key, pattern in _patterns():
        found = pattern.fullmatch(text)
        if found:
            return key, found.groupdict()
    return None


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """A pattern per English sentence; those with fewer open values first (most specific)."""
    compiled = []
    for key, entry in CATALOGUE.items():
        parts = []
        for literal, field, _spec, _conv in Formatter().parse(entry["en"]):
            parts.append(re.escape(literal))
            if field:
                parts.append(f"(?P<{field}>.+?)" if field not in NESTED else f"(?P<{field}>.+)")
        compiled.append((key, re.compile("".join(parts), re.DOTALL)))
    return sorted(compiled, key=lambda kp: (kp[1].groups, -len(kp[1].pattern)))
