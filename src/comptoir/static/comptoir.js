// Small behaviours of every page, kept out of the HTML so that the Content-Security-Policy
// allows no inline script: a <select data-autosubmit> sends its form when changed (the
// language menu, filters); without JavaScript, the form's button does it.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit();
  }
});
