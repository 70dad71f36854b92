import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { colorIcon, outlineIcon } from './lib/icon-art.ts';
import { encodePng } from './lib/png.ts';

// `npx tsx scripts/icons.ts`: redraws appPackage/color.png (192×192) and appPackage/outline.png
// (32×32, white on transparent). The PNGs are committed; run this only after changing the art.
const dir = new URL('../appPackage/', import.meta.url);
for (const [name, image] of [
  ['color.png', colorIcon()],
  ['outline.png', outlineIcon()],
] as const) {
  const file = new URL(name, dir);
  writeFileSync(file, encodePng(image));
  console.log(`wrote ${fileURLToPath(file)} (${image.width}x${image.height})`);
}
