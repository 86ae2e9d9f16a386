import { existsSync, mkdirSync } from 'node:fs';
import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTraffic } from '../helpers/analytics-traffic.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

const CHROMIUM = '/usr/bin/chromium';
const ADMIN = 'test-admin-key-that-is-long-enough-0000';
/** Where the test leaves its screenshot (docs/dashboard.png is a copy of one). */
const SCREENSHOT_DIR = join(process.cwd(), 'coverage', 'screenshots');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The part of a browser canvas the test reads (the test compiles without the DOM library). */
interface PaintedCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  };
}

if (!existsSync(CHROMIUM))
  console.warn(
    `dashboard browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run does)`,
  );

describe.skipIf(!existsSync(CHROMIUM))('the live dashboard in headless Chromium', () => {
  let tp: TestPlatform;
  let browser: Browser;

  beforeAll(async () => {
    tp = await startTestPlatform({ airports: 40, days: 6, env: { ANALYTICS_FLUSH_MS: '200' } });
    await generateTraffic(tp);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });

  it('refuses a wrong key and shows no data', async () => {
    const page = await browser.newPage();
    await page.goto(`${tp.baseUrl}/dashboard`);
    await page.fill('#key', 'not-the-admin-key');
    await page.click('#sign-in button[type=submit]');
    await expect.poll(() => page.locator('#sign-in-error').isVisible()).toBe(true);
    expect(await page.locator('#board').isVisible()).toBe(false);
    expect(await page.context().cookies()).toEqual([]);
    await page.close();
  });

  it('refuses a client key: the dashboard is for the admin', async () => {
    const page = await browser.newPage();
    await page.goto(`${tp.baseUrl}/dashboard`);
    await page.fill('#key', tp.apiKey);
    await page.click('#sign-in button[type=submit]');
    await expect.poll(() => page.locator('#sign-in-error').textContent()).toContain('admin');
    expect(await page.locator('#board').isVisible()).toBe(false);
    await page.close();
  });

  it('signs in with the admin key (an httpOnly SameSite=Strict cookie, no key in the URL) and draws non-empty charts live', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await page.goto(`${tp.baseUrl}/dashboard`);
    await page.fill('#key', ADMIN);
    await page.click('#sign-in button[type=submit]');
    await page.waitForSelector('#board:not([hidden])');
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 20_000 }).toContain('live');

    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({
      name: 'tp_dashboard',
      httpOnly: true,
      sameSite: 'Strict',
      path: '/dashboard',
    });
    expect(page.url()).toBe(`${tp.baseUrl}/dashboard`);
    expect(await page.inputValue('#key')).toBe('');

    expect(await page.locator('.chart canvas').count()).toBe(4);
    expect(Number(await page.textContent('#t-rps'))).toBeGreaterThan(0);
    expect(await page.textContent('#t-p99')).toMatch(/ms$/);
    expect(await page.textContent('#t-hit')).toMatch(/%$/);
    expect(await page.textContent('#t-cost')).toMatch(/^\$/);
    await expect.poll(() => page.textContent('#t-bookings'), { timeout: 20_000 }).toBe('1');
    expect(await page.locator('#top-routes tbody tr').count()).toBeGreaterThanOrEqual(4);
    expect(await page.textContent('#top-routes tbody tr:first-child td')).toBe('flights:LHR-JFK');
    expect(await page.textContent('#slo')).toContain('availability');
    // The requests chart plotted the traffic: its canvas is not blank.
    const painted = await page.$eval('#c-requests canvas', (element) => {
      const canvas = element as unknown as PaintedCanvas;
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let colored = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) colored += 1;
      return colored;
    });
    expect(painted).toBeGreaterThan(100);

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard.png'), fullPage: true });
    await page.close();
  });

  it('with DASHBOARD_LIVE=poll (what Lambda runs), polls /dashboard/snapshot and draws the same board without a stream', async () => {
    const polling = await startTestPlatform({
      airports: 40,
      days: 6,
      env: { ANALYTICS_FLUSH_MS: '200', DASHBOARD_LIVE: 'poll' },
    });
    try {
      await generateTraffic(polling);
      const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
      const requested: string[] = [];
      page.on('request', (request) => requested.push(new URL(request.url()).pathname));
      await page.goto(`${polling.baseUrl}/dashboard`);
      await page.fill('#key', ADMIN);
      await page.click('#sign-in button[type=submit]');
      await page.waitForSelector('#board:not([hidden])');
      await expect.poll(() => page.locator('#status').textContent(), { timeout: 20_000 }).toContain('live');
      expect(Number(await page.textContent('#t-rps'))).toBeGreaterThan(0);
      expect(await page.locator('.chart canvas').count()).toBe(4);
      expect(requested, requested.join(' ')).toContain('/dashboard/snapshot');
      expect(requested).not.toContain('/dashboard/events');
      await page.close();
    } finally {
      await polling.close();
    }
  });

  it('works behind a path prefix, as under API Gateway’s stage (/prod/dashboard): relative URLs, a cookie scoped where it was set', async () => {
    // What API Gateway does: the browser sees /prod/…, the app is asked for the path without it.
    const target = new URL(tp.baseUrl);
    const stage = createServer((incoming, outgoing) => {
      if (!incoming.url?.startsWith('/prod/')) {
        outgoing.writeHead(404).end();
        return;
      }
      const upstream = forward(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url.slice('/prod'.length),
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      incoming.pipe(upstream);
    });
    await new Promise<void>((resolve) => stage.listen(0, '127.0.0.1', resolve));
    try {
      const page = await browser.newPage();
      const requested: string[] = [];
      page.on('request', (request) => requested.push(new URL(request.url()).pathname));
      await page.goto(`http://127.0.0.1:${(stage.address() as AddressInfo).port}/prod/dashboard`);
      await page.fill('#key', ADMIN);
      await page.click('#sign-in button[type=submit]');
      await page.waitForSelector('#board:not([hidden])');
      await expect.poll(() => page.locator('#status').textContent(), { timeout: 20_000 }).toContain('live');
      expect(
        requested.every((path) => path.startsWith('/prod/dashboard')),
        requested.join(' '),
      ).toBe(true);
      await page.close();
    } finally {
      stage.closeAllConnections();
      await new Promise((resolve) => stage.close(resolve));
    }
  });

  it('the live stream refuses a request without the session cookie', async () => {
    const response = await fetch(`${tp.baseUrl}/dashboard/events`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});
