// The app's state objects, shared with every component through Svelte's
// context instead of props threaded through each level.
import { createContext } from 'svelte';
import type { ChatState } from './chat.svelte';
import type { ConversationsState } from './conversations.svelte';
import type { FilesState } from './files.svelte';
import type { SettingsState } from './settings.svelte';
import type { UIState } from './ui.svelte';

export interface AppState {
  chat: ChatState;
  conversations: ConversationsState;
  settings: SettingsState;
  ui: UIState;
  files: FilesState;
  /** "desktop" or "web": a few things differ (the file dialog, quitting). */
  shell: string;
}

export const [getApp, setApp] = createContext<AppState>();
