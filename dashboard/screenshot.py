"""Screenshots of the dashboard as a browser shows it once the app has finished rendering.

Chromium's `--screenshot` takes its picture when the page's own resources have loaded: a Streamlit page fills in
later, over a websocket, once the script's run ends. On a freshly started server the first run imports the app's
libraries and reads the warehouse, so the first captures were blank below the toolbar. This drives headless Chromium
over the DevTools protocol instead and waits until the app says it is idle (no "running" status widget), the
expected text is on the page and every chart has drawn, then captures the whole page and each section.

    .venv/bin/python dashboard/screenshot.py http://127.0.0.1:8501/?season=2002 --out /tmp/screens --name 2002
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import websockets

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--hide-scrollbars",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
]
# The app is idle, shows `marker`, and every chart on show (not in a hidden tab) has drawn.
READY = """(() => {
    const running = document.querySelector('[data-testid="stStatusWidget"]');
    const stale = document.querySelector('[data-stale="true"]');
    const shown = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].filter(c => c.offsetParent);
    const drawn = shown.every(c => c.querySelector('svg, canvas'));
    return !running && !stale && document.body.innerText.includes(MARKER) && drawn;
})()"""
SECTIONS = """(() => {
    const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
    return {height: main.scrollHeight, headers: [...document.querySelectorAll('h2')].map(h => {
        const box = h.getBoundingClientRect();
        return {text: h.innerText.trim(), top: box.top + (main.scrollTop || 0)};
    })};
})()"""


class Page:
    """One Chromium tab over the DevTools protocol."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.ids = itertools.count(1)

    async def send(self, method: str, **params: object) -> dict:
        message_id = next(self.ids)
        await self.socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            reply = json.loads(await self.socket.recv())
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    async def wait_until_rendered(self, marker: str, timeout: float) -> None:
        """Poll until the app is idle with `marker` shown and its charts drawn, then once more after a pause (a
        rerun can start right after the first run)."""
        expression = READY.replace("MARKER", json.dumps(marker))
        deadline = time.monotonic() + timeout
        settled = 0
        while settled < 3:
            if time.monotonic() > deadline:
                text = await self.evaluate("document.body.innerText.slice(0, 500)")
                raise TimeoutError(f"the app did not finish rendering {marker!r} in {timeout:.0f} s: {text!r}")
            settled = settled + 1 if await self.evaluate(expression) else 0
            await asyncio.sleep(0.5)

    async def resize(self, width: int, height: int) -> None:
        await self.send(
            "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False
        )

    async def capture(self, path: Path) -> None:
        shot = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))


@contextlib.asynccontextmanager
async def chromium_page(width: int = 1400, height: int = 1200) -> AsyncIterator[Page]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise FileNotFoundError("no Chromium here (Debian package 'chromium')")
    # Chromium's helper processes can still write to the profile as it exits: a leftover file is not an error.
    with tempfile.TemporaryDirectory(prefix="dashboard-chromium-", ignore_cleanup_errors=True) as profile:
        process = subprocess.Popen(
            [chromium, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            address = page_address(devtools_port(process))
            async with websockets.connect(address, max_size=None) as socket:
                page = Page(socket)
                await page.send("Page.enable")
                await page.resize(width, height)
                yield page
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def page_address(port: int, attempts: int = 100) -> str:
    """The DevTools address of Chromium's first tab (listed a moment after the port opens)."""
    for _ in range(attempts):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            pages = [target for target in json.load(response) if target["type"] == "page"]
        if pages:
            return pages[0]["webSocketDebuggerUrl"]
        time.sleep(0.1)
    raise RuntimeError("Chromium opened no tab")


def devtools_port(process: subprocess.Popen) -> int:
    """The port Chromium chose (--remote-debugging-port=0), from the line it prints on stderr."""
    assert process.stderr is not None
    for line in process.stderr:
        found = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
        if found:
            return int(found.group(1))
    raise RuntimeError("Chromium exited before opening its DevTools port")


async def open_rendered(page: Page, url: str, marker: str, timeout: float) -> None:
    await page.send("Page.navigate", url=url)
    await page.wait_until_rendered(marker, timeout)


async def capture_sections(page: Page, out: Path, name: str, width: int, marker: str, timeout: float) -> list[Path]:
    """The whole page as one tall PNG, then one PNG per section (from one h2 header to the next)."""
    from PIL import Image

    layout = await page.evaluate(SECTIONS)
    await page.resize(width, int(layout["height"]) + 200)
    await asyncio.sleep(1.0)  # elements re-measure (and charts redraw) on a resize
    await page.wait_until_rendered(marker, timeout)
    layout = await page.evaluate(SECTIONS)
    whole = out / f"{name}-full.png"
    await page.capture(whole)
    paths = [whole]
    image = Image.open(whole)
    headers = layout["headers"]
    for index, header in enumerate(headers):
        top = max(0, int(header["top"]) - 20)
        bottom = int(headers[index + 1]["top"]) - 20 if index + 1 < len(headers) else image.height
        slug = re.sub(r"[^a-z0-9]+", "-", header["text"].lower()).strip("-")
        path = out / f"{name}-{index + 1:02d}-{slug}.png"
        image.crop((0, top, image.width, max(bottom, top + 50))).save(path)
        paths.append(path)
    return paths


async def screenshot(url: str, out: Path, name: str, marker: str, width: int, timeout: float) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    async with chromium_page(width) as page:
        await open_rendered(page, url, marker, timeout)
        return await capture_sections(page, out, name, width, marker, timeout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="the dashboard's address, e.g. http://127.0.0.1:8501/?season=2002&class=GT")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    parser.add_argument("--name", default="dashboard", help="file name prefix")
    parser.add_argument("--marker", default="Who won, and how", help="text that shows the app has rendered")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the app to render")
    arguments = parser.parse_args()
    for path in asyncio.run(
        screenshot(arguments.url, arguments.out, arguments.name, arguments.marker, arguments.width, arguments.timeout)
    ):
        print(path)


if __name__ == "__main__":
    main()
