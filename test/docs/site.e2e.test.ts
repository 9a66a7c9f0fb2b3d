// The TypeDoc site as a reader opens it, from disk (file://) as the README says: every page loads in
// Chromium with an empty console, the landing page does not repeat its title, the guides are pages
// (no link to a raw .md file), source links are on (none into node_modules), the navigation leads with
// the API reference, the testing kit is its own module, and no local link or anchor is broken.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../browser/fixtures/chromium.js';
import { root, runAsync } from '../package/consumer.js';
import { brokenLinks } from './link-check.js';

let out: string;
let browser: Browser;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'enchanted-link-docs-'));
  await runAsync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out], root);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

const pages = () =>
  readdirSync(out, { recursive: true, encoding: 'utf8' })
    // media/ holds repository files the docs link to (images), not docs pages.
    .filter((file) => file.endsWith('.html') && !file.startsWith('media/'))
    .sort();

describe('the docs site', () => {
  it('has guides as pages, source links, and one module per entry', () => {
    const files = pages();
    expect(files).toEqual(expect.arrayContaining(['index.html', 'documents/Testing_your_app.html', 'documents/Browser_apps.html']));
    const links = files.flatMap((file) => [...readFileSync(join(out, file), 'utf8').matchAll(/href="([^"]+)"/g)].map((m) => m[1]!));
    expect(links.filter((href) => !/^(https?:|mailto:|#)/.test(href) && /\.md(#|$)/.test(href))).toEqual([]);
    expect(links.some((href) => href.startsWith('https://github.com/') && href.includes('/blob/main/src/'))).toBe(true);
    expect(links.filter((href) => href.includes('node_modules'))).toEqual([]);
    // Pages copied in as they are (media/) would be broken there: an HTML page's scripts stay behind.
    expect(readdirSync(join(out, 'media')).filter((file) => file.endsWith('.html'))).toEqual([]);
    const modules = readdirSync(join(out, 'modules'));
    expect(modules).toEqual(expect.arrayContaining(['enchanted-link.html', 'enchanted-link_testing.html', 'enchanted-link_testing_msw.html']));
  });

  it('leads with the API reference, then the guides by task, then the examples and the other documents', () => {
    const data = readFileSync(join(out, 'assets/navigation.js'), 'utf8').match(/"([A-Za-z0-9+/=]+)"/)![1]!;
    const navigation = JSON.parse(inflateSync(Buffer.from(data, 'base64')).toString()) as Array<{ text: string; children?: Array<{ text: string }> }>;
    expect(navigation.map((group) => group.text)).toEqual(['API reference', 'Guides', 'Examples', 'Documents']);
    // Every entry point, the main one first.
    const entries = navigation[0]!.children!.map((entry) => entry.text);
    expect(entries[0]).toBe('enchanted-link');
    expect(entries).toEqual(expect.arrayContaining(['enchanted-link/react', 'enchanted-link/server', 'enchanted-link/testing', 'enchanted-link/testing/msw']));
    expect(entries.filter((entry) => !entry.startsWith('enchanted-link'))).toEqual([]);
    expect(navigation[1]!.children!.slice(0, 5).map((entry) => entry.text)).toEqual(['Browser apps', 'React and other frameworks', 'Server kit', 'Testing your app', 'Security']);
    // Every title says what the page is: no file names (`browser/README`, `CHANGELOG`).
    const titles = navigation.slice(1).flatMap((group) => group.children!.map((entry) => entry.text));
    expect(titles.filter((title) => /README|\/|^[A-Z]+$/.test(title))).toEqual([]);
  });

  it('has no broken local link or anchor', async () => {
    expect(await brokenLinks(out)).toEqual([]);
  }, 60_000);

  it('the link check catches a missing page, a missing image and a missing anchor', async () => {
    const site = mkdtempSync(join(tmpdir(), 'enchanted-link-links-'));
    try {
      mkdirSync(join(site, 'documents'));
      writeFileSync(join(site, 'documents/guide.html'), '<h2 id="setup">Setup</h2><a href="../index.html#top">up</a>');
      writeFileSync(join(site, 'index.html'), `<h1 id="top">Docs</h1>
        <a href="documents/guide.html#setup">fine</a> <a href="https://example.com/not-checked">external</a>
        <a href="documents/gone.html">missing page</a> <img src="media/gone.png">
        <a href="documents/guide.html#no-such-section">missing anchor</a>`);
      const broken = await brokenLinks(site);
      expect(broken.map((link) => link.url).sort()).toEqual(['/documents/gone.html', '/documents/guide.html#no-such-section', '/media/gone.png']);
      expect(broken.find((link) => link.url.includes('#'))!.reason).toContain('no-such-section');
    } finally {
      rmSync(site, { recursive: true, force: true });
    }
  }, 60_000);

  it('loads every page from disk in Chromium with an empty console, the landing page titled once', async () => {
    const context = await browser.newContext();
    const problems: string[] = [];
    try {
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(`${page.url()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
      page.on('requestfailed', (request) => problems.push(`${page.url()}: failed ${request.url()}`));
      // Every page of a few kinds: the landing page, the guides, the modules, and one of each member kind.
      const kinds = new Set<string>();
      const chosen = pages().filter((file) => {
        const kind = file.split('/')[0]!;
        if (['index.html', 'modules.html'].includes(file) || kind === 'documents' || kind === 'modules') return true;
        if (kinds.has(kind)) return false;
        kinds.add(kind);
        return true;
      });
      for (const file of chosen) {
        await page.goto(pathToFileURL(join(out, file)).href, { waitUntil: 'load' });
        await page.waitForTimeout(50); // let the theme's deferred scripts (navigation, search) run
      }
      await page.goto(pathToFileURL(join(out, 'index.html')).href, { waitUntil: 'load' });
      const visibleTitles = await page.locator('h1:visible').allTextContents();
      expect(visibleTitles.map((title) => title.trim())).toEqual(['enchanted-link']);
    } finally {
      await context.close();
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
