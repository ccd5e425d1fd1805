// Installs the preview templates' npm dependencies (Vite, React, Express, TypeScript…) ahead of
// time into the preview toolchain, a folder outside every node_modules of the project that each
// preview sandbox sees read-only as its own `node_modules`: nothing is downloaded during an
// interview. Pinned by templates/preview-toolchain/package-lock.json (`npm ci`).
// Where: EXECUTOR_PREVIEW_TOOLCHAIN, else .pairpad/toolchain/preview-node in the checkout.
// Safe to run again: it acts only when the lock file changed since the last install.
// Plain Node, no deps (setup runs it). `node scripts/preview-toolchain.mjs [--check]`.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { log, root, run } from './lib.mjs';

const source = join(root, 'templates', 'preview-toolchain');
export const previewToolchainDir = resolve(process.env.EXECUTOR_PREVIEW_TOOLCHAIN || join(root, '.pairpad', 'toolchain', 'preview-node'));

/** True when the toolchain holds exactly what the lock file pins. */
export function previewToolchainCurrent(dir = previewToolchainDir) {
  const stamp = join(dir, '.installed-lock.json');
  return (
    existsSync(join(dir, 'node_modules')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === readFileSync(join(source, 'package-lock.json'), 'utf8')
  );
}

export async function installPreviewToolchain(dir = previewToolchainDir) {
  if (previewToolchainCurrent(dir)) return log('preview toolchain is up to date');
  log(`installing the preview templates' dependencies into ${dir}…`);
  mkdirSync(dir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(source, file), join(dir, file));
  // --prefix: the toolchain's own node_modules, never the project's.
  const code = await run('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund'], { cwd: dir });
  if (code !== 0) throw new Error(`npm ci of the preview toolchain failed (exit ${code})`);
  writeFileSync(join(dir, '.installed-lock.json'), readFileSync(join(source, 'package-lock.json'), 'utf8'));
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  if (process.argv.includes('--check')) {
    const current = previewToolchainCurrent();
    console.log(
      current ? `preview toolchain current at ${previewToolchainDir}` : `preview toolchain missing or stale at ${previewToolchainDir}`,
    );
    process.exit(current ? 0 : 1);
  }
  try {
    await installPreviewToolchain();
  } catch (error) {
    console.error(`[pairpad] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
