// The request parameters as the UI edits them, in one table shared by the
// per-chat options and the defaults in settings. The ranges repeat the Go
// side's (conversation.Params.Validate) only to set the inputs' bounds: the
// Go side decides, and its field errors are shown.
import type { Params } from './backend';

export interface ParamField {
  key: keyof Params;
  label: string;
  help: string;
  min: number;
  max?: number;
  step: number;
  /** Only for providers that take Swarms' max_loops. */
  swarms?: boolean;
}

export const paramFields: ParamField[] = [
  { key: 'temperature', label: 'Temperature', help: 'Higher is more varied, lower more focused (0 to 2).', min: 0, max: 2, step: 0.1 },
  { key: 'topP', label: 'Top P', help: 'Samples from the most likely tokens whose chances add up to this (0 to 1).', min: 0, max: 1, step: 0.05 },
  { key: 'maxTokens', label: 'Max tokens', help: 'The longest reply, in tokens.', min: 1, step: 1 },
  { key: 'presencePenalty', label: 'Presence penalty', help: 'Positive values push towards new topics (-2 to 2).', min: -2, max: 2, step: 0.1 },
  { key: 'frequencyPenalty', label: 'Frequency penalty', help: 'Positive values discourage repetition (-2 to 2).', min: -2, max: 2, step: 0.1 },
  { key: 'maxLoops', label: 'Max loops', help: 'How many times a Swarms agent reworks its answer.', min: 1, max: 100, step: 1, swarms: true },
];

/** Parses a number input; an empty or unreadable one is "not set". */
export function parseParam(v: string): number | undefined {
  if (v.trim() === '') {
    return undefined;
  }
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Params with the unset ones left out (JSON has no undefined). */
export function cleanParams(p: Params): Params {
  const out: Params = {};
  for (const f of paramFields) {
    const v = p[f.key];
    if (typeof v === 'number' && Number.isFinite(v)) {
      out[f.key] = v;
    }
  }
  return out;
}
