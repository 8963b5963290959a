// Generated from backend/view by `go test ./backend/view -run TestWireTypeScript -update`. DO NOT EDIT.
// The wire types the bindings do not declare: the error every call rejects with, and stream events.
import type { view } from '../../wailsjs/go/models';

export interface UIError {
  kind: view.ErrorKind;
  message: string;
  fields?: Array<view.FieldError>;
  status?: number;
  requestId?: string;
  retryable?: boolean;
  upgradeUrl?: string;
  providerId?: string;
  conversationId?: string;
  messageId?: string;
}

export interface StreamEvent {
  streamId: string;
  seq: number;
  type: string;
  conversationId: string;
  messageId: string;
  delta?: string;
  reasoningDelta?: string;
  finishReason?: string;
  usage?: view.Usage;
  timing?: view.Timing;
  error?: view.ErrorInfo;
  retryInMs?: number;
  attempt?: number;
}

export interface AttachmentsDropped {
  attachments: Array<view.Attachment>;
  error?: string;
}

export interface Elsewhere {
  message: string;
}

/** The event that names conversations whose list entry changed (payload: their ids). */
export const ConversationsChangedEvent = "conversations:changed";
/** The event that hands the page files dropped on the desktop window (payload: AttachmentsDropped). */
export const AttachmentsDroppedEvent = "attachments:dropped";
/** The event that tells a browser tab another tab took Murmur's storage over (payload: Elsewhere). */
export const ElsewhereEvent = "app:elsewhere";
