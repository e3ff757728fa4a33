import type { ToolCaller } from './function-items.js';
import type { ItemStatus } from './message-items.js';

/** The `exec` action of a `local_shell_call`: run `command` (argv). `timeout_ms` is in milliseconds. */
export interface LocalShellExecAction {
  readonly type: 'exec';
  readonly command: string[];
  readonly env: Record<string, string>;
  readonly timeout_ms?: number | null;
  readonly working_directory?: string | null;
  readonly user?: string | null;
}

/** A call of the `local_shell` tool (run on the caller's machine). */
export interface LocalShellCallItem {
  readonly type: 'local_shell_call';
  readonly id: string;
  readonly call_id: string;
  readonly status: ItemStatus;
  readonly action: LocalShellExecAction;
}

/** The output of a `local_shell_call`; `id` is the call's id. */
export interface LocalShellCallOutputItem {
  readonly type: 'local_shell_call_output';
  readonly id: string;
  /** The command's output as one JSON string. */
  readonly output: string;
  readonly status?: ItemStatus | null;
}

/** A skill offered to the shell tool in a local environment. */
export interface LocalShellSkill {
  readonly name: string;
  readonly description: string;
  readonly path: string;
}

/** The shell runs on the caller's machine. */
export interface LocalShellEnvironment {
  readonly type: 'local';
  readonly skills?: LocalShellSkill[];
}

/** The shell runs in a server-side container. */
export interface ContainerReference {
  readonly type: 'container_reference';
  readonly container_id: string;
}

/** What a `shell_call` asks to run; limits in characters and milliseconds. */
export interface ShellCallAction {
  readonly commands: string[];
  readonly max_output_length?: number | null;
  readonly timeout_ms?: number | null;
}

/** A call of the `shell` tool: one or more commands. */
export interface ShellCallItem {
  readonly type: 'shell_call';
  readonly call_id: string;
  readonly action: ShellCallAction;
  readonly id?: string | null;
  readonly environment?: LocalShellEnvironment | ContainerReference | null;
  readonly caller?: ToolCaller | null;
  readonly status?: ItemStatus | null;
  /** Set on items the server lists back. */
  readonly created_by?: string;
}

/** The command ran to its end with this exit code. */
export interface ShellExitOutcome {
  readonly type: 'exit';
  readonly exit_code: number;
}

/** The command was stopped by its timeout. */
export interface ShellTimeoutOutcome {
  readonly type: 'timeout';
}

/** The output of one command of a `shell_call`. */
export interface ShellCommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly outcome: ShellExitOutcome | ShellTimeoutOutcome;
  /** Set on items the server lists back. */
  readonly created_by?: string;
}

/** The output of a `shell_call`: one entry per command. */
export interface ShellCallOutputItem {
  readonly type: 'shell_call_output';
  readonly call_id: string;
  readonly output: ShellCommandOutput[];
  readonly id?: string | null;
  readonly max_output_length?: number | null;
  readonly caller?: ToolCaller | null;
  readonly status?: ItemStatus | null;
  /** Set on items the server lists back. */
  readonly created_by?: string;
}

/** Create a file at `path` from a unified diff. */
export interface ApplyPatchCreateFile {
  readonly type: 'create_file';
  readonly path: string;
  readonly diff: string;
}

/** Delete the file at `path`. */
export interface ApplyPatchDeleteFile {
  readonly type: 'delete_file';
  readonly path: string;
}

/** Apply a unified diff to the file at `path`. */
export interface ApplyPatchUpdateFile {
  readonly type: 'update_file';
  readonly path: string;
  readonly diff: string;
}

/** One file operation of an `apply_patch_call`. */
export type ApplyPatchOperation = ApplyPatchCreateFile | ApplyPatchDeleteFile | ApplyPatchUpdateFile;

/** A call of the `apply_patch` tool. */
export interface ApplyPatchCallItem {
  readonly type: 'apply_patch_call';
  readonly call_id: string;
  readonly operation: ApplyPatchOperation;
  readonly status: 'in_progress' | 'completed';
  readonly id?: string | null;
  readonly caller?: ToolCaller | null;
  /** Set on items the server lists back. */
  readonly created_by?: string;
}

/** The result of an `apply_patch_call`. */
export interface ApplyPatchCallOutputItem {
  readonly type: 'apply_patch_call_output';
  readonly call_id: string;
  readonly status: 'completed' | 'failed';
  readonly output?: string | null;
  readonly id?: string | null;
  readonly caller?: ToolCaller | null;
  /** Set on items the server lists back. */
  readonly created_by?: string;
}
