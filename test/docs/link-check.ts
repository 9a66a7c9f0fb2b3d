// The link check of the built docs site: linkinator (a maintained crawler) serves the folder, follows
// every local link and checks that each target exists and each `#fragment` names an element of it.
// External links are not followed: the check runs offline, and says nothing about other sites.
import { LinkChecker } from 'linkinator';

/** A link that leads nowhere: its URL, the page it is on, and why. */
export interface BrokenLink {
  url: string;
  page: string;
  reason: string;
}

/** Every broken local link and anchor in the site in `dir`, starting from its index.html. */
export async function brokenLinks(dir: string): Promise<BrokenLink[]> {
  const result = await new LinkChecker().check({
    path: dir,
    recurse: true,
    checkFragments: true,
    // Only the local server's own URLs (linkinator serves `dir` on localhost): nothing external.
    linksToSkip: ['^(?!http://(localhost|127\\.0\\.0\\.1)[:/])'],
    concurrency: 10,
  });
  const broken = result.links
    .filter((link) => link.state === 'BROKEN')
    .map((link) => ({
      url: link.url.replace(dir, ''),
      // The start page is crawled as the folder and as its index.html: one page.
      page: (link.parent ?? '').replace(dir, '').replace(/^\/?(index\.html)?$/, '/index.html'),
      reason: link.failureDetails?.some((detail) => detail instanceof Error) ? String(link.failureDetails.find((d) => d instanceof Error)) : `HTTP ${link.status}`,
    }));
  return [...new Map(broken.map((link) => [`${link.url} ${link.page}`, link])).values()];
}
