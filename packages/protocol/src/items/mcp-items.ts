// Items of remote MCP servers the API calls on the model's behalf.

/** A tool an MCP server offers; `input_schema` is its JSON Schema. */
export interface McpToolDescription {
  readonly name: string;
  readonly input_schema: unknown;
  readonly description?: string | null;
  readonly annotations?: unknown;
}

/** The tools an MCP server listed. */
export interface McpListToolsItem {
  readonly type: 'mcp_list_tools';
  readonly id: string;
  readonly server_label: string;
  readonly tools: McpToolDescription[];
  readonly error?: string | null;
}

/** The model wants to call an MCP tool that needs approval; answer with an `mcp_approval_response`. */
export interface McpApprovalRequestItem {
  readonly type: 'mcp_approval_request';
  readonly id: string;
  readonly server_label: string;
  readonly name: string;
  /** JSON string of the arguments. */
  readonly arguments: string;
}

/** The caller's decision on an `mcp_approval_request`. */
export interface McpApprovalResponseItem {
  readonly type: 'mcp_approval_response';
  readonly approval_request_id: string;
  readonly approve: boolean;
  readonly id?: string | null;
  readonly reason?: string | null;
}

/** The MCP server broke the protocol. */
export interface McpProtocolError {
  readonly type: 'mcp_protocol_error';
  readonly code: number;
  readonly message: string;
}

/** The MCP tool itself failed; `content` is what it returned. */
export interface McpToolExecutionError {
  readonly type: 'mcp_tool_execution_error';
  readonly content: unknown;
}

/** The MCP server answered with an HTTP error. */
export interface McpHttpError {
  readonly type: 'http_error';
  readonly code: number;
  readonly message: string;
}

/** Why an MCP call failed. */
export type McpCallError = McpProtocolError | McpToolExecutionError | McpHttpError;

/** A call of a tool on an MCP server, with its output once done. */
export interface McpCallItem {
  readonly type: 'mcp_call';
  readonly id: string;
  readonly server_label: string;
  readonly name: string;
  /** JSON string of the arguments. */
  readonly arguments: string;
  readonly output?: string | null;
  readonly error?: McpCallError | null;
  readonly approval_request_id?: string | null;
  readonly status?: 'in_progress' | 'completed' | 'incomplete' | 'calling' | 'failed';
}
