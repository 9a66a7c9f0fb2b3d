// The release workflow's first gate: a version is published only with its CHANGELOG section.
import { describe, expect, it } from 'vitest';
import { releaseNotes as notes } from '../../scripts/release-notes.js';
const changelog = (unreleased: string, heading = '## [1.0.0] - 2026-12-10') => `# Changelog

## [Unreleased]
${unreleased}
${heading}

### Added

- The thing.

## [0.1.0] - 2026-11-25

- First.
`;

describe('release notes', () => {
  it('are the section of the version, up to the next one', () => {
    expect(notes(changelog(''), '1.0.0')).toBe('### Added\n\n- The thing.');
  });

  it.each([
    [changelog(''), '1.1.0', 'no section for 1.1.0'],
    [changelog('', '## [1.0.0]'), '1.0.0', 'must read "## [1.0.0] - YYYY-MM-DD"'],
    [changelog('\n- Not moved yet.\n'), '1.0.0', '[Unreleased] section still has entries'],
    [changelog('').replace('- The thing.', ''), '1.0.0', 'has no entries'],
    [changelog(''), 'v1', "is not x.y.z"],
  ])('refuse a release the changelog does not describe (%#)', (text, version, message) => {
    expect(() => notes(text, version)).toThrow(message);
  });
});
