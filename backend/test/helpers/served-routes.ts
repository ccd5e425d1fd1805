import type { Express } from 'express';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function routesOf(stack: readonly Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path}`);
    return layer.handle?.stack ? routesOf(layer.handle.stack) : [];
  });
}

/** `METHOD path` of every route Express serves (the app's router and the routers mounted on it), each once. */
export function servedRoutes(app: Express): string[] {
  return [...new Set(routesOf((app as unknown as { router: { stack: Layer[] } }).router.stack))];
}
