/**
 * Programs the container suite runs through the backend: one per language, each printing a
 * line it had to compute, and hostile ones that must stay contained.
 */

export const EXPECTED_LINE = 'sum 45';

/** Each program prints `sum 45` (0 + 1 + … + 9), so the language really ran. */
export const SUM_PROGRAMS: Record<string, string> = {
  python: 'print("sum", sum(range(10)))\n',
  javascript: 'console.log("sum", [...Array(10).keys()].reduce((a, b) => a + b, 0));\n',
  typescript: 'const numbers: number[] = [...Array(10).keys()];\nconsole.log("sum", numbers.reduce((a: number, b: number) => a + b, 0));\n',
  c: '#include <stdio.h>\nint main(void) {\n  int s = 0;\n  for (int i = 0; i < 10; i++) s += i;\n  printf("sum %d\\n", s);\n  return 0;\n}\n',
  'c++':
    '#include <iostream>\n#include <numeric>\n#include <vector>\nint main() {\n  std::vector<int> v(10);\n  std::iota(v.begin(), v.end(), 0);\n  std::cout << "sum " << std::accumulate(v.begin(), v.end(), 0) << std::endl;\n}\n',
  java: 'public class Main {\n  public static void main(String[] args) {\n    int s = java.util.stream.IntStream.range(0, 10).sum();\n    System.out.println("sum " + s);\n  }\n}\n',
  rust: 'fn main() {\n    let s: i32 = (0..10).sum();\n    println!("sum {}", s);\n}\n',
  go: 'package main\n\nimport "fmt"\n\nfunc main() {\n\ts := 0\n\tfor i := 0; i < 10; i++ {\n\t\ts += i\n\t}\n\tfmt.Println("sum", s)\n}\n',
  ruby: 'puts "sum #{(0...10).sum}"\n',
  php: '<?php\necho "sum " . array_sum(range(0, 9)) . "\\n";\n',
  bash: 's=0; for i in $(seq 0 9); do s=$((s + i)); done; echo "sum $s"\n',
  perl: 'my $s = 0; $s += $_ for 0..9; print "sum $s\\n";\n',
  lua: 'local s = 0\nfor i = 0, 9 do s = s + i end\nprint("sum " .. s)\n',
  sqlite3:
    ".mode list\n.headers off\nWITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9) SELECT 'sum ' || SUM(i) FROM n;\n",
  // psql runs quietly (-q): the \pset lines print nothing, the row prints bare.
  postgresql: "\\pset format unaligned\n\\pset tuples_only on\nSELECT 'sum ' || SUM(i) FROM generate_series(0, 9) AS s(i);\n",
};

/** Forks for as long as it lives (a bash `:(){ :|:& };:` returns at once and only its orphans spin). */
export const FORK_BOMB = {
  language: 'python',
  code: 'import os, time\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        time.sleep(0.01)\n',
};

export const MEMORY_BOMB = { language: 'python', code: 'chunks = []\nwhile True:\n    chunks.append(bytearray(32 * 1024 * 1024))\n' };

/** Tries the given TCP targets and a DNS lookup; prints CONNECTED/RESOLVED only when one works. */
export function networkProbe(targets: readonly { host: string; port: number }[]) {
  const list = targets.map(({ host, port }) => `(${JSON.stringify(host)}, ${port})`).join(', ');
  return {
    language: 'python',
    code: `import socket
for host, port in [${list}]:
    try:
        s = socket.create_connection((host, port), timeout=1)
        print("CONNECTED", host, port)
        s.close()
    except OSError as e:
        print("blocked", host, port, type(e).__name__)
try:
    socket.getaddrinfo("frontend", 3000)
    print("RESOLVED frontend")
except OSError:
    print("blocked dns")
`,
  };
}

/** Prints every environment it can reach: its own, PID 1's, and any process's in its /proc. */
export const ENVIRONMENT_READ = {
  language: 'bash',
  code: 'env\nfor f in /proc/self/environ /proc/1/environ /proc/[0-9]*/environ; do tr "\\0" "\\n" < "$f"; done 2>/dev/null\necho done reading\n',
};

/**
 * A SQL (PostgreSQL) pad as the run API sends it: the query first (the entry), then the schema
 * and the seed, which psql runs before it, in this order, on a database of the run's own.
 */
export const POSTGRES_PAD = {
  files: [
    {
      name: 'main.sql',
      content:
        'SELECT c.name, SUM(o.total) AS spent\nFROM customers c JOIN orders o ON o.customer_id = c.id\nGROUP BY c.id, c.name\nHAVING SUM(o.total) > 100\nORDER BY spent DESC;\n',
    },
    {
      name: 'schema.sql',
      content:
        'CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);\nCREATE TABLE orders (id serial PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (id), total integer NOT NULL);\n',
    },
    {
      name: 'seed.sql',
      content:
        "INSERT INTO customers VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Linus'), (4, 'Margaret'), (5, 'Ken');\nINSERT INTO orders (customer_id, total) VALUES (1, 40), (1, 70), (2, 300), (3, 20), (3, 30), (4, 101), (5, 100);\n",
    },
  ],
  /** psql's aligned table, row by row. */
  rows: [
    ['Grace', '300'],
    ['Ada', '110'],
    ['Margaret', '101'],
  ],
};

/** The rows of psql's aligned table (` name | spent `), header and ruler left out. */
export function psqlRows(output: string): string[][] {
  const lines = output.split('\n').filter((line) => line.includes('|'));
  return lines.slice(1).map((line) => line.split('|').map((cell) => cell.trim()));
}

/** The bank's "Top customers" question (questions/top-customers.md), solved for SQLite. */
export const TOP_CUSTOMERS_SOLUTION =
  'SELECT c.name, SUM(o.total) AS spent\nFROM customers c\nJOIN orders o ON o.customer_id = c.id\nGROUP BY c.id\nHAVING spent > 100\nORDER BY spent DESC;\n';
