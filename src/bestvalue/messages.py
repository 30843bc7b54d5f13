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
from collections.abc import Iterator, Mapping
from functools import lru_cache
from string import Formatter
from typing import Any

__all__ = ["CATALOGUE", "LANGUAGES", "message", "pick", "say", "say_location"]

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
    "record_links_only": {
        "en": "the record only links to its releases ({count}, the first at {url}), and none "
        "is in this ingest or the warehouse: its process is missing until the release packages "
        "it links to are loaded",
        "es": "el registro solo enlaza sus entregas ({count}, la primera en {url}), y ninguna "
        "está en esta carga ni en el almacén: su proceso falta hasta que se carguen los paquetes "
        "de entregas que enlaza",
    },
    "record_without_data": {
        "en": "the record has no release of its own and no compiled release, and no release of "
        "its process is in this ingest or the warehouse: its process is missing",
        "es": "el registro no tiene entregas propias ni entrega compilada, y ninguna entrega de "
        "su proceso está en esta carga ni en el almacén: su proceso falta",
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
    "warehouse_busy": {
        "en": "{location}: another program is writing this warehouse (process {pid}); try again "
        "once it has finished",
        "es": "{location}: otro programa está escribiendo en este almacén de datos (proceso "
        "{pid}); vuelva a intentarlo cuando termine",
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
    "retag_failed": {
        "en": "{location}: could not change the country of the files loaded: {detail}; the "
        "warehouse is as it was",
        "es": "{location}: no se pudo cambiar el país de los archivos cargados: {detail}; el "
        "almacén de datos quedó como estaba",
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
    # A user's own files: settings, answers, rates, indicators, crosswalks, workbooks (userfiles,
    # refdata, money, risk, categories, duediligence, economics).
    "cannot_read_file": {
        "en": "cannot read the file: {detail}",
        "es": "no se puede leer el archivo: {detail}",
    },
    "not_valid_json_at": {
        "en": "not valid JSON: {detail} (column {column})",
        "es": "JSON no válido: {detail} (columna {column})",
    },
    "top_not_object": {
        "en": "expected an object at the top, found {value}",
        "es": "se esperaba un objeto en el nivel superior; se encontró {value}",
    },
    "not_valid_yaml": {"en": "not valid YAML: {detail}", "es": "YAML no válido: {detail}"},
    "cannot_read_workbook": {
        "en": "cannot read the workbook: {detail}",
        "es": "no se puede leer el libro de Excel: {detail}",
    },
    "needs_columns": {
        "en": "{what} needs the columns {columns}",
        "es": "{what} necesita las columnas {columns}",
    },
    "what_indicator_file": {"en": "an indicator file", "es": "un archivo de indicador"},
    "what_crosswalk": {"en": "a crosswalk", "es": "una tabla de correspondencias"},
    "what_rates_file": {"en": "a rates file", "es": "un archivo de tipos de cambio"},
    "rate_not_number": {"en": "not a number in {row}", "es": "no es un número en {row}"},
    "rate_row_incomplete": {
        "en": "need a 3-letter currency, a rate > 0 and a source: {row}",
        "es": "se necesita una moneda de 3 letras, un tipo de cambio > 0 y una fuente: {row}",
    },
    "metadata_fields": {
        "en": "metadata needs the fields {fields}",
        "es": "los metadatos necesitan los campos {fields}",
    },
    "value_not_number": {
        "en": "value {value} is not a number",
        "es": "el valor {value} no es un número",
    },
    "unknown_country": {"en": "unknown country {country}", "es": "país desconocido {country}"},
    "min_below_max": {"en": "min must be below max", "es": "min debe ser menor que max"},
    "not_country_code": {
        "en": "{country} is not an ISO 3166 country code",
        "es": "{country} no es un código de país ISO 3166",
    },
    "not_country_code_eg": {
        "en": "{country} is not an ISO 3166 country code (e.g. PY, CO, MX)",
        "es": "{country} no es un código de país ISO 3166 (p. ej., PY, CO, MX)",
    },
    "retag_needs_country": {
        "en": "--retag gives the files loaded before the country of --country: give it too",
        "es": "--retag da a los archivos cargados antes el país de --country: indíquelo también",
    },
    "no_spend": {
        "en": "no spend for country {country} in the warehouse",
        "es": "no hay gasto del país {country} en el almacén de datos",
    },
    "no_spend_load": {
        "en": "no spend for country {country} in the warehouse: load its data first",
        "es": "no hay gasto del país {country} en el almacén de datos: cargue antes sus datos",
    },
    "no_spend_loaded_without_country": {
        "en": "no spend for country {country} in the warehouse: {count} of the files given were "
        "loaded before without a country, and a file's content is loaded once: give them "
        "country {country} with bestvalue ingest --country {country} --retag",
        "es": "no hay gasto del país {country} en el almacén de datos: {count} de los archivos "
        "dados se cargaron antes sin país, y el contenido de un archivo se carga una sola vez: "
        "deles el país {country} con bestvalue ingest --country {country} --retag",
    },
    "no_spend_loaded_mixed": {
        "en": "no spend for country {country} in the warehouse: of the files given, {without} "
        "were loaded before without a country and {count} with country {other}, and a file's "
        "content is loaded once: give them country {country} with bestvalue ingest --country "
        "{country} --retag",
        "es": "no hay gasto del país {country} en el almacén de datos: de los archivos dados, "
        "{without} se cargaron antes sin país y {count} con el país {other}, y el contenido de un "
        "archivo se carga una sola vez: deles el país {country} con bestvalue ingest --country "
        "{country} --retag",
    },
    "no_spend_loaded_other_country": {
        "en": "no spend for country {country} in the warehouse: {count} of the files given were "
        "loaded before with country {other}, and a file's content is loaded once: give them "
        "country {country} with bestvalue ingest --country {country} --retag",
        "es": "no hay gasto del país {country} en el almacén de datos: {count} de los archivos "
        "dados se cargaron antes con el país {other}, y el contenido de un archivo se carga una "
        "sola vez: deles el país {country} con bestvalue ingest --country {country} --retag",
    },
    "cannot_read_weights": {
        "en": "cannot read the weights: {detail}",
        "es": "no se pueden leer las ponderaciones: {detail}",
    },
    "weights_bad": {
        "en": "{part}: unknown {unknown} or negative/non-numeric {bad}; known: {known}",
        "es": "{part}: desconocidas {unknown} o negativas/no numéricas {bad}; conocidas: {known}",
    },
    "weights_zero": {
        "en": "at least one criterion needs a weight above 0",
        "es": "al menos un criterio necesita una ponderación mayor que 0",
    },
    "no_valid_unspsc": {
        "en": "no valid UNSPSC code in {row}",
        "es": "no hay un código UNSPSC válido en {row}",
    },
    "no_basis": {"en": "no basis given in {row}", "es": "no se indica la base en {row}"},
    "answers_not_map": {
        "en": "'answers' must map question ids to answers",
        "es": "'answers' debe asociar los id de las preguntas con sus respuestas",
    },
    "unknown_question": {
        "en": "unknown question {question}; questions: {questions}",
        "es": "pregunta desconocida {question}; preguntas: {questions}",
    },
    "bad_level": {
        "en": "question {question}: level must be 0, 1, 2 or 3 (or empty), not {level}",
        "es": "pregunta {question}: el nivel debe ser 0, 1, 2 o 3 (o vacío), no {level}",
    },
    "bad_date": {
        "en": "date must be YYYY-MM-DD, not {date}",
        "es": "la fecha debe tener la forma AAAA-MM-DD, no {date}",
    },
    "not_gap_workbook": {
        "en": "not a gap analysis workbook: make one with `bestvalue gap template`",
        "es": "no es un libro de análisis de brechas: cree uno con `bestvalue gap template`",
    },
    "bad_level_cell": {
        "en": "cell E{row}: level must be 0, 1, 2 or 3, not {value}",
        "es": "celda E{row}: el nivel debe ser 0, 1, 2 o 3, no {value}",
    },
    "requirements_not_list": {
        "en": "expected a list of requirements under 'requirements'",
        "es": "se esperaba una lista de requisitos en 'requirements'",
    },
    "requirement_problem": {"en": "requirement {id}: {reason}", "es": "requisito {id}: {reason}"},
    "requirement_needs_id": {
        "en": "each requirement needs an id",
        "es": "cada requisito necesita un id",
    },
    "bad_stage": {
        "en": "stage must be one of {stages}, not {stage}",
        "es": "stage debe ser una de {stages}, no {stage}",
    },
    "bad_dimensions": {
        "en": "dimensions must be a list drawn from {known}",
        "es": "dimensions debe ser una lista tomada de {known}",
    },
    "needs_both_languages": {
        "en": "{field} needs its text in English and Spanish (en, es)",
        "es": "{field} necesita su texto en inglés y en español (en, es)",
    },
    "needs_idea_source": {
        "en": "source: say where the idea comes from",
        "es": "source: indique de dónde viene la idea",
    },
    "parameters_not_map": {
        "en": "'parameters' must map names to values or distributions",
        "es": "'parameters' debe asociar nombres con valores o distribuciones",
    },
    "unknown_parameter": {
        "en": "unknown parameter {name}; known: {known}",
        "es": "parámetro desconocido {name}; conocidos: {known}",
    },
    "parameter_not_number": {
        "en": "a parameter is a number or a distribution, not {value}",
        "es": "un parámetro es un número o una distribución, no {value}",
    },
    "parameters_missing": {
        "en": "parameters missing: {missing} (annual_value: the contract's yearly value; "
        "incident_probability: give one, or a category and country for its risk tier)",
        "es": "faltan parámetros: {missing} (annual_value: el valor anual del contrato; "
        "incident_probability: indique una, o una categoría y un país para su nivel de riesgo)",
    },
    "social_incomplete": {
        "en": "social value needs all of its parameters; missing: {missing}",
        "es": "el valor social necesita todos sus parámetros; faltan: {missing}",
    },
    "distribution_values": {
        "en": "{name}: {distribution} needs {expected} values, got {count}",
        "es": "{name}: {distribution} necesita {expected} valores; se recibieron {count}",
    },
    "low_mode_high": {
        "en": "{name}: needs low <= mode <= high",
        "es": "{name}: necesita low <= mode <= high",
    },
    "parameter_needs_source": {
        "en": "{name}: every parameter needs a source (or 'assumption: ...')",
        "es": "{name}: cada parámetro necesita una fuente (o 'assumption: ...')",
    },
    "needs_lcc": {
        "en": "a contract needs an 'lcc' block: acquisition, years, discount_rate, ...",
        "es": "un contrato necesita un bloque 'lcc': acquisition, years, discount_rate, ...",
    },
    "lcc_problem": {"en": "lcc: {detail}", "es": "lcc: {detail}"},
    "lcc_bounds": {
        "en": "years must be at least 1 and the discount rate above -100%",
        "es": "years debe ser al menos 1 y la tasa de descuento mayor que -100%",
    },
    "sheets_missing": {
        "en": "sheets missing: {sheets} (make one with "
        "`bestvalue evaluate-bids --template xlsx --output FILE`)",
        "es": "faltan hojas: {sheets} (cree un libro con "
        "`bestvalue evaluate-bids --template xlsx --output FILE`)",
    },
    "cell_not_number": {
        "en": "sheet {sheet}, cell {cell}: a number, not {value}",
        "es": "hoja {sheet}, celda {cell}: se esperaba un número, no {value}",
    },
    "no_score": {
        "en": "sheet bids, cell {cell}: no score for {criterion}",
        "es": "hoja bids, celda {cell}: falta la puntuación de {criterion}",
    },
    "bad_formula": {
        "en": "price_formula must be one of {formulas}",
        "es": "price_formula debe ser una de {formulas}",
    },
    "linear_bounds": {
        "en": "the linear formula needs price_bounds [lowest, highest]",
        "es": "la fórmula linear necesita price_bounds [mínimo, máximo]",
    },
    "weights_not_numbers": {
        "en": "price_weight and every criterion's weight must be numbers",
        "es": "price_weight y la ponderación de cada criterio deben ser números",
    },
    "weights_sum": {
        "en": "price_weight and criteria weights must add up to 1 (they add up to {total})",
        "es": "price_weight y las ponderaciones de los criterios deben sumar 1 (suman {total})",
    },
    "criterion_needs_id": {
        "en": "every criterion needs an id",
        "es": "cada criterio necesita un id",
    },
    "bid_price": {
        "en": "bid {bidder}: price must be above 0",
        "es": "oferta {bidder}: el precio debe ser mayor que 0",
    },
    "bid_scores": {
        "en": "bid {bidder}: scores needed for {criteria}",
        "es": "oferta {bidder}: se necesitan puntuaciones para {criteria}",
    },
    # The command line's own refusals of its arguments (cli; said by cli.usage).
    "not_unspsc": {"en": "{value} is not a UNSPSC code", "es": "{value} no es un código UNSPSC"},
    "svg_or_png": {
        "en": "the {what} must be a .svg or .png file",
        "es": "el {what} debe ser un archivo .svg o .png",
    },
    "what_chart": {"en": "chart", "es": "gráfico"},
    "what_diagram": {"en": "diagram", "es": "diagrama"},
    "binary_needs_output": {
        "en": "this format is a binary file: give --output FILE",
        "es": "este formato es un archivo binario: indique --output ARCHIVO",
    },
    "needs_output": {
        "en": "--format {format} needs --output FILE",
        "es": "--format {format} necesita --output ARCHIVO",
    },
    "category_needs_country": {
        "en": "a category needs --country (its risk tier depends on it)",
        "es": "una categoría necesita --country (su nivel de riesgo depende del país)",
    },
    "bids_file_needed": {
        "en": "give the bids FILE, or --template FORMAT to start one",
        "es": "indique el ARCHIVO de ofertas, o --template FORMATO para empezar uno",
    },
    "choose_from": {"en": "{value}: choose from {choices}", "es": "{value}: elija entre {choices}"},
    "cannot_write": {
        "en": "cannot write this file: {detail}",
        "es": "no se puede escribir este archivo: {detail}",
    },
    "output_needs_format": {
        "en": "--output writes a file: give --format {formats}, or a file name ending in one",
        "es": "--output escribe un archivo: indique --format {formats}, o un nombre de archivo "
        "que termine en uno de ellos",
    },
    "more_rows": {
        "en": "The first {shown} rows are shown: --format csv or json gives them all.",
        "es": "Se muestran las primeras {shown} filas: --format csv o json las da todas.",
    },
    "interrupted": {
        "en": "Interrupted: nothing was committed; the warehouse is as it was.",
        "es": "Interrumpido: no se confirmó nada; el almacén de datos está como estaba.",
    },
    "empty_query": {
        "en": "the query is empty: give a SQL statement, or - to read it from standard input",
        "es": "la consulta está vacía: indique una sentencia SQL, o - para leerla de la entrada "
        "estándar",
    },
    "no_folder": {
        "en": "there is no folder {folder} to write it in",
        "es": "no existe la carpeta {folder} donde escribirlo",
    },
    "file_refused": {
        "en": "the system refused this file: {detail}",
        "es": "el sistema rechazó este archivo: {detail}",
    },
    "unknown_format": {
        "en": "unknown format {value}; choose one of {choices}",
        "es": "formato desconocido {value}; elija uno de {choices}",
    },
    "too_many_rows": {
        "en": "{rows} rows do not fit in one Excel sheet ({most} at most); export as csv or "
        "parquet",
        "es": "{rows} filas no caben en una hoja de Excel ({most} como máximo); exporte como csv "
        "o parquet",
    },
}

# Values that are themselves sentences (said again in the reader's language); every other value
# (a file name, an id, a value as found) is kept as written.
NESTED = frozenset({"reason", "detail", "kind", "keys", "what"})
# An error about one file (errors.InputError): its name, where in it, and the sentence.
_WHERE = re.compile(
    r"(?:line \d+|byte \d+)(?:, (?:line \d+|byte \d+))*(?:, at /.*)?|at /.*", re.DOTALL
)


def pick(entry: Mapping[str, str], lang: str) -> str:
    """An entry's text in ``lang`` (``{"en": ..., "es": ...}``), or in English when it has none
    yet: the catalogues of the CLI's own labels use it too."""
    return entry.get(lang) or entry["en"]


def message(key: str, **values: Any) -> str:
    """The English sentence ``key`` of the catalogue, with its values (each as ``str``)."""
    return CATALOGUE[key]["en"].format(**values)


def say(text: Any, lang: str = "en") -> str:
    """``text`` in ``lang`` when it is a catalogue sentence, several joined by ``; ``, or
    ``file: [where: ]`` before them, with its sentence values said too; other text as it is.

    A place (``file: line 3: sentence``) is looked for first: it marks an error about a file
    surely, where a sentence that opens with a value (``name: ...``) could take the file's
    name for its own."""
    text = "" if text is None else str(text)
    if lang == "en" or not text:
        return text
    return _say(text, lang)


@lru_cache(maxsize=4096)  # a page or a summary repeats a few reasons many times
def _say(text: str, lang: str) -> str:
    for path, where, reason in _file_splits(text):
        if where and (said := _sentences(reason, lang)) is not None:
            return f"{path}: {say_location(where, lang)}: {said}"
    if (said := _sentences(text, lang)) is not None:
        return said
    for path, where, reason in _file_splits(text):
        if not where and (said := _sentences(reason, lang)) is not None:
            return f"{path}: {said}"
    return text


def _file_splits(text: str) -> Iterator[tuple[str, str, str]]:
    """Each way to read ``text`` as ``file: [where: ]reason``, the shortest file name first."""
    start = 0
    while (cut := text.find(": ", start)) != -1:
        path, rest = text[:cut], text[cut + 2 :]
        where, sep, reason = rest.partition(": ")
        if sep and _WHERE.fullmatch(where):
            yield path, where, reason
        yield path, "", rest
        start = cut + 2


def _sentences(text: str, lang: str) -> str | None:
    """``text`` in ``lang`` when it is one sentence or several joined by "; " (tried first: a
    sentence's last value would take the others in); None when it is not."""
    parts = text.split("; ")
    if len(parts) > 1:
        said = [_sentence(part, lang) for part in parts]
        if all(s is not None for s in said):
            return "; ".join(s for s in said if s is not None)
    return _sentence(text, lang)


def _sentence(text: str, lang: str) -> str | None:
    found = _match(text)
    if found is None:
        return None
    key, values = found
    said = {k: say(v, lang) if k in NESTED else v for k, v in values.items()}
    return pick(CATALOGUE[key], lang).format(**said)


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
        parts, seen = [], set()
        for literal, field, _spec, _conv in Formatter().parse(entry["en"]):
            parts.append(re.escape(literal))
            if field in seen:  # a value said twice is the same value
                parts.append(f"(?P={field})")
            elif field:
                parts.append(_value_pattern(field, first=parts == [""]))
                seen.add(field)
        compiled.append((key, re.compile("".join(parts), re.DOTALL)))
    return sorted(compiled, key=lambda kp: (kp[1].groups, -len(kp[1].pattern)))


def _value_pattern(field: str, first: bool) -> str:
    """A sentence value: all the rest for a nested sentence; a value that opens the sentence
    (a file, a parameter's name) holds no ": ", so that ``file: name: ...`` is not taken for a
    sentence about a name that holds the file's."""
    if field in NESTED:
        return f"(?P<{field}>.+)"
    return f"(?P<{field}>(?:(?!: ).)+?)" if first else f"(?P<{field}>.+?)"
