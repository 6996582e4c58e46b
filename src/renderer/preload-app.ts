import path from 'node:path';
import type { HtmlTagDescriptor, Plugin } from 'vite';

/**
 * Lists the app's script, its static imports and its CSS in index.html, for an entry that
 * imports the app with import() after starting its first requests (src/renderer/src/main.tsx):
 * the browser fetches the app while the small entry loads and runs, instead of only once the
 * import() is reached. The app is a second module script after the entry: module scripts run
 * in document order, so the entry (and its requests) still goes first, and Chromium compiles a
 * module script on a background thread while it downloads. Not `modulepreload` (compiled on the
 * main thread as it arrives, so the entry waited for the 640 KB app), nor `preload as=script`
 * (a classic fetch: the module compiled on the main thread when imported, "wrong script type").
 */
export function preloadApp(appModule: string): Plugin {
  return {
    name: 'mnemo-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle, chunk }) {
        if (!bundle || !chunk) return;
        const app = chunk.dynamicImports
          .map((file) => bundle[file])
          .find(
            (c) => c?.type === 'chunk' && c.moduleIds.some((id) => id.endsWith(path.normalize(appModule))),
          );
        if (app?.type !== 'chunk') throw new Error(`the entry does not import ${appModule} with import()`);
        /** A chunk and its static imports, less those already in `known`. */
        const closure = (file: string, known: Set<string>, css: Set<string>) => {
          const c = bundle[file];
          if (c?.type !== 'chunk' || known.has(file)) return;
          known.add(file);
          for (const f of c.viteMetadata?.importedCss ?? []) css.add(f);
          for (const f of c.imports) closure(f, known, css);
        };
        const entryScripts = new Set<string>();
        const entryCss = new Set<string>();
        closure(chunk.fileName, entryScripts, entryCss);
        const scripts = new Set<string>(entryScripts);
        const css = new Set<string>();
        closure(app.fileName, scripts, css);
        for (const f of entryScripts) scripts.delete(f);
        const tags: HtmlTagDescriptor[] = [
          ...[...scripts].map((file) =>
            file === app.fileName
              ? {
                  tag: 'script',
                  attrs: { type: 'module', crossorigin: true, src: `./${file}` },
                  injectTo: 'head' as const,
                }
              : {
                  tag: 'link',
                  attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` },
                  injectTo: 'head' as const,
                },
          ),
          ...[...css]
            .filter((file) => !entryCss.has(file))
            .map((file) => ({
              tag: 'link',
              attrs: { rel: 'stylesheet', crossorigin: true, href: `./${file}` },
              injectTo: 'head' as const,
            })),
        ];
        return tags;
      },
    },
  };
}
