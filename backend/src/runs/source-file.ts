/**
 * The file name a program is sent under. Piston would call it `file0.code`; compilers that
 * decide the language by extension (gcc, go, rustc) and class-per-file Java want a real one.
 */
const EXTENSIONS: Record<string, string> = {
  python: 'py',
  javascript: 'js',
  typescript: 'ts',
  c: 'c',
  'c++': 'cpp',
  rust: 'rs',
  go: 'go',
  ruby: 'rb',
  php: 'php',
  bash: 'sh',
};

export function sourceFileName(language: string): string {
  if (language === 'java') return 'Main.java';
  const extension = EXTENSIONS[language];
  return extension ? `main.${extension}` : 'main.code';
}
