/**
 * A webpack-style loader (run by Turbopack, see next.config.ts) that removes the `#__PURE__`
 * annotations from one module whose top-level calls are not pure.
 *
 * @replit/codemirror-emacs 6.1.0 registers its whole keymap and its named commands with top-level
 * calls (`EmacsHandler.bindKey(...)` in a loop, `EmacsHandler.addCommands({...})`) that its build
 * tool marked as pure; a minifier then drops them and no Emacs key does anything in a production
 * build (upstream: replit/codemirror-emacs pull request #2, open). Without the marks the calls stay.
 */
module.exports = function stripPureAnnotations(source) {
  return source.replace(/\/\*\s*[#@]__PURE__\s*\*\//g, '');
};
