import { expect, test } from './serve-fixture';

test('the web page loads with the key from the fragment and shows health and the API address', async ({
  page,
  mnemo,
}) => {
  await page.goto(mnemo.webUrl);
  await expect(page.getByRole('heading', { name: 'Mnemo', level: 1 })).toBeVisible();
  // The window opens on the conversations; Status is one click away (and stays open after a reload).
  await page.getByRole('button', { name: 'Status' }).click();
  await expect(page.getByTestId('health-status')).toHaveText('ok');
  await expect(page.getByTestId('api-url')).toHaveText(mnemo.url);
  // The key left the address bar but stays for this tab.
  expect(page.url()).not.toContain('#key=');
  await page.reload();
  await expect(page.getByTestId('api-url')).toHaveText(mnemo.url);
  await page.screenshot({ path: 'test-results/screenshots/status-light.png', fullPage: true });

  await page.getByText('Dark', { exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await page.screenshot({ path: 'test-results/screenshots/status-dark.png', fullPage: true });
});

test('without the key the page says how to get in, and health still shows', async ({ page, mnemo }) => {
  await page.goto(`${mnemo.url}/`);
  await expect(page.getByText('No API key')).toBeVisible();
  await expect(page.getByTestId('health-status')).toHaveText('ok');
});
