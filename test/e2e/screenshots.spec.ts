import type { Page } from '@playwright/test';
import { type Conversation, seedAt } from './data';
import { expect, test } from './serve-fixture';
import { chooseDeleteMatching, sessionList } from './ui';

const HOUR = 3_600_000;
const now = Date.now();

const conversations: Conversation[] = [
  {
    flowId: 'support-bot',
    sessionId: 'c9f1a6e2-4d7b-4a51-9b8e-0f3b2a7c6d11',
    messages: [
      { role: 'user', content: 'My export to CSV keeps timing out after 30 seconds.', at: now - 2 * HOUR },
      {
        role: 'assistant',
        content:
          'That usually means the query scans the **whole table**. Try:\n\n1. Add an index on `created_at`\n2. Export in pages of 10,000 rows\n\n```sql\nCREATE INDEX idx_created ON events(created_at);\n```',
        at: now - 2 * HOUR + 40_000,
      },
      {
        role: 'user',
        content: 'The index helped, it now finishes in 4 seconds. Thanks!',
        at: now - 15 * 60_000,
      },
    ],
  },
  {
    flowId: 'research',
    sessionId: 'paper-notes-2026',
    messages: [
      { role: 'system', content: 'You summarise research papers in plain language.', at: now - 30 * HOUR },
      {
        role: 'user',
        content: 'Summarise the attention paper in three sentences',
        at: now - 30 * HOUR + 1000,
      },
      {
        role: 'assistant',
        content:
          'Transformers replace recurrence with *self-attention*, letting every token look at every other token.',
        at: now - 30 * HOUR + 9000,
      },
    ],
  },
  ...Array.from({ length: 14 }, (_, i) => ({
    flowId: i % 3 === 0 ? 'research' : 'default',
    sessionId: `script-${i + 1}`,
    messages: [
      {
        role: 'user' as const,
        content: `Question number ${i + 1} about invoices and shipping dates`,
        at: now - (i + 3) * 26 * HOUR,
      },
      {
        role: 'assistant' as const,
        content: `Here is what I found for request ${i + 1}.`,
        at: now - (i + 3) * 26 * HOUR + 5000,
      },
    ],
  })),
];

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screenshots/${name}.png` });
}

// For people to look at, not a check of its own (other specs cover these paths): off in CI
// to keep it inside its time, on with MNEMO_SCREENSHOTS=1.
test.skip(!process.env.MNEMO_SCREENSHOTS, 'screenshots for people to look at: set MNEMO_SCREENSHOTS=1');

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshots (${scheme}): list, conversation, delete dialog, trash, settings`, async ({
    page,
    startMnemo,
  }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: scheme });
    const mnemo = await startMnemo((dir) => seedAt(dir, conversations));
    await page.goto(mnemo.webUrl);
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', scheme);
    await expect(sessionList(page).getByRole('option')).toHaveCount(16);
    await shoot(page, `list-${scheme}`);

    await sessionList(page).getByRole('option').first().click();
    await expect(page.getByRole('region', { name: /Conversation/ }).getByRole('article')).toHaveCount(3);
    await shoot(page, `conversation-${scheme}`);

    await page.getByRole('searchbox', { name: 'Search messages' }).fill('invoices');
    await expect(page.getByTestId('match-count')).toHaveText('14 conversations');
    await shoot(page, `search-${scheme}`);
    await page.getByRole('button', { name: 'Clear search' }).click();
    await page.getByRole('button', { name: /^Flow Flow research/ }).click();
    await expect(page.getByTestId('match-count')).toHaveText('6 conversations');
    await chooseDeleteMatching(page, 'Delete 6 matching');
    await expect(page.getByRole('dialog')).toBeVisible();
    await page.waitForTimeout(300); // the modal's entry transition
    await shoot(page, `delete-dialog-${scheme}`);
    await page.getByRole('dialog').getByRole('button', { name: 'Delete 6 conversations' }).click();
    await expect(page.getByRole('dialog')).toBeHidden();

    await page.getByRole('button', { name: 'Trash' }).click();
    await expect(page.getByTestId('trash-count')).toHaveText('6 conversations in the trash');
    await shoot(page, `trash-${scheme}`);

    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByRole('table', { name: 'Flows' })).toBeVisible();
    await expect(page.getByTestId('settings-api-url')).toHaveText(mnemo.url);
    // Settings scroll inside the window: a taller window shows all of it.
    await page.setViewportSize({ width: 1440, height: 1500 });
    await page.reload();
    await expect(page.getByTestId('data-dir')).toHaveText(mnemo.dataDir);
    await shoot(page, `settings-${scheme}`);
  });
}
