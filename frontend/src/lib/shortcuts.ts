// Every keyboard shortcut, in one table: the handler matches events against
// it and the shortcuts dialog lists it, so the two cannot disagree.

export type Action =
  | 'new'
  | 'search'
  | 'settings'
  | 'shortcuts'
  | 'sidebar'
  | 'previous'
  | 'next'
  | 'composer'
  | 'copyLast'
  | 'model'
  | 'rename'
  | 'quit';

export interface Shortcut {
  action: Action;
  keys: string[]; // as shown
  label: string;
  match: (e: KeyboardEvent) => boolean;
  /** Also while typing in a text field. */
  inFields: boolean;
}

const mod = (e: KeyboardEvent) => e.ctrlKey || e.metaKey;
const key = (e: KeyboardEvent) => e.key.toLowerCase();

export const shortcuts: Shortcut[] = [
  { action: 'new', keys: ['Ctrl', 'N'], label: 'New chat', inFields: true,
    match: (e) => mod(e) && !e.shiftKey && !e.altKey && key(e) === 'n' },
  { action: 'search', keys: ['Ctrl', 'K'], label: 'Search conversations', inFields: true,
    match: (e) => mod(e) && !e.shiftKey && key(e) === 'k' },
  { action: 'composer', keys: ['Ctrl', 'L'], label: 'Go to the message box', inFields: true,
    match: (e) => mod(e) && !e.shiftKey && key(e) === 'l' },
  { action: 'model', keys: ['Ctrl', 'M'], label: 'Choose the model for this chat', inFields: true,
    match: (e) => mod(e) && !e.shiftKey && key(e) === 'm' },
  { action: 'previous', keys: ['Alt', '↑'], label: 'Previous conversation', inFields: true,
    match: (e) => e.altKey && !mod(e) && e.key === 'ArrowUp' },
  { action: 'next', keys: ['Alt', '↓'], label: 'Next conversation', inFields: true,
    match: (e) => e.altKey && !mod(e) && e.key === 'ArrowDown' },
  { action: 'copyLast', keys: ['Ctrl', 'Shift', 'C'], label: 'Copy the last reply', inFields: true,
    match: (e) => mod(e) && e.shiftKey && key(e) === 'c' },
  { action: 'rename', keys: ['F2'], label: 'Rename this conversation', inFields: false,
    match: (e) => e.key === 'F2' },
  { action: 'sidebar', keys: ['Ctrl', 'B'], label: 'Show or hide the conversation list', inFields: true,
    match: (e) => mod(e) && !e.shiftKey && key(e) === 'b' },
  { action: 'settings', keys: ['Ctrl', ','], label: 'Settings', inFields: true, match: (e) => mod(e) && e.key === ',' },
  { action: 'shortcuts', keys: ['Ctrl', '/'], label: 'Keyboard shortcuts (also ?)', inFields: true,
    match: (e) => (mod(e) && e.key === '/') || (e.key === '?' && !mod(e) && !e.altKey) },
  { action: 'quit', keys: ['Ctrl', 'Q'], label: 'Quit Murmur', inFields: true, match: (e) => mod(e) && key(e) === 'q' },
];

/** Keys that are not actions but worth knowing, for the dialog. */
export const otherKeys: Array<{ keys: string[]; label: string }> = [
  { keys: ['Enter'], label: 'Send the message' },
  { keys: ['Shift', 'Enter'], label: 'New line in the message' },
  { keys: ['Esc'], label: 'Stop the reply, or close what is open' },
  { keys: ['↑', '↓'], label: 'Move in a list or menu' },
];

/** True when the event comes from a place where typed keys are text. */
export function typing(e: KeyboardEvent): boolean {
  const t = e.target;
  if (!(t instanceof HTMLElement)) {
    return false;
  }
  return t.isContentEditable || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement ||
    (t instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'range'].includes(t.type));
}

/** The action an event asks for, if any. */
export function actionOf(e: KeyboardEvent): Action | null {
  const inField = typing(e);
  for (const s of shortcuts) {
    if ((s.inFields || !inField) && s.match(e)) {
      // "?" in a text field is text.
      if (s.action === 'shortcuts' && e.key === '?' && inField) {
        continue;
      }
      return s.action;
    }
  }
  return null;
}
