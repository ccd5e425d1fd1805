/**
 * The project templates PairPad ships for live previews (templates/<id>/ in the repository; the
 * executor lists the ones it has). Zod-free: the room's Preview pane imports it directly.
 */
export const PREVIEW_TEMPLATES = [
  { id: 'react-vite', title: 'React + Vite + TypeScript' },
  { id: 'node-express', title: 'Node + Express' },
  { id: 'python-flask', title: 'Python + Flask' },
] as const;
