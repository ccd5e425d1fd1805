// Types for toolchains.mjs (plain JavaScript, since setup runs before `npm install`).
export interface Toolchain {
  language: string;
  label: string;
  packages: string[];
  commands: string[];
  files?: string[];
  userDirs?: string[];
  extraDirs?: string[];
  any?: boolean;
}
export const TOOLCHAINS: readonly Toolchain[];
export const DEFAULT_LANGUAGES: readonly string[];
export function selectLanguages(spec: string | undefined): { languages: string[]; unknown: string[] };
export function toolchainPresent(entry: Toolchain, options?: { home?: string; pathEnv?: string }): boolean;
export function missingToolchains(
  languages: readonly string[],
  options?: { home?: string; pathEnv?: string },
): { entries: Toolchain[]; packages: string[] };
