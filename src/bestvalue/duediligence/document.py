"""One small document model for what due diligence hands to people (tender packages, gap reports,
the model policy), rendered as Markdown, a self-contained HTML page or a Word document.

Why a model rather than three templates: the three outputs must say exactly the same thing, and
procurers paste from Word while policy teams review Markdown in version control.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from html import escape

__all__ = ["FORMATS", "Document", "render_document"]

FORMATS = ("md", "html", "docx")


@dataclass
class Document:
    """Blocks in reading order: ``("h", level, text)``, ``("p", text)``, ``("field", label,
    value)``, ``("li", text)``, ``("ol", text)``, ``("table", headers, rows)``."""

    title: str
    lang: str
    blocks: list[tuple] = field(default_factory=list)  # type: ignore[type-arg]

    def h(self, level: int, text: str) -> None:
        self.blocks.append(("h", level, text))

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def field(self, label: str, value: str) -> None:
        self.blocks.append(("field", label, value))

    def li(self, text: str, numbered: bool = False) -> None:
        self.blocks.append(("ol" if numbered else "li", text))

    def table(
        self, headers: list[str], rows: list[list[str]], widths: list[float] | None = None
    ) -> None:
        """``widths``: relative column widths for the Word document (equal by default)."""
        self.blocks.append(("table", headers, rows, widths or [1.0] * len(headers)))


def render_document(doc: Document, fmt: str) -> str | bytes:
    """Markdown or HTML as text, DOCX as bytes."""
    if fmt == "md":
        return _markdown(doc)
    if fmt == "html":
        return _html(doc)
    if fmt == "docx":
        return _docx(doc)
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


def _cell(value: object) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def _markdown(doc: Document) -> str:
    out: list[str] = [f"# {doc.title}", ""]
    number = 0
    for block in doc.blocks:
        number = number + 1 if block[0] == "ol" else 0
        if block[0] not in ("li", "ol") and out[-1] != "":
            out.append("")  # the end of a list
        out += _md_block(block, number)
    return "\n".join(out).rstrip("\n") + "\n"


def _md_block(block: tuple, number: int) -> list[str]:  # type: ignore[type-arg]
    kind = block[0]
    if kind == "h":
        return [f"{'#' * (block[1] + 1)} {block[2]}", ""]
    if kind == "p":
        return [block[1], ""]
    if kind == "field":
        return [f"**{block[1]}:** {block[2]}", ""]
    if kind == "li":
        return [f"- {block[1]}"]
    if kind == "ol":
        return [f"{number}. {block[1]}"]
    lines = ["| " + " | ".join(map(_cell, block[1])) + " |", "|" + "---|" * len(block[1])]
    return lines + ["| " + " | ".join(map(_cell, row)) + " |" for row in block[2]] + [""]


CSS = (
    "body{font-family:DejaVu Sans,Arial,sans-serif;max-width:52rem;margin:2rem auto;"
    "padding:0 1rem;line-height:1.45;color:#1a1a1a}"
    "table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #767676;"
    "padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#e8eef4}"
)


def _html(doc: Document) -> str:
    body: list[str] = [f"<h1>{escape(doc.title)}</h1>"]
    open_list: str | None = None
    for block in doc.blocks:
        kind = "ol" if block[0] == "ol" else "ul" if block[0] == "li" else None
        if open_list and kind != open_list:
            body.append(f"</{open_list}>")
            open_list = None
        if kind and not open_list:
            body.append(f"<{kind}>")
            open_list = kind
        body.append(_html_block(block))
    if open_list:
        body.append(f"</{open_list}>")
    return (
        f'<!DOCTYPE html>\n<html lang="{doc.lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(doc.title)}</title><style>{CSS}</style></head><body><main>\n"
        + "\n".join(body)
        + "\n</main></body></html>\n"
    )


def _html_block(block: tuple) -> str:  # type: ignore[type-arg]
    kind = block[0]
    if kind == "h":
        level = min(block[1] + 1, 6)
        return f"<h{level}>{escape(block[2])}</h{level}>"
    if kind == "p":
        return f"<p>{escape(block[1])}</p>"
    if kind == "field":
        return f"<p><strong>{escape(block[1])}:</strong> {escape(block[2])}</p>"
    if kind in ("li", "ol"):
        return f"<li>{escape(block[1])}</li>"
    head = "".join(f'<th scope="col">{escape(_cell(h))}</th>' for h in block[1])
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in row) + "</tr>" for row in block[2]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _docx(doc: Document) -> bytes:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    word = docx.Document()
    word.core_properties.title = doc.title
    word.core_properties.language = doc.lang
    normal = word.styles["Normal"]
    normal.font.size = Pt(10.5)
    # The document's language, so Word checks Spanish spelling in a Spanish package.
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), {"en": "en-GB", "es": "es-419"}.get(doc.lang, doc.lang))
    word.add_heading(doc.title, level=0)
    for block in doc.blocks:
        _docx_block(word, block)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _docx_block(word, block: tuple) -> None:  # type: ignore[no-untyped-def,type-arg]
    kind = block[0]
    if kind == "h":
        word.add_heading(block[2], level=min(block[1], 9))
    elif kind == "p":
        word.add_paragraph(block[1])
    elif kind == "field":
        para = word.add_paragraph()
        para.add_run(f"{block[1]}: ").bold = True
        para.add_run(block[2])
    elif kind in ("li", "ol"):
        word.add_paragraph(block[1], style="List Number" if kind == "ol" else "List Bullet")
    else:
        _docx_table(word, block[1], block[2], block[3])


def _docx_table(word, headers: list[str], rows: list[list[str]], widths: list[float]) -> None:  # type: ignore[no-untyped-def]
    from docx.shared import Cm

    table = word.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    sizes = [Cm(16 * w / sum(widths)) for w in widths]
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = _cell(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = _cell(text)
    for column, size in zip(table.columns, sizes, strict=True):  # LibreOffice reads the grid
        column.width = size
    for row in table.rows:  # Word reads the width of each cell
        for cell, size in zip(row.cells, sizes, strict=True):
            cell.width = size
    word.add_paragraph()
