#!/usr/bin/env node
// Outside-client check: graphql-codegen, as a TypeScript client generates its types.
//
//   OFFICE_TOKEN=... node tests/clients/codegen.mjs http://127.0.0.1:8080/graphql
//
// Reads the schema by introspection from the server, generates types for operations.graphql
// with @graphql-codegen's typescript-operations plugin (which writes the enums and inputs the
// operations use, and validates them against the schema), compiles them with tsc --strict together with a file that
// uses them, then runs each operation against the server (the mutation as a dry run) and fails
// on any error.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codegen } from '@graphql-codegen/core';
import * as operations from '@graphql-codegen/typescript-operations';
import { buildClientSchema, getIntrospectionQuery, parse, printSchema } from 'graphql';
import { office } from './office.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { fail, ask } = office('codegen');


const schema = buildClientSchema(await ask(getIntrospectionQuery()));
const documentText = readFileSync(resolve(here, 'operations.graphql'), 'utf8');
const document = parse(documentText);
let types;
try {
  types = await codegen({
    filename: 'types.ts',
    schema: parse(printSchema(schema)),
    schemaAst: schema,
    documents: [{ location: 'operations.graphql', document }],
    plugins: [{ 'typescript-operations': {} }],
    pluginMap: { 'typescript-operations': operations },
    config: { scalars: { NaiveDate: 'string', DateTime: 'string', JSON: 'unknown' }, strictScalars: true },
  });
} catch (error) {
  fail(`generation: ${error.message ?? error}`);
}

// The generated types compile, and an app using them type-checks.
const dir = mkdtempSync(join(tmpdir(), 'codegen-'));
writeFileSync(join(dir, 'types.ts'), types);
writeFileSync(
  join(dir, 'app.ts'),
  `import type { CodegenInstitutionsQuery, CodegenNodeQuery, CodegenOverviewQueryVariables } from './types';
export function names(page: CodegenInstitutionsQuery): string[] {
  return page.institutions.edges.map((edge) => edge.node.name);
}
export function more(page: CodegenInstitutionsQuery): string | null | undefined {
  return page.institutions.pageInfo.hasNextPage ? page.institutions.pageInfo.endCursor : null;
}
export function kind(answer: CodegenNodeQuery): string | undefined {
  return answer.node?.__typename;
}
export const asOf: CodegenOverviewQueryVariables = { jurisdiction: '620700', asOf: '2024-12-31' };
`,
);
const tsc = resolve(here, 'node_modules/typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '--strict', '--noEmit', '--skipLibCheck', '--target', 'es2022',
    '--module', 'esnext', '--moduleResolution', 'bundler', join(dir, 'app.ts')], { stdio: 'pipe' });
} catch (error) {
  fail(`tsc: ${error.stdout}${error.stderr}`);
}

// Each operation runs against the server.
const text = (name) => {
  const start = documentText.indexOf(`query ${name}`) >= 0 ? documentText.indexOf(`query ${name}`) : documentText.indexOf(`mutation ${name}`);
  const next = documentText.slice(start + 1).search(/\n(query|mutation) /);
  return next < 0 ? documentText.slice(start) : documentText.slice(start, start + 1 + next);
};
const page = await ask(text('CodegenInstitutions'), { jurisdiction: '620700', first: 3 });
const first = page.institutions.edges[0]?.node;
if (!first) fail('no institution in the demo city');
await ask(text('CodegenOverview'), { jurisdiction: '620700', asOf: '2024-12-31' });
const node = await ask(text('CodegenNode'), { id: first.nodeId });
if (node.node?.id !== first.id) fail(`node(id:) answered ${JSON.stringify(node)}`);
const dry = await ask(text('CodegenApproveDryRun'), {
  input: { institutionId: first.id, action: 'APPROVE', funding: 'FISCAL', slots: 1, documentNo: '张编〔2026〕1号',
    effectiveOn: '2026-12-01', reason: 'codegen check', dryRun: true },
});
if (!dry.recordEstablishmentEvent) fail(`dry run answered ${JSON.stringify(dry)}`);

console.log(`codegen: ok (${types.split('\n').length} lines of types compiled with tsc --strict; 4 operations run)`);
