"""The built site in a real browser (Debian's chromium driven by playwright), and its weight.

The site is served on 127.0.0.1 and every page is checked: no console error,
no failed request, no request to any other host, every image loaded, math
rendered by KaTeX, and the step player answers its buttons and keys. Search
finds a lesson; the site also works from ``file://`` and without JavaScript.

The browser tests skip when chromium is missing, unless the ``CI`` environment
variable is set: then a missing browser is a failure.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

REPO = Path(__file__).resolve().parent.parent
LESSONS = sorted(p.stem for p in (REPO / "lessons").glob("*.py") if not p.name.startswith("_"))
PAGES = ["index.html"] + [f"generated/{name}.html" for name in LESSONS]
MAX_PAGE_BYTES = 3_000_000


# -- static checks -----------------------------------------------------------------------------


def test_every_lesson_is_in_the_nav():
    import yaml

    nav = json.dumps(yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["nav"])
    missing = [name for name in LESSONS if f'"generated/{name}.md"' not in nav]
    assert missing == [], f"add these pages to the nav of mkdocs.yml: {missing}"


class _Refs(html.parser.HTMLParser):
    """The files a page loads: scripts, stylesheets, images, and its players' frames."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.players: list[str] = []
        self._in_player = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.refs.append(a["src"])
        elif tag == "link" and a.get("rel") == "stylesheet" and a.get("href"):
            self.refs.append(a["href"])
        elif tag == "img" and a.get("src"):
            self.refs.append(a["src"])
        self._in_player = tag == "script" and a.get("type") == "application/json"

    def handle_data(self, data):
        if self._in_player:
            self.players.append(data)
            self._in_player = False


def page_weight(site: Path, page: str) -> tuple[int, list[str]]:
    """Bytes of a page with everything it can load (every frame of every player included)."""
    path = site / page
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8"))
    files = {path}
    missing = []
    for ref in parser.refs:
        if urlparse(ref).scheme:
            missing.append(ref)
            continue
        target = (path.parent / ref.split("?")[0].split("#")[0]).resolve()
        files.add(target) if target.is_file() else missing.append(ref)
    img_srcs = [r for r in parser.refs if r.endswith(".gif")]
    for data, gif in zip(parser.players, img_srcs):
        frames = json.loads(data)["frames"]
        base = (path.parent / gif).parent
        files.update((base / f).resolve() for f in frames)
    return sum(f.stat().st_size for f in files), missing


@pytest.mark.parametrize("page", PAGES)
def test_page_weight_and_local_references(built_site, page):
    site, _ = built_site
    weight, missing = page_weight(site, page)
    assert missing == [], f"{page} refers to files that are not in the site (or on another host): {missing}"
    assert weight <= MAX_PAGE_BYTES, f"{page} weighs {weight / 1e6:.2f} MB with its images"


# -- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing and CI is set: install Debian's chromium (.ci/run does)")
        pytest.skip("chromium is not installed (set CI to make this a failure)")
    playwright_api = pytest.importorskip("playwright.sync_api") if not os.environ.get("CI") else __import__(
        "playwright.sync_api", fromlist=["sync_playwright"])
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built_site):
    site, _ = built_site
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class Watch:
    """Console errors, failed requests and requests to other hosts, seen by one page."""

    def __init__(self, page, allowed_host: str | None):
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.foreign: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))

        def request(r):
            url = urlparse(r.url)
            if url.scheme in ("data", "blob", "about"):
                return
            if allowed_host is None:
                ok = url.scheme == "file"
            else:
                ok = url.scheme in ("http", "https") and url.hostname == allowed_host
            if not ok:
                self.foreign.append(r.url)

        page.on("request", request)

    def assert_clean(self):
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.failed == [], f"failed requests: {self.failed}"
        assert self.foreign == [], f"requests to other hosts: {self.foreign}"


LOAD_IMAGES = """async () => {
  const imgs = Array.from(document.querySelectorAll("article img"));
  imgs.forEach(i => { i.loading = "eager"; });
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = r; i.onerror = r; })));
  return imgs.map(i => [i.getAttribute("src"), i.naturalWidth]);
}"""


@pytest.mark.parametrize("name", PAGES)
def test_page_in_the_browser(chromium, server, name):
    context = chromium.new_context()
    page = context.new_page()
    watch = Watch(page, "127.0.0.1")
    page.goto(f"{server}/{name}", wait_until="load")
    images = page.evaluate(LOAD_IMAGES)
    unloaded = [src for src, width in images if width == 0]
    assert unloaded == [], f"images that did not load: {unloaded}"
    # math: every arithmatex element was rendered by KaTeX, without errors
    n_math = page.locator(".arithmatex").count()
    if name != "index.html":
        assert n_math > 0
    assert page.locator(".arithmatex .katex").count() >= n_math
    assert page.locator(".katex-error").count() == 0
    # players: next changes the frame and the caption
    players = page.locator(".tracer-player-box")
    assert players.count() == page.locator("img.tracer-player").count()
    for j in range(players.count()):
        box = players.nth(j)
        img, caption = box.locator("img.tracer-player"), box.locator(".tracer-player-caption")
        box.scroll_into_view_if_needed()
        src, text = img.get_attribute("src"), caption.inner_text()
        assert src.endswith("000.png")
        next_button = box.locator(".tracer-player-next")
        if next_button.is_disabled():  # a player of one step
            continue
        next_button.click()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        assert img.get_attribute("src").endswith("001.png")
        assert caption.inner_text() != text or box.locator(".tracer-player-counter").inner_text().startswith("step 2")
    page.wait_for_timeout(100)
    watch.assert_clean()
    context.close()


def test_player_keys_and_slider(chromium, server):
    page = chromium.new_page()
    watch = Watch(page, "127.0.0.1")
    page.goto(f"{server}/generated/padding.html")
    box = page.locator(".tracer-player-box").first
    counter = box.locator(".tracer-player-counter")
    box.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert counter.inner_text().startswith("step 3 /")
    page.keyboard.press("ArrowLeft")
    assert counter.inner_text().startswith("step 2 /")
    box.locator(".tracer-player-slider").fill("10")
    assert counter.inner_text().startswith("step 11 /")
    assert box.locator("img.tracer-player").get_attribute("src").endswith("010.png")
    page.keyboard.press(" ")  # focus is on the slider, inside the player
    assert "Pause" in box.locator(".tracer-player-play").inner_text()
    page.wait_for_function("el => el.textContent.startsWith('step 12')", arg=counter.element_handle(), timeout=5000)
    page.keyboard.press(" ")
    assert "Play" in box.locator(".tracer-player-play").inner_text()
    watch.assert_clean()
    page.close()


def test_search_finds_padding(chromium, server):
    page = chromium.new_page()
    watch = Watch(page, "127.0.0.1")
    page.goto(f"{server}/index.html")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator(".md-search__input").press_sequentially("padding", delay=50)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    links = [results.nth(j).locator("a").first.get_attribute("href") for j in range(results.count())]
    assert any("padding" in link for link in links), links
    watch.assert_clean()
    page.close()


def test_player_from_the_file_system(chromium, built_site):
    """Opened from file://, the page loads only local files and its player still steps."""
    site, _ = built_site
    page = chromium.new_page()
    watch = Watch(page, None)
    page.goto((site / "generated" / "padding.html").as_uri())
    box = page.locator(".tracer-player-box").first
    box.locator(".tracer-player-next").click()
    img = box.locator("img.tracer-player")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    assert img.get_attribute("src").startswith("file://") and img.get_attribute("src").endswith("001.png")
    assert page.locator(".arithmatex .katex").count() > 0
    watch.assert_clean()
    page.close()


def test_without_javascript_the_player_is_a_gif(chromium, server):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    watch = Watch(page, "127.0.0.1")
    page.goto(f"{server}/generated/padding.html")
    gifs = page.locator("img.tracer-player-gif")
    assert gifs.count() == page.locator("img.tracer-player").count() >= 1
    assert gifs.first.get_attribute("src").endswith("anim.gif")
    gifs.first.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=gifs.first.element_handle())
    assert gifs.first.is_visible()
    assert not page.locator("img.tracer-player").first.is_visible()  # the still frame gives way
    assert page.locator(".tracer-player-controls").count() == 0
    watch.assert_clean()
    context.close()


def test_with_javascript_the_gif_is_not_fetched(chromium, server):
    page = chromium.new_page()
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(f"{server}/generated/padding.html", wait_until="load")
    page.evaluate(LOAD_IMAGES)
    assert [url for url in fetched if url.endswith(".gif")] == []
    page.close()


def test_dark_palette_is_offered(chromium, server):
    context = chromium.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(f"{server}/generated/padding.html")
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert re.match(r"rgb\((\d+), (\d+), (\d+)\)", bg) and sum(map(int, re.findall(r"\d+", bg)[:3])) < 200, bg
    context.close()


def test_search_from_the_file_system(chromium, built_site):
    """The offline plugin's inlined index and the vendored worker shim make search work from file://."""
    site, _ = built_site
    page = chromium.new_page()
    watch = Watch(page, None)
    page.goto((site / "index.html").as_uri())
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially("padding", delay=50)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    assert results.count() >= 1
    watch.assert_clean()
    page.close()
