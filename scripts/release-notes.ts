// `node scripts/release-notes.ts` (Node 24 runs TypeScript as is): checks that the release about to be published is described, and
// prints its notes. The release workflow runs it before anything is built or published, and uses what it
// prints as the GitHub release's text; run it yourself before opening a release pull request.
//
// It fails (exit 1, with the reason) unless CHANGELOG.md has a section `## [<version>] - YYYY-MM-DD` for
// package.json's version, with at least one entry, and the `## [Unreleased]` section above it is empty.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The notes of `version` in `changelog` (the text between its heading and the next version's), or throws
 * an Error saying what is missing.
 */
export function releaseNotes(changelog: string, version: string): string {
  if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) throw new Error(`package.json's version '${version}' is not x.y.z`);
  const sections = changelog.split(/^(?=## \[)/m).slice(1);
  const heading = (section: string) => section.slice(0, section.indexOf('\n'));
  const index = sections.findIndex((section) => heading(section).startsWith(`## [${version}]`));
  if (index === -1) throw new Error(`CHANGELOG.md has no section for ${version}: rename [Unreleased] to "## [${version}] - <date>"`);
  const section = sections[index]!;
  if (!/^## \[[^\]]+\] - \d{4}-\d{2}-\d{2}$/.test(heading(section))) {
    throw new Error(`CHANGELOG.md's heading for ${version} must read "## [${version}] - YYYY-MM-DD", got "${heading(section)}"`);
  }
  const unreleased = sections.slice(0, index).find((other) => heading(other).startsWith('## [Unreleased]'));
  if (unreleased && /^[-*] /m.test(unreleased)) throw new Error(`CHANGELOG.md's [Unreleased] section still has entries: move them under ${version}`);
  const notes = section.slice(section.indexOf('\n') + 1).trim();
  if (!/^[-*] /m.test(notes)) throw new Error(`CHANGELOG.md's section for ${version} has no entries`);
  return notes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = new URL('..', import.meta.url);
  const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };
  try {
    process.stdout.write(`${releaseNotes(readFileSync(new URL('CHANGELOG.md', root), 'utf8'), version)}\n`);
  } catch (error) {
    process.stderr.write(`release-notes: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
