// Starts GraphiQL against this server's own endpoint. A browser signed in to the console carries
// its session cookie; every POST of a cookie session needs the session's CSRF token, which
// /auth/session gives this page (same origin only). Without a session, a token goes in the
// Headers tab: {"Authorization": "Bearer <token>"}.
(function () {
  function start(headers) {
    var fetcher = GraphiQL.createFetcher({ url: "/graphql", headers: headers });
    var root = ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(
      React.createElement(GraphiQL, {
        fetcher: fetcher,
        defaultEditorToolsVisibility: true,
        defaultQuery: "{\n  jurisdictions { code name }\n}\n",
      })
    );
  }
  fetch("/auth/session", { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (session) { start(session && session.csrfToken ? { "X-CSRF-Token": session.csrfToken } : {}); })
    .catch(function () { start({}); });
})();
