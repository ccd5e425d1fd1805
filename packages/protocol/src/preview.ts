import { z } from 'zod';

/**
 * Live previews (issue 25): a room's web app (a project template and the room's files) served by
 * its dev server in a sandbox on the executor, shown in the room's Preview pane and at a
 * per-preview address of its own origin that only the room's participants get (a signed,
 * expiring token in the host name).
 */

export { PREVIEW_TEMPLATES } from './preview-templates';

export const PreviewTemplateIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a template id such as react-vite');

/** `preview:start`: start (or restart) the room's preview from a template. */
export const PreviewStartSchema = z.strictObject({ template: PreviewTemplateIdSchema });
export type PreviewStart = z.infer<typeof PreviewStartSchema>;

/** `preview:stop` and `preview:open` carry nothing. */
export const PreviewEmptySchema = z.strictObject({});

export const PREVIEW_STATES = ['off', 'starting', 'running', 'failed'] as const;
export type PreviewState = (typeof PREVIEW_STATES)[number];

/** The room's preview as everyone in the room sees it (`preview:status`, and the acks). */
export interface PreviewStatus {
  state: PreviewState;
  template?: string;
  /** The console transcript its output goes to. */
  jobId?: string;
  /** Why it failed or stopped (a named error's code and words). */
  code?: string;
  message?: string;
  /** Who started it. */
  startedBy?: string;
  /** Server clock, epoch ms, of the last change. */
  at: number;
}

/** `preview:open`'s ack: this participant's address of the preview, valid until `expiresAt`. */
export interface PreviewAddress {
  url: string;
  expiresAt: number;
}
