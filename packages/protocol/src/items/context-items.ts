// Items that carry context rather than conversation: reasoning, compaction, references to stored
// items, programs the model runs, and mid-conversation configuration changes.
import type { ItemStatus } from './message-items.js';

/** One part of a reasoning summary. */
export interface ReasoningSummaryText {
  readonly type: 'summary_text';
  readonly text: string;
}

/** One part of raw reasoning text (models that expose it). */
export interface ReasoningText {
  readonly type: 'reasoning_text';
  readonly text: string;
}

/**
 * The model's reasoning. With `store: false` it must go back verbatim, `encrypted_content`
 * included (the blob is bound to the account that produced it).
 */
export interface ReasoningItem {
  readonly type: 'reasoning';
  /** Server-assigned id (`rs_…`). */
  readonly id: string;
  readonly summary: ReasoningSummaryText[];
  readonly content?: ReasoningText[];
  /** Present when the request had `include: ["reasoning.encrypted_content"]`. */
  readonly encrypted_content?: string | null;
  readonly status?: ItemStatus;
}

/** The opaque summary of the history a compaction replaced (id `cmp_…`). Goes back unchanged. */
export interface CompactionItem {
  readonly type: 'compaction';
  readonly encrypted_content: string;
  readonly id?: string | null;
  /** Set on items the server produced. */
  readonly created_by?: string;
}

/** Asks the server to compact the history now; input only, and the last item of the input. */
export interface CompactionTriggerItem {
  readonly type: 'compaction_trigger';
  readonly id?: string | null;
}

/** A reference to an item the server stored, by id (`type` may be left out on input). */
export interface ItemReference {
  readonly type?: 'item_reference' | null;
  readonly id: string;
}

/** An item reference with its `type` spelled out (what the client sends and keeps). */
export interface ItemReferenceItem extends ItemReference {
  readonly type: 'item_reference';
}

/** A program the model wrote to call tools (programmatic tool calling). */
export interface ProgramItem {
  readonly type: 'program';
  readonly id: string;
  readonly call_id: string;
  readonly code: string;
  readonly fingerprint: string;
}

/** The result of a `program`. */
export interface ProgramOutputItem {
  readonly type: 'program_output';
  readonly id: string;
  readonly call_id: string;
  readonly result: string;
  readonly status: 'completed' | 'incomplete';
}

/** Reasoning effort, from none to the most a model offers (`max`). */
export type ReasoningEffortLevel = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

/** Plain-text output. */
export interface TextOutputFormat {
  readonly type: 'text';
}

/** Structured output: the final message is JSON matching `schema` (a JSON Schema object). */
export interface JsonSchemaOutputFormat {
  readonly type: 'json_schema';
  /** `^[A-Za-z0-9_-]{1,64}$`. */
  readonly name: string;
  readonly schema: Record<string, unknown>;
  readonly description?: string;
  /** Whether the server enforces the schema exactly. */
  readonly strict?: boolean | null;
}

/** Changes reasoning effort or output format from this point of the conversation on. */
export interface ConfigurationUpdateItem {
  readonly type: 'configuration_update';
  readonly id?: string | null;
  readonly reasoning?: { readonly effort?: ReasoningEffortLevel | null };
  readonly text?: { readonly format: TextOutputFormat | JsonSchemaOutputFormat };
}
