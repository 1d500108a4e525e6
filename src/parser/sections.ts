import GithubSlugger from 'github-slugger';
import type { LineIndex } from './lines.js';
import type { Section } from './types.js';
import type { RawHeading } from './walk.js';

/**
 * Builds the heading tree. A section runs from its heading to the next heading of the same or a
 * higher level; anchors are the ones GitHub generates, duplicates numbered `-1`, `-2`, ….
 */
export function buildSections(headings: RawHeading[], lines: LineIndex, length: number): Section[] {
  const slugger = new GithubSlugger();
  const sections: Section[] = headings.map((heading, index) => ({
    index,
    depth: heading.depth,
    text: heading.text,
    anchor: slugger.slug(heading.text),
    line: lines.line(heading.start),
    span: { start: heading.start, end: heading.end },
    extent: { start: heading.start, end: length },
    parent: null,
  }));
  linkSections(sections, length);
  return sections;
}

/** Sets each section's extent end and parent from the order and depth of the headings. */
export function linkSections(sections: Section[], length: number): void {
  const open: Section[] = [];
  for (const section of sections) {
    section.extent.start = section.span.start;
    section.extent.end = length;
    while (open.length && open[open.length - 1]!.depth >= section.depth) {
      open.pop()!.extent.end = section.span.start;
    }
    section.parent = open.length ? open[open.length - 1]!.index : null;
    open.push(section);
  }
}

/**
 * Sets `section` on items given in document order, walking the sections alongside them: linear,
 * where a search per item would not be.
 */
export function assignSections(sections: Section[], items: Array<{ span: { start: number }; section: number | null }>): void {
  let current = -1;
  for (const item of items) {
    while (current + 1 < sections.length && sections[current + 1]!.span.start <= item.span.start) current++;
    item.section = current === -1 ? null : current;
  }
}
