/*
 * Full-screen diagram viewer: every inline diagram (div.playbook-diagram, from
 * playbook/render/svg.py) gets a "full screen" button; it opens the diagram in a modal dialog
 * where it can be zoomed (buttons, wheel, pinch, + and - keys) and panned (drag, arrow keys).
 * Links in the diagram keep working there.
 *
 * Progressive enhancement, no dependency: without JavaScript the diagrams are plain inline
 * SVG. Material's instant navigation swaps pages without a full load, so set-up runs on every
 * `document$` emission.
 */
(function () {
  "use strict";

  var MIN = 0.25;
  var MAX = 8;
  var STEP = 1.25;
  var dialog = null;
  var stage = null;
  var view = { scale: 1, x: 0, y: 0 };

  function button(label, text, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "pb-viewer__button";
    element.setAttribute("aria-label", label);
    element.title = label;
    element.textContent = text;
    element.addEventListener("click", onClick);
    return element;
  }

  function apply() {
    var content = stage.firstElementChild;
    if (content) {
      content.style.transform =
        "translate(" + view.x + "px, " + view.y + "px) scale(" + view.scale + ")";
    }
  }

  /* Zoom by `factor` keeping the stage point (px, py) where it is. */
  function zoom(factor, px, py) {
    var next = Math.min(MAX, Math.max(MIN, view.scale * factor));
    var rect = stage.getBoundingClientRect();
    var cx = px === undefined ? rect.width / 2 : px;
    var cy = py === undefined ? rect.height / 2 : py;
    view.x = cx - ((cx - view.x) * next) / view.scale;
    view.y = cy - ((cy - view.y) * next) / view.scale;
    view.scale = next;
    apply();
  }

  /* Fit the whole diagram into the stage, centred. */
  function fit() {
    var content = stage.firstElementChild;
    if (!content) {
      return;
    }
    content.style.transform = "none";
    var rect = stage.getBoundingClientRect();
    /* An SVG element has no offsetWidth: read the natural size set by open(). */
    var width = parseFloat(content.getAttribute("width")) || 1;
    var height = parseFloat(content.getAttribute("height")) || 1;
    view.scale = Math.min(rect.width / width, rect.height / height, MAX) * 0.95;
    view.x = (rect.width - width * view.scale) / 2;
    view.y = (rect.height - height * view.scale) / 2;
    apply();
  }

  function pan(dx, dy) {
    view.x += dx;
    view.y += dy;
    apply();
  }

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "pb-viewer";
    dialog.setAttribute("aria-label", "Diagram, full screen");
    var bar = document.createElement("div");
    bar.className = "pb-viewer__bar";
    var title = document.createElement("p");
    title.className = "pb-viewer__title";
    bar.appendChild(title);
    bar.appendChild(button("Zoom in", "+", function () { zoom(STEP); }));
    bar.appendChild(button("Zoom out", "\u2212", function () { zoom(1 / STEP); }));
    bar.appendChild(button("Fit to screen", "\u2922", fit));
    bar.appendChild(button("Close full screen", "\u2715", function () { dialog.close(); }));
    stage = document.createElement("div");
    stage.className = "pb-viewer__stage playbook-diagram";
    stage.tabIndex = 0;
    stage.setAttribute("role", "region");
    stage.setAttribute("aria-label", "Diagram: drag or use the arrow keys to pan, + and - to zoom");
    dialog.appendChild(bar);
    dialog.appendChild(stage);
    document.body.appendChild(dialog);

    stage.addEventListener("wheel", function (event) {
      event.preventDefault();
      var rect = stage.getBoundingClientRect();
      zoom(event.deltaY < 0 ? 1.1 : 1 / 1.1, event.clientX - rect.left, event.clientY - rect.top);
    }, { passive: false });

    var pointers = {};
    var moved = false;
    var spread = 0;
    function distance() {
      var points = Object.keys(pointers).map(function (key) { return pointers[key]; });
      if (points.length < 2) {
        return 0;
      }
      return Math.hypot(points[0].x - points[1].x, points[0].y - points[1].y);
    }
    stage.addEventListener("pointerdown", function (event) {
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      moved = false;
      spread = distance();
    });
    stage.addEventListener("pointermove", function (event) {
      var last = pointers[event.pointerId];
      if (!last) {
        return;
      }
      var dx = event.clientX - last.x;
      var dy = event.clientY - last.y;
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      if (Math.abs(dx) + Math.abs(dy) > 0) {
        moved = moved || Math.abs(dx) + Math.abs(dy) > 3;
      }
      if (Object.keys(pointers).length >= 2) {
        var now = distance();
        if (spread > 0 && now > 0) {
          var rect = stage.getBoundingClientRect();
          zoom(now / spread, event.clientX - rect.left, event.clientY - rect.top);
        }
        spread = now;
      } else if (moved) {
        if (!stage.hasPointerCapture(event.pointerId)) {
          stage.setPointerCapture(event.pointerId);
        }
        pan(dx, dy);
      }
    });
    function release(event) {
      delete pointers[event.pointerId];
      spread = distance();
    }
    stage.addEventListener("pointerup", release);
    stage.addEventListener("pointercancel", release);
    /* A drag that ends on a link is a pan, not a click. */
    stage.addEventListener("click", function (event) {
      if (moved) {
        event.preventDefault();
        event.stopPropagation();
        moved = false;
      }
    }, true);

    stage.addEventListener("keydown", function (event) {
      var keys = {
        ArrowLeft: [40, 0], ArrowRight: [-40, 0], ArrowUp: [0, 40], ArrowDown: [0, -40]
      };
      if (keys[event.key]) {
        event.preventDefault();
        pan(keys[event.key][0], keys[event.key][1]);
      } else if (event.key === "+" || event.key === "=") {
        zoom(STEP);
      } else if (event.key === "-") {
        zoom(1 / STEP);
      } else if (event.key === "0") {
        fit();
      }
    });
    dialog.addEventListener("close", function () {
      stage.textContent = "";
      document.documentElement.classList.remove("pb-viewer-open");
    });
  }

  function open(figure) {
    if (!dialog) {
      build();
    }
    var svg = figure.querySelector("svg");
    if (!svg) {
      return;
    }
    var copy = svg.cloneNode(true);
    copy.removeAttribute("style");
    var box = svg.viewBox && svg.viewBox.baseVal;
    if (box && box.width) {
      /* Natural size (1 pt = 4/3 px); the viewer scales it. */
      copy.setAttribute("width", String(Math.round((box.width * 4) / 3)));
      copy.setAttribute("height", String(Math.round((box.height * 4) / 3)));
    }
    copy.classList.add("pb-viewer__svg");
    stage.textContent = "";
    stage.appendChild(copy);
    var caption = figure.querySelector(".playbook-diagram__caption");
    dialog.querySelector(".pb-viewer__title").textContent = caption ? caption.textContent : "";
    document.documentElement.classList.add("pb-viewer-open");
    dialog.showModal();
    fit();
    stage.focus();
  }

  function init() {
    var figures = document.querySelectorAll(".md-typeset .playbook-diagram");
    Array.prototype.forEach.call(figures, function (figure) {
      if (figure.querySelector(".pb-viewer__open") || !figure.querySelector("svg")) {
        return;
      }
      var caption = figure.querySelector(".playbook-diagram__caption");
      var name = caption ? caption.textContent : "the diagram";
      var opener = button("Open full screen: " + name, "\u2922 Full screen", function () {
        open(figure);
      });
      opener.className = "pb-viewer__open md-button";
      figure.insertBefore(opener, figure.firstChild);
    });
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
