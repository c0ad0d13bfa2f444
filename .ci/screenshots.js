// Full-page screenshots of notebooks as Jupyter Notebook 6 shows them in a browser,
// and of chosen cells: NB.ipynb:5,7 also writes NB-cell5.png and NB-cell7.png (the
// code cell In [5] with its outputs). Prints per notebook what a reader would
// trip over: broken images, pictures the browser scales, outputs that overflow.
// Usage: node .ci/screenshots.js URL TOKEN OUTDIR NB.ipynb[:N,...]...  (NODE_PATH
// must hold playwright-core; CHROMIUM names the browser, default /usr/bin/chromium).
// Called by .ci/screenshots, which starts the server.
const { chromium } = require('playwright-core');

async function shoot(browser, base, token, outDir, arg) {
  const [name, cellList] = arg.split(':');
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  page.on('pageerror', e => problems.push('page error: ' + e.message));
  await page.goto(`${base}/notebooks/${name}?token=${token}`, { waitUntil: 'load' });
  await page.waitForSelector('#notebook-container .cell', { timeout: 60000 });
  // Wait for the outputs to be rendered (images decoded) and the kernel to settle.
  await page.waitForFunction(() => Array.from(document.images).every(i => i.complete), null, { timeout: 60000 });
  await page.waitForTimeout(1500);
  // Classic Notebook scrolls #site inside a fixed-height page: let it grow so the
  // full-page screenshot holds every cell.
  await page.addStyleTag({ content: '#site{height:auto!important;overflow:visible!important} body,html{overflow:visible!important;height:auto!important}' });
  await page.waitForTimeout(300);
  const stats = await page.evaluate(() => {
    const imgs = Array.from(document.querySelectorAll('.output_area img'));
    const area = document.querySelector('.output_subarea');
    const width = area ? area.clientWidth : 0;
    return {
      images: imgs.length,
      broken: imgs.filter(i => i.naturalWidth === 0).length,
      // drawn size ≠ natural size means the browser scaled the picture
      scaled: imgs.filter(i => i.naturalWidth && Math.abs(i.width - i.naturalWidth) > 1).map(i => `${i.naturalWidth}x${i.naturalHeight}→${i.width}x${i.height}`),
      overflow: Array.from(document.querySelectorAll('.output_subarea')).filter(e => e.scrollWidth > e.clientWidth + 1).length,
      outputWidth: width,
      errors: document.querySelectorAll('.output_error').length,
      height: document.body.scrollHeight,
    };
  });
  const stem = `${outDir}/${name.replace(/\.ipynb$/, '')}`;
  const file = `${stem}.png`;
  const bottom = await page.evaluate(() => document.querySelector('#notebook-container').getBoundingClientRect().bottom + 20);
  await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(bottom) } });
  for (const n of (cellList || '').split(',').filter(Boolean)) {
    const cell = page.locator('.code_cell').filter({ has: page.locator('.input_prompt', { hasText: `[${n}]` }) }).first();
    await cell.screenshot({ path: `${stem}-cell${n}.png` });
  }
  console.log(`${file}: ${JSON.stringify(stats)}${problems.length ? ' ' + problems.join('; ') : ''}`);
  await page.close();
}

(async () => {
  const [base, token, outDir, ...names] = process.argv.slice(2);
  if (!base || !token || !outDir || names.length === 0) {
    console.error('usage: node screenshots.js URL TOKEN OUTDIR NB.ipynb...');
    process.exit(2);
  }
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    for (const n of names) await shoot(browser, base, token, outDir, n);
  } finally {
    await browser.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
