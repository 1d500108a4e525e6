import type { ChangeReport } from '../document/document.js';
import { println, type Io } from '../io.js';

/** One line per change: `file:line  what: before → after`, or `unchanged`. */
export function printReports(io: Io, path: string, reports: ChangeReport[]): void {
  for (const report of reports) {
    const change = report.changed ? `${report.before || '(empty)'} → ${report.after}` : `unchanged (${report.before || 'empty'})`;
    println(io.stdout, `${path}:${report.line}  ${report.what}: ${change}`);
  }
}
