"""Screenshots of the season dashboard as a browser shows it, through Playwright driving the machine's Chromium
(alms_tools.browser: it waits for the app to finish rendering and captures the whole page at the width asked for).

    make screenshots            # the README's pictures, into docs/images/ (the dashboard started on a free port)
    .venv/bin/python dashboard/screenshot.py --out /tmp/screens --widths 1400 800 390 --sections
    .venv/bin/python dashboard/screenshot.py --url 'http://127.0.0.1:8501/?season=2002&class=GT' --out /tmp/screens

Without --url it starts the dashboard itself on the warehouse (ALMS_DUCKDB_PATH, default warehouse/alms.duckdb).
--docs writes the small pictures docs/images/ keeps (the season page at 1400 and at 390 px, cropped and reduced to
a palette of colours); without it every capture is written whole.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from alms_tools import browser
from alms_tools.warehouse import WarehouseUnreadable, connect_read_only, warehouse_path
from PIL import Image

PROJECT_DIR = Path(__file__).resolve().parent.parent
MARKER = "Who won, and how"
# docs/images: (file, address, width): each the season page from its title to the first results matrix's key.
DOCS_PICTURES = [
    ("season-2002.png", "?season=2002&class=LMP675", 1400),
    ("season-2002-phone.png", "?season=2002&class=LMP675", 390),
]
# The page's title to the colour key under the first results matrix on show, in the full-page capture's pixels.
SEASON_PAGE = """() => {
    const title = document.querySelector('h1').getBoundingClientRect();
    const key = [...document.querySelectorAll('.key')].find(k => k.offsetParent).getBoundingClientRect();
    return [Math.max(0, Math.floor(title.top) - 24), Math.ceil(key.bottom) + 16];
}"""


@contextlib.contextmanager
def dashboard(url: str | None, warehouse: Path) -> Iterator[str]:
    if url:
        yield url
        return
    with (
        tempfile.TemporaryDirectory(prefix="alms-screens-") as folder,
        browser.dashboard_server(PROJECT_DIR, warehouse, Path(folder) / "streamlit.log") as address,
    ):
        yield address


def reduced(path: Path, top: int, bottom: int) -> None:
    """Keep the rows from `top` to `bottom` and store the picture with a palette: tens of KB, text still sharp."""
    image = Image.open(path).convert("RGB")
    image = image.crop((0, top, image.width, min(image.height, bottom)))
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running dashboard's address (default: start one on the warehouse)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    parser.add_argument("--docs", action="store_true", help="write the README's pictures (docs/images)")
    parser.add_argument("--widths", type=int, nargs="+", default=[1400, 800, 390])
    parser.add_argument("--query", default="?season=2002", help="the address's query, e.g. ?season=2002&class=GT")
    parser.add_argument("--name", default="dashboard", help="file name prefix")
    parser.add_argument("--sections", action="store_true", help="also one PNG per section")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for the app to render")
    arguments = parser.parse_args()
    warehouse = warehouse_path(PROJECT_DIR)
    if not arguments.url:
        try:
            connect_read_only(warehouse).close()
        except WarehouseUnreadable as problem:
            sys.exit(str(problem))
    try:
        with dashboard(arguments.url, warehouse) as address, browser.chromium() as chromium:
            base = address.split("?")[0].rstrip("/") + "/"
            if arguments.docs:
                for file, query, width in DOCS_PICTURES:
                    page = browser.open_dashboard(chromium, base + query, width, MARKER, arguments.timeout)
                    path = arguments.out / file
                    browser.capture(page, path, MARKER, arguments.timeout)
                    top, bottom = page.evaluate(SEASON_PAGE)
                    page.close()
                    reduced(path, top, bottom)
                    print(f"{path} ({path.stat().st_size // 1024} KiB)")
                return
            for width in arguments.widths:
                page = browser.open_dashboard(
                    chromium, base + arguments.query.lstrip("/"), width, MARKER, arguments.timeout
                )
                paths = browser.capture(
                    page, arguments.out / f"{arguments.name}-{width}.png", MARKER, arguments.timeout, arguments.sections
                )
                page.close()
                for path in paths:
                    print(path)
    except browser.BrowserMissing as problem:
        sys.exit(str(problem))


if __name__ == "__main__":
    main()
