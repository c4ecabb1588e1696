// The calendar screen: "Add a span" and "Add a date" buttons copy the last row of their
// list with the next number in its field names. Without JavaScript the buttons stay hidden
// and the page offers three rows a day and three empty dates (more after saving).
const renumber = (row, from, to) => {
  for (const el of row.querySelectorAll("[name], [id], label[for]")) {
    for (const attr of ["name", "id", "for"]) {
      const value = el.getAttribute(attr);
      if (value) el.setAttribute(attr, value.replace(new RegExp(`-${from}(-start|-end)?$`), `-${to}$1`));
    }
    if (el.tagName === "LABEL") {
      // The row's number is the last one in its label ("Monday, span 3: opens at").
      const text = el.textContent;
      const at = text.lastIndexOf(String(from + 1));
      if (at >= 0) el.textContent = text.slice(0, at) + String(to + 1) + text.slice(at + String(from + 1).length);
    }
    if (el.tagName === "INPUT") el.value = "";
  }
};

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-add-row]")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const list = document.getElementById(button.dataset.addRow);
      const rows = list.querySelectorAll(":scope > [data-row]");
      const last = rows[rows.length - 1];
      const copy = last.cloneNode(true);
      renumber(copy, rows.length - 1, rows.length);
      last.after(copy);
      copy.querySelector("input")?.focus();
    });
  }
});
