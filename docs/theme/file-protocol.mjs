// TypeDoc plugin: the site works when opened from disk (file://), as the README says.
// Pages reference their icons in the external sprite `assets/icons.svg`, which Chromium refuses to load
// from a file:// page ("'file:' URLs are treated as unique security origins", one console error per
// icon). TypeDoc's own assets/icons.js inlines the same sprite into every page, so the pages can point
// at the inlined copy (`#icon-…`) from the start, over file:// and http(s) alike.
import { PageEvent } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.renderer.on(PageEvent.END, (page) => {
    if (page.contents) page.contents = page.contents.replace(/href="[^"]*assets\/icons\.svg(#icon-[^"]+)"/g, 'href="$1"');
  });
}
