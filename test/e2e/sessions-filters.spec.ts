import type { Page } from '@playwright/test';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { type Conversation, seedAt } from './data';
import { expect, test } from './serve-fixture';
import { rowTitles, sessionList } from './ui';

dayjs.extend(utc);
dayjs.extend(timezone);

// Not the machine's zone (UTC here): "today" must be the viewer's local day.
const ZONE = 'America/New_York';
test.use({ timezoneId: ZONE });

/** An instant given as a local time in ZONE: `days` days from today, at HH:mm. */
function local(days: number, time: string): number {
  const day = dayjs().tz(ZONE).add(days, 'day').format('YYYY-MM-DD');
  return dayjs.tz(`${day} ${time}`, ZONE).valueOf();
}

const one = (title: string, at: number): Conversation => ({
  sessionId: title.toLowerCase().replaceAll(' ', '-'),
  messages: [{ role: 'user', content: title, at }],
});

const dated = [
  one('Today early', local(0, '00:01')),
  one('Yesterday late', local(-1, '23:59')),
  one('Six days ago', local(-6, '00:01')),
  one('Seven days ago', local(-7, '23:59')),
  one('Twenty-nine days ago', local(-29, '00:01')),
  one('Thirty days ago', local(-30, '23:59')),
  one('Long ago', local(-200, '12:00')),
];

const sorted = async (page: Page) => (await rowTitles(page)).sort();

test('date presets and a custom From/To range narrow the list to the right local days', async ({
  page,
  startMnemo,
}) => {
  const mnemo = await startMnemo((dir) => seedAt(dir, dated));
  await page.goto(mnemo.webUrl);
  await expect(sessionList(page).getByRole('option')).toHaveCount(7);
  const range = page.getByRole('radiogroup', { name: 'Date range' });

  await range.getByText('Today', { exact: true }).click();
  await expect.poll(() => sorted(page)).toEqual(['Today early']);

  await range.getByText('Last 7 days').click();
  await expect.poll(() => sorted(page)).toEqual(['Six days ago', 'Today early', 'Yesterday late']);

  await range.getByText('Last 30 days').click();
  await expect
    .poll(() => sorted(page))
    .toEqual(['Seven days ago', 'Six days ago', 'Today early', 'Twenty-nine days ago', 'Yesterday late']);
  await expect(page.getByTestId('match-count')).toHaveText('5 conversations');

  // The preset survives a reload.
  await page.reload();
  await expect(page.getByTestId('match-count')).toHaveText('5 conversations');

  await range.getByText('All time').click();
  await expect(page.getByTestId('match-count')).toHaveText('7 conversations');

  // Custom: from 30 days ago to 7 days ago, picked in the calendars.
  const pick = async (field: string, daysAgo: number) => {
    const target = dayjs().tz(ZONE).subtract(daysAgo, 'day');
    await page.getByRole('button', { name: field }).click();
    const months =
      (dayjs().tz(ZONE).year() - target.year()) * 12 + (dayjs().tz(ZONE).month() - target.month());
    for (let i = 0; i < months; i++) await page.getByRole('button', { name: 'Previous month' }).click();
    await page.getByRole('button', { name: target.format('D MMMM YYYY'), exact: true }).click();
    // Closed for good before the next calendar opens (two would show the same days).
    await expect(page.getByRole('button', { name: 'Previous month' })).toHaveCount(0);
  };
  await pick('From date', 30);
  await pick('To date', 7);
  await expect
    .poll(() => sorted(page))
    .toEqual(['Seven days ago', 'Thirty days ago', 'Twenty-nine days ago']);
  await page.reload();
  await expect
    .poll(() => sorted(page))
    .toEqual(['Seven days ago', 'Thirty days ago', 'Twenty-nine days ago']);
});

test('sort: newest or oldest first, by last activity or by creation', async ({ page, startMnemo }) => {
  const now = Date.now();
  const DAY = 86_400_000;
  const mnemo = await startMnemo((dir) =>
    seedAt(dir, [
      {
        sessionId: 'a',
        messages: [
          { role: 'user', content: 'Alpha', at: now - 3 * DAY },
          { role: 'assistant', content: 'picked up again today', at: now - 3_600_000 },
        ],
      },
      { sessionId: 'b', messages: [{ role: 'user', content: 'Bravo', at: now - 2 * DAY }] },
      { sessionId: 'c', messages: [{ role: 'user', content: 'Charlie', at: now - 1 * DAY }] },
    ]),
  );
  await page.goto(mnemo.webUrl);
  await expect.poll(() => rowTitles(page)).toEqual(['Alpha', 'Charlie', 'Bravo']);
  const sort = page.getByRole('combobox', { name: 'Sort' });
  await sort.selectOption({ label: 'Oldest activity first' });
  await expect.poll(() => rowTitles(page)).toEqual(['Bravo', 'Charlie', 'Alpha']);
  await sort.selectOption({ label: 'Newest created first' });
  await expect.poll(() => rowTitles(page)).toEqual(['Charlie', 'Bravo', 'Alpha']);
  await sort.selectOption({ label: 'Oldest created first' });
  await expect.poll(() => rowTitles(page)).toEqual(['Alpha', 'Bravo', 'Charlie']);
  await page.reload();
  await expect(sort).toHaveValue('created:ASC');
  await expect.poll(() => rowTitles(page)).toEqual(['Alpha', 'Bravo', 'Charlie']);
});

test('the date pickers refuse days after today and mark today (the viewer’s local day)', async ({
  page,
  startMnemo,
}) => {
  const mnemo = await startMnemo((dir) => seedAt(dir, dated));
  await page.goto(mnemo.webUrl);
  await expect(sessionList(page).getByRole('option')).toHaveCount(7);
  const today = dayjs().tz(ZONE);
  const tomorrow = today.add(1, 'day');
  for (const field of ['From date', 'To date']) {
    await page.getByRole('button', { name: field }).click();
    const todayButton = page.getByRole('button', { name: today.format('D MMMM YYYY'), exact: true });
    await expect(todayButton).toBeEnabled();
    await expect(todayButton).toHaveAttribute('aria-current', 'date');
    await expect(todayButton).toHaveAttribute('data-today', 'true');
    await expect(todayButton).toHaveAttribute('data-highlight-today', 'true');
    // The calendar cannot go to a later month; tomorrow, when this month's view shows it, is disabled.
    await expect(page.getByRole('button', { name: 'Next month' })).toBeDisabled();
    const tomorrowButton = page.getByRole('button', { name: tomorrow.format('D MMMM YYYY'), exact: true });
    if ((await tomorrowButton.count()) > 0) await expect(tomorrowButton).toBeDisabled();
    const yesterday = page.getByRole('button', {
      name: today.subtract(1, 'day').format('D MMMM YYYY'),
      exact: true,
    });
    await expect(yesterday).toBeEnabled();
    await page.keyboard.press('Escape');
    // Closed for good before the other field opens its own calendar of the same days.
    await expect(todayButton).toHaveCount(0);
  }
  // Picking today as "To" keeps today's conversation.
  await page.getByRole('button', { name: 'To date' }).click();
  await page.getByRole('button', { name: today.format('D MMMM YYYY'), exact: true }).click();
  await expect(page.getByTestId('match-count')).toHaveText('7 conversations');
});

test('a date field clicked before its picker has loaded opens its calendar once the picker is there', async ({
  page,
  startMnemo,
}) => {
  const mnemo = await startMnemo((dir) => seedAt(dir, dated));
  // The picker's script (loaded after the first frame, a look-alike drawn until then) is held back.
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(/\/DatePickerField-[^/]*\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(mnemo.webUrl);
  await expect(sessionList(page).getByRole('option')).toHaveCount(7);
  await page.getByRole('button', { name: 'From date' }).click();
  await expect(page.getByRole('button', { name: 'Previous month' })).toHaveCount(0);
  release();
  await expect(page.getByRole('button', { name: 'Previous month' })).toBeVisible();
  await page.getByRole('button', { name: dayjs().tz(ZONE).format('D MMMM YYYY'), exact: true }).click();
  await expect(page.getByTestId('match-count')).toHaveText('1 conversation');
});

test('a date field whose picker could not be loaded keeps its look and loads the picker on the next click', async ({
  page,
  startMnemo,
}) => {
  const mnemo = await startMnemo((dir) => seedAt(dir, dated));
  // The picker's script fails (a network error) until `online`.
  let online = false;
  let failed = 0;
  await page.route(/\/DatePickerField-[^/]*\.js$/, async (route) => {
    if (online) return route.continue();
    failed++;
    await route.abort('internetdisconnected');
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(mnemo.webUrl);
  await expect(sessionList(page).getByRole('option')).toHaveCount(7);
  await expect.poll(() => failed).toBeGreaterThan(0);
  // The filter bar is still there, the look-alikes in place of the pickers, and nothing says it failed.
  const from = page.getByRole('button', { name: 'From date', exact: true });
  await expect(from).toBeVisible();
  await expect(page.getByRole('button', { name: 'To date', exact: true })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Previous month' })).toHaveCount(0);
  // The next click asks for the script again, and the calendar opens once it is there.
  online = true;
  await from.click();
  await expect(page.getByRole('button', { name: 'Previous month' })).toBeVisible();
  await page.getByRole('button', { name: dayjs().tz(ZONE).format('D MMMM YYYY'), exact: true }).click();
  await expect(page.getByTestId('match-count')).toHaveText('1 conversation');
  expect(errors).toEqual([]);
});
