/** Well-known sub-agent labels; any other non-empty label is accepted as a custom one. */
export type SubagentLabel = 'review' | 'compact' | 'collab_spawn' | 'memory_consolidation' | (string & {});

/**
 * Who runs this session. Session-scoped. A sub-agent session sends its label as
 * `x-openai-subagent` on every request (streams, compaction, memory-trace summarisation).
 */
export type SessionSource =
  | { readonly kind: 'cli' | 'ide' | 'exec' | 'mcp' | 'unknown' }
  | {
      readonly kind: 'subagent';
      /** The sub-agent label sent as `x-openai-subagent`. */
      readonly label: SubagentLabel;
    };

/** The `x-openai-subagent` value for a session source; `undefined` for top-level sessions. */
export function subagentHeaderValue(source: SessionSource): string | undefined {
  return source.kind === 'subagent' ? source.label : undefined;
}
