#!/usr/bin/env node
// Outside-client check: Apollo Client 4, as a web app would use it against the API.
//
//   OFFICE_TOKEN=... node tests/clients/apollo.mjs http://127.0.0.1:8080/graphql
//
// Automatic persisted queries over GET (the hash alone first, the query once when the server
// does not know it, the hash alone after), Relay-style pagination merged in Apollo's cache
// (relayStylePagination over `institutions`), a record refetched by its global id through
// `node(id:)`, and a refusal read as Apollo reads errors (CombinedGraphQLErrors with the code).
import { createHash } from 'node:crypto';
import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { relayStylePagination } from '@apollo/client/utilities';
import { office as officeCheck } from './office.mjs';

const { url, token, fail, check } = officeCheck('apollo');

// Every request the client sends, as the server sees it.
const sent = [];
async function recordingFetch(input, init = {}) {
  const target = new URL(typeof input === 'string' ? input : input.url);
  const body = init.body ? JSON.parse(init.body) : null;
  const query = target.searchParams.get('query') ?? body?.query ?? null;
  sent.push({ method: init.method ?? 'GET', withQuery: Boolean(query) });
  return fetch(input, init);
}

function client(headers) {
  const persisted = new PersistedQueryLink({
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
    useGETForHashedQueries: true,
  });
  return new ApolloClient({
    link: persisted.concat(new HttpLink({ uri: url, headers, fetch: recordingFetch })),
    cache: new InMemoryCache({
      typePolicies: { Query: { fields: { institutions: relayStylePagination(['jurisdiction']) } } },
    }),
  });
}

const office = client({ authorization: `Bearer ${token}` });

// Persisted queries: GET with the hash, refused as unknown, then the query sent; a second client
// (a cold cache, the same server) gets its answer from the hash alone.
const PAGE = gql`
  query ApolloInstitutions($jurisdiction: String, $first: Int, $after: String) {
    institutions(jurisdiction: $jurisdiction, first: $first, after: $after) {
      totalCount
      edges { cursor node { id nodeId name } }
      pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
    }
  }
`;
const variables = { jurisdiction: '620700', first: 5 };
const first = await office.query({ query: PAGE, variables });
check(first.data.institutions.edges.length === 5, `first page: ${JSON.stringify(first.data)}`);
check(sent[0].method === 'GET' && !sent[0].withQuery, `first request not a hash-only GET: ${JSON.stringify(sent)}`);
check(sent.some((r) => r.withQuery), `the query was never sent after the hash was refused: ${JSON.stringify(sent)}`);
sent.length = 0;
const again = await client({ authorization: `Bearer ${token}` }).query({ query: PAGE, variables });
check(again.data.institutions.totalCount === first.data.institutions.totalCount, 'second client: another answer');
check(sent.length === 1 && sent[0].method === 'GET' && !sent[0].withQuery,
  `a known hash still sent the query: ${JSON.stringify(sent)}`);

// Relay-style pages merged in the cache.
const watched = office.watchQuery({ query: PAGE, variables });
const page1 = await watched.fetchMore({ variables: { after: first.data.institutions.pageInfo.endCursor } });
check(page1.data.institutions.edges.length === 5, `second page: ${JSON.stringify(page1.data)}`);
const merged = office.readQuery({ query: PAGE, variables });
const ids = merged.institutions.edges.map((e) => e.node.id);
check(ids.length === 10 && new Set(ids).size === 10, `the cache did not merge two pages of five: ${ids}`);

// A record by its global id.
const NODE = gql`
  query ApolloNode($id: ID!) { node(id: $id) { __typename nodeId ... on Institution { id name } } }
`;
const target = first.data.institutions.edges[0].node;
const node = await office.query({ query: NODE, variables: { id: target.nodeId } });
check(node.data.node.__typename === 'Institution' && node.data.node.id === target.id,
  `node(id:) answered ${JSON.stringify(node.data)}`);

// A refusal, as Apollo hands it to the app.
const anonymous = client({});
const RECORD = gql`query ApolloRecord($id: ID!) { institution(id: $id) { id name } }`;
try {
  await anonymous.query({ query: RECORD, variables: { id: target.id } });
  fail('the public read an institution record');
} catch (error) {
  check(CombinedGraphQLErrors.is(error), `not a GraphQL error: ${error}`);
  check(error.errors[0].extensions?.code === 'FORBIDDEN', `code: ${JSON.stringify(error.errors)}`);
}

console.log(`apollo: ok (Apollo Client, persisted queries over GET, ${ids.length} institutions over two pages, node, FORBIDDEN)`);
