// "Skip to main content" moves focus to <main> without adding "#main-content" to the page's
// address. Left in the address, the fragment is carried to the next page by every form sent
// from this one (browsers keep it across the redirect), and Chromium keeps scrolling that
// page back to <main>, and moving focus there, until it has finished loading: a keyboard
// user already tabbing through the menu could see it scroll away. Without this script the
// link still works as a plain link to #main-content.
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a.skip-link") : null;
  var main = document.getElementById("main-content");
  if (!link || !main) {
    return;
  }
  event.preventDefault();
  main.focus();  // <main> has tabindex="-1"; focusing it brings it into view.
});
