// On a phone a data table with many columns becomes one card per row, each value under its
// column's name (WCAG 1.4.10 reflow), so no column is off the side of the screen. The CSS
// does the stacking; this script names each cell after its column, and gives every part its
// table role explicitly because some screen readers drop a table's meaning once CSS changes
// how it is drawn. Tables with merged cells or several header rows are left as they are.
(function () {
  function headers(table) {
    var rows = table.tHead ? table.tHead.rows : [];
    if (rows.length !== 1) {
      return null;
    }
    var names = [];
    for (var i = 0; i < rows[0].cells.length; i++) {
      var cell = rows[0].cells[i];
      if (cell.colSpan !== 1) {
        return null;
      }
      names.push(cell.textContent.replace(/\s+/g, " ").trim());
    }
    return names;
  }

  function stack(table) {
    var names = headers(table);
    if (!names) {
      return;
    }
    var bodies = Array.prototype.slice.call(table.tBodies);
    if (table.tFoot) {
      bodies.push(table.tFoot);
    }
    for (var b = 0; b < bodies.length; b++) {
      var rows = bodies[b].rows;
      for (var r = 0; r < rows.length; r++) {
        var cells = rows[r].cells;
        if (cells.length !== names.length) {
          return;  // a row that spans columns: leave the whole table alone
        }
        for (var c = 0; c < cells.length; c++) {
          if (cells[c].colSpan !== 1 || cells[c].rowSpan !== 1) {
            return;
          }
        }
      }
    }
    table.setAttribute("role", "table");
    var groups = table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot");
    for (var g = 0; g < groups.length; g++) {
      groups[g].setAttribute("role", "rowgroup");
    }
    for (var i = 0; i < table.rows.length; i++) {
      var row = table.rows[i];
      row.setAttribute("role", "row");
      for (var j = 0; j < row.cells.length; j++) {
        var cell = row.cells[j];
        var inHead = row.parentNode === table.tHead;
        if (cell.tagName === "TH") {
          cell.setAttribute("role", inHead || cell.scope === "col" ? "columnheader" : "rowheader");
        } else {
          cell.setAttribute("role", "cell");
        }
        if (!inHead && names[j]) {
          cell.setAttribute("data-label", names[j]);
        }
      }
    }
    table.classList.add("wf-stacked");
  }

  var tables = document.querySelectorAll(".table-responsive > table");
  for (var t = 0; t < tables.length; t++) {
    stack(tables[t]);
  }
})();
