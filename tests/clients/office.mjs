// What the client-library checks share (apollo.mjs, codegen.mjs, relay.mjs): the endpoint from
// the command line and an office's token from OFFICE_TOKEN, failing with the check's name, and a
// plain GraphQL request as that office that fails on any error.

/** The check's endpoint, token and helpers; exits 2 with its usage when either is missing. */
export function office(name) {
  const url = process.argv[2];
  const token = process.env.OFFICE_TOKEN;
  if (!url || !token) {
    console.error(`usage: OFFICE_TOKEN=... ${name}.mjs GRAPHQL_URL`);
    process.exit(2);
  }
  function fail(message) {
    console.error(`${name}: FAIL: ${message}`);
    process.exit(1);
  }
  function check(condition, message) {
    if (!condition) fail(message);
  }
  async function ask(query, variables = {}) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors?.length) fail(`${query.slice(0, 60)}…: ${JSON.stringify(body.errors)}`);
    return body.data;
  }
  return { url, token, fail, check, ask };
}
