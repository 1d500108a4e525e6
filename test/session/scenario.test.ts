import { describe, expect, it } from 'vitest';
import { scenarioLine } from '../../src/session/engine.js';
import { outcomeGivesReason, type ScenarioRecord } from '../../src/session/scenario.js';

const base: ScenarioRecord = { index: 0, id: 'A', name: 'Failover', line: 5, outcome: 'failed', exitCode: 1, signal: null, durationMs: 1200, measuredMs: 1200, gate: 'RTO < 1 s', gateRule: '< 1 s', gateMet: null, reason: 'the check `false` did not pass within 1.00 s (3 tries)', startedAt: '2026-01-01T00:00:00Z', tail: '' };

describe('a scenario result line', () => {
  it('gives the reason of a failed check once', () => {
    expect(scenarioLine(base)).toBe('❌ failed: the check `false` did not pass within 1.00 s (3 tries)');
    expect(outcomeGivesReason(base)).toBe(true);
  });

  it('gives the reason of a skipped scenario once', () => {
    const record = { ...base, outcome: 'skipped' as const, reason: 'the "Inject" cell holds no inline code' };
    expect(scenarioLine(record)).toBe('⚠️ not run: the "Inject" cell holds no inline code');
  });

  it('adds the reason when the outcome text names the broken gate instead', () => {
    const record = { ...base, gateMet: false, reason: 'recovered too slowly' };
    expect(outcomeGivesReason(record)).toBe(false);
    expect(scenarioLine(record)).toBe('❌ failed: 1.20 s breaks < 1 s · recovered too slowly');
  });

  it('adds the reason to a timed-out scenario', () => {
    const record = { ...base, outcome: 'timed out' as const, reason: 'no output for 30 s' };
    expect(scenarioLine(record)).toBe('❌ timed out after 1.20 s · no output for 30 s');
  });
});
