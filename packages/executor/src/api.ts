import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { Executor } from './executor';
import { QueueFullError } from './job-queue';
import { PreviewError, type PreviewManager } from './preview-manager';
import { PREVIEW_PROXY_PREFIX, proxyPreviewRequest } from './preview-proxy';
import type { ExecutorLogger } from './logger';
import { tokenVerifier } from './token';
import { RequestError } from './validation';

/** What /health adds beside the executor's own report: the connect sessions going on (index.ts attaches connect after the app). */
export interface HealthExtras {
  connectSessions(): number;
  /** This executor's own address (EXECUTOR_ADVERTISE_URL, its port filled in), once it listens. */
  advertisedUrl?(): string | undefined;
}

/** Thin HTTP adapter: Piston API v2 plus /health, every error as Piston's `{ message }`. */
export function createApp(executor: Executor, logger: ExecutorLogger, extras?: HealthExtras): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (executor.config.token) app.use(requireToken(executor.config.token));

  // A preview's pages, scripts and assets, before any body parsing (preview-proxy.ts).
  app.use((req, res, next) => {
    if (req.url.startsWith(PREVIEW_PROXY_PREFIX)) proxyPreviewRequest(executor.previews, req, res);
    else next();
  });

  app.get('/', (_req, res) => {
    res.json({ message: 'PairPad executor (Piston v2 compatible)' });
  });

  app.get('/health', (_req, res) => {
    const report = executor.health();
    // Streamed runs and consoles (connect) hold no queue slot while they run: a backend sharing
    // this executor with others counts them in its load (its executor pool).
    const connect = extras ? { connect: { sessions: extras.connectSessions(), maxSessions: executor.config.maxConnectSessions } } : {};
    res.status(report.status === 'ok' ? 200 : 503).json(report.status === 'ok' ? { ...report, ...connect } : report);
  });

  const answerError = (res: Response, error: unknown) => {
    if (error instanceof PreviewError) res.status(error.status).json({ message: error.message, code: error.code });
    else if (error instanceof RequestError)
      res.status(error.status).json(error.code ? { message: error.message, code: error.code } : { message: error.message });
    else if (error instanceof QueueFullError) res.status(503).json({ message: error.message });
    else {
      logger.error('execute failed', { error: (error as Error).message });
      res.status(500).json({ message: 'Internal error while running the job' });
    }
  };

  const api = express.Router();
  // Piston rejects any body-carrying request that isn't JSON before looking at it.
  api.use((req, res, next) => {
    if (['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(req.method)) return next();
    if (!req.headers['content-type']?.startsWith('application/json')) {
      res.status(415).json({ message: 'requests must be of type application/json' });
      return;
    }
    next();
  });
  api.use(express.json({ limit: executor.config.maxRequestSize, type: () => true }));

  api.get('/runtimes', (_req, res) => {
    const unavailable = executor.unavailableReason();
    if (unavailable) {
      res.status(503).json({ message: unavailable });
      return;
    }
    res.json(executor.runtimes());
  });

  // Ours, next to Piston's API: compile once, run many cases (test cases).
  api.post('/pairpad/batch', async (req: Request, res: Response) => {
    try {
      res.json(await executor.executeBatch(req.body));
    } catch (error) {
      answerError(res, error);
    }
  });

  mountPreviewRoutes(api, executor.previews, answerError, () => extras?.advertisedUrl?.());

  api.post('/execute', async (req: Request, res: Response) => {
    try {
      res.json(await executor.execute(req.body));
    } catch (error) {
      answerError(res, error);
    }
  });
  app.use('/api/v2', api);

  app.use((_req, res) => {
    res.status(404).json({ message: 'Not Found' });
  });

  // Body parser failures (malformed or oversized JSON): Piston sends a stack, we send a message and,
  // beside it, a named code (the backend's names: errors.ts) a client can branch on.
  const onError: ErrorRequestHandler = (error: { type?: string; message?: string; status?: number }, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.too.large') {
      res.status(400).json({
        message: `request body is larger than the limit of ${executor.config.maxRequestSize} bytes`,
        code: 'PAYLOAD_TOO_LARGE',
      });
    } else if (error.type === 'entity.parse.failed') {
      res.status(400).json({ message: `request body is not valid JSON: ${error.message ?? ''}`.trim(), code: 'VALIDATION_FAILED' });
    } else if (error.status && error.status >= 400 && error.status < 500) {
      res.status(400).json({ message: error.message ?? 'Bad request', code: 'VALIDATION_FAILED' });
    } else {
      logger.error('request failed', { error: error.message });
      res.status(500).json({ message: 'Internal error' });
    }
  };
  app.use(onError);
  return app;
}

/**
 * Ours: previews (preview-manager.ts). POST starts one and answers once its dev server listens
 * (with `url`, this executor's own address, when EXECUTOR_ADVERTISE_URL is set);
 * events is a stream of NDJSON lines (its status, then what it printed and prints; `?replay=0`: only
 * from now on) until it stops.
 */
function mountPreviewRoutes(
  api: express.Router,
  previews: PreviewManager,
  answerError: (res: Response, error: unknown) => void,
  advertisedUrl: () => string | undefined,
): void {
  api.get('/pairpad/previews/templates', (_req, res) => {
    res.json({ templates: previews.templateList(), ...(previews.unavailable ? { unavailable: previews.unavailable } : {}) });
  });
  api.get('/pairpad/previews/templates/:id', (req, res) => {
    const template = previews.template(req.params.id);
    if (!template)
      return void res.status(404).json({ message: `No preview template "${req.params.id}".`, code: 'PREVIEW_TEMPLATE_UNKNOWN' });
    res.json({ id: template.id, title: template.title, language: template.language, entry: template.entry, files: template.files });
  });
  api.post('/pairpad/previews', async (req, res) => {
    try {
      const preview = (await previews.start(req.body)).view();
      // Behind a balancer, the backend sends the preview's later requests here, not to the balancer.
      const url = advertisedUrl();
      res.status(201).json(url ? { ...preview, url } : preview);
    } catch (error) {
      answerError(res, error);
    }
  });
  api.get('/pairpad/previews/:id', (req, res) => {
    try {
      res.json(previews.get(req.params.id).view());
    } catch (error) {
      answerError(res, error);
    }
  });
  api.put('/pairpad/previews/:id/files', (req, res) => {
    try {
      previews.update(req.params.id, req.body);
      res.status(204).end();
    } catch (error) {
      answerError(res, error);
    }
  });
  api.delete('/pairpad/previews/:id', async (req, res) => {
    try {
      await previews.stop(req.params.id);
      res.status(204).end();
    } catch (error) {
      answerError(res, error);
    }
  });
  api.get('/pairpad/previews/:id/events', (req, res) => {
    let preview;
    try {
      preview = previews.get(req.params.id);
    } catch (error) {
      return answerError(res, error);
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
    const off = preview.subscribe((event) => {
      res.write(`${JSON.stringify(event)}\n`);
      if (event.type === 'status' && (event.state === 'stopped' || event.state === 'failed')) res.end();
    }, req.query['replay'] !== '0');
    res.once('close', off);
  });
}

/** EXECUTOR_TOKEN on every request, health included (what it reveals is for the operator). */
function requireToken(token: string): RequestHandler {
  const verify = tokenVerifier(token);
  return (req, res, next) => {
    const problem = verify(req.headers.authorization);
    if (!problem) return next();
    res.status(401).json({ message: problem });
  };
}
