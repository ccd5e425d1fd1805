import { expect, type Page } from '@playwright/test';

export type SettingLabel = 'Theme' | 'Key bindings' | 'Font size';

/** Opens the header's Settings menu, picks `value` in the field labelled `label`, and closes the menu with Escape. */
export async function chooseSetting(page: Page, label: SettingLabel, value: string): Promise<void> {
  const menuButton = page.getByRole('button', { name: 'Settings' });
  await menuButton.click();
  await expect(menuButton).toHaveAttribute('aria-expanded', 'true');
  await page.getByRole('group', { name: 'Settings' }).getByLabel(label).selectOption(value);
  await page.keyboard.press('Escape');
  await expect(menuButton).toHaveAttribute('aria-expanded', 'false');
  await expect(menuButton).toBeFocused();
}

/** What the Settings menu shows for `label` (opens and closes the menu). */
export async function settingValue(page: Page, label: SettingLabel): Promise<string> {
  const menuButton = page.getByRole('button', { name: 'Settings' });
  await menuButton.click();
  const value = await page.getByRole('group', { name: 'Settings' }).getByLabel(label).inputValue();
  await page.keyboard.press('Escape');
  return value;
}

/** The theme the page shows: `<html data-theme>`. */
export function pageTheme(page: Page): Promise<string | null> {
  return page.evaluate(() => document.documentElement.getAttribute('data-theme'));
}
