"""The CLI end to end, as a person runs it (through the same entry point)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import FIXTURES, ituc_files

PARAGUAY = FIXTURES / "paraguay-dncp"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bestvalue", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "w.duckdb"
    result = run("ingest", PARAGUAY, "--country", "PY", "--skip-bad", "--warehouse", path)
    assert result.returncode == 0, result.stderr
    assert "into 12 processes" in result.stdout
    assert "Compiling" in result.stderr and "Writing the warehouse" in result.stderr
    assert "Rejected 3 document(s)" in result.stdout
    return path


def test_ingest_speaks_spanish(tmp_path):
    from bestvalue.cli.ingest import MESSAGES

    assert all(set(entry) == {"en", "es"} for entry in MESSAGES.values())
    path = tmp_path / "w.duckdb"
    args = ("ingest", PARAGUAY, "--skip-bad", "--lang", "es", "--warehouse", path)
    result = run(*args)
    assert result.returncode == 0, result.stderr
    assert "Se cargaron 86 archivo(s)" in result.stdout and "en 12 procesos" in result.stdout
    assert "Se rechazaron 3 documento(s)" in result.stdout
    assert "Compilando" in result.stderr and "Escribiendo el almacén" in result.stderr
    again = run(*args)
    assert "Se omitieron 86 archivo(s) ya cargados" in again.stdout


def test_ingest_names_a_path_that_does_not_exist_beside_one_that_does(tmp_path):
    """The process reads the files ahead before the command parses its arguments
    (``bestvalue.ocds.prefetch``): a bad path is still the ingest's to name, and nothing loads."""
    missing = tmp_path / "nowhere"
    result = run("ingest", PARAGUAY, missing, "--warehouse", tmp_path / "w.duckdb")
    assert result.returncode == 1
    assert f"{missing}: no such file or directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_ingest_refuses_a_country_code_that_names_none(tmp_path):
    result = run("ingest", PARAGUAY, "--country", "XX", "--warehouse", tmp_path / "w.duckdb")
    assert result.returncode == 2 and "'XX' is not an ISO 3166 country code" in result.stderr
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_ingest_tells_of_records_whose_releases_are_not_loaded(tmp_path, lang):
    records = [p for p in sorted((PARAGUAY / "sample/records").glob("*.json")) if p.stat().st_size]
    result = run("ingest", *records, "--lang", lang, "--warehouse", tmp_path / "w.duckdb")
    assert result.returncode == 0, result.stderr
    told = {
        "en": "2 record(s) only link to releases that are not loaded: their processes are missing",
        "es": "2 registro(s) solo enlazan entregas que no están cargadas: faltan sus procesos",
    }[lang]
    assert told in result.stdout
    listed = " ".join(result.stdout.split())  # (rich wraps long lines)
    assert "284437.json (at /records/0)" in listed or "284437.json (en /records/0)" in listed
    start = {
        "en": "the record only links to its releases (2, the first at",
        "es": "el registro solo enlaza sus entregas (2, la primera en",
    }[lang]
    assert start in listed


def test_classify_speaks_spanish(loaded, tmp_path):
    copy = tmp_path / "w.duckdb"
    shutil.copyfile(loaded, copy)
    result = run("classify", "--lang", "es", "--warehouse", copy)
    assert result.returncode == 0, result.stderr
    assert "Clasificadas 151 claves de ítem distintas (umbral 0,8)." in result.stdout
    assert "Código UNSPSC del publicador" in result.stdout and "638" in result.stdout
    again = run("classify", "--warehouse", copy)
    assert "Classified 151 distinct item keys (threshold 0.8)." in again.stdout
    assert "Publisher's UNSPSC code" in again.stdout


def test_every_phase_the_core_reports_is_said_in_spanish():
    import re

    from bestvalue.cli.common import PHASES_ES

    source = Path(__file__).parents[1] / "src" / "bestvalue"
    said = {
        name
        for module in ("categories/classify.py", "reports/assess.py")
        for name in re.findall(r'progress\.phase\("([^"]+)"', (source / module).read_text())
    }
    assert said and said == set(PHASES_ES)


def test_ingest_without_skip_bad_fails_and_names_the_file(tmp_path):
    path = tmp_path / "w.duckdb"
    result = run("ingest", PARAGUAY, "--warehouse", path)
    assert result.returncode == 1
    assert "283826.json" in result.stderr and "empty" in result.stderr
    assert "--skip-bad" in result.stderr
    assert "Traceback" not in result.stderr


def test_sql_json_is_a_list_of_objects(loaded):
    result = run(
        "sql",
        "SELECT ocid, award_count FROM processes ORDER BY ocid",
        "--format",
        "json",
        "--warehouse",
        loaded,
    )
    rows = json.loads(result.stdout)
    assert len(rows) == 12 and set(rows[0]) == {"ocid", "award_count"}


def test_sql_csv_and_bad_query(loaded):
    result = run("sql", "SELECT count(*) AS n FROM items", "--format", "csv", "--warehouse", loaded)
    assert list(csv.DictReader(io.StringIO(result.stdout))) == [{"n": "638"}]
    bad = run("sql", "SELECT nope FROM processes", "--warehouse", loaded)
    assert bad.returncode == 1 and "the query failed" in bad.stderr


def test_sql_reads_standard_input_and_refuses_an_empty_query(loaded):
    piped = subprocess.run(
        [sys.executable, "-m", "bestvalue", "sql", "-", "--format", "csv", "--warehouse", loaded],
        input="SELECT count(*) AS n\nFROM items\n",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert list(csv.DictReader(io.StringIO(piped.stdout))) == [{"n": "638"}], piped.stderr
    empty = run("sql", " ", "--warehouse", loaded)  # (a traceback before)
    assert empty.returncode == 2 and "the query is empty" in empty.stderr
    assert "Traceback" not in empty.stderr


def test_tables_lists_counts(loaded):
    rows = {
        r["table"]: r["rows"]
        for r in json.loads(run("tables", "--format", "json", "--warehouse", loaded).stdout)
    }
    assert rows["processes"] == 12 and rows["rejects"] == 3 and rows["sources"] == 86
    spanish = json.loads(
        run("tables", "--lang", "es", "--format", "json", "--warehouse", loaded).stdout
    )
    said = {r["table"]: r["description"] for r in spanish}
    assert said["awards"] == "Una fila por adjudicación." and said.keys() == rows.keys()


def test_every_table_is_described_in_spanish():
    from bestvalue.warehouse.schema import DOC_ES, TABLES, describe

    assert DOC_ES.keys() == {*TABLES, "compiled"}
    assert all(describe(name, "es") != describe(name, "en") for name in DOC_ES)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_export(loaded, tmp_path, fmt):
    out = tmp_path / f"awards.{fmt}"
    result = run("export", "awards", "--format", fmt, "--output", out, "--warehouse", loaded)
    assert result.returncode == 0, result.stderr
    if fmt == "csv":
        rows = list(csv.DictReader(out.open()))
    elif fmt == "parquet":
        rows = pq.read_table(out).to_pylist()
    else:
        sheet = openpyxl.load_workbook(out).active
        rows = list(sheet.iter_rows(values_only=True))[1:]
    assert len(rows) == 8


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_to_a_missing_folder_names_it_without_a_traceback(loaded, tmp_path, fmt):
    out = tmp_path / "no-such-folder" / f"awards.{fmt}"
    result = run("export", "awards", "--format", fmt, "--output", out, "--warehouse", loaded)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"Error: {out}: there is no folder {out.parent} to write it in" in result.stderr
    result = run(
        "export", "awards", "--format", fmt, "--output", out, "--warehouse", loaded, "--lang", "es"
    )
    assert f"no existe la carpeta {out.parent} donde escribirlo" in result.stderr
    assert not out.parent.exists()


def test_a_file_the_system_refuses_is_named_without_a_traceback(loaded, tmp_path):
    out = tmp_path / "no-such-folder" / "spend.csv"
    result = run("spend", "--format", "csv", "--output", out, "--warehouse", loaded)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"Error: {out}: the system refused this file: No such file or directory" in (
        result.stderr
    )


def test_output_without_format_is_written_in_the_format_its_name_says(loaded, tmp_path):
    book = tmp_path / "spend.xlsx"
    result = run("spend", "--output", book, "--warehouse", loaded)
    assert result.returncode == 0, result.stderr
    assert f"to {book}" in result.stdout
    sheets = openpyxl.load_workbook(book)
    assert sheets.sheetnames[0] == "spend" and sheets["spend"].max_row > 1
    ranked = tmp_path / "ranked.json"
    result = run("prioritise", "--country", "PY", "--output", ranked, "--warehouse", loaded)
    assert result.returncode == 0, result.stderr
    assert f"Wrote {ranked}" in result.stdout and json.loads(ranked.read_text())[0]["rank"] == 1
    for args in (["--output", tmp_path / "spend.txt"], ["--format", "table", "--output", book]):
        result = run("spend", *args, "--warehouse", loaded)
        assert result.returncode == 2 and "--output writes a file: give --format" in result.stderr


@pytest.mark.parametrize("command", [["tables"], ["classify"], ["spend"], ["sql", "SELECT 1"]])
def test_missing_warehouse_is_a_clear_error_and_none_is_made(tmp_path, command):
    """Only ingest (and assess given files) make a warehouse: classify and spend used to make
    an empty one and report on it ("Classified 0 distinct item keys")."""
    result = run(*command, "--warehouse", tmp_path / "none.duckdb")
    assert result.returncode == 1 and "no warehouse here yet" in result.stderr
    assert not list(tmp_path.iterdir())


def test_a_warehouse_another_process_writes_is_said_to_be_busy(loaded, tmp_path):
    import os

    import duckdb

    copy = tmp_path / "w.duckdb"
    shutil.copy(loaded, copy)
    with duckdb.connect(str(copy)):  # as an ingest holds it
        result = run("tables", "--warehouse", copy, "--lang", "es")
    assert result.returncode == 1
    assert f"otro programa está escribiendo en este almacén de datos (proceso {os.getpid()})" in (
        result.stderr
    )


def test_a_file_that_is_not_a_warehouse_is_named_whatever_its_name(tmp_path):
    """DuckDB opened a .json file as JSON ("Cannot launch in-memory database")."""
    (tmp_path / "w.json").write_text("{}")
    result = run("tables", "--warehouse", tmp_path / "w.json")
    assert result.returncode == 1
    assert "cannot open as a DuckDB warehouse" in result.stderr
    assert "not a valid DuckDB database file" in result.stderr


@pytest.mark.spark
def test_spark_engine_from_the_command_line(tmp_path):
    where = ["--engine", "spark", "--warehouse", tmp_path / "wh", "--spark-master", "local[2]"]
    loaded = run("ingest", FIXTURES / "mexico-jalisco", "--country", "MX", *where)
    assert loaded.returncode == 0, loaded.stderr
    assert "into 10 processes" in loaded.stdout
    result = run(
        "sql",
        "SELECT country, count(*) AS n FROM processes GROUP BY country",
        "--format",
        "json",
        *where,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"country": "MX", "n": 10}]


def test_every_subcommand_loads_on_demand_under_its_name():
    from bestvalue.cli import COMMANDS, cli

    for name in COMMANDS:
        assert cli.get_command(None, name).name == name  # type: ignore[arg-type]
    listing = run("--help").stdout
    assert all(name in listing for name in COMMANDS)
    ingest_only = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, bestvalue.cli.ingest; print('pandas' in sys.modules "
            "and 'bestvalue.categories' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ingest_only.stdout.strip() == "False"


def test_usage_errors_are_said_in_the_language_asked():
    """Click's own errors and the subcommands' refusals of their arguments, in Spanish; the
    language is read before click parses, so a parsing error is said in it too."""
    said = {
        (
            "ingest",
            "x",
            "--countr",
            "PY",
        ): "No existe la opción '--countr'. ¿Quiso decir '--country'?",
        (
            "tables",
            "--format",
            "yaml",
        ): "Valor no válido para '--format': 'yaml' no es una de estas",
        ("classify", "--threshold", "2"): "2.0 no está en el rango 0<=x<=1.",
        ("profile", "banana"): "Valor no válido para CATEGORY: 'banana' no es un código UNSPSC",
        ("spend", "--by", "colour"): "colour: elija entre category, buyer",
        ("evaluate-bids",): "indique el ARCHIVO de ofertas, o --template FORMATO para empezar uno",
        ("ingest", "/no/such/folder"): "/no/such/folder: no existe el archivo o la carpeta",
        ("export",): "Falta el argumento 'TABLE'.",
        ("economics", "--draws", "x"): "'x' no es un número entero válido.",
    }
    for args, expected in said.items():
        result = run(*args, "--lang", "es")
        assert result.returncode in (1, 2) and expected in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    usage = run("profile", "banana", "--lang=es").stderr
    assert (
        usage.startswith("Uso: bestvalue profile") and "Pruebe 'bestvalue profile --help'" in usage
    )
    english = run("profile", "banana").stderr
    assert "Invalid value for CATEGORY: 'banana' is not a UNSPSC code" in english
    assert english.startswith("Usage: bestvalue profile")


def test_every_help_text_has_its_spanish():
    """Each command's and option's help is in cli.help_es, and nothing there is stale."""
    import inspect

    import click

    from bestvalue.cli import cli
    from bestvalue.cli.help_es import HELP_ES

    ctx = click.Context(cli)
    found = {"Show this message and exit."}

    def walk(command: click.Command) -> None:
        found.add(inspect.cleandoc(command.help or ""))
        found.update(p.help for p in command.params if getattr(p, "help", None))
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name))

    walk(cli)
    assert found - {""} == set(HELP_ES)
    assert all(spanish and spanish != english for english, spanish in HELP_ES.items())


def test_help_in_spanish():
    top = run("--lang", "es", "--help").stdout
    assert top.startswith("Uso: bestvalue [OPTIONS] COMMAND") and "Comandos:" in top
    assert "Carga archivos OCDS" in top and "Muestra este mensaje y termina." in top
    ingest = run("ingest", "--help", "--lang", "es").stdout
    assert "Opciones:" in ingest and "País de los datos (ISO 3166-1 alfa-2)." in ingest
    assert "[por defecto: (duckdb)]" in ingest and "Options:" not in ingest
    group = run("--lang", "es", "indicators", "import", "--help").stdout
    assert "Importa FILE (CSV: country, value[, year]) con sus metadatos." in group
    assert "[obligatorio]" in group
    english = run("ingest", "--help").stdout
    assert "Options:" in english and "Country of the data" in english
    # --lang before the command is the command's language too.
    said = run("--lang", "es", "profile", "banana").stderr
    assert "no es un código UNSPSC" in said


def test_what_was_written_is_said_in_the_language_asked(loaded, tmp_path):
    out = tmp_path / "awards.csv"
    said = run("export", "awards", "--format", "csv", "--output", out, "--warehouse", loaded)
    assert f"Wrote {len(list(csv.DictReader(out.open())))} rows of awards to " in said.stdout
    again = run("--lang", "es", "export", "awards", "--format", "csv", "--output", out, "-h")
    assert "Exporta TABLE" in again.stdout
    spanish = run("export", "awards", "--format", "csv", "--output", out, "--lang", "es",
                  "--warehouse", loaded).stdout  # fmt: skip
    assert "filas de awards en " in spanish and spanish.startswith("Se escribieron ")


def test_a_table_for_a_person_takes_the_languages_decimal_mark(capsys):
    from bestvalue.cli.common import render

    table = pa.table({"threshold": [0.8], "items": [1234], "name": ["a.b"]})
    render(table, "table", lang="es")
    shown = capsys.readouterr().out
    assert "0,8" in shown and "1234" in shown and "a.b" in shown and "0.8" not in shown
    render(table, "table")
    assert "0.8" in capsys.readouterr().out
    render(table, "csv", lang="es")  # data keeps Python's marks whatever the language
    assert capsys.readouterr().out.splitlines()[1] == "0.8,1234,a.b"
    flags = pa.table({"rows": [3], "imported": [True], "table": ["items"]})
    render(flags, "table", lang="es", headings=True)
    shown = capsys.readouterr().out
    assert all(word in shown for word in ("filas", "importado", "tabla", "sí", "items"))
    render(flags, "table", lang="es")  # a user's query: its own column names
    assert "imported" in capsys.readouterr().out
    render(flags, "csv", lang="es", headings=True)
    assert capsys.readouterr().out.splitlines() == ["rows,imported,table", "3,True,items"]


def test_indicators_import_says_what_it_added_in_the_language_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("BESTVALUE_INDICATORS_DIR", str(tmp_path / "registry"))
    data, meta = ituc_files(tmp_path, "Paraguay,4,2024\nCOL,5,2024\nFRA,2,2024\n")
    es = run("indicators", "import", data, "--meta", meta, "--lang", "es")
    assert es.returncode == 0, es.stderr
    assert "Se importó ituc.rating (Índice Global de los Derechos de la CSI): 3 países" in es.stdout
    assert "(2 en las Américas)" in es.stdout
    en = run("indicators", "import", data, "--meta", meta)
    assert "Imported ituc.rating (ITUC Global Rights Index): 3 countries (2 in the" in en.stdout
    listed = json.loads(run("indicators", "list", "--format", "json", "--lang", "es").stdout)
    ituc = next(row for row in listed if row["id"] == "ituc.rating")
    assert ituc["imported"] and ituc["edition"] == "2024 (transcrito del informe publicado)"
    assert ituc["licence"] == "ITUC terms"  # given in English only: shown as given


def test_sources_lists_every_shipped_table_with_its_licence_in_the_language_asked():
    from bestvalue import refdata

    es = run("sources", "--lang", "es")
    assert es.returncode == 0, es.stderr
    assert "licencia" in es.stdout and "* curado por bestvalue" in es.stdout
    assert "Reglamento (CE) n.º 213/2008" in es.stdout
    rows = json.loads(run("sources", "--format", "json").stdout)
    assert [r["id"] for r in rows] == [f"{r.package}/{r.name}" for r in refdata.catalogue()]
    cpv = next(r for r in rows if r["id"] == "classifications/cpv")
    assert cpv["licence"] == "The CPV is EU law (Regulation (EC) No 213/2008) and free to reuse"
    assert sum(r["assumption"] for r in rows) == sum(
        bool(r.meta.get("assumption")) for r in refdata.catalogue()
    )


@pytest.mark.parametrize(
    "raised",
    [KeyboardInterrupt(), RuntimeError("Query interrupted")],
    ids=["in Python", "in a DuckDB query"],
)
def test_ctrl_c_is_said_plainly_in_the_language_asked(monkeypatch, capsys, tmp_path, raised):
    """Ctrl-C while DuckDB runs a query came out as a traceback ending in 'RuntimeError: Query
    interrupted', and between queries as click's 'Aborted.'."""
    from bestvalue.cli import ingest as ingest_command
    from bestvalue.cli import main

    def interrupted(*args, **kwargs):
        raise raised  # (click turns a KeyboardInterrupt into its Abort)

    monkeypatch.setattr(ingest_command, "ingest", interrupted)
    with pytest.raises(SystemExit) as exit:
        main(["ingest", str(PARAGUAY), "--warehouse", str(tmp_path / "w.duckdb"), "--lang", "es"])
    assert exit.value.code == 130
    err = capsys.readouterr().err
    assert "Interrumpido: no se confirmó nada; el almacén de datos está como estaba." in err


def test_another_runtime_error_is_not_taken_for_ctrl_c(monkeypatch, tmp_path):
    from bestvalue.cli import ingest as ingest_command
    from bestvalue.cli import main

    def broken(*args, **kwargs):
        raise RuntimeError("something else")

    monkeypatch.setattr(ingest_command, "ingest", broken)
    with pytest.raises(RuntimeError, match="something else"):
        main(["ingest", str(PARAGUAY), "--warehouse", str(tmp_path / "w.duckdb")])


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_streamed_result_is_what_the_whole_one_was(loaded, capsys, fmt):
    """``sql`` writes CSV and JSON a batch at a time (3 million items as CSV took 5.4 GB held
    whole): here in batches of 7 rows, the text is the same as of the whole table, and an empty
    result too."""
    from bestvalue import open_warehouse
    from bestvalue.cli.common import render, stream

    texts = []
    with open_warehouse(loaded, read_only=True) as warehouse:
        for query in ("SELECT * FROM items ORDER BY ALL", "SELECT ocid FROM awards WHERE false"):
            render(warehouse.sql(query), fmt)
            whole = capsys.readouterr().out
            stream(warehouse.sql_batches(query, 7), fmt)
            assert capsys.readouterr().out == whole
            texts.append(whole)
    items, empty = texts
    if fmt == "csv":
        assert len(list(csv.reader(io.StringIO(items)))) == 1 + 638 and empty == "ocid\r\n"
    else:
        assert len(json.loads(items)) == 638 and empty == "[]\n"


def test_sql_writes_every_kind_of_value_as_data(loaded):
    query = (
        "SELECT 1.5 AS decimal, INTERVAL '1 month 2 days 3.5 seconds' AS interval, "
        "'ab'::BLOB AS blob, TIME '10:00' AS time, DATE '2020-01-02' AS date"
    )
    result = run("sql", query, "--format", "json", "--warehouse", loaded)  # (a traceback before)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {
            "decimal": 1.5,
            "interval": "P1M2DT3.5S",
            "blob": "6162",
            "time": "10:00:00",
            "date": "2020-01-02",
        }
    ]
    failing = "SELECT CAST(x AS INTEGER) AS n FROM (VALUES ('1'), ('a')) t(x)"
    result = run("sql", failing, "--format", "csv", "--warehouse", loaded)
    assert result.returncode == 1 and "the query failed: Conversion Error" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_long_result_shown_as_a_table_is_cut_and_says_so(loaded, monkeypatch, capsys):
    """A person's table of a query shows its first rows (SELECT * FROM items of a large
    warehouse built a table of millions of rows); CSV has them all."""
    from bestvalue.cli import main
    from bestvalue.cli import sql as sql_command

    monkeypatch.setattr(sql_command, "SHOWN_ROWS", 25)
    main(["sql", "SELECT ocid FROM items ORDER BY ALL", "--warehouse", str(loaded), "--lang", "es"])
    out, err = capsys.readouterr()
    assert out.count("ocds-") == 25
    assert "Se muestran las primeras 25 filas: --format csv o json las da todas." in err
    main(["sql", "SELECT ocid FROM items LIMIT 25", "--warehouse", str(loaded)])
    out, err = capsys.readouterr()
    assert out.count("ocds-") == 25 and "first" not in err


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_progress_bar_keeps_each_phase_on_one_line_in_80_columns(duck, lang):
    """The speed's "MB/s" used to wrap to a line of its own under the bar of the files read."""
    from rich.console import Console
    from rich.progress import Progress as Bar

    import bestvalue
    from bestvalue.cli.ingest import RichProgress, columns

    bar = Bar(*columns(lang), console=Console(file=io.StringIO()), auto_refresh=False)
    progress = RichProgress(bar, lang)
    bestvalue.ingest([PARAGUAY], duck, skip_bad=True, progress=progress)
    progress.done()
    shown = io.StringIO()
    Console(file=shown, width=80, color_system=None).print(bar.make_tasks_table(bar.tasks))
    lines = shown.getvalue().splitlines()
    assert len(lines) == len(bar.tasks) == 3, lines  # reading, compiling, writing
    assert "/s" in lines[0] and lines[0].split()[-1].count(":") == 2, lines[0]  # speed, time
    assert all(len(line) <= 80 for line in lines)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "70 of them were loaded without a country: --country PY does not change their "
            "processes (a file's content is loaded once; add --retag to give them country PY).",
        ),
        (
            "es",
            "70 de ellos se cargaron sin país: --country PY no cambia sus procesos (el contenido "
            "de un archivo se carga una sola vez; agregue --retag para darles el país PY).",
        ),
    ],
)
def test_files_loaded_before_without_a_country_are_said_to_keep_it(tmp_path, lang, said):
    """Loading again with --country adds nothing: the analyst is told, not left to find the
    country's processes missing later."""
    folder = tmp_path / "paraguay"
    shutil.copytree(PARAGUAY / "sample" / "releases", folder)
    path = tmp_path / "w.duckdb"
    assert run("ingest", folder, "--warehouse", path).returncode == 0
    again = run("ingest", folder, "--country", "py", "--lang", lang, "--warehouse", path)
    assert again.returncode == 0, again.stderr
    assert said in " ".join(again.stdout.split()), again.stdout
    nothing = {"en": "Nothing new was loaded into", "es": "No se cargó nada nuevo en"}[lang]
    assert again.stdout.startswith(nothing) and "0 bytes/s" not in again.stdout, again.stdout
    query = "SELECT DISTINCT country FROM processes"
    countries = run("sql", query, "--format", "json", "--warehouse", path)
    assert json.loads(countries.stdout) == [{"country": None}]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "{n} of them were loaded before, {a} without a country and {b} with country CO: "
            "--country PY does not change their processes",
        ),
        (
            "es",
            "{n} de ellos se cargaron antes, {a} sin país y {b} con el país CO: --country PY "
            "no cambia sus procesos",
        ),
    ],
)
def test_files_loaded_before_some_without_a_country_some_with_another_are_counted(
    tmp_path, lang, said
):
    """Some of the files given were loaded without a country, others with another: each group
    is counted, as ``bestvalue assess`` counts them when it finds no spend."""
    files = sorted((PARAGUAY / "sample" / "releases").glob("*.json"))
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, chosen in ((first, files[:30]), (second, files[30:])):
        folder.mkdir()
        for path in chosen:
            shutil.copy(path, folder)
    path = tmp_path / "w.duckdb"
    assert run("ingest", first, "--warehouse", path).returncode == 0
    assert run("ingest", second, "--country", "co", "--warehouse", path).returncode == 0
    again = run("ingest", first, second, "--country", "py", "--lang", lang, "--warehouse", path)
    assert again.returncode == 0, again.stderr
    a, b = len(files[:30]), len(files[30:])
    assert a == 30 and b > 0
    expected = said.format(n=a + b, a=a, b=b)
    assert expected in " ".join(again.stdout.split()), again.stdout
    where = ("--lang", lang, "--warehouse", path)
    refused = run("ingest", first, "--retag", *where)
    assert refused.returncode == 2 and "--retag" in refused.stderr and "--country" in refused.stderr
    retag = run("ingest", first, second, "--country", "PY", "--retag", *where)
    assert retag.returncode == 0, retag.stderr
    query = "SELECT country, count(*) AS n FROM processes GROUP BY ALL"
    counted = json.loads(run("sql", query, "--format", "json", "--warehouse", path).stdout)
    assert [r["country"] for r in counted] == ["PY"], counted
    gave = {
        "en": "Gave country PY to {n} file(s) loaded before, {a} without a country and {b} with "
        "country CO: {p} process(es) changed country.",
        "es": "Se dio el país PY a {n} archivo(s) cargados antes, {a} sin país y {b} con el país "
        "CO: {p} proceso(s) cambiaron de país.",
    }[lang].format(n=a + b, a=a, b=b, p=counted[0]["n"])
    assert gave in " ".join(retag.stdout.split()), retag.stdout


def test_commands_that_load_nothing_do_not_import_the_ingest():
    """``sql``, ``tables`` and ``export`` start 0.1 s sooner without the ingest's machinery (its
    scanner, Arrow compute, the SQL compile), which importing ``Progress`` from it loaded."""
    check = (
        "import sys, bestvalue.cli.sql, bestvalue.cli.tables, bestvalue.cli.export; "
        "print(sorted(m for m in ('bestvalue.warehouse.ingest', 'pyarrow.compute') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
    from bestvalue import Progress
    from bestvalue.warehouse import ingest, progress

    assert Progress is progress.Progress is ingest.Progress  # the old import still works
