import type { z } from 'zod';
import type { FlowList as FlowListSchema, Settings } from '../../src/shared/schemas/flows';
import { apiGet } from './data';
import { expect, test } from './serve-fixture';

type FlowList = z.infer<typeof FlowListSchema>;

test('Settings: API address and key (copy, regenerate), data location, theme', async ({
  page,
  context,
  mnemo,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(mnemo.webUrl);
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('settings-api-url')).toHaveText(mnemo.url);
  await expect(page.getByTestId('data-dir')).toHaveText(mnemo.dataDir);

  const key = page.getByLabel('API key', { exact: true });
  await expect(key).toHaveAttribute('type', 'password');
  await expect(key).toHaveValue(mnemo.key);
  await page.getByRole('button', { name: 'Copy API key' }).click();
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe(mnemo.key);

  await page.getByRole('button', { name: 'Regenerate' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Regenerate' }).click();
  await expect(key).not.toHaveValue(mnemo.key);
  const fresh = await key.inputValue();
  expect((await mnemo.api('/api/v1/flows')).status).toBe(401);
  const withFresh = await fetch(`${mnemo.url}/api/v1/flows`, {
    headers: { authorization: `Bearer ${fresh}` },
  });
  expect(withFresh.status).toBe(200);
  // The page itself moved to the new key, also after a reload.
  await page.reload();
  await expect(page.getByTestId('settings-api-url')).toHaveText(mnemo.url);
  await expect(key).toHaveValue(fresh);

  await page.getByRole('region', { name: 'Theme' }).getByText('Dark', { exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
});

test('Settings: create and edit flows, test their connection, CORS allowlist', async ({ page, mnemo }) => {
  await page.goto(mnemo.webUrl);
  await page.getByRole('button', { name: 'Settings' }).click();
  const flows = page.getByRole('table', { name: 'Flows' });
  await expect(flows.getByRole('row', { name: /Default/ })).toContainText('built-in · offline');

  // The built-in echo needs no connection test.
  await expect(page.getByRole('button', { name: 'Test connection of Default' })).toHaveCount(0);

  await page.getByRole('button', { name: 'New flow' }).click();
  const form = page.getByRole('dialog', { name: 'New flow' });
  await form.getByRole('textbox', { name: 'Name' }).fill('Local llama');
  await form.getByRole('textbox', { name: 'ID' }).fill('llama');
  await form.getByText('OpenAI-compatible server').click();
  // Nothing listens on port 9: the connection test must fail clearly.
  await form.getByRole('textbox', { name: 'Base URL' }).fill('http://127.0.0.1:9/v1');
  await form.getByRole('combobox', { name: 'Model' }).fill('llama3.2');
  await form.getByRole('button', { name: 'Create flow' }).click();
  await expect(form).toBeHidden();
  const row = flows.getByRole('row', { name: /Local llama/ });
  await expect(row).toContainText('llama3.2');
  await expect(page.getByRole('button', { name: 'Flow Local llama, 0 conversations' })).toBeVisible();
  await page.getByRole('button', { name: 'Test connection of Local llama' }).click();
  await expect(row.getByRole('status')).toContainText('Failed', { timeout: 15_000 });

  await page.getByRole('button', { name: 'Edit Local llama' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit flow “Local llama”' });
  await edit.getByRole('textbox', { name: 'Name' }).fill('Echo again');
  await edit.getByText('Echo (built-in, offline)').click();
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();
  await expect(flows.getByRole('row', { name: /Echo again/ })).toContainText('built-in · offline');
  const stored = await apiGet<FlowList>(mnemo, '/api/v1/flows');
  expect(stored.items.find((f) => f.id === 'llama')).toMatchObject({
    name: 'Echo again',
    responder: { kind: 'echo' },
  });

  // A bad field comes back as the server's message, naming it.
  await page.getByRole('button', { name: 'New flow' }).click();
  await page.getByRole('dialog').getByRole('textbox', { name: 'Name' }).fill('Bad id');
  await page.getByRole('dialog').getByRole('textbox', { name: 'ID' }).fill('-nope');
  await page.getByRole('dialog').getByRole('button', { name: 'Create flow' }).click();
  await expect(page.getByRole('dialog').getByRole('alert')).toContainText('id');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  const origins = page.getByRole('combobox', { name: 'Allowed origins' });
  await origins.fill('https://app.example.com');
  await origins.press('Enter');
  await page.getByRole('region', { name: 'CORS allowlist' }).getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'CORS allowlist saved' })).toBeVisible();
  expect(await apiGet<Settings>(mnemo, '/api/v1/settings')).toEqual({
    corsOrigins: ['https://app.example.com'],
  });
});
