import { applyEdits } from '../../src/document/edits.js';
import { findTimeline, removeTimelineEdits } from '../../src/document/timeline.js';

/** A session doc split into the document as it would be without its timeline, and the timeline's Mermaid chart (or null). */
export function splitTimeline(text: string): { rest: string; chart: string | null } {
  const found = findTimeline(text);
  const chart = found ? (/^(?:```|~~~~)mermaid\r?\n([\s\S]*?)\r?\n(?:```|~~~~)\r?$/m.exec(text.slice(found.start, found.end))?.[1] ?? null) : null;
  return { rest: applyEdits(text, removeTimelineEdits(text)), chart };
}
