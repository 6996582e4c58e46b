const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;

const fixed = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 1 : 0 });

/** A file size as people read it: "0.3 KB", "740 KB", "2.4 MB", "1.2 GB". */
export function formatSize(bytes: number): string {
  if (bytes < MB) return `${fixed(bytes / KB)} KB`;
  if (bytes < GB) return `${fixed(bytes / MB)} MB`;
  return `${fixed(bytes / GB)} GB`;
}
