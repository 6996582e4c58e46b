/**
 * WCAG 2.1 A/AA scans (axe) of every screen and dialog, in both colour schemes: nothing
 * critical or serious. A failure names each rule, what to do and where.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import type { Result } from 'axe-core';
import { type Conversation, seedAt } from './data';
import { test as base, expect, type ServedMnemo, startServe, stopServe } from './serve-fixture';
import { chooseDeleteMatching, sessionList } from './ui';

const HOUR = 3_600_000;
const now = Date.now();

const RICH = [
  'Here is the **plan**, with a [link](https://example.com/docs) and `inline code`:',
  '',
  '| Step | Owner | Done |',
  '| --- | --- | --- |',
  '| Index | Ana | yes |',
  '| Export | Bo | no |',
  '',
  '- [x] measure',
  '- [ ] ship',
  '',
  '> Quoted advice, ~~struck~~ through.',
  '',
  '```ts',
  'export function add(a: number, b: number): number {',
  '  return a + b; // the sum',
  '}',
  '```',
].join('\n');

const conversations: Conversation[] = [
  {
    flowId: 'support-bot',
    sessionId: 'rich-answer',
    messages: [
      { role: 'system', content: 'You are a helpful planner.', at: now - 2 * HOUR },
      { role: 'user', content: 'How do we speed up the export?', at: now - 2 * HOUR + 1000 },
      { role: 'assistant', content: RICH, at: now - 2 * HOUR + 9000 },
    ],
  },
  ...Array.from({ length: 5 }, (_, i) => ({
    flowId: i % 2 ? 'support-bot' : 'default',
    sessionId: `invoice-${i + 1}`,
    messages: [
      { role: 'user' as const, content: `Question ${i + 1} about invoices`, at: now - (i + 3) * 26 * HOUR },
      { role: 'assistant' as const, content: `Answer ${i + 1}.`, at: now - (i + 3) * 26 * HOUR + 5000 },
    ],
  })),
  ...['Old draft', 'Stale notes'].map((title, i) => ({
    sessionId: `trashed-${i + 1}`,
    messages: [{ role: 'user' as const, content: title, at: now - 40 * 24 * HOUR }],
  })),
];

const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** For contrast failures, every distinct foreground/background pair: what the theme must change. */
function colourPairs(violation: Result): string {
  const pairs = new Map<string, number>();
  for (const node of violation.nodes) {
    const data = node.any[0]?.data as
      | { fgColor?: string; bgColor?: string; contrastRatio?: number }
      | undefined;
    if (!data?.fgColor) continue;
    const pair = `${data.fgColor} on ${data.bgColor} (${data.contrastRatio})`;
    pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
  }
  if (pairs.size === 0) return '';
  return `\n    colours: ${[...pairs].map(([pair, n]) => `${pair} ×${n}`).join(', ')}`;
}

function describe(where: string, violations: Result[]): string {
  const lines = violations.map((v) => {
    const targets = v.nodes
      .slice(0, 4)
      .map(
        (n) =>
          `      ${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.split('\n')[1]?.trim()})` : ''}`,
      )
      .join('\n');
    const more = v.nodes.length > 4 ? `\n      … and ${v.nodes.length - 4} more` : '';
    return `  ${v.id} [${v.impact}] ${v.help} (${v.nodes.length} nodes)\n${targets}${more}${colourPairs(v)}`;
  });
  return `${where}: ${violations.length} critical/serious axe violations\n${lines.join('\n')}`;
}

/**
 * Scans the page as it is now, or only the open dialog (the page behind it is inert and
 * scanned on its own). Legacy mode runs axe in the page itself: the default mode opens a
 * second page to merge per-frame results, which doubles a scan's time, and this page has
 * no frames to merge.
 */
async function scan(page: Page, where: string, only?: 'dialog'): Promise<void> {
  const axe = new AxeBuilder({ page }).withTags(WCAG_AA).setLegacyMode(true);
  if (only) axe.include('[role="dialog"]');
  const results = await axe.analyze();
  const serious = results.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  expect(
    serious.map((v) => v.id),
    describe(where, serious),
  ).toEqual([]);
}

/** A dialog that has finished opening (transitions are off: reduced motion is emulated). */
async function openDialog(page: Page, name: string | RegExp): Promise<Locator> {
  const dialog = page.getByRole('dialog', { name });
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveCSS('opacity', '1');
  return dialog;
}

/** The conversations above, two of them in the trash. */
async function seeded(served: ServedMnemo): Promise<ServedMnemo> {
  for (const id of ['trashed-1', 'trashed-2']) {
    const gone = await served.api(`/api/v1/sessions/default/${id}`, { method: 'DELETE' });
    expect(gone.ok).toBe(true);
  }
  return served;
}

/**
 * One seeded server per worker for the screens that only look (a server start and its
 * seeding cost more than a scan); a screen that changes data starts its own.
 */
const test = base.extend<object, { shared: ServedMnemo }>({
  shared: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture parameters from this pattern
    async ({}, use) => {
      const started = await startServe((dir) => seedAt(dir, conversations));
      await use(await seeded(started.served));
      await stopServe(started);
    },
    { scope: 'worker' },
  ],
});

/** The list open at 1280×800. */
async function open(page: Page, mnemo: ServedMnemo): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(mnemo.webUrl);
  await expect(sessionList(page).getByRole('option')).toHaveCount(6);
}

async function openSettings(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('table', { name: 'Flows' })).toContainText('Flow support-bot');
}

async function openTrash(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Trash' }).click();
  await expect(page.getByTestId('trash-count')).toHaveText('2 conversations in the trash');
}

interface Screen {
  name: string;
  /** From the session list to the screen, settled. */
  reach: (page: Page) => Promise<unknown>;
  /** Scan only the open dialog. */
  dialog?: true;
  /** It changes data: a server of its own. */
  writes?: true;
}

/** One scan each (a scan takes seconds on a busy machine): every view and every dialog. */
const screens: Screen[] = [
  { name: 'session list', reach: async () => {} },
  {
    name: 'rich conversation (Markdown, table, code)',
    reach: async (page) => {
      await sessionList(page)
        .getByRole('option', { name: /speed up the export/ })
        .click();
      await expect(page.getByText('return a + b')).toBeVisible();
      await expect(page.getByRole('table').first()).toContainText('Owner');
    },
  },
  {
    name: 'search results',
    reach: async (page) => {
      await page.getByRole('searchbox', { name: 'Search messages' }).fill('invoices');
      await expect(page.getByTestId('match-count')).toHaveText('5 conversations');
      await expect(sessionList(page).locator('mark').first()).toBeVisible();
    },
  },
  {
    name: 'bulk delete dialog',
    dialog: true,
    reach: async (page) => {
      await chooseDeleteMatching(page, 'Delete 6 matching');
      await openDialog(page, 'Delete 6 conversations?');
    },
  },
  {
    name: 'import dialog',
    dialog: true,
    reach: async (page) => {
      await page.getByRole('button', { name: /^Import/ }).click();
      const importing = await openDialog(page, 'Import conversations');
      await expect(importing.getByRole('button', { name: 'Choose a file…' })).toBeVisible();
    },
  },
  {
    name: 'export dialog',
    dialog: true,
    reach: async (page) => {
      await page.getByRole('button', { name: /^Export/ }).click();
      await page.getByRole('menuitem', { name: 'Everything as JSON (importable)' }).click();
      const exported = await openDialog(page, /^Export/);
      await expect(exported.getByRole('status')).toContainText('Saved');
    },
  },
  {
    name: 'new conversation dialog',
    dialog: true,
    reach: async (page) => {
      await page.getByRole('main').getByRole('button', { name: 'New conversation' }).click();
      const starting = await openDialog(page, 'New conversation');
      await starting.getByRole('button', { name: 'Advanced' }).click();
      await starting.getByRole('textbox', { name: 'Session ID' }).fill('bad\u0001id');
      await expect(starting.getByText('Session ID must not contain control characters')).toBeVisible();
    },
  },
  { name: 'Settings', reach: openSettings },
  {
    name: 'new flow form',
    dialog: true,
    reach: async (page) => {
      await openSettings(page);
      await page.getByRole('button', { name: 'New flow' }).click();
      await openDialog(page, 'New flow');
    },
  },
  {
    name: 'edit flow form (OpenAI-compatible)',
    dialog: true,
    reach: async (page) => {
      await openSettings(page);
      await page.getByRole('button', { name: 'Edit Flow support-bot' }).click();
      const editing = await openDialog(page, /^Edit flow/);
      await editing.getByText('OpenAI-compatible server').click();
      await expect(editing.getByRole('textbox', { name: 'Base URL' })).toBeVisible();
    },
  },
  {
    name: 'regenerate key confirm',
    dialog: true,
    reach: async (page) => {
      await openSettings(page);
      await page.getByRole('button', { name: 'Regenerate' }).click();
      await openDialog(page, 'Regenerate the API key?');
    },
  },
  {
    name: 'delete flow confirm',
    dialog: true,
    reach: async (page) => {
      await openSettings(page);
      await page.getByRole('button', { name: 'Delete Flow support-bot' }).click();
      await openDialog(page, /^Delete the flow/);
    },
  },
  { name: 'Trash', reach: openTrash },
  {
    name: 'purge confirm',
    dialog: true,
    reach: async (page) => {
      await openTrash(page);
      await page.getByRole('button', { name: 'Delete Old draft for good' }).click();
      await openDialog(page, 'Delete for good?');
    },
  },
  {
    name: 'empty trash confirm',
    dialog: true,
    reach: async (page) => {
      await openTrash(page);
      await page.getByRole('button', { name: 'Empty trash' }).click();
      await openDialog(page, 'Empty the trash?');
    },
  },
  {
    name: 'list actions menu',
    reach: async (page) => {
      await page.getByRole('button', { name: 'More list actions' }).click();
      await expect(page.getByRole('menuitem', { name: /^Delete 6 matching/ })).toBeVisible();
    },
  },
  {
    name: 'Trash with a selection',
    reach: async (page) => {
      await openTrash(page);
      await page.getByRole('checkbox', { name: 'Select all shown' }).click();
      await expect(page.getByTestId('trash-selected')).toHaveText('2 selected');
    },
  },
  {
    name: 'Trash after a restore, with its toast',
    writes: true,
    reach: async (page) => {
      await openTrash(page);
      await page.getByRole('button', { name: 'Restore Stale notes' }).click();
      await expect(page.getByTestId('trash-count')).toHaveText('1 conversation in the trash');
      await expect(page.getByRole('alert').filter({ hasText: 'Restored' })).toBeVisible();
    },
  },
];

// One test per screen, scanned in light and then in dark: the scheme follows the system's
// (emulated) preference live, so the screen is reached once for both.
test.describe('axe, light and dark', () => {
  for (const screen of screens) {
    test(screen.name, async ({ page, shared, startMnemo }) => {
      await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
      const own = screen.writes && (await seeded(await startMnemo((dir) => seedAt(dir, conversations))));
      await open(page, own || shared);
      await screen.reach(page);
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
        await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', colorScheme);
        await scan(page, `${screen.name}, ${colorScheme}`, screen.dialog && 'dialog');
      }
    });
  }
});
