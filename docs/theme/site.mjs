// TypeDoc plugin: the site's navigation leads with the API reference, and every page is titled for what
// it is.
// - The entry points' group ("Modules") is titled "API reference"; typedoc.json's groupOrder puts it
//   first, then the guides, the examples and the other documents.
// - Repository files without front matter (CHANGELOG.md, BENCHMARKS.md, ARCHITECTURE.md, RELEASING.md: on GitHub a
//   front matter block would show as a table) get their titles here.
// - Members inherited from the runtime's own types (Error's `cause` and `stack`, Node's
//   `captureStackTrace`) keep no "Defined in" link: theirs would point into node_modules.
import { Converter, ReflectionKind, RendererEvent } from 'typedoc';

const TITLES = { CHANGELOG: 'Changelog', BENCHMARKS: 'Benchmarks', ARCHITECTURE: 'Architecture', RELEASING: 'Releasing' };

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    for (const document of context.project.documents ?? []) {
      if (document.name in TITLES) document.name = TITLES[document.name];
    }
    for (const reflection of Object.values(context.project.reflections)) {
      if (reflection.sources) reflection.sources = reflection.sources.filter((source) => !source.fullFileName.includes('/node_modules/'));
    }
  });
  app.renderer.on(RendererEvent.BEGIN, (event) => {
    for (const group of event.project.groups ?? []) {
      if (group.children.every((child) => child.kindOf(ReflectionKind.Module))) group.title = 'API reference';
    }
  });
}
