/// <reference lib="dom" />
import type { Locator, Page } from '@playwright/test';
import { type Conversation, seedAt } from './data';
import { expect, test } from './serve-fixture';
import { sessionList } from './ui';

const MINUTE = 60_000;
const now = Date.now();

const CODE = [
  'export function add(a: number, b: number): number {',
  '  // the sum',
  "  return a + b; // 'done'",
  '}',
].join('\n');
const ARABIC = 'مرحبا بك في منيمو، هذه رسالة باللغة العربية';
const ENGLISH = 'And this paragraph is English, so it reads left to right.';
const LINKS = 'Write to [the team](mailto:team@example.com), never [run this](javascript:alert(1)).';
const RICH_ANSWER = [
  '**Scores** so far:',
  '',
  '| Name | Score |',
  '| --- | ---: |',
  '| Ann | 42 |',
  '| Bob | 7 |',
  '',
  'Details at https://example.com/scores and ~~an old page~~.',
  '',
  '- [x] import the data',
  '- [ ] check the totals',
  '',
  '```ts',
  CODE,
  '```',
  '',
  `| ${Array.from({ length: 30 }, (_, i) => `Column ${i + 1}`).join(' | ')} |`,
  `| ${Array.from({ length: 30 }, () => '---').join(' | ')} |`,
  `| ${Array.from({ length: 30 }, (_, i) => `value ${i + 1}`).join(' | ')} |`,
].join('\n');
/** About 60 KB: numbered paragraphs, so the folded part and the whole differ visibly. */
const LONG = Array.from(
  { length: 700 },
  (_, i) => `Paragraph ${i + 1}: the quick brown fox jumps over the lazy dog, again and again and again.`,
).join('\n\n');

const conversations: Conversation[] = [
  {
    sessionId: 'rich',
    messages: [
      { role: 'user', content: `${ARABIC}\n\n${ENGLISH}\n\n${LINKS}`, at: now - 10 * MINUTE },
      { role: 'assistant', content: RICH_ANSWER, at: now - 9 * MINUTE },
    ],
  },
  {
    sessionId: 'long',
    messages: [
      { role: 'user', content: 'Paste the whole log please', at: now - 60 * MINUTE },
      { role: 'assistant', content: LONG, at: now - 59 * MINUTE },
    ],
  },
];

const conversationPane = (page: Page) => page.getByRole('region', { name: /^Conversation / });

/** The script files the page has loaded so far, by name. */
const loadedScripts = (page: Page) =>
  page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => e.name.split('/').pop() ?? '')
      .filter((name) => name.endsWith('.js')),
  );
const isHighlighter = (name: string) => /^highlight-[\w-]+\.js$/.test(name);

async function start(
  page: Page,
  startMnemo: (p: (dir: string) => Promise<unknown>) => Promise<{ webUrl: string }>,
) {
  const mnemo = await startMnemo((dir) => seedAt(dir, conversations));
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(mnemo.webUrl);
  await expect(sessionList(page).getByRole('option')).toHaveCount(2);
}

const row = (page: Page, title: RegExp) => sessionList(page).getByRole('option', { name: title });

test('a rich answer: table, link, task list, strikethrough, highlighted code with copy, rtl', async ({
  page,
  context,
  startMnemo,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await start(page, startMnemo);

  // The list shows the last message as plain text, and has not fetched the highlighter.
  const preview = row(page, /^مرحبا/).getByTestId('row-preview');
  await expect(preview).toContainText(
    'Scores so far: Name Score Ann 42 Bob 7 Details at https://example.com/scores and an old page. import the data check the totals',
  );
  expect(await preview.textContent()).not.toMatch(/\*\*|\|/);
  expect((await loadedScripts(page)).filter(isHighlighter)).toEqual([]);

  await row(page, /^مرحبا/).click();
  const pane = conversationPane(page);
  const answer = pane.getByRole('article', { name: /^Assistant message/ });

  const table = answer.getByRole('table').first();
  await expect(table).toBeVisible();
  await expect(table.getByRole('columnheader')).toHaveText(['Name', 'Score']);
  await expect(table.getByRole('cell')).toHaveText(['Ann', '42', 'Bob', '7']);

  // A wide table scrolls sideways inside the message; the message stays inside the pane.
  const wide = answer.getByRole('table').nth(1);
  await expect(wide.getByRole('columnheader')).toHaveCount(30);
  const scroller = wide.locator('xpath=..');
  expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  const paneBox = await pane.boundingBox();
  const answerBox = await answer.boundingBox();
  expect((answerBox?.x ?? 0) + (answerBox?.width ?? 0)).toBeLessThanOrEqual(
    (paneBox?.x ?? 0) + (paneBox?.width ?? 0),
  );

  const link = answer.getByRole('link', { name: 'https://example.com/scores' });
  await expect(link).toHaveAttribute('href', 'https://example.com/scores');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', /noopener/);

  await expect(answer.locator('del')).toHaveText('an old page');
  const tasks = answer.getByRole('checkbox');
  await expect(tasks).toHaveCount(2);
  await expect(tasks.nth(0)).toBeChecked();
  await expect(tasks.nth(1)).not.toBeChecked();

  // The highlighter arrives as its own chunk and colours the tokens.
  const code = answer.getByTestId('code-block');
  await expect(code).toContainText('ts');
  await expect(code.locator('.hljs-keyword').first()).toBeVisible();
  await expect(code.locator('.hljs-comment').first()).toHaveText('// the sum');
  expect((await loadedScripts(page)).filter(isHighlighter)).toHaveLength(1);
  expect(
    await code
      .locator('.hljs-keyword')
      .first()
      .evaluate((el) => getComputedStyle(el).color),
  ).not.toBe(await code.locator('pre').evaluate((el) => getComputedStyle(el).color));

  await code.getByRole('button', { name: 'Copy code' }).click();
  await expect(code.getByRole('button', { name: 'Code copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(CODE);

  await answer.hover();
  await answer.getByRole('button', { name: 'Copy message' }).click();
  await expect(answer.getByRole('button', { name: 'Message copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(RICH_ANSWER);

  // mailto: links leave the app too; a javascript: link loses its address.
  const question = pane.getByRole('article', { name: /^User message/ });
  await expect(question.getByRole('link', { name: 'the team' })).toHaveAttribute(
    'href',
    'mailto:team@example.com',
  );
  await expect(question.getByRole('link', { name: 'the team' })).toHaveAttribute('target', '_blank');
  expect(await question.locator('a', { hasText: 'run this' }).getAttribute('href')).not.toMatch(
    /javascript/i,
  );

  // Each paragraph finds its own direction; code stays left to right.
  const direction = (l: Locator) => l.evaluate((el) => getComputedStyle(el).direction);
  const arabic = question.locator('p', { hasText: ARABIC });
  const english = question.locator('p', { hasText: ENGLISH });
  expect(await direction(arabic)).toBe('rtl');
  expect(await direction(english)).toBe('ltr');
  expect(await direction(code.locator('pre'))).toBe('ltr');
  // Right to left: the Arabic line ends at the paragraph's right edge.
  const arabicBox = await arabic.boundingBox();
  const arabicText = await arabic.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect().right;
  });
  expect(Math.abs(arabicText - (arabicBox?.x ?? 0) - (arabicBox?.width ?? 0))).toBeLessThan(2);
});

test('a 60 KB message opens folded with "Show all", and "Raw" shows its plain text', async ({
  page,
  context,
  startMnemo,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await start(page, startMnemo);
  await row(page, /^Paste the whole log/).click();
  const pane = conversationPane(page);
  const message = pane.getByRole('article', { name: /^Assistant message/ });
  await expect(message).toContainText('Paragraph 1:');

  // Folded: only the first part is rendered, fading out, above "Show all".
  const showAll = message.getByRole('button', { name: 'Show all' });
  await expect(showAll).toBeVisible();
  await expect(message).not.toContainText('Paragraph 700:');
  const foldedHeight = (await message.boundingBox())?.height ?? 0;
  expect(foldedHeight).toBeGreaterThan(0);

  // Raw and copy are shown on a long message without hovering.
  const rawToggle = message.getByRole('button', { name: 'Raw' });
  await expect(rawToggle).toHaveCSS('opacity', '1');
  await message.getByRole('button', { name: 'Copy message' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(LONG);

  await showAll.click();
  await expect(message).toContainText('Paragraph 700:');
  await expect(message.getByRole('button', { name: 'Show less' })).toBeVisible();
  await expect.poll(async () => (await message.boundingBox())?.height ?? 0).toBeGreaterThan(foldedHeight * 2);

  await rawToggle.click();
  await expect(rawToggle).toHaveAttribute('aria-pressed', 'true');
  const raw = message.getByTestId('raw-text');
  await expect(raw).toBeVisible();
  expect(await raw.evaluate((el) => el.textContent)).toBe(LONG);
  await expect(raw).toHaveCSS('white-space', 'pre-wrap');
  expect(await raw.evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/mono/i);
  await expect(message.locator('p', { hasText: 'Paragraph 1:' })).toHaveCount(0);

  // Opening a conversation without code still fetched no highlighter.
  expect((await loadedScripts(page)).filter(isHighlighter)).toEqual([]);
});
