// The Element Timing API's attribute (Chromium): the browser records when the element's
// text is first painted. `npm run bench` measures the list's first rows by it.
import 'react';

declare module 'react' {
  interface HTMLAttributes<T> {
    elementtiming?: string;
  }
}
