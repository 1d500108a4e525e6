/**
 * The comments around the timeline a session writes at the end of its document (a Mermaid chart
 * of the session's steps). What lies between them is the record's, not the runbook's: its code
 * block is not a block of the runbook, and `runbook reset` removes it all. The opening comment
 * does not start with `runbook`, so it is never read as the options of the fence after it.
 */
export const TIMELINE_OPEN = '<!-- session timeline: written by runbook at the end of each session; `runbook reset` removes it -->';
export const TIMELINE_CLOSE = '<!-- /session timeline -->';

/** The opening comment as a whole line (it may be written by an older or newer wording). */
export const TIMELINE_OPEN_LINE = /^<!-- session timeline\b[^\r\n]*-->[ \t]*$/m;
/** The closing comment's line, with its line ending. */
export const TIMELINE_CLOSE_LINE = /^<!-- \/session timeline -->[ \t]*(?:\r\n|\r|\n|$)/m;
