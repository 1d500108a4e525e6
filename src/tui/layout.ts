/** How many rows each part of the play screen gets. */
export interface Rows {
  outline: number;
  prose: number;
  code: number;
  /** One row saying how much of the code is out of view, or 0. */
  codeMore: number;
  output: number;
}

/** What the screen would like to show, in rows, and the rows that are always there. */
export interface Wanted {
  steps: number;
  prose: number;
  code: number;
  /** Header, separator, footer and the one-line parts shown for this step and mode. */
  fixed: number;
  /** On the confirm screen the code is what the operator reads: it gets the room the output had. */
  confirm: boolean;
}

/**
 * Shares the terminal's rows among the parts of the screen so the whole frame is always one row
 * shorter than the terminal: a frame as tall as the terminal makes Ink clear and redraw it all,
 * and the terminal scrolls the old frames into the scrollback.
 */
export function layout(rows: number, want: Wanted): Rows {
  let rest = Math.max(0, rows - 1 - want.fixed);
  const outline = Math.min(want.steps, Math.max(3, Math.floor(rest / 3)), rest);
  rest -= outline;
  const prose = Math.min(want.prose, want.confirm ? 1 : Math.max(1, Math.floor(rest / 5)), rest);
  rest -= prose;
  const room = want.confirm ? rest : Math.min(rest, Math.max(3, Math.floor(rest / 2)));
  let code = Math.min(want.code, room);
  let codeMore = 0;
  if (code < want.code && code > 0) {
    codeMore = 1;
    code -= 1;
  }
  rest -= code + codeMore;
  return { outline, prose, code, codeMore, output: Math.max(0, rest) };
}
