#!/usr/bin/env node
// Outside-client check: Relay, as a Relay app compiles and sends its operations.
//
//   OFFICE_TOKEN=... node tests/clients/relay.mjs http://127.0.0.1:8080/graphql
//
// relay-compiler compiles tests/clients/relay/src (a list with @connection and @refetchable,
// records refetchable by their global id) against api/schema.graphql, which a test keeps equal
// to the served schema; the queries it writes then run against the server: a page, the next
// page from its cursor, and a record refetched through node(id:).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { office } from './office.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { fail, ask } = office('relay');

const project = resolve(here, 'relay');
const generated = join(project, 'src/__generated__');
rmSync(generated, { recursive: true, force: true });
mkdirSync(generated, { recursive: true });
try {
  execFileSync(resolve(here, 'node_modules/.bin/relay-compiler'), [], { cwd: project, stdio: 'pipe' });
} catch (error) {
  fail(`relay-compiler: ${error.stdout}${error.stderr}`);
}

// The operation text relay-compiler wrote into a query's artifact.
function operation(name) {
  const artifact = readFileSync(join(generated, `${name}.graphql.ts`), 'utf8');
  const match = artifact.match(/"text": ("(?:[^"\\]|\\.)*")/);
  if (!match) fail(`no operation text in ${name}`);
  return JSON.parse(match[1]);
}


const pagination = operation('InstitutionsListPaginationQuery');
const first = (await ask(pagination, { jurisdiction: '620700', first: 3 })).institutions;
if (first.edges.length !== 3 || !first.pageInfo.hasNextPage) {
  fail(`first page: ${JSON.stringify(first)}`);
}
const next = (await ask(pagination, { jurisdiction: '620700', first: 3, after: first.pageInfo.endCursor })).institutions;
const seen = new Set([...first.edges, ...next.edges].map((edge) => edge.node.id));
if (seen.size !== 6) fail(`the next page repeats the first: ${JSON.stringify(next)}`);

const record = first.edges[0].node;
const refetched = (await ask(operation('InstitutionCardRefetchQuery'), { nodeId: record.nodeId })).node;
if (refetched?.__typename !== 'Institution' || refetched.name !== record.name || refetched.nodeId !== record.nodeId) {
  fail(`refetch by global id: ${JSON.stringify(refetched)}`);
}

console.log('relay: ok (relay-compiler compiled @connection and @refetchable; two pages and a refetch by node(id:) ran)');
