import DOMPurify from 'dompurify';
import { Marked } from 'marked';

/**
 * Markdown → safe HTML for question descriptions (written by interviewers, shown to candidates).
 * Two layers: raw HTML in the Markdown is escaped (shown as text, never parsed), and the result
 * is sanitized by DOMPurify (no scripts, event handlers, javascript: links, styles or images).
 * Loaded on demand, so neither library weighs on the room's first load.
 */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const markdown = new Marked({
  gfm: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
  },
});

let hooked = false;

export function renderMarkdown(source: string): string {
  if (!hooked) {
    // Links open in a new tab without giving the page a handle on ours.
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    });
    hooked = true;
  }
  const html = markdown.parse(source, { async: false });
  return DOMPurify.sanitize(html, {
    FORBID_TAGS: ['img', 'style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'svg', 'math'],
    FORBID_ATTR: ['style'],
  });
}
