#!/usr/bin/env node
// Outside-client check: does a stock graphql-js client understand the API?
//
//   node tests/clients/introspect.mjs http://127.0.0.1:8080/graphql [path/to/schema.graphql]
//
// Sends graphql-js's own getIntrospectionQuery() (default options, with specifiedByUrl),
// fails on any `errors`, builds a client schema from the answer and compares it, printed in a
// canonical order, with the checked-in SDL (api/schema.graphql by default). Exit 0 only when equal.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import {
  buildClientSchema,
  buildSchema,
  findBreakingChanges,
  findDangerousChanges,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
  version,
} from 'graphql';

const here = dirname(fileURLToPath(import.meta.url));
const url = process.argv[2];
const sdlPath = process.argv[3] ?? resolve(here, '../../api/schema.graphql');
if (!url) {
  console.error('usage: introspect.mjs GRAPHQL_URL [SDL_FILE]');
  process.exit(2);
}

function fail(message) {
  console.error(`introspect: FAIL: ${message}`);
  process.exit(1);
}

// Asking for scalars' specifiedByURL too, so that `@specifiedBy` is compared as well.
const query = getIntrospectionQuery({ specifiedByUrl: true });
let response;
try {
  response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, operationName: 'IntrospectionQuery' }),
    signal: AbortSignal.timeout(30_000),
  });
} catch (err) {
  fail(`POST ${url}: ${err.cause?.message ?? err.message}`);
}
const text = await response.text();
let body;
try {
  body = JSON.parse(text);
} catch {
  fail(`HTTP ${response.status}, not JSON: ${text.slice(0, 500)}`);
}
if (body.errors?.length) {
  fail(`HTTP ${response.status}, the introspection query was refused:\n${JSON.stringify(body.errors, null, 2)}`);
}
if (!response.ok) fail(`HTTP ${response.status}: ${text.slice(0, 500)}`);
if (!body.data?.__schema) fail(`no data.__schema in the answer: ${text.slice(0, 500)}`);

let served;
try {
  served = buildClientSchema(body.data);
} catch (err) {
  fail(`buildClientSchema rejected the introspection result: ${err.message}`);
}
let checkedIn;
try {
  checkedIn = buildSchema(readFileSync(sdlPath, 'utf8'));
} catch (err) {
  fail(`${sdlPath}: ${err.message}`);
}

const a = printSchema(lexicographicSortSchema(checkedIn));
const b = printSchema(lexicographicSortSchema(served));
if (a === b) {
  const types = Object.keys(served.getTypeMap()).filter((n) => !n.startsWith('__')).length;
  console.log(`introspect: OK (graphql-js ${version}, ${types} types, introspection matches ${sdlPath})`);
  process.exit(0);
}

// A short diff, definition by definition (printSchema separates definitions by blank lines).
function blocks(sdl) {
  const map = new Map();
  const head = /^(schema|scalar|type|interface|union|enum|input|directive)\b.*$/m;
  let pending = '';
  for (const chunk of sdl.split(/\n\n(?=\S)/)) {
    const match = chunk.match(head);
    if (!match) {
      pending += `${chunk}\n\n`; // part of a description that has a blank line
      continue;
    }
    map.set(match[0].replace(/\s*\{$/, '').replace(/\(.*$/, '').split(' = ')[0], pending + chunk);
    pending = '';
  }
  return map;
}
const left = blocks(a);
const right = blocks(b);
const out = [];
for (const [key, block] of left) {
  if (!right.has(key)) out.push(`only in ${sdlPath}: ${key}`);
  else if (right.get(key) !== block) {
    const l = block.split('\n');
    const r = right.get(key).split('\n');
    out.push(`differs: ${key}`);
    for (const line of l) if (!r.includes(line)) out.push(`  - ${line.trim()}   (checked in)`);
    for (const line of r) if (!l.includes(line)) out.push(`  + ${line.trim()}   (served)`);
  }
}
for (const key of right.keys()) if (!left.has(key)) out.push(`only in the served schema: ${key}`);
const changes = [
  ...findBreakingChanges(checkedIn, served).map((c) => `breaking: ${c.description}`),
  ...findDangerousChanges(checkedIn, served).map((c) => `dangerous: ${c.description}`),
];
const shown = out.slice(0, 60);
console.error(shown.join('\n'));
if (out.length > shown.length) console.error(`... and ${out.length - shown.length} more lines`);
if (changes.length) console.error(changes.slice(0, 30).join('\n'));
fail('the introspected schema differs from the checked-in SDL');
