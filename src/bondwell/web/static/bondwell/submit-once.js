// A second tap on "send" while the first is on its way does nothing here; the server also ignores repeats.
// (A file, not an inline script: the Content-Security-Policy allows scripts from Bondwell's own files only.)
document.querySelectorAll("form").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (form.dataset.sending) { event.preventDefault(); return; }
    form.dataset.sending = "1";
  });
});
