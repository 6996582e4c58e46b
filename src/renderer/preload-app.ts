import path from 'node:path';
import type { HtmlTagDescriptor, Plugin } from 'vite';

/**
 * Lists the app's script, its static imports and its CSS in index.html, for an entry that
 * imports the app with import() after starting its first requests (src/renderer/src/main.tsx):
 * the browser fetches the app while the small entry loads and runs, instead of only once the
 * import() is reached. `preload as=script`, not `modulepreload`: Chromium compiles a
 * modulepreload on the main thread as soon as it arrives, and the entry (so the requests)
 * then waited for the 640 KB app to compile.
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
          ...[...scripts].map((file) => ({
            tag: 'link',
            attrs: { rel: 'preload', as: 'script', crossorigin: true, href: `./${file}` },
            injectTo: 'head' as const,
          })),
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
