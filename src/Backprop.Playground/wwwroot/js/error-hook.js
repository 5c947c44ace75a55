// Collects every page error, unhandled rejection and Content-Security-Policy violation into
// window.__errors, so the browser tests can fail on any of them. A classic script loaded first in
// <head> (not a module): modules run after parsing, and would miss what goes wrong before.
(function () {
  'use strict';
  var errors = [];
  window.__errors = errors;
  window.addEventListener('error', function (e) {
    // A failed <script>/<link> load arrives as an error event on the element, not on window.
    var where = e.target && e.target !== window ? ' (' + (e.target.src || e.target.href || e.target.tagName) + ')' : '';
    errors.push('error: ' + (e.message || 'resource failed to load') + where);
  }, true);
  window.addEventListener('unhandledrejection', function (e) {
    var r = e.reason;
    errors.push('unhandled rejection: ' + (r && r.message ? r.message : String(r)));
  });
  document.addEventListener('securitypolicyviolation', function (e) {
    errors.push('csp: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
  });
})();
