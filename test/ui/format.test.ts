/** The dashboard's formatters (public/format.js): durations, times, names, client ids. */
import { describe, expect, it } from 'vitest';
import { batchName, formatClock, formatMs, formatPercent, formatTime, parseClientIds } from '../../public/format.js';

describe('formatMs', () => {
  it('rounds within each unit, never showing 60 s or 1000 ms of the unit below', () => {
    expect(formatMs(119_700)).toBe('2 min 0 s');
    expect(formatMs(59_996)).toBe('1 min 0 s');
    expect(formatMs(999.6)).toBe('1.00 s');
    expect(formatMs(3_599_600)).toBe('1 h 0 min');
  });

  it('picks the unit by size', () => {
    expect(formatMs(0)).toBe('0 ms');
    expect(formatMs(250.4)).toBe('250 ms');
    expect(formatMs(1_250)).toBe('1.25 s');
    expect(formatMs(125_000)).toBe('2 min 5 s');
    expect(formatMs(3_900_000)).toBe('1 h 5 min');
  });

  it('shows a dash for no value', () => {
    expect(formatMs(null)).toBe('–');
    expect(formatMs(undefined)).toBe('–');
    expect(formatMs(Number.NaN)).toBe('–');
  });
});

describe('times, in one format', () => {
  // Built from local fields, so the expectation holds in any time zone.
  const at = new Date(2026, 11, 7, 4, 5, 9, 12);

  it('formatTime is YYYY-MM-DD HH:MM:SS, local, from an ISO string, epoch ms or a Date', () => {
    expect(formatTime(at)).toBe('2026-12-07 04:05:09');
    expect(formatTime(at.toISOString())).toBe('2026-12-07 04:05:09');
    expect(formatTime(at.getTime())).toBe('2026-12-07 04:05:09');
    expect(formatTime('not a time')).toBe('–');
  });

  it('formatClock is its time part to the millisecond', () => {
    expect(formatClock(at.getTime())).toBe('04:05:09.012');
  });
});

describe('batchName', () => {
  const createdAt = new Date(2026, 11, 7, 14, 5, 9).toISOString();

  it('is the label when there is one', () => {
    expect(batchName({ label: 'nightly sync', createdAt, progress: { total: 5 } })).toBe('nightly sync');
  });

  it('is the size and the creation time otherwise, never the id', () => {
    expect(batchName({ label: null, createdAt, progress: { total: 1200 } })).toBe('1,200 clients, 2026-12-07 14:05:09');
    expect(batchName({ label: null, createdAt, progress: { total: 1 } })).toBe('1 client, 2026-12-07 14:05:09');
  });
});

describe('formatPercent and parseClientIds', () => {
  it('shows whole percents without decimals', () => {
    expect(formatPercent(100)).toBe('100 %');
    expect(formatPercent(33.333)).toBe('33.3 %');
  });

  it('splits on commas, spaces and lines; whole numbers become numbers', () => {
    expect(parseClientIds('1, 2 3\n4\nacme-5 007 9007199254740993')).toEqual([1, 2, 3, 4, 'acme-5', '007', '9007199254740993']);
    expect(parseClientIds(' , \n')).toEqual([]);
  });
});
