import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IdentityService } from './identity-service';

export const SETUP_CODE_FILE = 'setup-code.txt';

export interface FirstRunOptions {
  /** Where setup-code.txt is written (mode 0600), as Jenkins writes initialAdminPassword. */
  dataDir: string;
  /** ADMIN_EMAIL / ADMIN_PASSWORD: the first admin without the setup page. */
  adminEmail?: string | undefined;
  adminPassword?: string | undefined;
  /** The frontend's public URL: the printed link is `${frontendUrl}/setup?code=…`. */
  frontendUrl: string;
  logger: { info(message: string, meta?: object): void; warn(message: string, meta?: object): void };
}

export type FirstRunResult =
  | { kind: 'ready' }
  | { kind: 'admin-created'; email: string }
  | { kind: 'setup-code'; code: string; link: string; file: string }
  | { kind: 'issued-elsewhere'; issuedAt: number };

/**
 * At start: with no admin yet, creates one from ADMIN_EMAIL/ADMIN_PASSWORD, or makes sure a
 * one-time setup code exists and prints its link. Never "whoever comes first": without the
 * code (from the log or the 0600 file) nobody can become admin of a fresh public deployment.
 *
 * A code already written to this node's file whose hash is still the stored one is printed
 * again (a restart keeps the link working). Several nodes starting at once share the first
 * node's code (the others say so in their logs); a code older than an hour is replaced.
 */
export async function prepareFirstRun(identity: IdentityService, options: FirstRunOptions): Promise<FirstRunResult> {
  const file = join(options.dataDir, SETUP_CODE_FILE);
  if (!(await identity.setupRequired())) {
    await rm(file, { force: true });
    return { kind: 'ready' };
  }
  if (options.adminEmail && options.adminPassword) {
    const created = await identity.ensureAdmin(options.adminEmail.trim().toLowerCase(), options.adminPassword);
    if (created) options.logger.info(`created the first admin ${created.email} from ADMIN_EMAIL`);
    await rm(file, { force: true });
    return { kind: 'admin-created', email: options.adminEmail };
  }
  const kept = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (kept && (await identity.setupCodeMatches(kept))) return announce(kept, file, options);
  const issued = await identity.issueSetupCode();
  if ('issuedAt' in issued) {
    options.logger.warn(
      `no admin yet: another node issued the one-time setup code at ${new Date(issued.issuedAt).toISOString()}; open the setup link from its log (or its ${SETUP_CODE_FILE}), or restart a node after an hour for a new one`,
    );
    return { kind: 'issued-elsewhere', issuedAt: issued.issuedAt };
  }
  await mkdir(options.dataDir, { recursive: true });
  await writeFile(file, `${issued.code}\n`, { mode: 0o600 });
  // writeFile's mode applies only to a new file; an existing one is narrowed too.
  await chmod(file, 0o600);
  return announce(issued.code, file, options);
}

function announce(code: string, file: string, options: FirstRunOptions): FirstRunResult {
  const link = `${options.frontendUrl}/setup?code=${code}`;
  options.logger.warn(`no admin yet: open ${link} to create the first admin (the one-time code is also in ${file})`);
  return { kind: 'setup-code', code, link, file };
}

/** After setup succeeded: the file is of no further use. */
export async function removeSetupCodeFile(dataDir: string): Promise<void> {
  await rm(join(dataDir, SETUP_CODE_FILE), { force: true });
}
