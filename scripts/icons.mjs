// `node scripts/icons.mjs`: the icon's PNGs from resources/icon.svg, rasterised by Chromium.
// Writes resources/icons/NxN.png (the window and installers), resources/icon.png (1024),
// and the web page's favicon.svg, favicon-32.png and favicon.ico into src/renderer/public.
// Run it after changing the SVG and commit what it writes: the PNGs are source assets.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resources = path.join(root, 'resources');
const publicDir = path.join(root, 'src/renderer/public');
const SIZES = [16, 32, 48, 64, 128, 256, 512, 1024];
/** What a favicon.ico holds: the sizes browsers and Windows pick from for tabs and shortcuts. */
const ICO_SIZES = [16, 32, 48];

const svg = fs.readFileSync(path.join(resources, 'icon.svg'), 'utf8');
const chromiumPath =
  process.env.PLAYWRIGHT_CHROMIUM_PATH ??
  (fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

/** An ICO file whose images are PNGs (read by every browser and by Windows since Vista). */
function ico(pngs) {
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach(({ size, data }, i) => {
    const entry = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, entry); // width (0 means 256)
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1); // height
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(data.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...pngs.map((p) => p.data)]);
}

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  const pngs = [];
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<html><body style="margin:0;background:transparent"><img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    const data = await page.screenshot({
      omitBackground: true,
      clip: { x: 0, y: 0, width: size, height: size },
    });
    pngs.push({ size, data });
  }
  fs.mkdirSync(path.join(resources, 'icons'), { recursive: true });
  fs.mkdirSync(publicDir, { recursive: true });
  for (const { size, data } of pngs)
    fs.writeFileSync(path.join(resources, 'icons', `${size}x${size}.png`), data);
  const png = (size) => pngs.find((p) => p.size === size).data;
  fs.writeFileSync(path.join(resources, 'icon.png'), png(1024));
  fs.writeFileSync(path.join(publicDir, 'favicon.svg'), svg);
  fs.writeFileSync(path.join(publicDir, 'favicon-32.png'), png(32));
  fs.writeFileSync(
    path.join(publicDir, 'favicon.ico'),
    ico(ICO_SIZES.map((size) => ({ size, data: png(size) }))),
  );
  console.log(
    `icons: ${SIZES.join(', ')} px, favicon.svg, favicon-32.png, favicon.ico (${ICO_SIZES.join(', ')})`,
  );
} finally {
  await browser.close();
}
