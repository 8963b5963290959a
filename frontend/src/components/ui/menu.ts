export interface MenuItem {
  label: string;
  run: () => void;
  danger?: boolean;
  disabled?: boolean;
  /** Shown at the end, e.g. a shortcut. */
  hint?: string;
}

/** Items of a menu; a string starts a labelled group ("" for a plain separator). */
export type MenuEntry = MenuItem | string;

export type Anchor = HTMLElement | { x: number; y: number };
