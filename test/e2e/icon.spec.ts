import { expect, test } from './serve-fixture';

test('the web page has an icon: its favicon links and /favicon.ico answer images without the key', async ({
  page,
  mnemo,
}) => {
  const missing: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) missing.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(mnemo.webUrl);
  const links = await page
    .locator('link[rel="icon"]')
    .evaluateAll((found) =>
      found.map((link) => ({ href: (link as HTMLLinkElement).href, type: link.getAttribute('type') })),
    );
  expect(links.map((link) => link.type)).toEqual(['image/png', 'image/svg+xml']);

  // What a browser asks for on its own, and what the page names, with no Authorization header.
  for (const url of [`${mnemo.url}/favicon.ico`, ...links.map((link) => link.href)]) {
    const response = await fetch(url);
    expect(response.status, url).toBe(200);
    expect(response.headers.get('content-type'), url).toMatch(
      /^image\/(png|svg\+xml|x-icon|vnd\.microsoft\.icon)/,
    );
    expect((await response.arrayBuffer()).byteLength, url).toBeGreaterThan(100);
  }
  expect(missing).toEqual([]);
});
