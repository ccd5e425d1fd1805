import { z } from 'zod';
import { API_V1_ROUTES, ApiErrorSchema, ERROR_STATUS, openApiPath, type ApiV1Route } from '@pairpad/protocol';

type JsonObject = Record<string, unknown>;

/** A zod schema as an OpenAPI 3.1 schema object (JSON Schema draft 2020-12, without `$schema`). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonObject;
  return rest;
}

function parameters(route: ApiV1Route): JsonObject[] {
  const list: JsonObject[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonObject>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      const { description, ...rest } = property;
      list.push({
        name,
        in: where,
        required: where === 'path' || (object.required ?? []).includes(name),
        schema: rest,
        ...(typeof description === 'string' ? { description } : {}),
      });
    }
  }
  return list;
}

function responses(route: ApiV1Route): JsonObject {
  const answer: JsonObject = {
    [String(route.status)]: { description: 'Success', content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } },
  };
  const byStatus = new Map<number, string[]>();
  for (const code of route.errors) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    answer[String(status)] = {
      description: codes.join(', '),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return answer;
}

function operation(route: ApiV1Route): JsonObject {
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.scope ? { description: `Needs a token with the \`${route.scope}\` scope.`, 'x-required-scope': route.scope } : {}),
    security: route.scope ? [{ bearer: [] }] : [],
    ...(parameters(route).length > 0 ? { parameters: parameters(route) } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } }
      : {}),
    responses: responses(route),
  };
}

/**
 * The OpenAPI 3.1 document of `/api/v1`, built from API_V1_ROUTES and the very zod schemas the
 * routes parse with: a field added to a schema is in the document, nothing to keep in step.
 */
export function openApiDocument(options: { version: string; serverUrl?: string }): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of API_V1_ROUTES) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'PairPad public API',
      version: options.version,
      description:
        'Create interviews, list and read them, their reports and playback links. Authenticate with a personal API token (`Authorization: Bearer ppk_…`), created on the "API tokens" page.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'ppk_… personal API token' } },
      schemas: { Error: jsonSchema(ApiErrorSchema, 'output') },
    },
  };
}
