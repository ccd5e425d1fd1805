import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * Runs axe-core's full rule set (WCAG 2.x A/AA and best practices, which include "one main
 * landmark") on what the page shows now, and fails listing each violation with its elements.
 */
export async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.map(
    (violation) =>
      `${violation.id} (${violation.impact ?? 'n/a'}): ${violation.help}\n${violation.nodes.map((node) => `    ${node.target.join(' ')} — ${node.failureSummary ?? ''}`.replace(/\n/g, ' ')).join('\n')}`,
  );
  expect(found, `axe-core on ${what}`).toEqual([]);
}
