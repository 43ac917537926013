// PostGraphile 5 peer server for the benchmark: the same PostgreSQL database, exposed as
// GraphQL by PostGraphile's Amber preset. See README.md.
//
//   DATABASE_URL=postgres://... PORT=5678 node bench/peer/server.mjs

// Node 20 lacks Promise.withResolvers (ES2024), which PostGraphile 5 uses. It must exist
// before PostGraphile is loaded, hence the dynamic imports below.
if (typeof Promise.withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    value: function withResolvers() {
      let resolve, reject;
      const promise = new this((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

// Production mode unless told otherwise (also silences Grafast's startup notice).
process.env.GRAPHILE_ENV ??= "production";

const { createServer } = await import("node:http");
const { postgraphile } = await import("postgraphile");
const { PostGraphileAmberPreset } = await import("postgraphile/presets/amber");
const { makePgService } = await import("postgraphile/adaptors/pg");
const { grafserv } = await import("postgraphile/grafserv/node");

const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  console.error("DATABASE_URL is required");
  process.exit(1);
}
const port = Number(process.env.PORT || 5678);
const schemas = (process.env.PG_SCHEMAS || "public")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
const poolMax = process.env.PG_POOL_MAX ? Number(process.env.PG_POOL_MAX) : undefined;

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString,
      schemas,
      pubsub: false,
      ...(poolMax ? { poolConfig: { max: poolMax } } : {}),
    }),
  ],
  grafserv: {
    port,
    graphqlPath: "/graphql",
    graphiql: false,
    watch: false,
    websockets: false,
  },
  grafast: {
    explain: false,
  },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
// Build the schema before accepting connections, so "listening" means ready.
await pgl.getSchemaResult();

const server = createServer();
server.on("error", (e) => {
  console.error(e);
  process.exit(1);
});
await serv.addTo(server);
server.listen(port, () => {
  console.log(`listening on ${port}`);
});

const shutdown = () => {
  server.close();
  pgl.release().finally(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
