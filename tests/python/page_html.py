"""The season page's HTML as a reader sees it, for the dashboard's and the report's tests: every table (by its
`data-table` name) with its rows and cells, each cell's text and attributes, the headings and the page's text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

BLOCKS = {
    "p",
    "li",
    "ul",
    "ol",
    "div",
    "td",
    "th",
    "tr",
    "table",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "section",
    "details",
    "summary",
    "nav",
    "figure",
    "small",
}


@dataclass
class Cell:
    tag: str
    attrs: dict[str, str]
    text: str = ""

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


@dataclass
class Row:
    attrs: dict[str, str]
    cells: list[Cell] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [cell.text for cell in self.cells]

    def column(self, name: str) -> Cell:
        return next(cell for cell in self.cells if cell.attrs.get("data-column") == name)


@dataclass
class Table:
    attrs: dict[str, str]
    rows: list[Row] = field(default_factory=list)  # header row(s) first

    @property
    def name(self) -> str:
        return self.attrs.get("data-table", "")

    @property
    def header(self) -> list[str]:
        return self.rows[0].texts

    @property
    def body(self) -> list[Row]:
        return [row for row in self.rows if not all(cell.tag == "th" for cell in row.cells)]

    def records(self) -> list[dict[str, str]]:
        """Body rows as {header text: cell text} (tables without spanning cells)."""
        return [dict(zip(self.header, row.texts, strict=True)) for row in self.body]

    def result_cells(self) -> dict[tuple[str, int], dict[str, str]]:
        """A results matrix's cells that show a result: (row name, round) -> the cell's attributes."""
        return {
            (row.attrs["data-name"], int(cell.attrs["data-round"])): cell.attrs
            for row in self.body
            for cell in row.cells
            if "data-result" in cell.attrs
        }


class Page(HTMLParser):
    def __init__(self, text: str = "") -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.headings: list[tuple[str, dict[str, str], str]] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.chunks: list[str] = []
        self._row: Row | None = None
        self._cell: Cell | None = None
        self._cell_text: list[str] = []
        self._heading: tuple[str, dict[str, str]] | None = None
        self._heading_text: list[str] = []
        self._skip = 0  # inside <style>
        if text:
            self.feed(text)
            self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        if tag in BLOCKS:
            self.chunks.append(" ")
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self.tables.append(Table(values))
        elif tag == "tr" and self.tables:
            self._row = Row(values)
        elif tag in ("td", "th") and self._row is not None:
            self._cell, self._cell_text = Cell(tag, values), []
        elif tag in ("h1", "h2", "h3", "h4", "h5"):
            self._heading, self._heading_text = (tag, values), []
        elif tag in ("br", "p", "li", "div", "span", "small", "sup", "b") and self._cell is not None:
            self._cell_text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.chunks.append(" ")
        if tag in ("style", "script"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._cell.text = " ".join("".join(self._cell_text).split())
            self._row.cells.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].rows.append(self._row)
            self._row = None
        elif tag in ("h1", "h2", "h3", "h4", "h5") and self._heading is not None:
            self.headings.append((self._heading[0], self._heading[1], " ".join("".join(self._heading_text).split())))
            self._heading = None
        elif tag in ("span", "small", "sup", "b") and self._cell is not None:
            self._cell_text.append(" ")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.chunks.append(data)
        if self._cell is not None:
            self._cell_text.append(data)
        if self._heading is not None:
            self._heading_text.append(data)

    @property
    def text(self) -> str:
        """The page's words as a reader sees them: blocks apart, inline elements run on."""
        return " ".join("".join(self.chunks).split())

    def table(self, name: str) -> Table:
        found = [table for table in self.tables if table.name == name]
        assert len(found) == 1, f"{len(found)} tables named {name!r}; there are {[t.name for t in self.tables]}"
        return found[0]

    def names(self, pattern: str) -> list[str]:
        return [table.name for table in self.tables if re.fullmatch(pattern, table.name)]
