import { describe, expect, it } from 'vitest';
import { plainText } from '../../src/renderer/src/lib/plainText';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../src/shared/highlight';

const mark = (word: string) => `${HIGHLIGHT_START}${word}${HIGHLIGHT_END}`;

describe('plainText: Markdown as a one-line preview', () => {
  it('drops emphasis, strikethrough and inline code markers', () => {
    expect(plainText('Show me **bold**, *italic*, __strong__, ~~gone~~ and `code`')).toBe(
      'Show me bold, italic, strong, gone and code',
    );
  });

  it('keeps link and image text, not their addresses', () => {
    expect(plainText('See [the docs](https://example.com/a_b) and ![a cat](cat.png)')).toBe(
      'See the docs and a cat',
    );
    expect(plainText('Mail <mailto:a@b.c> or <https://example.com>')).toBe(
      'Mail mailto:a@b.c or https://example.com',
    );
  });

  it('removes code fences, keeping the code', () => {
    expect(plainText('Here:\n```ts\nconst x = 1;\n```\nDone')).toBe('Here: const x = 1; Done');
    expect(plainText('~~~\nplain\n~~~')).toBe('plain');
  });

  it('removes table pipes and separator rows', () => {
    const table = '| Name | Age |\n| --- | :---: |\n| Ann | 42 |';
    const text = plainText(table);
    expect(text).toBe('Name Age Ann 42');
    expect(text).not.toContain('|');
    expect(plainText('a \\| b')).toBe('a | b');
  });

  it('removes headings, quotes, list and task markers, and rules', () => {
    expect(plainText('# Title\n> quoted\n- one\n* two\n1. three\n- [x] done\n- [ ] todo\n---\nend')).toBe(
      'Title quoted one two three done todo end',
    );
  });

  it('leaves identifiers, arithmetic and plain text alone', () => {
    expect(plainText('call snake_case_name with 2 * 3 * 4')).toBe('call snake_case_name with 2 * 3 * 4');
    expect(plainText('مرحبا بك في منيمو')).toBe('مرحبا بك في منيمو');
  });

  it('strips a preview the server has already flattened to one line', () => {
    const flat = (markdown: string) => markdown.replace(/\s+/g, ' ');
    expect(
      plainText(
        flat('**Scores**:\n\n| Name | Score |\n| --- | ---: |\n| Ann | 42 |\n\n- [x] done\n- [ ] todo'),
      ),
    ).toBe('Scores: Name Score Ann 42 done todo');
    expect(plainText(flat('## Plan\n```ts\nconst x = 1;\n```\n---\nEnd'))).toBe('Plan const x = 1; End');
  });

  it('collapses whitespace to single spaces', () => {
    expect(plainText('  one\n\n\ttwo   three \n')).toBe('one two three');
  });

  it('keeps the search marks, around emphasised text too', () => {
    const snippet = `…the **${mark('bold')}** word and [a ${mark('link')}](https://x.example)`;
    expect(plainText(snippet)).toBe(`…the ${mark('bold')} word and a ${mark('link')}`);
  });

  it('keeps a match that sits in a link address', () => {
    expect(plainText(`[docs](https://${mark('mnemo')}.example)`)).toBe(
      `docs https://${mark('mnemo')}.example`,
    );
  });
});
