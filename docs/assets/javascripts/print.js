/*
 * "Print this page" (overrides/partials/actions.html). Bound here, not in an inline onclick,
 * so that no page carries an event-handler attribute: the hostile-input tests treat any as
 * active content. Delegated from the document, so it survives instant navigation.
 */
document.addEventListener("click", function (event) {
  var target = event.target;
  var button = target && target.closest ? target.closest("button.playbook-print-page") : null;
  if (button) {
    window.print();
  }
});
