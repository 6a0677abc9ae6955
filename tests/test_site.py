"""The built site in a real browser (Debian's chromium driven by playwright), and its weight.

The site is served on 127.0.0.1 and every page of the ``nav`` is checked: no
console error, no failed request, no request to any other host, every image
loaded, math rendered by KaTeX, and the step player answers its buttons and
keys. Every page is opened again on a 390 px phone: the page never scrolls
sideways, the players' buttons are large enough for a finger, axe-core (injected
by the test only, from the ``axe-playwright-python`` package) finds no serious or
critical violation, and a lesson has at least two folded exercises that unfold.
Search finds a lesson; the site also works from ``file://`` and without JavaScript.

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
MAX_PAGE_BYTES = 3_000_000
PHONE = {"width": 390, "height": 844}
MIN_TARGET_PX = 32  # the smallest button a finger can hit (WCAG 2.5.8 asks for 24)


def nav_pages() -> list[str]:
    """The HTML file of every page in the ``nav`` of ``mkdocs.yml``, in nav order."""
    import yaml

    def walk(node) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, list):
            return [page for item in node for page in walk(item)]
        if isinstance(node, dict):
            return [page for value in node.values() for page in walk(value)]
        return []

    nav = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    return [page[: -len(".md")] + ".html" for page in walk(nav) if page.endswith(".md")]


PAGES = nav_pages()


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


@pytest.mark.parametrize("name", LESSONS)
def test_every_lesson_page_links_its_notebook(built_site, name):
    site, _ = built_site
    page = (site / "generated" / f"{name}.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="tracer-notebook-link"[^>]*href="([^"]+)"[^>]*>Open this lesson as a notebook</a>', page)
    assert links == [f"{name}.ipynb"]
    notebook = json.loads((site / "generated" / links[0]).read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4 and notebook["cells"][0]["cell_type"] == "markdown"


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
    if is_lesson(name):
        assert n_math > 0
    assert page.locator(".arithmatex .katex").count() >= n_math
    assert page.locator(".katex-error").count() == 0
    # a lesson links its notebook, which the site serves
    if is_lesson(name):
        link = page.locator("a.tracer-notebook-link")
        assert link.count() == 1 and link.is_visible()
        assert page.request.get(link.evaluate("a => a.href")).status == 200
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
        labels = player_labels(page, box)
        assert caption.inner_text() != text or box.locator(".tracer-player-counter").inner_text() == labels[1]
    page.wait_for_timeout(100)
    watch.assert_clean()
    context.close()


def player_labels(page, box) -> list[str]:
    """What the counter of the player in ``box`` shows at each frame: the embedded ``labels``, checked."""
    ident = box.locator("img.tracer-player").get_attribute("data-player")
    data = page.evaluate("id => JSON.parse(document.getElementById(id).textContent)", ident)
    labels = data["labels"]
    assert len(labels) == len(data["frames"])
    # the step's number in its trace, from 0, as trace[k] and trace.goto(k) count
    numbers = [re.fullmatch(r"step (\d+) \(0-(\d+)\)", label) for label in labels]
    assert all(numbers), labels
    assert len({m.group(2) for m in numbers}) == 1, labels  # one trace
    assert [int(m.group(1)) for m in numbers] == sorted({int(m.group(1)) for m in numbers}), labels
    return labels


def is_lesson(name: str) -> bool:
    return name.startswith("generated/") and Path(name).stem in LESSONS


AXE_IMPACTS = ("serious", "critical")


@pytest.mark.parametrize("name", PAGES)
def test_page_on_a_phone(chromium, server, name):
    """390 px: no sideways scroll, finger-sized player buttons, no serious axe violation, folded exercises."""
    from axe_playwright_python.sync_playwright import Axe

    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    watch = Watch(page, "127.0.0.1")
    page.goto(f"{server}/{name}", wait_until="load")
    page.evaluate(LOAD_IMAGES)
    page.wait_for_timeout(100)
    # a mobile browser widens its layout viewport to the widest element: compare with the phone's width
    width = [page.evaluate("document.documentElement.scrollWidth"), PHONE["width"]]
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('article *'))
        .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.md-typeset__scrollwrap, pre, .arithmatex, .katex-display'))
        .slice(0, 5).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))""")
    assert width[0] <= width[1], f"{name} is {width[0]} px wide on a {width[1]} px phone: {wide}"
    # every image says what it shows
    alts = page.evaluate("Array.from(document.querySelectorAll('article img')).map(i => [i.getAttribute('src'), i.alt])")
    assert [src for src, alt in alts if len(alt.strip()) < 12] == [], f"images without a real alt text on {name}"
    # the players' controls are large enough for a finger
    small = page.evaluate(f"""() => Array.from(document.querySelectorAll('.tracer-player-controls button'))
        .map(b => b.getBoundingClientRect()).filter(r => r.width < {MIN_TARGET_PX} || r.height < {MIN_TARGET_PX})
        .map(r => [Math.round(r.width), Math.round(r.height)])""")
    assert small == [], f"player buttons smaller than {MIN_TARGET_PX} px on {name}: {small}"
    # exercises: folded under "Exercise N: ...", and a tap unfolds a non-empty answer
    exercises = page.locator("article details.question")
    if is_lesson(name):
        assert exercises.count() >= 2, f"{name} has {exercises.count()} exercises, at least 2 are required"
    for j in range(exercises.count()):
        assert exercises.nth(j).locator("summary").inner_text().startswith(f"Exercise {j + 1}:")
        assert exercises.nth(j).get_attribute("open") is None, "an exercise must open folded"
    if exercises.count():
        first = exercises.first
        first.locator("summary").tap()
        assert first.get_attribute("open") is not None
        answer = first.locator(":scope > :not(summary)")
        assert answer.count() >= 1 and answer.first.is_visible() and answer.first.inner_text().strip()
        first.locator("summary").tap()
    # accessibility: axe-core, injected here only (never shipped with the site)
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']}; e.g. {v['nodes'][0]['target']}"
        for v in results.response["violations"] if v["impact"] in AXE_IMPACTS
    ]
    assert serious == [], f"axe-core on {name} at 390 px:\n" + "\n".join(serious)
    watch.assert_clean()
    context.close()


def test_figure_and_player_open_at_full_size(chromium, server):
    """On a phone a tap opens a figure at its real size, and Full size enlarges a player; Escape goes back."""
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    watch = Watch(page, "127.0.0.1")
    page.goto(f"{server}/generated/conv_backward.html", wait_until="load")
    link = page.locator("a.tracer-zoom").first
    shown = link.locator("img").evaluate("img => [img.getBoundingClientRect().width, img.naturalWidth]")
    assert shown[0] < shown[1], "the figure fits the phone's column, smaller than its real size"
    link.scroll_into_view_if_needed()
    link.tap()
    big = page.locator("dialog.tracer-zoom-dialog img.tracer-zoom-image")
    big.wait_for(state="visible")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=big.element_handle())
    assert big.evaluate("img => Math.round(img.getBoundingClientRect().width) === img.naturalWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.keyboard.press("Escape")
    assert not big.is_visible()
    box = page.locator(".tracer-player-box").first
    box.scroll_into_view_if_needed()
    box.locator(".tracer-player-full").tap()
    assert "tracer-full" in box.get_attribute("class")
    frame = box.locator("img.tracer-player")
    assert frame.evaluate("img => Math.round(img.getBoundingClientRect().width) === img.naturalWidth")
    box.locator(".tracer-player-next").tap()  # the controls stay in view and work
    assert box.locator(".tracer-player-counter").inner_text() == player_labels(page, box)[1]
    page.keyboard.press("Escape")
    assert "tracer-full" not in box.get_attribute("class")
    watch.assert_clean()
    context.close()


def test_player_from_the_keyboard_alone(chromium, server):
    """Tab reaches the player; the arrows step it, and the caption that changes is announced (aria-live)."""
    page = chromium.new_page()
    page.goto(f"{server}/generated/conv_forward.html", wait_until="load")
    box = page.locator(".tracer-player-box").first
    caption = box.locator(".tracer-player-caption")
    assert caption.get_attribute("aria-live") == "polite"
    for _ in range(400):  # tab through the page until the first player has the focus
        page.keyboard.press("Tab")
        if page.evaluate("el => el === document.activeElement", box.element_handle()):
            break
    else:
        pytest.fail("Tab never reached the player")
    before = caption.inner_text()
    labels = player_labels(page, box)
    counter = box.locator(".tracer-player-counter")
    assert counter.inner_text() == labels[0]
    page.keyboard.press("ArrowRight")
    assert counter.inner_text() == labels[1]
    assert box.locator(".tracer-player-slider").get_attribute("aria-valuetext") == labels[1]
    assert caption.inner_text() != before
    page.keyboard.press("Tab")  # into the controls: Enter presses the focused button
    page.keyboard.press("Enter")
    assert counter.inner_text() == labels[0]
    page.close()


def test_player_keys_and_slider(chromium, server):
    page = chromium.new_page()
    watch = Watch(page, "127.0.0.1")
    page.goto(f"{server}/generated/padding.html")
    box = page.locator(".tracer-player-box").first
    counter = box.locator(".tracer-player-counter")
    labels = player_labels(page, box)
    box.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert counter.inner_text() == labels[2]
    page.keyboard.press("ArrowLeft")
    assert counter.inner_text() == labels[1]
    box.locator(".tracer-player-slider").fill("10")
    assert counter.inner_text() == labels[10]
    assert box.locator("img.tracer-player").get_attribute("src").endswith("010.png")
    page.keyboard.press(" ")  # focus is on the slider, inside the player
    assert "Pause" in box.locator(".tracer-player-play").inner_text()
    page.wait_for_function("([el, text]) => el.textContent === text", arg=[counter.element_handle(), labels[11]],
                           timeout=5000)
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
