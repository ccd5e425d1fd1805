/**
 * Renders docs/api.md from the code that defines the API, so the reference cannot drift: the
 * REST table (REST_ROUTES) and its zod schemas, the socket event table (CLIENT_EVENTS and its
 * schemas; the server's events and every description from packages/protocol/src/events.ts) and
 * the error codes (ERROR_STATUS). `npm run docs:api` rewrites the file; a backend test fails when
 * it differs from what this renders.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  BINARY_EVENTS,
  CLIENT_EVENTS,
  ERROR_STATUS,
  NOTES_EVENT,
  PROTOCOL_VERSION,
  REST_ROUTES,
  SOCKET_PATH,
  YJS_EVENT,
  type ClientEventName,
} from '@pairpad/protocol';

export const API_DOC_PATH = fileURLToPath(new URL('../docs/api.md', import.meta.url));
const EVENTS_SOURCE = fileURLToPath(new URL('../packages/protocol/src/events.ts', import.meta.url));

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  const?: unknown;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** One line for a JSON Schema type: `string (1–40 chars)`, `"a" \| "b"`, `TestCase[]`. */
function typeOf(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' or ');
  if (schema.type === 'array')
    return `${schema.items ? typeOf(schema.items) : 'unknown'}[]${schema.maxItems !== undefined ? ` (at most ${schema.maxItems})` : ''}`;
  if (schema.type === 'object') return schema.properties ? `{ ${Object.keys(schema.properties).join(', ')} }` : 'object';
  const limits: string[] = [];
  if (schema.minLength !== undefined || schema.maxLength !== undefined)
    limits.push(`${schema.minLength ?? 0}–${schema.maxLength ?? '∞'} chars`);
  if (schema.minimum !== undefined || schema.exclusiveMinimum !== undefined || schema.maximum !== undefined) {
    limits.push(
      `${schema.minimum ?? (schema.exclusiveMinimum !== undefined ? `> ${schema.exclusiveMinimum}` : '')}${schema.maximum !== undefined ? ` … ${schema.maximum}` : ''}`.trim(),
    );
  }
  if (schema.format) limits.push(schema.format);
  else if (schema.pattern) limits.push(`\`${schema.pattern}\``);
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
  return limits.length > 0 ? `${type} (${limits.join(', ')})` : type;
}

/** A table of an object schema's fields; nested objects get their own rows (`tests[].name`). */
function fieldRows(schema: JsonSchema, prefix = ''): string[] {
  const rows: string[] = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const required = (schema.required ?? []).includes(name)
      ? 'yes'
      : field.default !== undefined
        ? `no (default \`${JSON.stringify(field.default)}\`)`
        : 'no';
    rows.push(`| \`${prefix}${name}\` | ${cell(typeOf(field))} | ${required} |`);
    const nested =
      field.type === 'array' ? field.items : field.type === 'object' ? field : field.anyOf?.find((option) => option.type === 'object');
    if (nested?.properties) rows.push(...fieldRows(nested, `${prefix}${name}${field.type === 'array' ? '[]' : ''}.`));
  }
  return rows;
}

function schemaTable(schema: z.ZodType): string[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const rows = fieldRows(json);
  if (rows.length === 0) return ['No fields (`{}`).'];
  return ['| field | type | required |', '|---|---|---|', ...rows];
}

/** `/** doc *\/` comments above each entry of CLIENT_EVENTS and ServerToClientEvents, and the ack types. */
function eventSource(): {
  clientDocs: Map<string, string>;
  acks: Map<string, string>;
  server: Array<{ name: string; doc: string; payload: string }>;
} {
  const text = readFileSync(EVENTS_SOURCE, 'utf8');
  const clientPart = text.slice(text.indexOf('export const CLIENT_EVENTS'), text.indexOf('} as const satisfies'));
  const clientDocs = new Map<string, string>();
  const acks = new Map<string, string>();
  for (const match of clientPart.matchAll(/(?:\/\*\*\s*([\s\S]*?)\s*\*\/\s*)?'([a-z:-]+)': event(?:<(.+?)>)?\(\)/g)) {
    if (match[1]) clientDocs.set(match[2]!, match[1].replace(/\s*\n\s*\*\s*/g, ' '));
    acks.set(match[2]!, match[3] ?? '{}');
  }
  const serverPart = text.slice(text.indexOf('export interface ServerToClientEvents'));
  const server: Array<{ name: string; doc: string; payload: string }> = [];
  const constants: Record<string, string> = { YJS_EVENT, NOTES_EVENT };
  for (const match of serverPart
    .slice(0, serverPart.indexOf('\n}'))
    .matchAll(/(?:\/\*\*\s*([\s\S]*?)\s*\*\/\s*)?(?:'([a-z:-]+)'|\[([A-Z_]+)\]): \(\w+: ([^)]+)\) => void;/g)) {
    server.push({
      name: match[2] ?? constants[match[3]!] ?? match[3]!,
      doc: (match[1] ?? '').replace(/\s*\n\s*\*\s*/g, ' '),
      payload: match[4]!,
    });
  }
  return { clientDocs, acks, server };
}

function restSection(): string[] {
  const lines = [
    '## REST',
    '',
    'JSON in and out. Every error is `{ "error": { "code": "SESSION_NOT_FOUND", "message": "…" } }` with the HTTP status of its code (see [Error codes](#error-codes)).',
    '',
  ];
  lines.push('| method | path | what | answer |', '|---|---|---|---|');
  for (const route of REST_ROUTES) lines.push(`| ${route.method} | \`${route.path}\` | ${cell(route.summary)} | ${cell(route.answer)} |`);
  for (const route of REST_ROUTES) {
    lines.push('', `### ${route.method} ${route.path}`, '', route.summary, '', `- Access: ${route.access}.`, `- Answer: ${route.answer}.`);
    if (route.errors?.length) lines.push(`- Errors: ${route.errors.map((code) => `\`${code}\``).join(', ')}.`);
    if (route.body) lines.push('', 'Body:', '', ...schemaTable(route.body));
  }
  return lines;
}

function socketSection(): string[] {
  const { clientDocs, acks, server } = eventSource();
  const lines = [
    '## Socket.IO',
    '',
    `Path \`${SOCKET_PATH}\`, protocol version ${PROTOCOL_VERSION} (sent at handshake). Every client event is acked: \`{ ok: true, …fields }\` or \`{ ok: false, error: { code, message } }\`; a payload that fails its schema changes nothing and is answered \`VALIDATION_FAILED\`; an unknown event \`UNKNOWN_EVENT\`. A client that gets no ack in time reports \`ACK_TIMEOUT\` itself.`,
    '',
    '### Client → server (acked)',
    '',
    '| event | what | ack fields |',
    '|---|---|---|',
  ];
  const names = Object.keys(CLIENT_EVENTS) as ClientEventName[];
  for (const name of names)
    lines.push(`| \`${name}\` | ${cell(clientDocs.get(name) ?? CLIENT_EVENTS[name].what)} | \`${cell(acks.get(name) ?? '{}')}\` |`);
  for (const name of names) {
    const spec = CLIENT_EVENTS[name];
    lines.push(
      '',
      `#### \`${name}\``,
      '',
      `${clientDocs.get(name) ?? spec.what}${spec.optional ? ' The payload may be left out.' : ''}`,
      '',
      ...schemaTable(spec.schema),
    );
  }
  lines.push(
    '',
    '### Binary channels (not acked)',
    '',
    `${BINARY_EVENTS.map((name) => `\`${name}\``).join(' and ')}: y-protocols sync and awareness messages as binary frames, for the room's document (\`${YJS_EVENT}\`) and the interviewers' private notes (\`${NOTES_EVENT}\`, interviewers only).`,
  );
  lines.push('', '### Server → client', '', '| event | payload | what |', '|---|---|---|');
  for (const event of server) lines.push(`| \`${event.name}\` | \`${cell(event.payload)}\` | ${cell(event.doc)} |`);
  return lines;
}

function errorSection(): string[] {
  const lines = [
    '## Error codes',
    '',
    'Defined once in `packages/protocol/src/errors.ts`; codes are added, never renamed.',
    '',
    '| code | HTTP status |',
    '|---|---|',
  ];
  for (const [code, status] of Object.entries(ERROR_STATUS)) lines.push(`| \`${code}\` | ${status} |`);
  return lines;
}

export function renderApiDoc(): string {
  return [
    '# PairPad API',
    '',
    '<!-- Generated by `npm run docs:api` (scripts/api-docs.ts) from packages/protocol: edit the tables there, not this file. -->',
    '',
    "The backend's public interfaces: the REST API and the Socket.IO events of a room. The executor's own API is Piston's v2 (`/api/v2/runtimes`, `/execute`, `/connect`), served by packages/executor.",
    '',
    ...restSection(),
    '',
    ...socketSection(),
    '',
    ...errorSection(),
    '',
  ].join('\n');
}

if (process.argv.includes('--write')) {
  writeFileSync(API_DOC_PATH, renderApiDoc());
  console.log('docs/api.md updated');
}
