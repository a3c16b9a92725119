import TrackerBody from './TrackerBody';

/**
 * TrackerBody for .astro pages, marked as a Solid component. Without the mark Astro finds the renderer
 * by calling each renderer's `check()`, and Solid's check renders the whole component once just to see
 * that it can (issue 15: 13% of a tracker render). The mark is the one Astro's own
 * `__astro_tag_component__` sets (what its compiled JSX/MDX uses), a registry symbol read in
 * astro/dist/runtime/server/render/component.js. Server-only: the island bundle stays as it is.
 * test/tracker/single-render.test.ts fails if Astro stops honouring it.
 */
const RENDERER = Symbol.for('astro:renderer');
if (!Object.hasOwn(TrackerBody, RENDERER))
  Object.defineProperty(TrackerBody, RENDERER, {
    value: '@astrojs/solid-js',
    enumerable: false,
    writable: false,
  });

export default TrackerBody;
