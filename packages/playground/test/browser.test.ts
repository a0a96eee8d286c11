import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getActivation } from '@actgrad/autograd';
import { fromOnnx } from '@actgrad/interop';
import { loadModel, predict } from '@actgrad/nn';
import { tensor } from '@actgrad/tensor';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built page in headless Chromium (Debian's, installed by .ci/run). A missing browser
// fails the suite: skipping would let CI pass without ever loading the page.
const CHROMIUM = process.env.ACTGRAD_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const root = fileURLToPath(new URL('..', import.meta.url));
const shots = mkdtempSync(join(tmpdir(), 'actgrad-playground-'));
const outDir = join(shots, 'site');

let server: Server | undefined;
let origin: string;
let browser: Browser;
// A setup failure (no Chromium, a build error) fails every test with its message, rather than
// leaving them skipped.
let setupError: Error | undefined;

/** A page that records console errors, uncaught exceptions and requests outside the local server. */
async function open(url: string): Promise<{ page: Page; errors: string[]; outside: string[] }> {
  if (setupError) throw setupError;
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  const outside: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(`${origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:') && !u.startsWith('file:')) outside.push(u);
  });
  await page.goto(url);
  await page.waitForSelector('#plane-0');
  return { page, errors, outside };
}

const value = (page: Page, id: string) => page.$eval(`#${id}`, (e) => Number((e as HTMLElement).dataset.value));

beforeAll(async () => {
  try {
    await setUp();
  } catch (err) {
    setupError = err as Error;
  }
});

async function setUp(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set ACTGRAD_CHROMIUM`);
  }
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const local = createServer((req, res) => {
    const path = join(outDir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/\/$/, '/index.html'));
    if (!path.startsWith(outDir) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  server = local;
  await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
  const address = local.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  rmSync(outDir, { recursive: true, force: true });
  console.log(`playground screenshots: ${shots}`);
});

describe('playground in headless Chromium', () => {
  it('builds one self-contained page', () => {
    if (setupError) throw setupError;
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    expect(html).toContain('<script type="module">');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+stylesheet/);
  });

  it('trains moons past 95% test accuracy with no console error and no outside request', async () => {
    const { page, errors, outside } = await open(`${origin}/`);
    expect(await page.textContent('#backend')).toBe('backend: wasm');
    expect(await value(page, 'steps')).toBe(0);
    await page.click('#play');
    await page.waitForFunction(() => Number(document.getElementById('test-score')!.dataset.value) > 0.95, null, { timeout: 30_000 });
    await page.waitForTimeout(1200); // one full second of steps/s and fps
    const sps = await value(page, 'sps');
    const fps = await value(page, 'fps');
    const rate = await page.$eval('#sps', (e) => Number((e as HTMLElement).dataset.trainingRate));
    console.log(`playground (2-16-16-1 relu, moons, batch 32): ${sps} steps/s at ${fps} fps (${rate} steps/s within the training slices), after ${await value(page, 'steps')} steps`);
    expect(sps).toBeGreaterThan(0);
    await page.screenshot({ path: join(shots, 'moons.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    await page.close();
  });

  it('switching an activation restarts training with the new one, and the URL follows', async () => {
    const { page, errors } = await open(`${origin}/`);
    await page.click('#play');
    await page.waitForFunction(() => Number(document.getElementById('steps')!.dataset.value) > 500);
    const before = await value(page, 'steps');
    await page.selectOption('#act-0', 'tanh');
    // Back to step 0, then training again.
    await page.waitForFunction((b) => Number(document.getElementById('steps')!.dataset.value) < b, before);
    expect(await page.textContent('#layer-0 h3')).toContain('16 × tanh');
    // The card shows the registry's own formula and derivative.
    expect(await page.textContent('#layer-0 .formula')).toBe(`a = ${getActivation('tanh').formula}a′ = ${getActivation('tanh').derivative}`);
    expect(await page.evaluate(() => decodeURIComponent(location.hash))).toContain('h=16:tanh,16:relu');
    await page.waitForFunction(() => Number(document.getElementById('steps')!.dataset.value) > 200);
    // A string parameter from the registry becomes a choice.
    await page.selectOption('#act-1', 'gelu');
    expect(await page.$$eval('#param-1-approximate option', (o) => o.map((e) => (e as HTMLOptionElement).value))).toEqual(['none', 'tanh']);
    await page.selectOption('#param-1-approximate', 'tanh');
    expect(await page.evaluate(() => decodeURIComponent(location.hash))).toContain('h=16:tanh,16:gelu:approximate=tanh');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('round-trips the state through the URL, compare mode included', async () => {
    const hash = '#data=spirals&noise=0.2&n=300&test=0.25&k=3&seed=7&h=8%3AleakyRelu%3Aalpha%3D0.2%2C12%3Aelu%3Aalpha%3D0.5'
      + '&out=softmax&loss=crossEntropy&opt=sgd&lr=0.1&bs=16&cmp=tanh';
    const { page, errors, outside } = await open(`${origin}/${hash}`);
    const read = () => page.evaluate(() => ({
      hash: location.hash,
      controls: ['dataset', 'classes', 'seed', 'units-0', 'act-0', 'param-0-alpha', 'act-1', 'param-1-alpha', 'output', 'loss', 'optimizer', 'lr', 'batch-size', 'compare']
        .map((id) => (document.getElementById(id) as HTMLInputElement).value),
      planes: document.querySelectorAll('#planes canvas').length,
    }));
    const first = await read();
    expect(first.hash).toBe(hash);
    expect(first.controls).toEqual(['spirals', '3', '7', '8', 'leakyRelu', '0.2', 'elu', '0.5', 'softmax', 'crossEntropy', 'sgd', '0.1', '16', 'tanh']);
    expect(first.planes).toBe(2);
    await page.click('#play');
    await page.waitForFunction(() => Number(document.getElementById('steps')!.dataset.value) > 300);
    await page.screenshot({ path: join(shots, 'compare-spirals.png'), fullPage: true });
    // The same link in a fresh page gives the same controls.
    const again = await open(`${origin}/${first.hash}`);
    expect((await again.page.evaluate(() => location.hash))).toBe(hash);
    const second = await again.page.evaluate(() => ['dataset', 'act-0', 'param-0-alpha', 'compare'].map((id) => (document.getElementById(id) as HTMLInputElement).value));
    expect(second).toEqual(['spirals', 'leakyRelu', '0.2', 'tanh']);
    expect([...errors, ...again.errors]).toEqual([]);
    expect([...outside, ...again.outside]).toEqual([]);
    await page.close();
    await again.page.close();
  });

  it('exports the trained model as actgrad JSON that loadModel reads', async () => {
    const { page, errors } = await open(`${origin}/#h=4%3Aelu%3Aalpha%3D0.5`);
    await page.click('#step');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    const json = readFileSync(await download.path(), 'utf8');
    const model = loadModel(json);
    expect(model.config?.hidden).toEqual(['elu']);
    expect(model.namedParameters().map(([n, p]) => `${n}:${p.data.shape}`)).toEqual(['layers.0.weight:2,4', 'layers.0.bias:4', 'layers.2.weight:4,1', 'layers.2.bias:1']);
    // The same model as ONNX (from @actgrad/interop, run in the page) predicts what the JSON one does.
    const [onnxDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-onnx')]);
    const onnx = fromOnnx(new Uint8Array(readFileSync(await onnxDownload.path())));
    const x = tensor([[0.1, -0.4], [0.7, 0.2], [-0.9, 0.9]]);
    expect(Array.from(predict(onnx, x).data)).toEqual(Array.from(predict(model, x).data));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('clicking adds and removes points; a CSV file becomes the data set', async () => {
    const { page, errors } = await open(`${origin}/#data=xor&n=100`);
    const points = () => page.$eval('#planes', (e) => Number((e as HTMLElement).dataset.points));
    expect(await points()).toBe(100);
    await page.click('#plane-0', { position: { x: 60, y: 60 } });
    expect(await points()).toBe(101);
    expect(await page.inputValue('#dataset')).toBe('csv');
    // The link carries the points: reopening it gives the same data set.
    const link = await page.evaluate(() => location.hash);
    expect(new URLSearchParams(link.slice(1)).get('pts')).toHaveLength(5 * 101);
    const reopened = await open(`${origin}/${link}`);
    expect(await reopened.page.$eval('#planes', (e) => (e as HTMLElement).dataset.points)).toBe('101');
    await reopened.page.close();
    await page.click('#plane-0', { position: { x: 60, y: 60 }, modifiers: ['Shift'] });
    expect(await points()).toBe(100);
    await page.setInputFiles('#csv', { name: 'points.csv', mimeType: 'text/csv', buffer: Buffer.from('x,y,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n2,2,2\n') });
    await page.waitForFunction(() => document.getElementById('planes')!.dataset.points === '5');
    expect(await page.textContent('#notice')).toBe('Loaded 5 points from points.csv.');
    await page.setInputFiles('#csv', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('0,0,0\n1,x,1\n') });
    await page.waitForSelector('#notice.error');
    expect(await page.textContent('#notice')).toBe('CSV line 2: expected three numbers x,y,label; got \'1,x,1\'');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('builds a data set from scratch by clicking', async () => {
    const { page, errors } = await open(`${origin}/`);
    const points = () => page.$eval('#planes', (e) => Number((e as HTMLElement).dataset.points));
    // The user's own data set starts empty; four clicks make it trainable.
    await page.selectOption('#dataset', 'csv');
    expect(await points()).toBe(0);
    expect(await page.textContent('#notice')).toContain('the data set has 0 points; add at least 4');
    await page.selectOption('#paint-class', '2');
    for (const [x, y] of [[40, 40], [300, 40], [40, 300], [300, 300]]) await page.click('#plane-0', { position: { x, y } });
    expect(await points()).toBe(4);
    expect(await page.inputValue('#output')).toBe('softmax');
    expect(await page.$$eval('#layer-0', (e) => e.length)).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a regression curve in [-1, 1] with the tanh output the notes recommend', async () => {
    const { page, errors } = await open(`${origin}/#data=curve11`);
    expect([await page.inputValue('#output'), await page.inputValue('#loss')]).toEqual(['tanh', 'mse']);
    await page.click('#play');
    await page.waitForFunction(() => Number(document.getElementById('test-score')!.dataset.value) > 0.8, null, { timeout: 30_000 });
    await page.screenshot({ path: join(shots, 'curve.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works opened from disk (file://), offline', async () => {
    const { page, errors } = await open(`file://${join(outDir, 'index.html')}`);
    await page.click('#play');
    await page.waitForFunction(() => Number(document.getElementById('steps')!.dataset.value) > 100);
    expect(errors).toEqual([]);
    await page.close();
  });
});
