import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The project templates a preview starts from, shipped with PairPad under `templates/<id>/`:
 * `template.json` (how to run it) and `files/` (the starting project). Their dependencies are
 * not in the folder: they are installed ahead of time into the preview toolchain
 * (scripts/preview-toolchain.mjs), which every preview sandbox sees read-only as its
 * `node_modules`; nothing is downloaded during an interview.
 */

const ManifestSchema = z
  .object({
    title: z.string().min(1).max(80),
    /** The room language the entry file is written in. */
    language: z.string().min(1),
    /** The file the room opens first. */
    entry: z.string().min(1),
    /** argv of the dev server, run in the box (`node` and `python3` are found on the sandbox's PATH). */
    command: z.array(z.string().min(1)).min(1),
    /** The loopback port the dev server listens on inside its sandbox. */
    port: z.number().int().min(1024).max(65535),
  })
  .strict();

export interface PreviewTemplateFile {
  name: string;
  content: string;
}

export interface PreviewTemplate extends z.infer<typeof ManifestSchema> {
  id: string;
  files: PreviewTemplateFile[];
}

/** Where the shipped templates are: EXECUTOR_PREVIEW_TEMPLATES, else `templates/` of the checkout. */
export function defaultTemplatesDir(): string | undefined {
  const starts = [process.cwd(), path.dirname(fileURLToPath(import.meta.url))];
  for (const start of starts) {
    let dir = start;
    for (;;) {
      if (existsSync(path.join(dir, 'templates', 'preview-toolchain', 'package.json'))) return path.join(dir, 'templates');
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

async function readTree(root: string, relative = ''): Promise<PreviewTemplateFile[]> {
  const files: PreviewTemplateFile[] = [];
  const entries = await fs.readdir(path.join(root, relative), { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const name = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await readTree(root, name)));
    else if (entry.isFile()) files.push({ name, content: await fs.readFile(path.join(root, name), 'utf8') });
  }
  return files;
}

/** Reads every `templates/<id>/template.json` with its files; a broken one is an error at start. */
export async function loadPreviewTemplates(dir: string): Promise<Map<string, PreviewTemplate>> {
  const templates = new Map<string, PreviewTemplate>();
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const manifestPath = path.join(dir, entry.name, 'template.json');
    if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
    const parsed = ManifestSchema.safeParse(JSON.parse(await fs.readFile(manifestPath, 'utf8')));
    if (!parsed.success)
      throw new Error(`template ${entry.name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const files = await readTree(path.join(dir, entry.name, 'files'));
    templates.set(entry.name, { id: entry.name, ...parsed.data, files });
  }
  return templates;
}
