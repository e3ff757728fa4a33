import { UnsupportedFunctionalityError, type LanguageModelV4FilePart, type LanguageModelV4Prompt, type LanguageModelV4ToolResultOutput, type SharedV4Warning } from '@ai-sdk/provider';
import type { ResponseInputItem } from '@modelwire/client';
import { partOptions } from '../request/provider-options.js';
import type { CallArguments } from './call-arguments.js';

type Item = Record<string, unknown>;

/** Options of {@link convertPrompt}. */
export interface ConvertOptions {
  /** The role system messages are sent with: `developer` for reasoning models, as the API asks. */
  readonly systemRole: 'system' | 'developer';
  /** The argument texts of earlier calls. */
  readonly callArguments: CallArguments;
}

/**
 * Converts an AI SDK prompt to the items a `ModelClientSession` streams, deterministically: the
 * same prompt always gives equal items, and an assistant message the provider produced gives
 * back the items of the response it came from (the reasoning item's id and encrypted content
 * travel in the parts' `providerOptions.modelwire`, the calls' argument texts are the
 * server's), so that a step's prompt, which extends the previous step's prompt with that
 * step's output, is recognised as a continuation and goes out incrementally. The items are
 * the ones `@ai-sdk/openai` sends with `store: false`, so the model reads the same input.
 *
 * - `system`: a `system` message (`developer` for reasoning models) where it stands.
 * - `user`: a message with `input_text`, `input_image` (image files: URL, data or file id) and
 *   `input_file` (PDF: URL, data or file id; other documents by URL or file id) parts.
 * - `assistant`: text as assistant messages (the parts of one output message together),
 *   reasoning as `reasoning` items with their summary and encrypted content, tool calls as
 *   `function_call` items; a provider-executed tool call as the server's own item (kept in
 *   `providerOptions`). A part that cannot be sent (reasoning of another provider, files) is
 *   left out with a warning.
 * - `tool`: results as `function_call_output` items (text as is, JSON serialised, content
 *   parts as input parts); an approval response is left out with a warning.
 *
 * Item ids are not sent for messages and calls (they name stored items, and the provider does
 * not rely on storage); reasoning items keep theirs beside the encrypted content.
 *
 * @throws UnsupportedFunctionalityError for a file the API cannot read (text file data, data
 *   of a media type other than images and PDF).
 */
export function convertPrompt(prompt: LanguageModelV4Prompt, options: ConvertOptions, warnings: SharedV4Warning[]): readonly ResponseInputItem[] {
  const input: Item[] = [];
  for (const message of prompt) {
    if (message.role === 'system') {
      input.push({ role: options.systemRole, content: message.content });
      continue;
    }
    if (message.role === 'user') {
      input.push({ role: 'user', content: message.content.map((part, index) => (part.type === 'text' ? { type: 'input_text', text: part.text } : filePart(part, index))) });
      continue;
    }
    if (message.role === 'assistant') {
      assistantItems(message.content, options.callArguments, input, warnings);
      continue;
    }
    for (const part of message.content) {
      if (part.type === 'tool-approval-response') {
        warnings.push({ type: 'unsupported', feature: 'tool-approval-response', details: 'tool approvals are not sent by the Modelwire provider' });
        continue;
      }
      input.push({ type: 'function_call_output', call_id: part.toolCallId, output: toolOutput(part.output) });
    }
  }
  return input as unknown as ResponseInputItem[];
}

function assistantItems(content: Extract<LanguageModelV4Prompt[number], { role: 'assistant' }>['content'], callArguments: CallArguments, input: Item[], warnings: SharedV4Warning[]): void {
  /** The message item the previous text part went to, to merge parts of one output message. */
  let message: { id: string | undefined; parts: string[]; item: Item } | null = null;
  let reasoning: { id: string; summary: Item[]; item: Item } | null = null;
  for (const part of content) {
    const options = partOptions(part.providerOptions);
    const itemId = typeof options['itemId'] === 'string' ? options['itemId'] : undefined;
    if (part.type !== 'text') message = null;
    if (part.type !== 'reasoning') reasoning = null;
    switch (part.type) {
      case 'text': {
        if (message !== null && itemId !== undefined && message.id === itemId) {
          message.parts.push(part.text);
          message.item['content'] = message.parts.map((text) => ({ type: 'output_text', text }));
          break;
        }
        const item: Item = { role: 'assistant', content: part.text };
        message = { id: itemId, parts: [part.text], item };
        input.push(item);
        break;
      }
      case 'reasoning': {
        const encrypted = typeof options['reasoningEncryptedContent'] === 'string' ? options['reasoningEncryptedContent'] : undefined;
        const summary = part.text.length > 0 ? [{ type: 'summary_text', text: part.text }] : [];
        if (reasoning !== null && itemId === reasoning.id) {
          reasoning.summary.push(...summary);
          if (encrypted !== undefined) reasoning.item['encrypted_content'] = encrypted;
          break;
        }
        if (itemId === undefined) {
          warnings.push({ type: 'unsupported', feature: 'reasoning part without an item id', details: 'reasoning from another provider is not sent' });
          break;
        }
        const item: Item = { type: 'reasoning', id: itemId, summary: [...summary], ...(encrypted === undefined ? {} : { encrypted_content: encrypted }) };
        reasoning = { id: itemId, summary: item['summary'] as Item[], item };
        input.push(item);
        break;
      }
      case 'tool-call': {
        if (part.providerExecuted === true) {
          const item = options['item'];
          if (typeof item === 'object' && item !== null && !Array.isArray(item)) input.push({ ...(item as Item) });
          else warnings.push({ type: 'unsupported', feature: 'provider-executed tool call without its item', details: `the call ${part.toolCallId} is not sent` });
          break;
        }
        input.push({ type: 'function_call', call_id: part.toolCallId, name: part.toolName, arguments: callArguments.argumentsOf(part.toolCallId, part.input) });
        break;
      }
      case 'tool-result':
        // A provider-executed tool's result: part of the call's item, sent with it.
        break;
      case 'file':
      case 'reasoning-file':
      case 'custom':
        warnings.push({ type: 'unsupported', feature: `assistant ${part.type} part`, details: 'not sent by the Modelwire provider' });
        break;
    }
  }
}

function dataUrl(data: string | Uint8Array, mediaType: string): string {
  return `data:${mediaType};base64,${typeof data === 'string' ? data : Buffer.from(data).toString('base64')}`;
}

function referenceOf(reference: Readonly<Record<string, string>>): string {
  const id = reference['modelwire'] ?? reference['openai'] ?? Object.values(reference)[0];
  if (id === undefined) throw new UnsupportedFunctionalityError({ functionality: 'a file reference without an id' });
  return id;
}

function filePart(part: LanguageModelV4FilePart, index: number): Item {
  const image = part.mediaType === 'image' || part.mediaType.startsWith('image/');
  const mediaType = part.mediaType.includes('/') && !part.mediaType.endsWith('/*') ? part.mediaType : image ? 'image/png' : 'application/pdf';
  const data = part.data;
  switch (data.type) {
    case 'reference':
      return image ? { type: 'input_image', file_id: referenceOf(data.reference), detail: 'auto' } : { type: 'input_file', file_id: referenceOf(data.reference) };
    case 'url':
      return image ? { type: 'input_image', image_url: data.url.toString(), detail: 'auto' } : { type: 'input_file', file_url: data.url.toString() };
    case 'data':
      if (image) return { type: 'input_image', image_url: dataUrl(data.data, mediaType), detail: 'auto' };
      if (mediaType !== 'application/pdf') throw new UnsupportedFunctionalityError({ functionality: `file part media type ${mediaType}` });
      return { type: 'input_file', filename: part.filename ?? `part-${index}.pdf`, file_data: dataUrl(data.data, mediaType) };
    case 'text':
      throw new UnsupportedFunctionalityError({ functionality: 'text file parts' });
  }
}

/** A tool result as `function_call_output.output`: a string, or input parts for content. */
export function toolOutput(output: LanguageModelV4ToolResultOutput): string | Item[] {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
      return JSON.stringify(output.value);
    case 'execution-denied':
      return output.reason ?? 'Tool execution denied.';
    case 'content':
      return output.value.flatMap((part, index): Item[] => {
        if (part.type === 'text') return [{ type: 'input_text', text: part.text }];
        if (part.type === 'file') return [filePart(part as LanguageModelV4FilePart, index)];
        return [];
      });
  }
}
