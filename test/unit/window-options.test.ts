import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HandlerDetails, WindowOpenHandlerResponse } from 'electron';
import { describe, expect, it } from 'vitest';
import {
  type GuardedContents,
  guardNavigation,
  isExternalLink,
  mainWindowOptions,
  trustedPage,
} from '../../src/main/window-options';

const INDEX = '/app/out/renderer/index.html';
const INDEX_URL = pathToFileURL(INDEX).href;

describe('the window’s webPreferences', () => {
  const options = mainWindowOptions('/app/out/preload/index.js');
  const prefs = options.webPreferences ?? {};

  it('isolates the page: context isolation, sandbox, no Node anywhere, web security on', () => {
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('loads only the given preload, and enables nothing experimental', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.js');
    for (const key of ['experimentalFeatures', 'enableBlinkFeatures', 'additionalArguments'] as const) {
      expect(prefs[key]).toBeUndefined();
    }
  });
});

/** The CSP meta of the page, as directive → sources. */
function cspOf(html: string): Map<string, string[]> {
  const match = html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/);
  if (!match?.[1]) throw new Error('no Content-Security-Policy meta');
  return new Map(
    match[1]
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name as string, sources]),
  );
}

describe('the Content-Security-Policy of src/renderer/index.html', () => {
  const html = fs.readFileSync(path.resolve(__dirname, '../../src/renderer/index.html'), 'utf8');
  const csp = cspOf(html);

  it('defaults to self and allows scripts from self only (no inline, no eval)', () => {
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
  });

  it('loads no remote content: no source of any directive names another host or scheme', () => {
    const allowed = new Set(["'self'", "'none'", "'unsafe-inline'", 'data:']);
    for (const [name, sources] of csp) {
      for (const source of sources)
        expect({ name, source, ok: allowed.has(source) }).toEqual({ name, source, ok: true });
    }
    // Inline styles only (Mantine injects them); never inline or evaluated scripts.
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it('blocks plugins, base-URL rewrites and form posts', () => {
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
  });

  it('has no inline script in the page', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body?.trim()).toBe('');
    }
  });
});

describe('which page is trusted (IPC sender, navigation target)', () => {
  const built = trustedPage(INDEX);
  // electron-vite sets ELECTRON_RENDERER_URL without a trailing slash.
  const dev = trustedPage(INDEX, 'http://localhost:5173');

  it('trusts the built index.html, with or without a query or fragment', () => {
    expect(built(INDEX_URL)).toBe(true);
    expect(built(`${INDEX_URL}#/sessions`)).toBe(true);
    expect(built(`${INDEX_URL}?x=1`)).toBe(true);
  });

  it('refuses other files, other schemes, look-alikes and nothing', () => {
    for (const url of [
      'file:///app/out/renderer/other.html',
      'file:///app/out/renderer/index.html.evil',
      'file:///tmp/index.html',
      'file://evil.example/app/out/renderer/index.html',
      'https://evil.example/app/out/renderer/index.html',
      'http://localhost:5173/',
      'devtools://devtools/bundled/index.html',
      'not a url',
      '',
      undefined,
    ]) {
      expect({ url, trusted: built(url) }).toEqual({ url, trusted: false });
    }
  });

  it('in development trusts the dev server’s origin only, not a host that starts like it', () => {
    expect(dev('http://localhost:5173/')).toBe(true);
    expect(dev('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(dev(INDEX_URL)).toBe(true);
    for (const url of [
      'http://localhost:5173.evil.example/',
      'http://localhost:51730/',
      'https://localhost:5173/',
      'http://localhost:5173@evil.example/',
    ]) {
      expect({ url, trusted: dev(url) }).toEqual({ url, trusted: false });
    }
  });
});

/** A stand-in for Electron's WebContents: records the window-open handler, emits will-navigate. */
function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | undefined;
  const contents: GuardedContents = {
    setWindowOpenHandler: (handler) => {
      openHandler = handler;
    },
    on: (event, listener) => emitter.on(event, listener),
  };
  const navigate = (url: string) => {
    let prevented = false;
    emitter.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  const open = (url: string) => openHandler?.({ url } as HandlerDetails);
  return { contents, navigate, open };
}

describe('navigation and new windows', () => {
  const opened: string[] = [];
  const page = fakeContents();
  guardNavigation(
    page.contents,
    (url) => trustedPage(INDEX)(url),
    (url) => opened.push(url),
  );

  it('denies navigating to a foreign page, opening http(s) links in the system browser', () => {
    opened.length = 0;
    expect(page.navigate('https://evil.example/phish')).toBe(true);
    expect(page.navigate('http://127.0.0.1:7788/')).toBe(true);
    expect(opened).toEqual(['https://evil.example/phish', 'http://127.0.0.1:7788/']);
  });

  it('denies navigating to files or other schemes without handing them to the OS', () => {
    opened.length = 0;
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<b>x</b>',
      'smb://host/share',
    ]) {
      expect(page.navigate(url)).toBe(true);
    }
    expect(opened).toEqual([]);
  });

  it('lets the page reload itself', () => {
    expect(page.navigate(`${INDEX_URL}#/trash`)).toBe(false);
  });

  it('denies every window.open, trusted URL included; only http(s) and mailto reach the system', () => {
    opened.length = 0;
    for (const url of [
      'https://example.com/doc',
      'mailto:someone@example.com',
      INDEX_URL,
      'file:///etc/passwd',
      'javascript:alert(1)',
      'about:blank',
    ]) {
      expect(page.open(url)).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://example.com/doc', 'mailto:someone@example.com']);
  });

  it('treats only http, https and mailto as external links', () => {
    expect(isExternalLink('HTTPS://example.com')).toBe(true);
    expect(isExternalLink('mailto:a@b.c')).toBe(true);
    expect(isExternalLink('file:///etc/passwd')).toBe(false);
    expect(isExternalLink('javascript:alert(1)')).toBe(false);
    expect(isExternalLink('https:evil')).toBe(false);
  });
});
