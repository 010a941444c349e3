/*
 * Filters for the RACI matrix (playbook/render/raci.py): by phase, by role and by letter.
 *
 * Progressive enhancement: the matrix is complete without JavaScript, and the controls are
 * only added when this script runs. Material's instant navigation swaps pages without a full
 * load, so set-up runs on every `document$` emission rather than once on DOMContentLoaded.
 */
(function () {
  "use strict";

  var LETTERS = {
    any: "any letter",
    RA: "Responsible or Accountable",
    A: "Accountable only"
  };

  function option(value, label) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    return element;
  }

  function labelled(text, control) {
    var label = document.createElement("label");
    label.className = "raci-filter";
    var span = document.createElement("span");
    span.textContent = text;
    label.appendChild(span);
    label.appendChild(control);
    return label;
  }

  function select(name, choices) {
    var element = document.createElement("select");
    element.name = name;
    choices.forEach(function (choice) {
      element.appendChild(option(choice[0], choice[1]));
    });
    return element;
  }

  // A role's cells are found by their column: the matrix's header row names the role of each
  // column (data-role), and the cells leave it out to keep a large matrix small.
  function columnOf(headers, role) {
    for (var i = 0; i < headers.length; i += 1) {
      if (headers[i].getAttribute("data-role") === role) {
        return i + 1; // the task's name is the row's first cell
      }
    }
    return -1;
  }

  function letterOf(row, column) {
    var cell = column > 0 ? row.cells[column] : null;
    return cell ? cell.textContent.trim() : "";
  }

  function enhance(table) {
    if (table.getAttribute("data-raci-ready")) {
      return;
    }
    table.setAttribute("data-raci-ready", "true");
    var container = table.closest("[data-raci-scroll]") || table;
    var groups = Array.prototype.slice.call(table.tBodies);
    var rows = Array.prototype.slice.call(table.querySelectorAll("tr[data-task]"));
    var headers = Array.prototype.slice.call(table.querySelectorAll("thead th[data-role]"));

    var phase = select(
      "phase",
      [["", "All phases"]].concat(
        groups.map(function (group) {
          var heading = group.querySelector(".raci-phase-row");
          return [group.getAttribute("data-phase"), heading ? heading.textContent.trim() : ""];
        })
      )
    );
    var role = select(
      "role",
      [["", "All roles"]].concat(
        headers.map(function (header) {
          return [header.getAttribute("data-role"), header.textContent.trim()];
        })
      )
    );
    var letter = select(
      "letter",
      Object.keys(LETTERS).map(function (key) {
        return [key, LETTERS[key]];
      })
    );
    letter.disabled = true;
    var status = document.createElement("p");
    status.className = "raci-filter-status";
    status.setAttribute("role", "status");

    var bar = document.createElement("div");
    bar.className = "raci-filters";
    bar.appendChild(labelled("Phase", phase));
    bar.appendChild(labelled("Role", role));
    bar.appendChild(labelled("Role holds", letter));
    bar.appendChild(status);
    container.parentNode.insertBefore(bar, container);

    function rowVisible(row, column) {
      if (phase.value && row.getAttribute("data-phase") !== phase.value) {
        return false;
      }
      if (!role.value) {
        return true;
      }
      var held = letterOf(row, column);
      if (letter.value === "RA") {
        return held === "R" || held === "A";
      }
      if (letter.value === "A") {
        return held === "A";
      }
      return held !== "";
    }

    function apply() {
      letter.disabled = !role.value;
      var column = role.value ? columnOf(headers, role.value) : -1;
      var shown = 0;
      rows.forEach(function (row) {
        var visible = rowVisible(row, column);
        row.hidden = !visible;
        shown += visible ? 1 : 0;
      });
      groups.forEach(function (group) {
        var any = false;
        group.querySelectorAll(".raci-subphase-row").forEach(function (heading) {
          var sub = heading.getAttribute("data-subphase");
          var visible = Array.prototype.some.call(
            group.querySelectorAll('tr[data-subphase="' + sub + '"][data-task]'),
            function (row) {
              return !row.hidden;
            }
          );
          heading.hidden = !visible;
          any = any || visible;
        });
        group.hidden = !any;
      });
      table.querySelectorAll(".raci-col-active").forEach(function (cell) {
        cell.classList.remove("raci-col-active");
      });
      if (column > 0) {
        headers[column - 1].classList.add("raci-col-active");
        rows.forEach(function (row) {
          if (row.cells[column]) {
            row.cells[column].classList.add("raci-col-active");
          }
        });
      }
      status.textContent = "Showing " + shown + " of " + rows.length + " tasks";
    }

    [phase, role, letter].forEach(function (control) {
      control.addEventListener("change", apply);
    });
    apply();
  }

  function init() {
    document.querySelectorAll("table[data-raci-matrix]").forEach(enhance);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
