/* Step player for the traces on this site.
 *
 * A lesson page holds, for every player, a <script type="application/json" id="...">
 * with the frame list and the captions, and an <img class="tracer-player"
 * data-player="..."> showing the first frame. This script turns that image into
 * a player with previous / play / next buttons, a slider, a step counter and a
 * caption. The counter shows each frame's "labels" entry when the data has one:
 * the step's number in its trace, from 0 ("step 5 (0-25)", as trace[5] and
 * trace.goto(5) count it, and as tracer's text pictures and figures print it),
 * whatever steps the player leaves out; without labels it counts the frames. Keys:
 * left and right arrows step, space plays or pauses (when the player has focus),
 * Escape leaves the full-size view. A "Full size" button shows the frame at its
 * real size (on a phone, pan it with a finger), and a tap on a figure (a link to
 * its PNG, a.tracer-zoom) opens it the same way. The caption is aria-live: a screen
 * reader announces each step.
 * Without JavaScript the page shows an animated GIF instead (in <noscript>), and a
 * tap on a figure opens its PNG. No request is made besides the frame images,
 * whose URLs are resolved against the first frame's, so file:// works.
 */
(function () {
  "use strict";

  var DELAY_MS = 700;

  function button(label, title) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "tracer-player-button md-button";
    b.textContent = label;
    b.title = title;
    b.setAttribute("aria-label", title);
    return b;
  }

  function setup(img) {
    if (img.dataset.playerReady) return;
    var holder = document.getElementById(img.dataset.player);
    if (!holder) return;
    var data;
    try {
      data = JSON.parse(holder.textContent);
    } catch (err) {
      return; // keep the still first frame
    }
    var n = data.frames.length;
    if (!n) return;
    img.dataset.playerReady = "1";
    var base = img.src;
    var urls = data.frames.map(function (f) { return new URL(f, base).href; });
    var caption = document.querySelector('[data-player-caption="' + img.dataset.player + '"]');

    var box = document.createElement("div");
    box.className = "tracer-player-box";
    box.tabIndex = 0;
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", img.alt || "step player");
    var host = img.parentNode;
    host.parentNode.insertBefore(box, host);
    box.appendChild(img);
    if (host.tagName === "P" && !host.textContent.trim() && !host.children.length) host.remove();
    if (caption) {
      caption.setAttribute("aria-live", "polite"); // screen readers announce each step
      box.appendChild(caption);
    }

    var controls = document.createElement("div");
    controls.className = "tracer-player-controls";
    var prev = button("\u25C0", "Previous step (left arrow)");
    var play = button("\u25B6 Play", "Play or pause (space)");
    var next = button("\u25B6", "Next step (right arrow)");
    prev.classList.add("tracer-player-prev");
    play.classList.add("tracer-player-play");
    next.classList.add("tracer-player-next");
    var slider = document.createElement("input");
    slider.type = "range";
    slider.min = "0";
    slider.max = String(n - 1);
    slider.value = "0";
    slider.className = "tracer-player-slider";
    slider.setAttribute("aria-label", "Step");
    var labels = Array.isArray(data.labels) && data.labels.length === n ? data.labels : null;
    var counter = document.createElement("span");
    counter.className = "tracer-player-counter";
    if (labels) {
      counter.title = "The step's number in the trace, counted from 0: trace[k] and trace.goto(k) show step k";
    }
    var full = button("\u2922 Full size", "Show the frame at full size (Escape goes back)");
    full.classList.add("tracer-player-full");
    full.setAttribute("aria-pressed", "false");
    [prev, play, next, slider, counter, full].forEach(function (el) { controls.appendChild(el); });
    box.insertBefore(controls, caption || null);

    var k = 0;
    var timer = null;

    function show(j) {
      k = Math.max(0, Math.min(n - 1, j));
      img.src = urls[k];
      slider.value = String(k);
      counter.textContent = labels ? labels[k] : "step " + (k + 1) + " / " + n;
      slider.setAttribute("aria-valuetext", counter.textContent);
      if (caption) caption.textContent = data.captions[k];
      prev.disabled = k === 0;
      next.disabled = k === n - 1;
      // fetch the next frame ahead, so that playing does not flicker
      if (k + 1 < n) (new Image()).src = urls[k + 1];
    }
    function stop() {
      if (timer !== null) window.clearInterval(timer);
      timer = null;
      play.textContent = "\u25B6 Play";
    }
    function start() {
      if (k === n - 1) show(0);
      play.textContent = "\u275A\u275A Pause";
      timer = window.setInterval(function () {
        if (k >= n - 1) stop(); else show(k + 1);
      }, DELAY_MS);
    }
    function setFull(on) {
      box.classList.toggle("tracer-full", on);
      document.documentElement.classList.toggle("tracer-full-open", on);
      full.setAttribute("aria-pressed", on ? "true" : "false");
      full.textContent = on ? "\u2715 Close" : "\u2922 Full size";
      if (!on) box.scrollIntoView({ block: "nearest" });
      full.focus();
    }
    full.addEventListener("click", function () { setFull(!box.classList.contains("tracer-full")); });
    // a swipe across the frame steps, as the arrow keys do
    var touchX = null;
    img.addEventListener("touchstart", function (e) {
      touchX = e.touches.length === 1 ? e.touches[0].clientX : null;
    }, { passive: true });
    img.addEventListener("touchend", function (e) {
      if (touchX === null || box.classList.contains("tracer-full")) return; // full size: the finger pans
      var dx = e.changedTouches[0].clientX - touchX;
      touchX = null;
      if (Math.abs(dx) > 40) { stop(); show(dx < 0 ? k + 1 : k - 1); }
    }, { passive: true });
    prev.addEventListener("click", function () { stop(); show(k - 1); });
    next.addEventListener("click", function () { stop(); show(k + 1); });
    play.addEventListener("click", function () { if (timer === null) start(); else stop(); });
    slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
    box.addEventListener("keydown", function (e) {
      if (e.target === slider && (e.key === "ArrowLeft" || e.key === "ArrowRight")) return; // the slider steps itself
      if (e.key === "ArrowLeft") { stop(); show(k - 1); e.preventDefault(); }
      else if (e.key === "ArrowRight") { stop(); show(k + 1); e.preventDefault(); }
      else if (e.key === "Escape" && box.classList.contains("tracer-full")) { setFull(false); e.preventDefault(); }
      else if (e.key === " " || e.key === "Spacebar") {
        if (e.target.tagName === "BUTTON") return; // space presses the focused button
        if (timer === null) start(); else stop();
        e.preventDefault();
      }
    });
    show(0);
  }

  // A figure at its real size, in a modal dialog that scrolls (and pans by touch) both ways.
  var dialog = null;
  function zoom(link) {
    var img = link.querySelector("img");
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "tracer-zoom-dialog";
      dialog.setAttribute("aria-label", "Figure at full size");
      var close = button("\u2715 Close", "Close (Escape)");
      close.classList.add("tracer-zoom-close");
      close.addEventListener("click", function () { dialog.close(); });
      var big = document.createElement("img");
      big.className = "tracer-zoom-image";
      big.addEventListener("click", function () { dialog.close(); });
      dialog.appendChild(close);
      dialog.appendChild(big);
      dialog.addEventListener("close", function () {
        document.documentElement.classList.remove("tracer-full-open");
        if (dialog.opener) dialog.opener.focus();
      });
      // inside the article, so that the theme's button styles apply
      (document.querySelector(".md-content .md-typeset") || document.body).appendChild(dialog);
    }
    var big = dialog.querySelector(".tracer-zoom-image");
    big.src = link.href;
    big.alt = img ? img.alt : "";
    dialog.opener = link;
    document.documentElement.classList.add("tracer-full-open");
    dialog.showModal();
    dialog.querySelector(".tracer-zoom-close").focus();
  }

  function init() {
    document.querySelectorAll("img.tracer-player[data-player]").forEach(setup);
    document.querySelectorAll("a.tracer-zoom").forEach(function (link) {
      if (link.dataset.zoomReady) return;
      link.dataset.zoomReady = "1";
      link.setAttribute("aria-label", "Open at full size: " + ((link.querySelector("img") || {}).alt || "figure"));
      link.addEventListener("click", function (e) {
        if (typeof HTMLDialogElement === "undefined") return; // the link opens the PNG
        e.preventDefault();
        zoom(link);
      });
    });
  }

  // Set the players up at once, then again on every page that Material's instant
  // navigation brings in (setup skips the players already done).
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  }
})();
