import type { Page } from '@playwright/test';

/**
 * The code in the page's editor, read from CodeMirror's own state (`view.state.doc`), never from
 * the DOM: the DOM's text also holds the remote cursors' name labels and widget buffers
 * ("print(x)⁠⁠Cara⁠"), and only the lines CodeMirror chose to render.
 *
 * This is what `EditorView.findFromDOM(document.querySelector('.cm-editor'))` does; the page's
 * own `@codemirror/view` module cannot be imported from `page.evaluate`, so the lookup is repeated
 * here: CodeMirror keeps its view object on the `.cm-content` element (`cmTile.root.view` since
 * @codemirror/view 6.39, `cmView.rootView.view` before). Throws rather than guessing when neither
 * is there, so an upgrade that moves it fails loudly here instead of comparing the wrong text.
 */
export function editorCode(page: Page): Promise<string> {
  return page.evaluate(() => {
    interface ViewLike {
      state: { doc: { toString(): string } };
    }
    interface Tagged {
      cmTile?: { root?: { view?: ViewLike } };
      cmView?: { rootView?: { view?: ViewLike } };
    }
    const content = document.querySelector('.cm-editor .cm-content') as (Element & Tagged) | null;
    if (!content) throw new Error('no CodeMirror editor (.cm-editor .cm-content) on the page');
    const view = content.cmTile?.root?.view ?? content.cmView?.rootView?.view;
    if (!view) throw new Error('CodeMirror view not found on .cm-content: update e2e/support/editor.ts for this @codemirror/view');
    return view.state.doc.toString();
  });
}
