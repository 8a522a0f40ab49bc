"""Headless Chromium through Playwright for Python, driving the machine's own Chromium (Debian's `chromium`; no
browser download): the dashboard as a browser shows it once the app has finished rendering, full-page screenshots
at any width, a page's layout checks, and the report printed to PDF.

A Streamlit page fills in over a websocket after the page has loaded, and it scrolls inside its main section, not
the document: a plain full-page screenshot stops at the window's height. So a capture first lets the app render at
the width asked for, then grows the window to the height the content has at that width, waits for the app to
settle again, and measures again until the height holds, before it takes the picture.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
# The app is idle, shows `marker`, and every chart on show (not in a hidden tab) has drawn.
READY = """(marker) => {
    const running = document.querySelector('[data-testid="stStatusWidget"]');
    const stale = document.querySelector('[data-stale="true"]');
    const shown = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].filter(c => c.offsetParent);
    const drawn = shown.every(c => c.querySelector('svg, canvas'));
    return !running && !stale && document.body.innerText.includes(marker) && drawn;
}"""
# The height of everything on the page: the app's main section scrolls on its own.
CONTENT_HEIGHT = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const app = document.querySelector('[data-testid="stAppViewContainer"]');
    return Math.ceil(Math.max(document.documentElement.scrollHeight, main ? main.scrollHeight : 0,
                              app ? app.scrollHeight : 0));
}"""
# Every h2 (a section) with its top, for crops.
SECTIONS = """() => [...document.querySelectorAll('h2')].filter(h => h.offsetParent).map(h => {
    const box = h.getBoundingClientRect();
    return {text: h.innerText.trim(), top: box.top};
})"""
# Elements that reach past the window's right edge, outside the results matrices (which scroll on their own).
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const offenders = [];
    for (const el of document.querySelectorAll('body *')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || box.right <= width + 1 || el.closest('.matrix-scroll')) continue;
        offenders.push({tag: el.tagName.toLowerCase(), testid: el.getAttribute('data-testid'),
                        right: Math.round(box.right), text: (el.innerText || '').trim().slice(0, 60)});
    }
    const main = document.querySelector('[data-testid="stMain"]');
    return {width: width, document: document.documentElement.scrollWidth,
            main: main ? main.scrollWidth : 0, offenders: offenders.slice(0, 20)};
}"""


class BrowserMissing(RuntimeError):
    """No Chromium on this machine; str() says what to install."""


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise BrowserMissing(
            "No Chromium here: install Debian's package (apt-get install chromium); Playwright drives it, it "
            "downloads no browser of its own."
        )
    return found


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """The machine's Chromium, headless, through Playwright."""
    path = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def wait_until_rendered(page: Page, marker: str, timeout: float) -> None:
    """Poll until the app is idle with `marker` shown and its charts drawn, three times in a row half a second
    apart (a rerun can start right after the first run)."""
    deadline = time.monotonic() + timeout
    settled = 0
    while settled < 3:
        if time.monotonic() > deadline:
            text = page.evaluate("document.body.innerText.slice(0, 500)")
            raise TimeoutError(f"the app did not finish rendering {marker!r} in {timeout:.0f} s: {text!r}")
        settled = settled + 1 if page.evaluate(READY, marker) else 0
        page.wait_for_timeout(500)


def open_dashboard(browser: Browser, url: str, width: int, marker: str, timeout: float, height: int = 900) -> Page:
    page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
    page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
    wait_until_rendered(page, marker, timeout)
    return page


def fit_to_content(page: Page, marker: str, timeout: float) -> int:
    """Grow the window to the content's height at the current width until it holds; returns the height."""
    width = page.viewport_size["width"] if page.viewport_size else 1400
    height = 0
    for _ in range(6):
        measured = int(page.evaluate(CONTENT_HEIGHT))
        if measured == height:
            break
        height = measured
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(700)  # elements re-measure (and charts redraw) on a resize
        wait_until_rendered(page, marker, timeout)
    return height


def capture(page: Page, path: Path, marker: str, timeout: float, sections: bool = False) -> list[Path]:
    """The whole page as one PNG at the page's width, then (sections=True) one PNG per h2 section."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height = fit_to_content(page, marker, timeout)
    page.screenshot(path=str(path), full_page=True)
    paths = [path]
    if sections:
        width = page.viewport_size["width"] if page.viewport_size else 1400
        heads = page.evaluate(SECTIONS)
        for index, head in enumerate(heads):
            top = max(0, int(head["top"]) - 16)
            bottom = int(heads[index + 1]["top"]) - 16 if index + 1 < len(heads) else height
            slug = "".join(c if c.isalnum() else "-" for c in head["text"].lower()).strip("-")
            slug = "-".join(part for part in slug.split("-") if part)
            crop = path.with_name(f"{path.stem}-{index + 1:02d}-{slug}.png")
            page.screenshot(path=str(crop), clip={"x": 0, "y": top, "width": width, "height": max(50, bottom - top)})
            paths.append(crop)
    return paths


def horizontal_overflow(page: Page) -> dict:
    """The page's width and what reaches past it outside the results matrices (an empty `offenders` is clean)."""
    return page.evaluate(OVERFLOW)


def print_pdf(html_file: Path, pdf_file: Path, paper: str = "A4") -> None:
    """Print an HTML file to PDF as Chromium prints it (the page's print styles; backgrounds kept), offline."""
    with chromium() as browser:
        page = browser.new_page()
        page.goto(html_file.resolve().as_uri(), wait_until="load")
        page.emulate_media(media="print")
        page.pdf(
            path=str(pdf_file),
            format=paper,
            print_background=True,
            prefer_css_page_size=False,
            margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=(
                '<div style="font-size:8px;width:100%;text-align:center;color:#777">'
                '<span class="title"></span> · <span class="pageNumber"></span> / <span class="totalPages"></span>'
                "</div>"
            ),
        )
        page.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def dashboard_server(project: Path, warehouse: Path, log: Path, timeout: float = 120) -> Iterator[str]:
    """`make dashboard`'s server (from the project folder, so .streamlit/config.toml applies) on a free local port,
    reading `warehouse`; yields its address once it answers, stops it after."""
    port = free_port()
    env = dict(os.environ, ALMS_DUCKDB_PATH=str(warehouse))
    streamlit = Path(sys.executable).parent / "streamlit"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                str(streamlit),
                "run",
                str(project / "dashboard" / "app.py"),
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                        if answer.read() == b"ok":
                            break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"the dashboard server did not start:\n{log.read_text()}") from None
                    time.sleep(0.5)
            yield f"http://127.0.0.1:{port}/"
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
