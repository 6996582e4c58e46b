import { describe, expect, it } from 'vitest';
import { markdownParts } from '../../src/renderer/src/conversation/markdownParts';

const paragraphs = (n: number) => Array.from({ length: n }, (_, i) => `Paragraph ${i}.`).join('\n\n');

describe('markdownParts: a long message cut where Markdown allows', () => {
  it('cuts at blank lines into parts of at least the size, losing nothing but the blank lines', () => {
    const text = paragraphs(200);
    const parts = markdownParts(text, 300);
    expect(parts.length).toBeGreaterThan(5);
    for (const part of parts.slice(0, -1)) expect(part.length).toBeGreaterThanOrEqual(300);
    expect(parts.join('\n')).toBe(text);
  });

  it('never cuts inside a code fence, even across blank lines', () => {
    const code = Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join('\n');
    const text = `${paragraphs(3)}\n\n\`\`\`ts\n${code}\`\`\`\n\nAfter the code.`;
    const parts = markdownParts(text, 20);
    const withFence = parts.find((p) => p.includes('```ts'));
    expect(withFence).toContain('line 99');
    expect(withFence?.match(/```/g)).toHaveLength(2);
    expect(parts.join('\n')).toBe(text);
  });

  it('does not cut before an indented line (a list item continuing)', () => {
    const text = `${'x'.repeat(50)}\n\n- item\n\n  more of the item\n\n- next`;
    const parts = markdownParts(text, 10);
    expect(parts).toContain('- item\n\n  more of the item\n');
  });

  it('leaves a short text whole', () => {
    expect(markdownParts('just this', 100)).toEqual(['just this']);
  });
});
