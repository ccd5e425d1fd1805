'use client';

import { useEffect, useState } from 'react';
import { cx } from '@/lib/cx';
import styles from './markdown-view.module.css';

type Renderer = (source: string) => string;
let loaded: Promise<Renderer> | null = null;

/** The Markdown renderer (marked + DOMPurify), fetched the first time a description is shown. */
function loadRenderer(): Promise<Renderer> {
  loaded ??= import('@/lib/markdown').then((module) => module.renderMarkdown);
  return loaded;
}

/**
 * A question's description, rendered from Markdown. Until the renderer has loaded the source is
 * shown as plain text; the rendered HTML is sanitized (lib/markdown.ts), never the raw source.
 */
export function MarkdownView({ source, className = '', testId }: { source: string; className?: string; testId?: string }) {
  const [html, setHtml] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    setHtml(null);
    loadRenderer()
      .then((render) => current && setHtml(render(source)))
      .catch((error: unknown) => console.error('The Markdown renderer failed to load', error));
    return () => {
      current = false;
    };
  }, [source]);

  if (html === null) {
    return (
      <div className={cx(styles.markdown, className)} data-testid={testId}>
        <p className={styles.plain}>{source}</p>
      </div>
    );
  }
  return <div className={cx(styles.markdown, className)} data-testid={testId} dangerouslySetInnerHTML={{ __html: html }} />;
}
