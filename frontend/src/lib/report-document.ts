import { escapeHtml } from './highlight';

/**
 * The plain class names REPORT_CSS styles. On the page the report is styled by CSS modules, whose
 * class names change with every build; the article's elements carry these names as well, so the
 * downloaded copy of its markup keeps its look.
 */
export const REPORT_CLASS = {
  facts: 'report-facts',
  runs: 'report-runs',
  snippet: 'run-snippet',
  transcript: 'console-transcript',
  transcriptStdin: 'transcript-stdin',
  transcriptWho: 'transcript-who',
  transcriptStderr: 'transcript-stderr',
  success: 'outcome-success',
  bad: 'outcome-bad',
  notes: 'notes',
  muted: 'muted',
} as const;

/**
 * The report's own stylesheet, inlined into the downloaded file so it needs nothing else: no
 * external CSS, fonts or scripts. It styles elements, REPORT_CLASS's names and highlight.js's tokens.
 */
const REPORT_CSS = `
body{margin:0;padding:32px;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1b1f29;background:#fff}
article{max-width:960px;margin:0 auto}
h1{margin:0 0 4px;font-size:24px}h2{margin:28px 0 8px;font-size:17px}
.report-facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:12px 0}
.report-facts dt{color:#5d6575}.report-facts dd{margin:0}
table{border-collapse:collapse;width:100%}th,td{padding:4px 8px;text-align:left;border-bottom:1px solid #dfe2e8;vertical-align:top}
pre{margin:0;padding:12px;overflow:auto;font:13px/1.5 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-word;background:#f8f9fb;border:1px solid #dfe2e8;border-radius:8px}
.report-runs{padding-left:20px}.report-runs li{margin-bottom:10px}.run-snippet{margin-top:4px;padding:6px 8px;font-size:12px}
.console-transcript{margin-top:4px;padding:6px 8px;font-size:12px}.transcript-stdin{color:#0e7490;font-weight:600}.transcript-who{color:#5d6575}.transcript-stderr{color:#c92a2a}
.outcome-success{color:#2b9348}.outcome-bad{color:#c92a2a}.notes{white-space:pre-wrap}.muted{color:#5d6575}
.hljs-keyword,.hljs-built_in,.hljs-meta .hljs-keyword{color:#8839ef}.hljs-string,.hljs-regexp{color:#2b7a0b}
.hljs-number,.hljs-literal{color:#c2410c}.hljs-comment{color:#6b7280;font-style:italic}
.hljs-title,.hljs-title.function_{color:#1d4ed8}.hljs-type,.hljs-title.class_{color:#b45309}.hljs-meta{color:#0e7490}
.hljs-params,.hljs-variable{color:#1b1f29}.hljs-attr,.hljs-property{color:#0f766e}
`;

/** One self-contained HTML file holding the report's markup (already escaped by React and highlight.js). */
export function reportDocument(title: string, articleHtml: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${articleHtml}
</body>
</html>
`;
}

/** Saves `html` as a file through a temporary object URL (nothing leaves the browser). */
export function downloadHtml(fileName: string, html: string): void {
  const url = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
