import { SPEC_URLS } from '../../src/protocol/index.js';
import { asyncApiDocument } from './asyncapi.js';
import type { JsonSchema } from './json-schema.js';
import { openApiDocument } from './openapi.js';

/** Both specifications as the files the build publishes, keyed by their path under `dist/public/`. */
export function specFiles(): Record<string, string> {
  const documents: [string, JsonSchema][] = [
    [SPEC_URLS.openapi, openApiDocument()],
    [SPEC_URLS.asyncapi, asyncApiDocument()],
  ];
  return Object.fromEntries(
    documents.map(([url, doc]) => [url.slice(1), `${JSON.stringify(doc, null, 2)}\n`]),
  );
}

export { asyncApiDocument, openApiDocument };
