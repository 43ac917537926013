// Starts GraphiQL against this server's own endpoint. A token goes in the Headers tab:
// {"Authorization": "Bearer <token>"}.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: "/graphql" });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      defaultQuery: "{\n  jurisdictions { code name }\n}\n",
    })
  );
})();
