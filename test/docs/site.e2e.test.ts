// The TypeDoc site as a reader opens it, from disk (file://) as the README says: every page loads in
// Chromium with an empty console, the landing page does not repeat its title, the guides are pages
// (no link to a raw .md file), source links are on, and the testing kit is its own module.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../browser/fixtures/chromium.js';
import { root, runAsync } from '../package/consumer.js';

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
    // media/ holds repository files the docs link to (the browser example's Vite pages), not docs pages.
    .filter((file) => file.endsWith('.html') && !file.startsWith('media/'))
    .sort();

describe('the docs site', () => {
  it('has guides as pages, source links, and one module per entry', () => {
    const files = pages();
    expect(files).toEqual(expect.arrayContaining(['index.html', 'documents/Testing_your_app.html', 'documents/Browser_apps.html']));
    const links = files.flatMap((file) => [...readFileSync(join(out, file), 'utf8').matchAll(/href="([^"]+)"/g)].map((m) => m[1]!));
    expect(links.filter((href) => !/^(https?:|mailto:|#)/.test(href) && /\.md(#|$)/.test(href))).toEqual([]);
    expect(links.some((href) => href.startsWith('https://github.com/') && href.includes('/blob/main/src/'))).toBe(true);
    const modules = readdirSync(join(out, 'modules'));
    expect(modules).toEqual(expect.arrayContaining(['enchanted-link.html', 'enchanted-link_testing.html', 'enchanted-link_testing_msw.html']));
  });

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
