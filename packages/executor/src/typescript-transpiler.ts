import { Worker } from 'node:worker_threads';

/**
 * TypeScript's compile stage: the project's own `typescript` package transpiles the sources
 * (ts.transpileModule: syntax errors are reported, types are not checked). It runs in a
 * worker thread so a large input never stalls the executor's event loop, and the worker is
 * replaced if it overruns the compile timeout. Transpiling only parses text; no user code runs.
 */

export interface TranspileInput {
  name: string;
  source: string;
}

export interface TranspileOutcome {
  outputs: { name: string; text: string }[];
  /** tsc-style lines: `file(line,col): error TSxxxx: message`. */
  diagnostics: string[];
  timedOut: boolean;
  error?: string;
  wallTimeMs: number;
}

// Plain CommonJS source for an eval'd worker: works the same under tsx and when bundled.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let ts;
parentPort.on('message', ({ id, files, jsName }) => {
  try {
    ts ??= require(workerData.typescriptPath);
    const outputs = [];
    const diagnostics = [];
    for (const file of files) {
      const result = ts.transpileModule(file.source, {
        fileName: file.name,
        reportDiagnostics: true,
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
          jsx: ts.JsxEmit.React,
        },
      });
      for (const d of result.diagnostics || []) {
        const text = ts.flattenDiagnosticMessageText(d.messageText, '\\n');
        if (d.file && d.start !== undefined) {
          const pos = d.file.getLineAndCharacterOfPosition(d.start);
          diagnostics.push(file.name + '(' + (pos.line + 1) + ',' + (pos.character + 1) + '): error TS' + d.code + ': ' + text);
        } else {
          diagnostics.push('error TS' + d.code + ': ' + text);
        }
      }
      outputs.push({ name: file.name.replace(/\\.(ts|mts|cts|tsx)$/, '') + '.js', text: result.outputText });
    }
    parentPort.postMessage({ id, outputs, diagnostics });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

interface WorkerReply {
  id: number;
  outputs?: { name: string; text: string }[];
  diagnostics?: string[];
  error?: string;
}

export class TypescriptTranspiler {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, (reply: WorkerReply) => void>();

  constructor(private readonly typescriptPath: string) {}

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { typescriptPath: this.typescriptPath },
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
    const fail = (message: string) => {
      for (const [id, resolve] of this.pending) resolve({ id, error: message });
      this.pending.clear();
      if (this.worker === worker) this.worker = undefined;
    };
    worker.on('error', (error) => fail(`transpiler crashed: ${error.message}`));
    worker.on('exit', () => fail('transpiler stopped'));
    this.worker = worker;
    return worker;
  }

  async transpile(files: readonly TranspileInput[], timeoutMs: number): Promise<TranspileOutcome> {
    const started = performance.now();
    const worker = this.ensureWorker();
    const id = ++this.nextId;
    let timedOut = false;
    const reply = await new Promise<WorkerReply>((resolve) => {
      const timer = setTimeout(() => {
        timedOut = true;
        this.pending.delete(id);
        void worker.terminate();
        resolve({ id, error: 'timeout' });
      }, timeoutMs);
      this.pending.set(id, (value) => {
        clearTimeout(timer);
        resolve(value);
      });
      worker.postMessage({ id, files });
    });
    return {
      outputs: reply.outputs ?? [],
      diagnostics: reply.diagnostics ?? [],
      timedOut,
      error: timedOut ? undefined : reply.error,
      wallTimeMs: Math.round(performance.now() - started),
    };
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}
