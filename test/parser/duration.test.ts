import { describe, expect, it } from 'vitest';
import { durationMs, notADuration, parseDurationText, wholeDuration } from '../../src/parser/index.js';

describe('one duration grammar', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['2:30', 150_000],
    ['45', 45_000],
    ['1.5s', 1500],
    [' 2 min ', 120_000],
    ['1m30', 90_000],
    ['1h45', 6_300_000],
    ['1,5s', 1500],
    ['1,500ms', 1500],
  ])('reads the option %j as %d ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });

  it.each(['abc', '', '5 fortnights', '5m later', '-5s', 'm', '30s 5', '1m 30', '30s5', '1h450'])('reads no option duration in %j', (text) => {
    expect(durationMs(text)).toBeNull();
  });

  it('counts a lone number as seconds in an option and as minutes in a relative time', () => {
    expect(wholeDuration('5', 's')).toBe(5);
    expect(wholeDuration('5', 'm')).toBe(300);
    expect(wholeDuration('1h30m', 'm')).toBe(5400);
    expect(wholeDuration('02:30', 'm')).toBe(150);
  });

  it('finds a measured duration among words, the way a cell holds it', () => {
    expect(parseDurationText('✅ took 4m 30s (by hand)')).toBe(270);
    expect(parseDurationText('~ 1:05 after the alert')).toBe(65);
    // As people write them: the smaller unit left out, a decimal comma, thousands.
    expect(parseDurationText('1m30 (stopwatch)')).toBe(90);
    expect(parseDurationText('1h45')).toBe(6300);
    expect(parseDurationText('3,5 min')).toBe(210);
    expect(parseDurationText('1,500 ms')).toBe(1.5);
    expect(parseDurationText('4m, 30s')).toBe(270);
    expect(parseDurationText('3, 5 min')).toBe(3);
  });

  it('says how a duration is written', () => {
    expect(notADuration('abc')).toBe('abc is not a duration (30s, 5m, 1h30m)');
  });
});
