import { remember } from './data';
import { expect, test } from './serve-fixture';
import { rowTitles, sessionList } from './ui';

test('loading, error and retry: the list says what is happening', async ({ page, mnemo }) => {
  await remember(mnemo, 'one', 'user', 'Only conversation');
  // The first list request is held back, then fails; later ones pass.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let calls = 0;
  await page.route('**/api/v1/sessions?*', async (route) => {
    calls += 1;
    if (calls > 1) return route.continue();
    await held;
    await route.fulfill({
      status: 500,
      contentType: 'application/json',
      body: JSON.stringify({ statusCode: 500, success: false, message: 'the disk is on fire' }),
    });
  });
  await page.goto(mnemo.webUrl);
  await expect(page.getByRole('status', { name: 'Loading conversations' })).toBeVisible();
  release();
  // react-query retries once before it shows the error; the retry passes the route.
  await expect.poll(() => rowTitles(page)).toEqual(['Only conversation']);
  expect(calls).toBe(2);
});

test('an error that persists shows the message and a way to try again', async ({ page, mnemo }) => {
  await remember(mnemo, 'one', 'user', 'Only conversation');
  let failing = true;
  await page.route('**/api/v1/sessions?*', (route) =>
    failing
      ? route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ statusCode: 503, success: false, message: 'the disk is on fire' }),
        })
      : route.continue(),
  );
  await page.goto(mnemo.webUrl);
  const alert = page.getByRole('alert').filter({ hasText: 'The conversations could not be loaded' });
  await expect(alert).toContainText('the disk is on fire');
  failing = false;
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(sessionList(page).getByRole('option')).toHaveCount(1);
});

test('a conversation that no longer exists says so, and empty views say what to do', async ({
  page,
  mnemo,
}) => {
  await page.goto(mnemo.webUrl);
  await expect(page.getByRole('heading', { name: 'No conversations yet' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No conversation open' })).toBeVisible();

  await page.goto(`${mnemo.url}/?sf=default&sid=gone`);
  await expect(page.getByRole('heading', { name: 'This conversation no longer exists' })).toBeVisible();
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('heading', { name: 'No conversation open' })).toBeVisible();
  expect(page.url()).not.toContain('sid=');
});
