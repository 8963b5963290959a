// Groups of the conversation list by when a conversation was last used:
// Pinned, Today, Yesterday, Previous 7 days, Previous 30 days, then by month.

export interface Dated {
  pinned: boolean;
  updatedAt: string;
}

/**
 * The label of the group a conversation belongs to, at the time now. months
 * keeps the month labels made (toLocaleString costs tens of microseconds a
 * call: ten thousand conversations took most of a second).
 */
export function groupLabel(c: Dated, now: Date, months: Map<number, string> = new Map()): string {
  if (c.pinned) {
    return 'Pinned';
  }
  const t = new Date(c.updatedAt);
  if (Number.isNaN(t.getTime())) {
    return 'Older';
  }
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(now) - day(t)) / 86_400_000);
  if (days <= 0) {
    return 'Today';
  }
  if (days === 1) {
    return 'Yesterday';
  }
  if (days < 7) {
    return 'Previous 7 days';
  }
  if (days < 30) {
    return 'Previous 30 days';
  }
  const key = t.getFullYear() * 12 + t.getMonth();
  let label = months.get(key);
  if (label === undefined) {
    const month = t.toLocaleString(undefined, { month: 'long' });
    label = t.getFullYear() === now.getFullYear() ? month : `${month} ${t.getFullYear()}`;
    months.set(key, label);
  }
  return label;
}

export type Row<T> = { kind: 'group'; label: string } | { kind: 'item'; item: T };

/** The list as rows: a group heading before the first item of each group. */
export function withGroups<T extends Dated>(items: T[], now: Date): Row<T>[] {
  const rows: Row<T>[] = [];
  const months = new Map<number, string>();
  let last = '';
  for (const item of items) {
    const label = groupLabel(item, now, months);
    if (label !== last) {
      rows.push({ kind: 'group', label });
      last = label;
    }
    rows.push({ kind: 'item', item });
  }
  return rows;
}

/** A short relative time for a message's meta line. */
export function shortTime(iso: string, now: Date): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) {
    return '';
  }
  const sameDay = t.toDateString() === now.toDateString();
  return sameDay
    ? t.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : t.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}
