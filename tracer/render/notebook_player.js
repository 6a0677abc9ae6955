/* The step player of a notebook output (tracer.render.notebook): the site's player, self-contained.
 *
 * tracer.render.notebook writes this function into every player it displays, called on that
 * player's own element, so that several players on one page (a notebook, an exported HTML file)
 * never meet: no global name, no require.js, no request. The first frame is the <img> of the
 * output; each next one is held as a patch, the rectangle that changed (transparent where
 * nothing did), a data URI: the script swaps the <img> for a canvas and draws the patches up to
 * the step shown. Without scripts (an untrusted notebook) the output shows the first frame and
 * its caption. Keys, when the player has focus: left and right arrows step, Home and End go to
 * the ends, space plays or pauses. The caption is aria-live.
 */
(function (root) {
  "use strict";
  if (!root || root.getAttribute("data-ready")) return;
  var data;
  try {
    data = JSON.parse(root.querySelector("script.tracer-nbp-data").textContent);
  } catch (err) {
    return; // keep the still first frame
  }
  var img = root.querySelector("img.tracer-nbp-frame");
  var n = data.patches.length;
  if (!img || n < 1 || !img.decode) return;
  root.setAttribute("data-ready", "1");
  var patches = data.patches.map(function (p, j) {
    if (j === 0 || !p[2]) return null;
    var im = new Image();
    im.src = "data:image/png;base64," + p[2];
    return im;
  });
  var waits = [img.decode()];
  patches.forEach(function (im) { if (im) waits.push(im.decode()); });
  Promise.all(waits).then(ready, function () {}); // a frame that cannot be decoded: the still first frame stays

  function ready() {
    var canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    canvas.className = "tracer-nbp-frame";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", img.alt);
    var ctx = canvas.getContext("2d");
    var drawn = -1;
    function paint(j) { // the frame of step j: the first one, then each patch up to j
      if (j < drawn || drawn < 0) {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(img, 0, 0);
        drawn = 0;
      }
      while (drawn < j) {
        drawn += 1;
        if (patches[drawn]) ctx.drawImage(patches[drawn], data.patches[drawn][0], data.patches[drawn][1]);
      }
    }
    paint(0);
    img.parentNode.replaceChild(canvas, img);

    var caption = root.querySelector(".tracer-nbp-caption");
    var counter = root.querySelector(".tracer-nbp-counter");
    var prev = root.querySelector(".tracer-nbp-prev");
    var play = root.querySelector(".tracer-nbp-play");
    var next = root.querySelector(".tracer-nbp-next");
    var slider = root.querySelector(".tracer-nbp-slider");
    root.querySelector(".tracer-nbp-controls").hidden = false;
    if (caption) caption.setAttribute("aria-live", "polite");
    var k = 0;
    var timer = null;

    function show(j) {
      k = Math.max(0, Math.min(n - 1, j));
      paint(k);
      slider.value = String(k);
      counter.textContent = data.labels[k]; // "step 5 (0-25)", as trace[5] and goto(5) count
      slider.setAttribute("aria-valuetext", data.labels[k]);
      if (caption) caption.textContent = data.captions[k];
      prev.disabled = k === 0;
      next.disabled = k === n - 1;
      root.setAttribute("data-step", String(k));
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
        if (k < n - 1) show(k + 1);
        else if (data.repeat) show(0);
        else stop();
      }, data.interval);
    }
    prev.addEventListener("click", function () { stop(); show(k - 1); });
    next.addEventListener("click", function () { stop(); show(k + 1); });
    play.addEventListener("click", function () { if (timer === null) start(); else stop(); });
    slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
    root.addEventListener("keydown", function (e) {
      var key = e.key;
      if (e.target === slider && (key === "ArrowLeft" || key === "ArrowRight")) { e.stopPropagation(); return; }
      if (key === "ArrowLeft") { stop(); show(k - 1); }
      else if (key === "ArrowRight") { stop(); show(k + 1); }
      else if (key === "Home") { stop(); show(0); }
      else if (key === "End") { stop(); show(n - 1); }
      else if (key === " " || key === "Spacebar") {
        if (e.target.tagName === "BUTTON") return; // space presses the focused button
        if (timer === null) start(); else stop();
      } else return;
      e.preventDefault();
      e.stopPropagation(); // the notebook's own shortcuts (select a cell, scroll) do not see it
    });
    show(0);
  }
})
