// A table wider than the screen scrolls inside its .table-responsive box. Keyboard users must be
// able to scroll it too, so the box takes focus (arrow keys then scroll it) and is named after the
// table's caption for screen readers.
document.querySelectorAll(".table-responsive").forEach(function (box) {
  box.tabIndex = 0;
  var caption = box.querySelector("caption");
  if (caption && caption.textContent.trim()) {
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", caption.textContent.trim());
  }
});
