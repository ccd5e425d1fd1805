import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ExecutorConfig, Env } from './config';
import { filePathProblem, nameCollision } from './file-paths';
import type { ExecutorLogger } from './logger';
import { Preview, PreviewStartError, type PreviewFile } from './preview';
import { defaultTemplatesDir, loadPreviewTemplates, type PreviewTemplate } from './preview-templates';
import type { ExtraBind, Sandbox } from './sandbox';
import { findNode, placeTool } from './toolchain-probe';

/** Named codes of a refused or failed preview, sent as `code` beside `message`. */
export const PREVIEW_ERROR_CODES = {
  unknownTemplate: 'PREVIEW_TEMPLATE_UNKNOWN',
  limit: 'PREVIEW_LIMIT_REACHED',
  notFound: 'PREVIEW_NOT_FOUND',
  unavailable: 'PREVIEW_UNAVAILABLE',
  invalid: 'PREVIEW_REQUEST_INVALID',
  neverListened: 'PREVIEW_NEVER_LISTENED',
  exited: 'PREVIEW_EXITED',
  fileInvalid: 'FILE_PATH_INVALID',
  tooMany: 'FILES_TOO_MANY',
  tooLarge: 'FILES_TOO_LARGE',
} as const;
export type PreviewErrorCode = (typeof PREVIEW_ERROR_CODES)[keyof typeof PREVIEW_ERROR_CODES];

export class PreviewError extends Error {
  override name = 'PreviewError';
  constructor(
    readonly code: PreviewErrorCode,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const FileSchema = z.object({ name: z.string(), content: z.string() }).strict();
const StartSchema = z.object({ template: z.string().min(1).max(100), files: z.array(FileSchema).default([]) }).strict();
const UpdateSchema = z.object({ files: z.array(FileSchema).default([]), deleted: z.array(z.string()).default([]) }).strict();

/** How often idle previews are looked for. */
const IDLE_SWEEP_MS = 5_000;

/**
 * The executor's previews: POST a template (and the room's files) → a dev server in a sandbox
 * of its own, files written through as they change, its output streamed, stopped on request,
 * when idle (EXECUTOR_PREVIEW_IDLE_TIMEOUT with no request and no open connection), or when the
 * executor closes. At most EXECUTOR_MAX_PREVIEWS at once.
 */
export class PreviewManager {
  private readonly previews = new Map<string, Preview>();
  private readonly sweep: NodeJS.Timeout;

  private constructor(
    private readonly config: ExecutorConfig,
    private readonly sandbox: Sandbox,
    private readonly logger: ExecutorLogger,
    private readonly templates: Map<string, PreviewTemplate>,
    private readonly toolchainDir: string | undefined,
    private readonly node: { bin: string; binds: ExtraBind[] } | undefined,
    /** Why previews cannot start here, when they cannot. */
    readonly unavailable: string | undefined,
  ) {
    this.sweep = setInterval(() => this.stopIdle(), Math.min(IDLE_SWEEP_MS, config.previewIdleTimeout));
    this.sweep.unref();
  }

  static async create(config: ExecutorConfig, env: Env, sandbox: Sandbox, logger: ExecutorLogger): Promise<PreviewManager> {
    const templatesDir = config.previewTemplates ?? defaultTemplatesDir();
    const toolchainDir =
      config.previewToolchain ??
      (templatesDir ? path.join(path.dirname(templatesDir), '.pairpad', 'toolchain', 'preview-node') : undefined);
    const templates =
      templatesDir && existsSync(templatesDir) ? await loadPreviewTemplates(templatesDir) : new Map<string, PreviewTemplate>();
    const nodePath = await findNode({ env, execPath: process.execPath });
    const placed = nodePath ? placeTool(nodePath, '/opt/pairpad-node') : undefined;
    const node = placed ? { bin: placed.bin, binds: placed.bind ? [placed.bind] : [] } : undefined;
    let unavailable: string | undefined;
    if (config.maxPreviews === 0) unavailable = 'previews are turned off (EXECUTOR_MAX_PREVIEWS=0)';
    else if (templates.size === 0) unavailable = `no preview templates found (EXECUTOR_PREVIEW_TEMPLATES: ${templatesDir ?? 'not found'})`;
    else if (!toolchainDir || !existsSync(path.join(toolchainDir, 'node_modules')))
      unavailable = `the preview toolchain is not installed at ${toolchainDir ?? '(unknown)'}; run node scripts/preview-toolchain.mjs`;
    else if (!node) unavailable = 'no node binary for the preview sandbox';
    else if (config.sandbox === 'none') unavailable = 'previews need the bwrap sandbox (EXECUTOR_SANDBOX=bwrap)';
    if (unavailable) logger.warn('previews unavailable', { reason: unavailable });
    else logger.info('previews ready', { templates: [...templates.keys()], toolchain: toolchainDir });
    return new PreviewManager(config, sandbox, logger, templates, toolchainDir, node, unavailable);
  }

  /** The templates, for GET /api/v2/pairpad/previews/templates. */
  templateList() {
    return [...this.templates.values()].map((t) => ({ id: t.id, title: t.title, language: t.language, entry: t.entry, port: t.port }));
  }

  /** A template's files (what a room is seeded with). */
  template(id: string): PreviewTemplate | undefined {
    return this.templates.get(id);
  }

  get count(): number {
    return this.previews.size;
  }

  find(id: string): Preview | undefined {
    return this.previews.get(id);
  }

  get(id: string): Preview {
    const preview = this.previews.get(id);
    if (!preview) throw new PreviewError(PREVIEW_ERROR_CODES.notFound, `No preview ${id} (it stopped, or never existed).`, 404);
    return preview;
  }

  /** Starts a preview and resolves once its dev server listens; throws PreviewError otherwise. */
  async start(body: unknown): Promise<Preview> {
    if (this.unavailable || !this.toolchainDir || !this.node)
      throw new PreviewError(PREVIEW_ERROR_CODES.unavailable, `Previews are unavailable: ${this.unavailable ?? 'unknown reason'}`, 503);
    const parsed = StartSchema.safeParse(body);
    if (!parsed.success)
      throw new PreviewError(PREVIEW_ERROR_CODES.invalid, `Invalid preview request: ${z.prettifyError(parsed.error)}`, 400);
    const template = this.templates.get(parsed.data.template);
    if (!template)
      throw new PreviewError(
        PREVIEW_ERROR_CODES.unknownTemplate,
        `No preview template "${parsed.data.template}" (known: ${[...this.templates.keys()].join(', ')}).`,
        400,
      );
    const files = this.mergeFiles(template, parsed.data.files);
    if (this.previews.size >= this.config.maxPreviews)
      throw new PreviewError(
        PREVIEW_ERROR_CODES.limit,
        `This executor is running ${this.config.maxPreviews} previews, its limit; stop one or try again later.`,
        503,
      );
    const preview = new Preview(template, this.config.workDir, this.logger);
    this.previews.set(preview.id, preview);
    try {
      await preview.start({
        template,
        files,
        sandbox: this.sandbox,
        workDir: this.config.workDir,
        toolchainDir: this.toolchainDir,
        node: this.node,
        limits: {
          memoryLimit: this.config.previewMemoryLimit,
          maxProcessCount: this.config.previewMaxProcessCount,
          maxOpenFiles: this.config.maxOpenFiles,
          maxFileSize: this.config.maxFileSize,
        },
        uid: process.getuid?.() === 0 ? this.config.sandboxUid : undefined,
        gid: process.getuid?.() === 0 ? this.config.sandboxGid : undefined,
        startTimeoutMs: this.config.previewStartTimeout,
        logger: this.logger,
      });
    } catch (error) {
      this.previews.delete(preview.id);
      await preview.stop('failed to start');
      if (error instanceof PreviewStartError) throw new PreviewError(error.code, error.message, 504);
      this.logger.error('preview sandbox failed to start', { preview: preview.id, error: (error as Error).message });
      throw new PreviewError(PREVIEW_ERROR_CODES.unavailable, 'The preview sandbox could not be started on this executor.', 503);
    }
    // Stopped for any reason (exited, idle, asked): forgotten.
    const forget = preview.subscribe((event) => {
      if (event.type === 'status' && (event.state === 'stopped' || event.state === 'failed')) {
        this.previews.delete(preview.id);
        forget();
      }
    });
    this.logger.info('preview started', { preview: preview.id, template: template.id });
    return preview;
  }

  /** Write-through of changed (and deleted) files into a running preview. */
  update(id: string, body: unknown): void {
    const preview = this.get(id);
    const parsed = UpdateSchema.safeParse(body);
    if (!parsed.success)
      throw new PreviewError(PREVIEW_ERROR_CODES.invalid, `Invalid preview update: ${z.prettifyError(parsed.error)}`, 400);
    this.checkFiles(parsed.data.files, parsed.data.deleted);
    preview.lastActivity = Date.now();
    preview.update(parsed.data.files, parsed.data.deleted);
  }

  async stop(id: string, reason = 'stopped'): Promise<void> {
    const preview = this.get(id);
    this.previews.delete(id);
    await preview.stop(reason);
  }

  /** The template's files with the request's on top (the room's versions win). */
  private mergeFiles(template: PreviewTemplate, files: readonly PreviewFile[]): PreviewFile[] {
    this.checkFiles(files, []);
    const merged = new Map(template.files.map((file) => [file.name, file]));
    for (const file of files) merged.set(file.name, file);
    const all = [...merged.values()];
    this.checkFiles(all, []);
    return all;
  }

  private checkFiles(files: readonly PreviewFile[], deleted: readonly string[]): void {
    if (files.length + deleted.length > this.config.maxFiles)
      throw new PreviewError(PREVIEW_ERROR_CODES.tooMany, `More than ${this.config.maxFiles} files (EXECUTOR_MAX_FILES).`, 400);
    let bytes = 0;
    for (const name of [...files.map((file) => file.name), ...deleted]) {
      const problem = filePathProblem(name) ?? (name.split('/')[0] === 'node_modules' ? 'the read-only "node_modules" folder' : undefined);
      if (problem)
        throw new PreviewError(
          PREVIEW_ERROR_CODES.fileInvalid,
          `File name ${JSON.stringify(name.slice(0, 200))} is refused: ${problem}.`,
          400,
        );
    }
    for (const file of files) bytes += Buffer.byteLength(file.content);
    if (bytes > this.config.maxFilesBytes)
      throw new PreviewError(
        PREVIEW_ERROR_CODES.tooLarge,
        `The files hold more than ${this.config.maxFilesBytes} bytes (EXECUTOR_MAX_FILES_BYTES).`,
        400,
      );
    const collision = nameCollision(files.map((file) => file.name));
    if (collision)
      throw new PreviewError(PREVIEW_ERROR_CODES.fileInvalid, `File names collide: ${files[collision.index]?.name ?? ''}.`, 400);
  }

  private stopIdle(): void {
    const now = Date.now();
    for (const preview of this.previews.values()) {
      if (preview.state !== 'running' || preview.openConnections > 0) continue;
      if (now - preview.lastActivity >= this.config.previewIdleTimeout) void this.stop(preview.id, 'idle').catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
    await Promise.all([...this.previews.values()].map((preview) => preview.stop('the executor is shutting down')));
    this.previews.clear();
  }
}
