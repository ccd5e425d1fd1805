import { z } from 'zod';

/**
 * Languages the room can be set to. Ids are Piston's language names, so the room's language
 * goes to the executor unchanged. `starter` is the code a new session opens with.
 */
export const LANGUAGES = [
  { id: 'python', label: 'Python', starter: 'def main():\n    print("Hello, PairPad!")\n\n\nif __name__ == "__main__":\n    main()\n' },
  { id: 'javascript', label: 'JavaScript', starter: 'function main() {\n  console.log("Hello, PairPad!");\n}\n\nmain();\n' },
  { id: 'typescript', label: 'TypeScript', starter: 'function main(): void {\n  console.log("Hello, PairPad!");\n}\n\nmain();\n' },
  { id: 'c', label: 'C', starter: '#include <stdio.h>\n\nint main(void) {\n    printf("Hello, PairPad!\\n");\n    return 0;\n}\n' },
  { id: 'c++', label: 'C++', starter: '#include <iostream>\n\nint main() {\n    std::cout << "Hello, PairPad!" << std::endl;\n    return 0;\n}\n' },
  { id: 'java', label: 'Java', starter: 'public class Main {\n    public static void main(String[] args) {\n        System.out.println("Hello, PairPad!");\n    }\n}\n' },
  { id: 'rust', label: 'Rust', starter: 'fn main() {\n    println!("Hello, PairPad!");\n}\n' },
  { id: 'go', label: 'Go', starter: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("Hello, PairPad!")\n}\n' },
  { id: 'ruby', label: 'Ruby', starter: 'puts "Hello, PairPad!"\n' },
  { id: 'php', label: 'PHP', starter: '<?php\necho "Hello, PairPad!\\n";\n' },
  { id: 'bash', label: 'Bash', starter: 'echo "Hello, PairPad!"\n' },
] as const;

export type LanguageId = (typeof LANGUAGES)[number]['id'];

export const LANGUAGE_IDS = LANGUAGES.map((language) => language.id) as [LanguageId, ...LanguageId[]];

export const LanguageIdSchema = z.enum(LANGUAGE_IDS, {
  error: () => `must be one of: ${LANGUAGE_IDS.join(', ')}`,
});

export const DEFAULT_LANGUAGE: LanguageId = 'python';

export function starterCode(language: LanguageId): string {
  return LANGUAGES.find((entry) => entry.id === language)?.starter ?? '';
}

export function languageLabel(language: string): string {
  return LANGUAGES.find((entry) => entry.id === language)?.label ?? language;
}
