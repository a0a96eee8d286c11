import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

/**
 * Opens report pages in the system Chromium (headless, no network) and returns what a reviewer
 * checks: console errors, every request that is not the page itself or a data: URL, the widest
 * element against the window, and a full-page screenshot.
 *
 *   npx tsx packages/lab/test/look.ts actgrad-out/lab-moons.html [out.png] [width]
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Look {
  consoleErrors: string[];
  requests: string[];
  scrollWidth: number;
  /** Widest chart (px) on the page. */
  widestChart: number;
  /** Sections whose chart has no drawn SVG. */
  emptySections: string[];
  /** Width of each section's chart (px), by section id. */
  chartWidths: Record<string, number>;
}

export async function look(htmlPath: string, opts: { width?: number; screenshot?: string } = {}): Promise<Look> {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const width = opts.width ?? 800;
    await page.setViewport({ width, height: 900 });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    const self = pathToFileURL(resolve(htmlPath)).href;
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.setRequestInterception(true);
    page.on('request', (r) => {
      const url = r.url();
      if (url !== self && !url.startsWith('data:')) requests.push(url);
      void (url === self || url.startsWith('data:') ? r.continue() : r.abort());
    });
    await page.goto(self, { waitUntil: 'load' });
    // A string, so this Node-side file needs no DOM types: it runs in the page.
    const m = (await page.evaluate(`(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      widestChart: Math.max(0, ...[...document.querySelectorAll('.chart > svg')].map((s) => Math.round(s.getBoundingClientRect().width))),
      chartWidths: Object.fromEntries([...document.querySelectorAll('section')].map((s) => [s.id, Math.round(s.querySelector('.chart > svg')?.getBoundingClientRect().width ?? 0)])),
      emptySections: [...document.querySelectorAll('section')].filter((s) => s.querySelector('.chart') && !s.querySelector('.chart svg *')).map((s) => s.id),
    }))()`)) as Omit<Look, 'consoleErrors' | 'requests'>;
    if (opts.screenshot) await page.screenshot({ path: opts.screenshot as `${string}.png`, fullPage: true });
    return { consoleErrors, requests, ...m };
  } finally {
    await browser.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [html, png, width] = process.argv.slice(2);
  if (!html) throw new Error('usage: look.ts PAGE.html [OUT.png] [WIDTH]');
  console.log(await look(html, { screenshot: png, width: width ? Number(width) : undefined }));
}
