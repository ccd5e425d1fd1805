'use client';

import { useId } from 'react';

const NOT_YET = 'Execution arrives in the next release';

/**
 * Run controls, program input and output. A placeholder until code execution lands:
 * the controls are in place (and keep their accessible names) but disabled.
 */
export function OutputPanel() {
  const inputId = useId();
  return (
    <section className="panel output-panel" aria-labelledby={`${inputId}-title`}>
      <div className="panel-header">
        <h2 id={`${inputId}-title`} className="panel-title">
          Run
        </h2>
        <span title={NOT_YET} className="run-wrapper">
          <button type="button" className="button primary" disabled aria-describedby={`${inputId}-hint`}>
            <span aria-hidden="true">▶</span> Run
          </button>
        </span>
      </div>
      <p id={`${inputId}-hint`} className="hint">
        {NOT_YET}.
      </p>
      <label htmlFor={inputId} className="field-label">
        Input
      </label>
      <textarea id={inputId} className="stdin" rows={3} placeholder="stdin for your program" disabled title={NOT_YET} />
      <div role="region" aria-label="Output" className="output" tabIndex={0}>
        <p className="output-empty">Output will appear here.</p>
      </div>
    </section>
  );
}
