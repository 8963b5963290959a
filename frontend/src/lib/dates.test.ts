import { describe, expect, it } from 'vitest';
import { groupLabel, withGroups } from './dates';

const now = new Date(2026, 11, 1, 15, 0, 0);
const at = (y: number, m: number, d: number, h = 12) => new Date(y, m, d, h).toISOString();

describe('conversation groups', () => {
  it('names the groups by day', () => {
    expect(groupLabel({ pinned: false, updatedAt: at(2026, 11, 1, 1) }, now)).toBe('Today');
    expect(groupLabel({ pinned: false, updatedAt: at(2026, 10, 30, 23) }, now)).toBe('Yesterday');
    expect(groupLabel({ pinned: false, updatedAt: at(2026, 10, 27) }, now)).toBe('Previous 7 days');
    expect(groupLabel({ pinned: false, updatedAt: at(2026, 10, 10) }, now)).toBe('Previous 30 days');
    expect(groupLabel({ pinned: false, updatedAt: at(2026, 3, 10) }, now)).toMatch(/^April$|^Apr/);
    expect(groupLabel({ pinned: false, updatedAt: at(2025, 3, 10) }, now)).toMatch(/2025$/);
    expect(groupLabel({ pinned: true, updatedAt: at(2020, 0, 1) }, now)).toBe('Pinned');
  });

  it('puts a heading before each group, once', () => {
    const rows = withGroups(
      [
        { id: 'p', pinned: true, updatedAt: at(2026, 0, 1) },
        { id: 'a', pinned: false, updatedAt: at(2026, 11, 1) },
        { id: 'b', pinned: false, updatedAt: at(2026, 11, 1) },
        { id: 'c', pinned: false, updatedAt: at(2026, 10, 30) },
      ],
      now,
    );
    expect(rows.map((r) => (r.kind === 'group' ? `#${r.label}` : r.item.id))).toEqual([
      '#Pinned', 'p', '#Today', 'a', 'b', '#Yesterday', 'c',
    ]);
  });
});
