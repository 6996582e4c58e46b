/** Whether `check` holds within `ms`, polling every `everyMs` (for work a store does on its own time). */
export async function eventually(check: () => boolean, ms: number, everyMs = 50): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; ) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return check();
}
