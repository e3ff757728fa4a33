import type { JSONValue, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { fieldsOf, generateId, json, listOf, metadata, stringOf, type Fields } from './part-values.js';

// The values of the parts of tool items, in the shapes `@ai-sdk/openai` gives them.

/** A patch operation in the field order of the AI SDK's input (`type`, `path`, then `diff`). */
export function patchOperation(operation: Fields): unknown {
  return operation['type'] === 'delete_file' ? { type: operation['type'], path: operation['path'] } : { type: operation['type'], path: operation['path'], diff: operation['diff'] };
}

/** A `source` part for an annotation (a URL, a cited file, a container file, a file path). */
export function annotationSource(annotation: Fields): LanguageModelV4StreamPart {
  if (annotation['type'] === 'url_citation') {
    const title = stringOf(annotation['title']);
    return { type: 'source', sourceType: 'url', id: generateId(), url: stringOf(annotation['url']) ?? '', ...(title === undefined ? {} : { title }) };
  }
  const filePath = annotation['type'] === 'file_path';
  const filename = stringOf(filePath ? annotation['file_id'] : annotation['filename']) ?? '';
  return {
    type: 'source',
    sourceType: 'document',
    id: generateId(),
    mediaType: filePath ? 'application/octet-stream' : 'text/plain',
    title: filename,
    filename,
    providerMetadata: metadata({
      type: json(annotation['type']),
      fileId: json(annotation['file_id']),
      ...(annotation['type'] === 'container_file_citation' ? { containerId: json(annotation['container_id']) } : { index: json(annotation['index']) }),
    }),
  };
}

/** The `citations` of a text: each annotation (file paths excepted) as a source (its id the URL or file id) with its span. */
export function citationsOf(annotations: readonly Fields[]): unknown[] {
  return annotations
    .filter((annotation) => annotation['type'] !== 'file_path')
    .map((annotation) => ({
      source: { ...annotationSource(annotation), id: stringOf(annotation['type'] === 'url_citation' ? annotation['url'] : annotation['file_id']) ?? '' },
      ...('start_index' in annotation ? { startIndex: annotation['start_index'], endIndex: annotation['end_index'] } : {}),
    }));
}

/** A web search's result as `@ai-sdk/openai` gives it: the action (camel case) and the sources, or an error with the status. */
export function webSearchResult(item: Fields): { result: JSONValue; isError?: boolean } {
  if (item['status'] !== 'completed') return { isError: true, result: { status: json(item['status']) } };
  if (item['action'] === undefined || item['action'] === null) return { result: {} };
  const action = fieldsOf(item['action']);
  switch (action['type']) {
    case 'search':
      return {
        result: {
          action: { type: 'search', query: json(action['query'] ?? undefined), ...(action['queries'] === undefined || action['queries'] === null ? {} : { queries: json(action['queries']) }) },
          ...(action['sources'] === undefined || action['sources'] === null ? {} : { sources: json(action['sources']) }),
        },
      };
    case 'open_page':
      return { result: { action: { type: 'openPage', url: json(action['url']) } } };
    case 'find_in_page':
      return { result: { action: { type: 'findInPage', url: json(action['url']), pattern: json(action['pattern']) } } };
    default:
      return { result: {} };
  }
}

/** A computer action as `@ai-sdk/openai` gives it (camel case scroll offsets, `keys` only when set). */
function computerAction(action: Fields): unknown {
  const keys = action['keys'] === undefined || action['keys'] === null ? {} : { keys: action['keys'] };
  switch (action['type']) {
    case 'click':
      return { type: 'click', button: action['button'], x: action['x'], y: action['y'], ...keys };
    case 'double_click':
    case 'move':
      return { type: action['type'], x: action['x'], y: action['y'], ...keys };
    case 'drag':
      return { type: 'drag', path: action['path'], ...keys };
    case 'scroll':
      return { type: 'scroll', x: action['x'], y: action['y'], scrollX: action['scroll_x'], scrollY: action['scroll_y'], ...keys };
    default:
      return action;
  }
}

/** A computer call's input as `@ai-sdk/openai` gives it: the actions, the pending safety checks, the status. */
export function computerInput(item: Fields): unknown {
  const actions = item['actions'] ?? (item['action'] === undefined || item['action'] === null ? [] : [item['action']]);
  return {
    actions: listOf(actions).map(fieldsOf).map(computerAction),
    pendingSafetyChecks: listOf(item['pending_safety_checks'])
      .map(fieldsOf)
      .map((check) => ({ id: check['id'], ...(check['code'] === undefined || check['code'] === null ? {} : { code: check['code'] }), ...(check['message'] === undefined || check['message'] === null ? {} : { message: check['message'] }) })),
    status: item['status'],
  };
}
