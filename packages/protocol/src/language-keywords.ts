/**
 * Each language's `keywords` (languages.ts): words the editor offers as completions in each room language, besides the document's own
 * identifiers: the reserved words, plus the handful of built-ins an interview solution reaches
 * for first (printing, reading input, the common containers). Not a full API list on purpose:
 * a short list keeps the suggestions about what is being typed.
 */
const C_KEYWORDS = ['auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum', 'extern', 'float', 'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return', 'short', 'signed', 'sizeof', 'static', 'struct', 'switch', 'typedef', 'union', 'unsigned', 'void', 'volatile', 'while', 'bool', 'true', 'false', 'NULL'];
const C_BUILTINS = ['printf', 'scanf', 'puts', 'getchar', 'malloc', 'calloc', 'realloc', 'free', 'memset', 'memcpy', 'strlen', 'strcmp', 'strcpy', 'qsort', 'include', 'define', 'stdio', 'stdlib', 'string', 'size_t'];

const JS_KEYWORDS = ['async', 'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'let', 'new', 'null', 'of', 'return', 'static', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'undefined', 'var', 'void', 'while', 'yield'];
const JS_BUILTINS = ['console', 'log', 'Array', 'Object', 'Map', 'Set', 'String', 'Number', 'Math', 'JSON', 'Promise', 'parseInt', 'parseFloat', 'require', 'process', 'length', 'push', 'pop', 'slice', 'splice', 'forEach', 'filter', 'reduce', 'includes'];
const TS_KEYWORDS = ['abstract', 'as', 'declare', 'enum', 'implements', 'interface', 'keyof', 'namespace', 'private', 'protected', 'public', 'readonly', 'satisfies', 'type', 'any', 'boolean', 'never', 'number', 'string', 'unknown', 'void', 'Record', 'Partial'];

export const KEYWORDS = {
  python: [
    'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield', 'match', 'case',
    'print', 'input', 'len', 'range', 'enumerate', 'zip', 'map', 'filter', 'sorted', 'reversed', 'sum', 'min', 'max', 'abs', 'int', 'float', 'str', 'list', 'dict', 'set', 'tuple', 'bool', 'isinstance', 'open', 'self', '__name__', '__main__',
  ],
  javascript: [...JS_KEYWORDS, ...JS_BUILTINS],
  typescript: [...JS_KEYWORDS, ...JS_BUILTINS, ...TS_KEYWORDS],
  c: [...C_KEYWORDS, ...C_BUILTINS],
  'c++': [
    ...C_KEYWORDS, ...C_BUILTINS,
    'class', 'constexpr', 'delete', 'explicit', 'friend', 'mutable', 'namespace', 'new', 'noexcept', 'nullptr', 'operator', 'private', 'protected', 'public', 'template', 'this', 'throw', 'try', 'catch', 'typename', 'using', 'virtual', 'override',
    'std', 'cout', 'cin', 'endl', 'vector', 'string', 'map', 'unordered_map', 'set', 'pair', 'iostream', 'algorithm', 'sort', 'push_back', 'size',
  ],
  java: [
    'abstract', 'assert', 'boolean', 'break', 'byte', 'case', 'catch', 'char', 'class', 'continue', 'default', 'do', 'double', 'else', 'enum', 'extends', 'final', 'finally', 'float', 'for', 'if', 'implements', 'import', 'instanceof', 'int', 'interface', 'long', 'new', 'package', 'private', 'protected', 'public', 'return', 'short', 'static', 'super', 'switch', 'this', 'throw', 'throws', 'try', 'var', 'void', 'while', 'true', 'false', 'null', 'record',
    'String', 'System', 'out', 'println', 'Scanner', 'List', 'ArrayList', 'Map', 'HashMap', 'Set', 'HashSet', 'Integer', 'Math', 'Arrays',
  ],
  rust: [
    'as', 'async', 'await', 'break', 'const', 'continue', 'crate', 'dyn', 'else', 'enum', 'extern', 'false', 'fn', 'for', 'if', 'impl', 'in', 'let', 'loop', 'match', 'mod', 'move', 'mut', 'pub', 'ref', 'return', 'self', 'Self', 'static', 'struct', 'super', 'trait', 'true', 'type', 'unsafe', 'use', 'where', 'while',
    'println', 'print', 'format', 'vec', 'Vec', 'String', 'Option', 'Some', 'None', 'Result', 'Ok', 'Err', 'HashMap', 'usize', 'i32', 'i64', 'u32', 'u64', 'f64', 'bool', 'std', 'io', 'stdin',
  ],
  go: [
    'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for', 'func', 'go', 'goto', 'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select', 'struct', 'switch', 'type', 'var', 'true', 'false', 'nil',
    'fmt', 'Println', 'Printf', 'Sprintf', 'Scan', 'append', 'len', 'cap', 'make', 'new', 'int', 'int64', 'string', 'bool', 'byte', 'rune', 'float64', 'error',
  ],
  ruby: [
    'BEGIN', 'END', 'alias', 'and', 'begin', 'break', 'case', 'class', 'def', 'defined?', 'do', 'else', 'elsif', 'end', 'ensure', 'false', 'for', 'if', 'in', 'module', 'next', 'nil', 'not', 'or', 'redo', 'rescue', 'retry', 'return', 'self', 'super', 'then', 'true', 'undef', 'unless', 'until', 'when', 'while', 'yield',
    'puts', 'print', 'gets', 'require', 'attr_accessor', 'each', 'map', 'select', 'length',
  ],
  php: [
    'abstract', 'array', 'as', 'break', 'case', 'catch', 'class', 'const', 'continue', 'default', 'do', 'echo', 'else', 'elseif', 'extends', 'false', 'final', 'finally', 'fn', 'for', 'foreach', 'function', 'if', 'implements', 'include', 'interface', 'isset', 'match', 'namespace', 'new', 'null', 'private', 'protected', 'public', 'require', 'return', 'static', 'switch', 'throw', 'true', 'try', 'unset', 'use', 'while',
    'count', 'strlen', 'explode', 'implode', 'array_map', 'array_filter', 'sort', 'printf', 'fgets', 'STDIN',
  ],
  bash: [
    'if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'while', 'until', 'do', 'done', 'in', 'function', 'select', 'return', 'local', 'export', 'readonly', 'declare',
    'echo', 'printf', 'read', 'exit', 'shift', 'test', 'true', 'false', 'cd', 'grep', 'sed', 'awk', 'cat',
  ],
} as const satisfies Record<string, readonly string[]>;
